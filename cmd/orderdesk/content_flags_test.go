package main

import (
	"strings"
	"testing"

	"github.com/orderdesk/orderdesk/order"

	"github.com/orderdesk/orderdesk/locale"
)

// en says the refusals in English, as the tables here expect them.
var en = locale.For(locale.English)

// TestModifyContentRefusalsNameTheFlags: a content change the procedure
// refuses is shown at the terminal with the flag to fix (--set, --price,
// --rename), never with the request's own field names (--quantities,
// --edits), which are not flags of orderdesk start modify-content.
func TestModifyContentRefusalsNameTheFlags(t *testing.T) {
	o := order.Order{Number: "C-2026-000101", Lines: []order.Line{
		{ID: 11, SKU: "MUG-01", Name: "Mug", UnitPrice: 1250, Quantity: 2, VATRate: 2000},
		{ID: 12, SKU: "BOL-01", Name: "Bol", UnitPrice: 990, Quantity: 1, QtyShipped: 1, VATRate: 2000},
	}}
	for _, tt := range []struct {
		name                  string
		sets, prices, renames []string
		want                  string
	}{
		{"nothing asked", nil, nil, nil, "--set: The change is empty"},
		{"a product named twice", []string{"MUG-01=1", "MUG-01=0"}, nil, nil, "--set: Line 11 (MUG-01) is named twice"},
		{"a quantity below 0", []string{"MUG-01=-1"}, nil, nil, "--set: Quantity -1 for MUG-01 is below 0"},
		{"below what was shipped", []string{"BOL-01=0"}, nil, nil, "--set: Quantity 0 for BOL-01 is below the 1 already shipped"},
		{"a raise named twice", []string{"MUG-01=3", "MUG-01=4"}, nil, nil, "--set: Line 11 (MUG-01) is named twice"},
		{"a lowered quantity", []string{"MUG-01=1"}, nil, nil, ""},
		{"removed and repriced", []string{"MUG-01=0"}, []string{"MUG-01=15,00"}, nil, "--price: Line 11 (MUG-01) is both removed and edited"},
		{"removed and renamed", []string{"MUG-01=0"}, nil, []string{"MUG-01=Mug XL"}, "--rename: Line 11 (MUG-01) is both removed and edited"},
		{"a negative price", nil, []string{"MUG-01=-1,00"}, nil, "--price: "},
		{"an empty name", nil, nil, []string{"MUG-01= "}, "--rename: The name of MUG-01 cannot be empty"},
		{"a price unchanged", nil, []string{"MUG-01=12,50"}, nil, "--price: "},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, err := contentChange(o, tt.sets, tt.prices, tt.renames, nil)
			if err == nil {
				err = contentFlag(c.Validate(o), c) // what the starter answers, as the CLI shows it
			}
			if tt.want == "" {
				if err != nil {
					t.Fatalf("refused: %s", describe(err, en))
				}
				return
			}
			if err == nil {
				t.Fatalf("accepted %+v, want %q", c, tt.want)
			}
			got := describe(err, en)
			if !strings.HasPrefix(got, tt.want) {
				t.Errorf("shown as %q, want it to start with %q", got, tt.want)
			}
			for _, bad := range []string{"--quantities", "--edits", "in quantities", "an edit"} {
				if strings.Contains(got, bad) {
					t.Errorf("%q names %q, which the terminal has no flag for", got, bad)
				}
			}
		})
	}
}

// TestLoweredAndRepricedAtOnce: --set lowering a product and --price of the
// same product make one edit of that line, as the order page does, not a
// change the procedure refuses.
func TestLoweredAndRepricedAtOnce(t *testing.T) {
	o := order.Order{Number: "C-2026-000101", Logistics: order.LogisticsAwaitingPrinting, Lines: []order.Line{
		{ID: 11, SKU: "MUG-01", Name: "Mug", UnitPrice: 1250, Quantity: 3, VATRate: 2000},
		{ID: 12, SKU: "BOL-01", Name: "Bol", UnitPrice: 990, Quantity: 1, VATRate: 2000},
	}}
	c, err := contentChange(o, []string{"MUG-01=1", "BOL-01=0"}, []string{"MUG-01=15,00"}, nil, nil)
	if err != nil {
		t.Fatal(describe(err, en))
	}
	if err := c.Validate(o); err != nil {
		t.Fatalf("the procedure would refuse it: %s", describe(contentFlag(err, c), en))
	}
	res, err := order.ApplyContentChange(o, c)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Lines) != 1 || res.Lines[0].SKU != "MUG-01" || res.Lines[0].Remaining() != 1 || res.Lines[0].UnitPrice != 1500 {
		t.Errorf("after the change: %+v, want 1 × MUG-01 at 15,00 €", res.Lines)
	}
}

// TestRefusalsNameTheCommandsFlags: a refusal of payment record, payment
// confirm or answer whose field no flag is named after is shown with the
// flag that sets it, or with none when no flag would fix it.
func TestRefusalsNameTheCommandsFlags(t *testing.T) {
	for _, tt := range []struct {
		command string
		flags   map[string]string
		err     error
		want    string
	}{
		{"payment record --date 2030-03-14", paymentRecordFields,
			order.Fieldf("received_at", "the date received 14/03/2030 is in the future"), "--date: the date received 14/03/2030 is in the future"},
		{"payment record --means bitcoin", paymentRecordFields,
			order.Fieldf("means", `"bitcoin" is not a payment means`), `--means: "bitcoin" is not a payment means`},
		{"payment confirm, not paid yet", paymentConfirmFields,
			order.Fieldf("confirmation", "order C-2026-000101 is not paid yet (6,90 € still due)"), "order C-2026-000101 is not paid yet (6,90 € still due)"},
		{"answer --outcome cheque_mailed", answerFields,
			order.Fieldf("reference", "give the number of the cheque mailed"), "--cheque-number: give the number of the cheque mailed"},
		{"answer --outcome approve", answerFields,
			order.Fieldf("approver", "luc@boutique.fr asked for this and cannot approve it"), "--agent: luc@boutique.fr asked for this and cannot approve it"},
	} {
		if got := describe(asFlags(tt.err, tt.flags), en); got != tt.want {
			t.Errorf("%s: shown as %q, want %q", tt.command, got, tt.want)
		}
	}
}
