package mail

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/orderdesk/orderdesk/order"
)

// The golden test pins every email, byte for byte, as the customer (or
// the shop) receives it: its subject, text and HTML in both languages, for
// every outcome and every shape of data the other tests use. Changing the
// templates' structure must leave these files alone; changing what an
// email says means regenerating them and reading the diff:
//
//	go test ./mail -run Golden -update

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden from the current templates")

// goldenCase is one email's data, rendered in every locale.
type goldenCase struct {
	template, name string
	data           any
}

func goldenCases() []goldenCase {
	var cases []goldenCase
	add := func(template, name string, data any) {
		cases = append(cases, goldenCase{template, name, data})
	}

	// content_modified: every outcome, on the shop's removed T-shirts.
	cm := func(edit func(*ContentModified)) ContentModified {
		c := removedTees()
		c.Removed = append([]order.Line(nil), c.Removed...)
		if edit != nil {
			edit(&c)
		}
		return c
	}
	outcomes := []struct {
		name string
		cm   func(*ContentModified)
		cr   func(*CancelRefund)
	}{
		{"refunded",
			func(c *ContentModified) {
				c.Outcome, c.Refund, c.ProviderRef, c.PaymentMethod = OutcomeRefunded, order.EUR(5280), "re_3PqL0x", order.PayCard
			},
			func(c *CancelRefund) {
				c.Outcome, c.Refund, c.ProviderRef, c.PaymentMethod = OutcomeRefunded, order.EUR(1000), "re_1", order.PayPayPal
			}},
		{"refunded_bare",
			func(c *ContentModified) { c.Outcome, c.Refund = OutcomeRefunded, order.EUR(5280) },
			func(c *CancelRefund) { c.Outcome, c.Refund = OutcomeRefunded, order.EUR(1000) }},
		{"refund_impossible",
			func(c *ContentModified) {
				c.Outcome, c.Refund, c.Reason = OutcomeRefundImpossible, order.EUR(5280), "carte bancaire expirée"
			},
			func(c *CancelRefund) { c.Outcome, c.Reason = OutcomeRefundImpossible, "expired card" }},
		{"refund_impossible_bare",
			func(c *ContentModified) { c.Outcome, c.Refund = OutcomeRefundImpossible, order.EUR(5280) },
			func(c *CancelRefund) { c.Outcome = OutcomeRefundImpossible }},
		{"bank_transfer",
			func(c *ContentModified) {
				c.Outcome, c.Refund, c.IBAN, c.ProviderRef = OutcomeBankTransfer, order.EUR(5280), "FR76 3000 6000 0112 3456 7890 189", "po_9"
			},
			func(c *CancelRefund) {
				c.Outcome, c.Refund, c.IBAN = OutcomeBankTransfer, order.EUR(1000), "FR76 **** **** 0189"
			}},
		{"store_credit",
			func(c *ContentModified) {
				c.Outcome, c.Refund, c.Voucher = OutcomeStoreCredit, order.EUR(2500), "AVOIR-7K3P-9QX2"
			},
			func(c *CancelRefund) {
				c.Outcome, c.Refund, c.Voucher = OutcomeStoreCredit, order.EUR(2500), "AVOIR-7K3P-9QX2"
			}},
		{"cheque_refund_to_address",
			func(c *ContentModified) {
				c.Outcome, c.Refund, c.ChequeAddress, c.ChequeDays, c.PaymentMethod = OutcomeChequeRefund, order.EUR(5280), lilas, 10, order.PayCard
			},
			func(c *CancelRefund) {
				c.Outcome, c.Refund, c.ChequeAddress, c.ChequeDays, c.PaymentMethod = OutcomeChequeRefund, order.EUR(5280), lilas, 10, order.PayCard
			}},
		{"cheque_refund_cheque_sent",
			func(c *ContentModified) {
				c.Outcome, c.Refund, c.PaymentMethod = OutcomeChequeRefund, order.EUR(5280), order.PayCheque
			},
			func(c *CancelRefund) {
				c.Outcome, c.Refund, c.ChequeAddress, c.PaymentMethod = OutcomeChequeRefund, order.EUR(5280), lilas, order.PayCheque
			}},
		{"cheque_replaced",
			func(c *ContentModified) { c.Outcome = OutcomeChequeReplaced },
			func(c *CancelRefund) {
				c.Goodwill, c.Cancelled, c.NewTotal, c.Outcome, c.Refund = "", removedTees().Removed, order.EUR(4890), OutcomeChequeReplaced, order.Money{}
			}},
		{"refund_rejected",
			func(c *ContentModified) { c.Outcome, c.Refund = OutcomeRefundRejected, order.EUR(5280) },
			func(c *CancelRefund) { c.Outcome, c.Refund = OutcomeRefundRejected, order.EUR(5280) }},
		{"none",
			func(c *ContentModified) { c.Outcome = OutcomeNone },
			func(c *CancelRefund) {
				c.Goodwill, c.Cancelled, c.NewTotal, c.Outcome, c.Refund = "", removedTees().Removed, order.EUR(4890), OutcomeNone, order.Money{}
			}},
	}
	for _, o := range outcomes {
		add(TemplateContentModified, o.name, cm(o.cm))
	}
	add(TemplateContentModified, "balance_due", cm(func(c *ContentModified) {
		c.Removed[0].Quantity, c.NewTotal = 1, order.EUR(9560)
		c.Outcome, c.BalanceDue = OutcomeBalanceDue, order.EUR(490)
	}))
	add(TemplateContentModified, "balance_due_link", cm(func(c *ContentModified) {
		c.Removed[0].Quantity, c.NewTotal = 1, order.EUR(9560)
		c.Outcome, c.BalanceDue, c.PaymentLink = OutcomeBalanceDue, order.EUR(490), "https://pay.boutique.example/C-2026-000123?t=a&b=1"
	}))
	// content_modified: the shapes of the change and of the shipping fee.
	add(TemplateContentModified, "agent_note_same_shipping", cm(func(c *ContentModified) {
		c.Shipping = order.ShippingChange{Before: 690, After: 690}
		c.AgentNote = "Le T-shirt brodé revient en stock en juin :\nje vous préviendrai dès son retour."
	}))
	add(TemplateContentModified, "several_removed_large_amounts", cm(func(c *ContentModified) {
		c.Removed = append(c.Removed, order.Line{ID: 14, SKU: "SOFA", Name: "Canapé trois places", UnitPrice: 129900, Quantity: 1})
		c.Shipping = order.ShippingChange{Before: 690, After: 490}
		c.NewTotal, c.Outcome, c.Refund = order.EUR(1234567), OutcomeRefunded, order.EUR(131890)
	}))
	add(TemplateContentModified, "shipping_now_free", cm(func(c *ContentModified) {
		c.Shipping = order.ShippingChange{Before: 690, After: 0}
	}))
	add(TemplateContentModified, "no_name", cm(func(c *ContentModified) { c.CustomerName = "" }))
	add(TemplateContentModified, "escapes_markup", cm(func(c *ContentModified) {
		c.Removed = []order.Line{{ID: 13, SKU: "TEE-01", Name: `T-shirt <b>Édition</b> "limitée"`, UnitPrice: 1990, Quantity: 3}}
		c.AgentNote = `<script>alert("x")</script>`
	}))
	mug := order.Line{ID: 11, SKU: "MUG-01", Name: "Mug émaillé", UnitPrice: 1250, Quantity: 2, VATRate: 2000}
	blue := mug
	blue.SKU, blue.Name, blue.UnitPrice, blue.Quantity = "MUG-02", "Mug bleu", 1000, 3
	edits := func() ContentModified {
		return ContentModified{
			CustomerName: "Camille Martin", OrderNumber: "C-2026-000123",
			Added:    []order.Line{{SKU: "CAP-01", Name: "Casquette", UnitPrice: 1500, Quantity: 2, VATRate: 2000}},
			Edited:   []order.LineDiff{{Before: mug, After: blue}},
			NewTotal: order.EUR(14360), Shipping: order.ShippingChange{},
			Outcome: OutcomeBalanceDue, BalanceDue: order.EUR(3500),
		}
	}
	add(TemplateContentModified, "added_and_edited", edits())
	all := edits()
	all.Removed = removedTees().Removed
	vat := blue
	vat.SKU, vat.Name, vat.UnitPrice, vat.Quantity, vat.VATRate = mug.SKU, mug.Name, mug.UnitPrice, mug.Quantity, 550
	all.Edited = []order.LineDiff{{Before: mug, After: vat}, {Before: mug, After: blue}}
	all.Added = append(all.Added, order.Line{Name: "Tablier", UnitPrice: 900, Quantity: 1})
	all.AgentNote = "Je reste joignable au 01 23 45 67 89 <jusqu'à 18 h>."
	add(TemplateContentModified, "removed_added_edited", all)

	// cancel_refund: every outcome, and the shapes of a cancellation.
	cr := func(edit func(*CancelRefund)) CancelRefund {
		c := goodwill()
		if edit != nil {
			edit(&c)
		}
		return c
	}
	for _, o := range outcomes {
		add(TemplateCancelRefund, o.name, cr(o.cr))
	}
	tees := removedTees().Removed
	add(TemplateCancelRefund, "some_cancelled_refunded", cr(func(c *CancelRefund) {
		c.Goodwill, c.Cancelled, c.NewTotal, c.Refund, c.PaymentMethod = "", tees, order.EUR(4890), order.EUR(5970), order.PayPayPal
	}))
	add(TemplateCancelRefund, "whole_order_with_shipping", cr(func(c *CancelRefund) {
		c.Goodwill, c.Cancelled, c.OrderCancelled = "", append(append([]order.Line(nil), tees...), mug), true
		c.ShippingRefunded, c.NewTotal, c.Refund = order.EUR(690), order.EUR(0), order.EUR(9160)
	}))
	add(TemplateCancelRefund, "whole_order_one_item", cr(func(c *CancelRefund) {
		c.Goodwill, c.Cancelled, c.OrderCancelled, c.NewTotal, c.Refund = "", tees, true, order.EUR(690), order.EUR(5970)
	}))
	add(TemplateCancelRefund, "cheque_cancelled", cr(func(c *CancelRefund) {
		c.Goodwill, c.Cancelled, c.OrderCancelled, c.NewTotal, c.Outcome, c.Refund = "", tees, true, order.EUR(0), OutcomeChequeCancelled, order.Money{}
	}))
	add(TemplateCancelRefund, "agent_note_no_name", cr(func(c *CancelRefund) {
		c.CustomerName = ""
		c.AgentNote = "Je reste joignable au 01 23 45 67 89 <jusqu'à 18 h>."
	}))

	// The payment emails, with everything given and with the optional
	// parts left out.
	full := Payment{
		CustomerName: "Camille Martin", CustomerEmail: "camille@example.fr", OrderNumber: "C-2026-000123", ShopName: "Boutique du Vieux Lyon",
		InvoiceNumber: "F-2026-000007", Amount: order.EUR(3190), Balance: order.EUR(1000), Total: order.EUR(3190),
		PaymentLink: "https://pay.test/F-2026-000007?a=1&b=2", Means: string(order.PayCheque), Reference: "CHQ 1", Deadline: time.Date(2026, 4, 14, 10, 0, 0, 0, time.UTC),
		Lines: []order.Line{{Name: "Mug Tour Eiffel", UnitPrice: 1250, Quantity: 2}, {Name: `Tablier <"coton">`, UnitPrice: 690, Quantity: 1}},
	}
	bare := Payment{OrderNumber: "C-2026-000124", ShopName: "Boutique du Vieux Lyon", Amount: order.EUR(123456)}
	balanceDue := full
	balanceDue.BalanceDue, balanceDue.Reason, balanceDue.PaymentLink = true, "livraison express", ""
	for _, name := range []string{TemplatePaymentInvoice, TemplatePaymentReminder, TemplatePaymentConfirmation,
		TemplatePaymentCancelled, TemplateMerchantNewOrder, TemplateMerchantPaymentReceived} {
		add(name, "full", full)
		add(name, "bare", bare)
	}
	add(TemplatePaymentInvoice, "balance_due_means", balanceDue)
	cases = append(cases, shippedGoldenCases()...) // shipped_test.go
	cases = append(cases, detailsGoldenCases()...) // details_changed_test.go
	cases = append(cases, returnGoldenCases()...)  // return_instructions_test.go
	return cases
}

