package order

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// withEbook is the sample order plus a non-physical line.
func withEbook() Order {
	o := sampleOrder()
	o.Lines = append(o.Lines, Line{ID: 14, SKU: "EBOOK-01", Name: "Recettes (PDF)", UnitPrice: 500, Quantity: 1, VATRate: 550})
	o.Totals = Reprice(o)
	return o
}

func TestShippableAndCompletable(t *testing.T) {
	tests := []struct {
		l                      Line
		shippable, completable int64
	}{
		{Line{Quantity: 3, Physical: true}, 3, 0},
		{Line{Quantity: 3, QtyCancelled: 1, QtyShipped: 1, Physical: true}, 1, 0},
		{Line{Quantity: 3, QtyCancelled: 1, QtyShipped: 2, Physical: true}, 0, 0},
		{Line{Quantity: 2}, 0, 2},
		{Line{Quantity: 2, QtyCompleted: 2}, 0, 0},
		{Line{Quantity: 1, QtyShipped: 5, Physical: true}, 0, 0}, // inconsistent row: never negative
	}
	for _, tt := range tests {
		if s, c := tt.l.Shippable(), tt.l.Completable(); s != tt.shippable || c != tt.completable {
			t.Errorf("%+v: shippable %d completable %d; want %d %d", tt.l, s, c, tt.shippable, tt.completable)
		}
	}
}

func TestFulfilRefusals(t *testing.T) {
	unpaid := sampleOrder()
	unpaid.Status = StatusAwaitingPayment
	held := sampleOrder()
	held.HoldBy = "modify-content/C-2026-000123/r1"
	shippedTwo := sampleOrder()
	shippedTwo.Lines[2].QtyShipped = 2
	tests := []struct {
		name      string
		o         Order
		r         FulfilRequest
		field     string
		mentioned string // what the message must name
	}{
		{"not paid", unpaid, FulfilRequest{Ship: DefaultShip(unpaid), Carrier: "DPD"}, "order", "not paid yet"},
		{"cancelled", func() Order { o := sampleOrder(); o.Status = StatusCancelled; return o }(), FulfilRequest{Carrier: "DPD"}, "order", "is cancelled"},
		{"archived", func() Order { o := sampleOrder(); now := time.Now(); o.ArchivedAt = &now; return o }(), FulfilRequest{Ship: DefaultShip(sampleOrder()), Carrier: "DPD"}, "order", "archived"},
		{"held by modify-content", held, FulfilRequest{Ship: DefaultShip(held), Carrier: "DPD"}, "order", "modify-content/"},
		{"more than left", shippedTwo, FulfilRequest{Ship: []LineQuantity{{13, 2}}, Carrier: "DPD"}, "ship[0]", "TEE-01"},
		{"more than ordered", sampleOrder(), FulfilRequest{Ship: []LineQuantity{{11, 1}, {12, 2}}, Carrier: "DPD"}, "ship[1]", "BOOK-01"},
		{"negative", sampleOrder(), FulfilRequest{Ship: []LineQuantity{{11, -1}}, Carrier: "DPD"}, "ship[0]", "MUG-01"},
		{"unknown line", sampleOrder(), FulfilRequest{Ship: []LineQuantity{{99, 1}}, Carrier: "DPD"}, "ship[0]", "99"},
		{"named twice", sampleOrder(), FulfilRequest{Ship: []LineQuantity{{11, 1}, {11, 1}}, Carrier: "DPD"}, "ship[1]", "MUG-01"},
		{"ship a non-physical line", withEbook(), FulfilRequest{Ship: []LineQuantity{{14, 1}}, Carrier: "DPD"}, "ship[0]", "EBOOK-01"},
		{"complete a physical line", sampleOrder(), FulfilRequest{Complete: []int64{11}}, "complete[0]", "MUG-01"},
		{"nothing selected", sampleOrder(), FulfilRequest{Ship: []LineQuantity{{11, 0}}, Carrier: "DPD"}, "ship", "Nothing selected"},
		{"no carrier", sampleOrder(), FulfilRequest{Ship: DefaultShip(sampleOrder()), Carrier: "  "}, "carrier", "carrier"},
		{"tracking too long", sampleOrder(), FulfilRequest{Ship: DefaultShip(sampleOrder()), Carrier: "DPD", Tracking: strings.Repeat("9", 101)}, "tracking", "100"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ApplyFulfil(tt.o, tt.r)
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("ApplyFulfil = %v, want a field error on %s", err, tt.field)
			}
			if fe.Field != tt.field || !strings.Contains(fe.Message, tt.mentioned) {
				t.Errorf("error = %s: %s; want field %s naming %q", fe.Field, fe.Message, tt.field, tt.mentioned)
			}
		})
	}
}