// goldenText is how a rendered email is stored: easy to read in a diff.
func goldenText(m Message) string {
	return "Subject: " + m.Subject + "\n-- text --\n" + m.Text + "-- html --\n" + m.HTML
}

func TestGolden(t *testing.T) {
	dir := filepath.Join("testdata", "golden")
	seen := map[string]bool{}
	rendered := map[string]bool{}
	for _, c := range goldenCases() {
		rendered[c.template] = true
		for _, loc := range Locales {
			file := fmt.Sprintf("%s.%s.%s.golden", c.template, c.name, loc)
			if seen[file] {
				t.Fatalf("two golden cases write %s", file)
			}
			seen[file] = true
			m, err := Render(c.template, loc, c.data)
			if err != nil {
				t.Errorf("Render(%s %s, %s): %v", c.template, c.name, loc, err)
				continue
			}
			got := goldenText(m)
			path := filepath.Join(dir, file)
			if *update {
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Errorf("%v (go test ./mail -run Golden -update writes it)", err)
				continue
			}
			if got != string(want) {
				t.Errorf("%s changed:\n%s", path, lineDiff(string(want), got))
			}
		}
	}
	// Every email is pinned, and no golden file is left over from a case
	// that no longer exists.
	for _, name := range Templates() {
		if !rendered[name] {
			t.Errorf("template %s has no golden case", name)
		}
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.golden"))
	sort.Strings(files)
	for _, f := range files {
		if !seen[filepath.Base(f)] {
			if *update {
				os.Remove(f)
				continue
			}
			t.Errorf("%s belongs to no golden case", f)
		}
	}
}

// lineDiff shows the first lines that differ, with their numbers.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < max(len(w), len(g)) && shown < 8; i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "line %d:\n  want %q\n  got  %q\n", i+1, wl, gl)
			shown++
		}
	}
	return b.String()
}