func TestApplyFulfilStatuses(t *testing.T) {
	// Part, then the rest: paid → partially_shipped → shipped; the
	// warehouse's status becomes shipped with the last parcel.
	o := sampleOrder()
	first, err := ApplyFulfil(o, FulfilRequest{Ship: []LineQuantity{{11, 2}, {13, 1}}, Carrier: "Colissimo", Tracking: " 6A123 "})
	if err != nil {
		t.Fatal(err)
	}
	if first.Status != StatusPartiallyShipped || first.Logistics != LogisticsAwaitingPrinting {
		t.Errorf("after the first parcel: %s / %s, want partially_shipped / awaiting_printing", first.Status, first.Logistics)
	}
	if first.Tracking != "6A123" || first.Carrier != "Colissimo" {
		t.Errorf("carrier %q tracking %q", first.Carrier, first.Tracking)
	}
	wantLeft := []string{"1 × Livre de cuisine (BOOK-01)", "2 × T-shirt (TEE-01)"}
	if got := Describe(first.LeftToShip); got != strings.Join(wantLeft, ", ") {
		t.Errorf("left to ship: %s", got)
	}
	if got := Describe(first.Shipped); got != "2 × Mug émaillé (MUG-01), 1 × T-shirt (TEE-01)" {
		t.Errorf("shipped: %s", got)
	}
	o.Lines, o.Status = first.Lines, first.Status
	if !reflect.DeepEqual(DefaultShip(o), []LineQuantity{{12, 1}, {13, 2}}) {
		t.Errorf("DefaultShip after the first parcel = %v", DefaultShip(o))
	}
	second, err := ApplyFulfil(o, FulfilRequest{Ship: DefaultShip(o), Carrier: "DPD"})
	if err != nil {
		t.Fatal(err)
	}
	if second.Status != StatusShipped || second.Logistics != LogisticsShipped || len(second.LeftToShip) != 0 {
		t.Errorf("after the rest: %s / %s, left %v; want shipped / shipped, nothing left", second.Status, second.Logistics, second.LeftToShip)
	}

	// A cancelled item is not waited for.
	c := sampleOrder()
	c.Lines[2].QtyCancelled = 3
	res, err := ApplyFulfil(c, FulfilRequest{Ship: DefaultShip(c), Carrier: "GLS"})
	if err != nil || res.Status != StatusShipped {
		t.Errorf("with the T-shirts cancelled: %v, %v; want shipped", res.Status, err)
	}

	// Physical and non-physical: shipped only once both are done.
	e := withEbook()
	res, err = ApplyFulfil(e, FulfilRequest{Ship: DefaultShip(e), Carrier: "UPS"})
	if err != nil || res.Status != StatusPartiallyShipped || res.Logistics != LogisticsShipped {
		t.Errorf("physical shipped, ebook not completed: %s / %s, %v; want partially_shipped / shipped", res.Status, res.Logistics, err)
	}
	e.Lines, e.Status, e.Logistics = res.Lines, res.Status, res.Logistics
	res, err = ApplyFulfil(e, FulfilRequest{Complete: DefaultComplete(e)})
	if err != nil || res.Status != StatusShipped || Describe(res.Completed) != "1 × Recettes (PDF) (EBOOK-01)" || res.Carrier != "" {
		t.Errorf("ebook completed: %s, completed %v, carrier %q, %v; want shipped", res.Status, res.Completed, res.Carrier, err)
	}

	// Nothing physical: completing everything completes the order.
	d := withEbook()
	d.Lines = d.Lines[3:]
	res, err = ApplyFulfil(d, FulfilRequest{Complete: []int64{14}})
	if err != nil || res.Status != StatusCompleted || res.Logistics != LogisticsAwaitingPrinting {
		t.Errorf("digital order: %s / %s, %v; want completed, logistics untouched", res.Status, res.Logistics, err)
	}
}

func TestTrackingURL(t *testing.T) {
	if got := TrackingURL("colissimo", "6A 12"); got != "https://www.laposte.fr/outils/suivre-vos-envois?code=6A+12" {
		t.Errorf("TrackingURL = %s", got)
	}
	if got := TrackingURL("Transports Dupont", "X1"); got != "" {
		t.Errorf("unknown carrier: %s, want none", got)
	}
	if got := TrackingURL("DPD", ""); got != "" {
		t.Errorf("no tracking number: %s, want none", got)
	}
}
