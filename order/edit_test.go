package order

import (
	"reflect"
	"testing"
)

// Tests of the the product-edit procedure edits: change a line, add a product, and the preview.

func ptr[T any](v T) *T { return &v }

func TestContentChangeValidateEdits(t *testing.T) {
	good := NewLine{SKU: "CAP-01", Name: "Casquette", UnitPrice: 1500, Quantity: 1, VATRate: 2000, Physical: true}
	with := func(edit func(*NewLine)) NewLine { l := good; edit(&l); return l }
	tests := []struct {
		name      string
		change    ContentChange
		field     string
		fragments []string
	}{
		{"change a price", ContentChange{Edits: []LineEdit{{LineID: 11, UnitPrice: ptr[int64](1100)}}}, "", nil},
		{"raise a quantity", ContentChange{Edits: []LineEdit{{LineID: 12, Quantity: ptr[int64](4)}}}, "", nil},
		{"change SKU and name (another colour)", ContentChange{Edits: []LineEdit{{LineID: 13, SKU: ptr("TEE-02"), Name: ptr("T-shirt bleu")}}}, "", nil},
		{"free product", ContentChange{Edits: []LineEdit{{LineID: 11, UnitPrice: ptr[int64](0)}}}, "", nil},
		{"add a product", ContentChange{Add: []NewLine{good}}, "", nil},
		{"remove one, add one, edit one", ContentChange{
			Quantities: []LineQuantity{{13, 0}}, Edits: []LineEdit{{LineID: 11, Quantity: ptr[int64](1)}}, Add: []NewLine{good}}, "", nil},
		{"replace every product", ContentChange{Quantities: []LineQuantity{{11, 0}, {12, 0}, {13, 0}}, Add: []NewLine{good}}, "", nil},

		{"edit of an unknown line", ContentChange{Edits: []LineEdit{{LineID: 99, Name: ptr("x")}}}, "edits[0]", []string{"Line 99", "not in order"}},
		{"line removed and edited", ContentChange{Quantities: []LineQuantity{{13, 0}}, Edits: []LineEdit{{LineID: 13, Name: ptr("x")}}},
			"edits[0]", []string{"Line 13", "TEE-01", "both removed and edited"}},
		{"line lowered and edited", ContentChange{Quantities: []LineQuantity{{13, 1}}, Edits: []LineEdit{{LineID: 13, Name: ptr("x")}}},
			"edits[0]", []string{"also named in quantities"}},
		{"line edited twice", ContentChange{Edits: []LineEdit{{LineID: 11, Name: ptr("x")}, {LineID: 11, SKU: ptr("y")}}}, "edits[1]", []string{"named twice", "every change to it together"}},
		{"negative price", ContentChange{Edits: []LineEdit{{LineID: 11, UnitPrice: ptr[int64](-1)}}}, "edits[0].unit_price", []string{"negative", "-€0.01"}},
		{"price beyond the limit", ContentChange{Edits: []LineEdit{{LineID: 11, UnitPrice: ptr[int64](MaxUnitPrice + 1)}}}, "edits[0].unit_price", []string{"limit"}},
		{"empty SKU", ContentChange{Edits: []LineEdit{{LineID: 11, SKU: ptr("  ")}}}, "edits[0].sku", []string{"cannot be empty"}},
		{"empty name", ContentChange{Edits: []LineEdit{{LineID: 11, Name: ptr("")}}}, "edits[0].name", []string{"MUG-01", "cannot be empty"}},
		{"quantity 0 in an edit", ContentChange{Edits: []LineEdit{{LineID: 11, Quantity: ptr[int64](0)}}}, "edits[0].quantity", []string{"below 1", "set its quantity to 0"}},
		{"quantity too large", ContentChange{Edits: []LineEdit{{LineID: 11, Quantity: ptr[int64](MaxQuantity + 1)}}}, "edits[0].quantity", []string{"above the 100,000"}},
		{"VAT rate not French", ContentChange{Edits: []LineEdit{{LineID: 11, VATRate: ptr[int64](1900)}}}, "edits[0].vat_rate", []string{"19%", "not a French rate"}},
		{"edit that changes nothing", ContentChange{Edits: []LineEdit{{LineID: 11, Name: ptr("Mug émaillé"), UnitPrice: ptr[int64](1250), Quantity: ptr[int64](2)}}},
			"edits[0]", []string{"line 11", "changes nothing"}},
		{"edit that names nothing", ContentChange{Edits: []LineEdit{{LineID: 11}}}, "edits[0]", []string{"changes nothing"}},
		{"added without SKU", ContentChange{Add: []NewLine{good, with(func(l *NewLine) { l.SKU = "" })}}, "add[1].sku", []string{"cannot be empty"}},
		{"added without name", ContentChange{Add: []NewLine{with(func(l *NewLine) { l.Name = " " })}}, "add[0].name", []string{"CAP-01"}},
		{"added with negative price", ContentChange{Add: []NewLine{with(func(l *NewLine) { l.UnitPrice = -100 })}}, "add[0].unit_price", []string{"negative"}},
		{"added with quantity 0", ContentChange{Add: []NewLine{with(func(l *NewLine) { l.Quantity = 0 })}}, "add[0].quantity", []string{"below 1"}},
		{"added with VAT 19,6 %", ContentChange{Add: []NewLine{with(func(l *NewLine) { l.VATRate = 1960 })}}, "add[0].vat_rate", []string{"not a French rate"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.change.RecalcShipping = true
			err := tt.change.Validate(sampleOrder())
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			wantFieldError(t, err, tt.field, tt.fragments...)
		})
	}
}

func TestApplyContentChangeEdits(t *testing.T) {
	o := sampleOrder()
	mug, book, tee := o.Lines[0], o.Lines[1], o.Lines[2]
	cap := NewLine{SKU: " CAP-01 ", Name: "Casquette", UnitPrice: 1500, Quantity: 2, VATRate: 2000, Physical: true}
	capLine := Line{SKU: "CAP-01", Name: "Casquette", UnitPrice: 1500, Quantity: 2, VATRate: 2000, Physical: true}

	t.Run("swap T-shirts for caps: free shipping kept", func(t *testing.T) {
		res, err := ApplyContentChange(o, ContentChange{Quantities: []LineQuantity{{13, 0}}, Add: []NewLine{cap}, RecalcShipping: true})
		if err != nil {
			t.Fatal(err)
		}
		if want := []Line{mug, book, capLine}; !reflect.DeepEqual(res.Lines, want) {
			t.Errorf("Lines = %+v, want %+v", res.Lines, want)
		}
		if !reflect.DeepEqual(res.Added, []Line{capLine}) || !reflect.DeepEqual(res.Removed, []Line{tee}) || res.Edited != nil {
			t.Errorf("Added %+v Removed %+v Edited %+v", res.Added, res.Removed, res.Edited)
		}
		if res.After.Merchandise != 2500+2390+3000 || res.After.Shipping != 0 || res.After.Total != 7890 {
			t.Errorf("After = %+v", res.After)
		}
		checkVAT(t, res.After)
	})
	t.Run("raise a quantity and change a price", func(t *testing.T) {
		res, err := ApplyContentChange(o, ContentChange{Edits: []LineEdit{
			{LineID: 12, Quantity: ptr[int64](2)},
			{LineID: 11, UnitPrice: ptr[int64](1000), Name: ptr(" Mug bleu ")},
		}, RecalcShipping: true})
		if err != nil {
			t.Fatal(err)
		}
		mug2, book2 := mug, book
		mug2.UnitPrice, mug2.Name = 1000, "Mug bleu"
		book2.Quantity = 2
		if want := []Line{mug2, book2, tee}; !reflect.DeepEqual(res.Lines, want) {
			t.Errorf("Lines = %+v, want %+v", res.Lines, want)
		}
		want := []LineDiff{{Before: mug, After: mug2}, {Before: book, After: book2}}
		if !reflect.DeepEqual(res.Edited, want) {
			t.Errorf("Edited = %+v, want %+v", res.Edited, want)
		}
		if d := res.Edited[0]; !d.PriceChanged() || !d.NameChanged() || d.SKUChanged() || d.QuantityChanged() || d.VATChanged() {
			t.Errorf("mug diff flags wrong: %+v", d)
		}
		if d := res.Edited[1]; !d.QuantityChanged() || d.PriceChanged() {
			t.Errorf("book diff flags wrong: %+v", d)
		}
		if res.After.Total != 2000+4780+5970 || len(res.Removed) != 0 {
			t.Errorf("After = %+v, Removed %+v", res.After, res.Removed)
		}
	})
	t.Run("lower the price under the threshold: free shipping lost", func(t *testing.T) {
		res, err := ApplyContentChange(o, ContentChange{Edits: []LineEdit{{LineID: 13, UnitPrice: ptr[int64](300)}}, RecalcShipping: true})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Shipping.FreeShippingLost() || res.After.Total != 2500+2390+900+690 {
			t.Errorf("Shipping %+v After %+v", res.Shipping, res.After)
		}
	})
	t.Run("added products reach free shipping", func(t *testing.T) {
		small := o
		small.Lines = []Line{book}
		small.ShippingFee = 690
		res, err := ApplyContentChange(small, ContentChange{Add: []NewLine{cap, {SKU: "MUG-01", Name: "Mug", UnitPrice: 1250, Quantity: 1, VATRate: 2000}}, RecalcShipping: true})
		if err != nil {
			t.Fatal(err)
		}
		if res.Shipping != (ShippingChange{690, 0}) || res.After.Total != 2390+3000+1250 {
			t.Errorf("Shipping %+v After %+v", res.Shipping, res.After)
		}
	})
	t.Run("percent discount follows the new merchandise", func(t *testing.T) {
		d := o
		d.Discount = Discount{Kind: DiscountPercent, Percent: 1000}
		res, err := ApplyContentChange(d, ContentChange{Add: []NewLine{cap}, RecalcShipping: true})
		if err != nil {
			t.Fatal(err)
		}
		if res.Before.Discount != 1086 || res.After.Discount != 1386 {
			t.Errorf("discount %d -> %d, want 1086 -> 1386", res.Before.Discount, res.After.Discount)
		}
	})
	t.Run("fixed discount never exceeds the merchandise", func(t *testing.T) {
		d := o
		d.Discount = Discount{Kind: DiscountFixed, Amount: 3000}
		res, err := ApplyContentChange(d, ContentChange{Quantities: []LineQuantity{{11, 0}, {13, 0}}, RecalcShipping: false})
		if err != nil {
			t.Fatal(err)
		}
		if res.After.Discount != 2390 || res.After.Total != 0 {
			t.Errorf("After = %+v, want the discount capped at 23,90", res.After)
		}
		checkVAT(t, res.After)
	})
	t.Run("cancelled quantities stay with the line", func(t *testing.T) {
		c := o
		c.Lines = append([]Line(nil), o.Lines...)
		c.Lines[2].Quantity, c.Lines[2].QtyCancelled = 3, 1 // 2 T-shirts left
		res, err := ApplyContentChange(c, ContentChange{Quantities: []LineQuantity{{13, 0}}, Edits: []LineEdit{{LineID: 11, Quantity: ptr[int64](3)}}})
		if err != nil {
			t.Fatal(err)
		}
		gone := tee
		gone.Quantity = 2
		if !reflect.DeepEqual(res.Removed, []Line{gone}) {
			t.Errorf("Removed = %+v, want the 2 T-shirts left", res.Removed)
		}
		kept := res.Lines[2]
		if len(res.Lines) != 3 || kept.ID != 13 || kept.Quantity != 1 || kept.QtyCancelled != 1 || kept.Remaining() != 0 {
			t.Errorf("the cancelled T-shirt is not kept as history: %+v", res.Lines)
		}
		if res.Lines[0].Remaining() != 3 || res.After.Merchandise != 3750+2390 {
			t.Errorf("Lines %+v After %+v", res.Lines, res.After)
		}
		if _, err := ApplyContentChange(c, ContentChange{Quantities: []LineQuantity{{13, 3}}}); err == nil {
			t.Error("a quantity above what remains was accepted")
		}
	})
}

func TestShippingChangeNote(t *testing.T) {
	tests := []struct {
		s      ShippingChange
		fr, en string
	}{
		{ShippingChange{0, 690}, "livraison gratuite perdue\u00a0: +6,90\u00a0€", "free shipping lost: +€6.90"},
		{ShippingChange{690, 0}, "frais de port\u00a0: 6,90\u00a0€ → 0,00\u00a0€", "shipping: €6.90 → €0.00"},
		{ShippingChange{490, 690}, "frais de port\u00a0: 4,90\u00a0€ → 6,90\u00a0€", "shipping: €4.90 → €6.90"},
		{ShippingChange{690, 690}, "", ""},
		{ShippingChange{0, 0}, "", ""},
	}
	for _, tt := range tests {
		if got := tt.s.Note("EUR", "fr"); got != tt.fr {
			t.Errorf("%+v fr = %q, want %q", tt.s, got, tt.fr)
		}
		if got := tt.s.Note("", "en"); got != tt.en {
			t.Errorf("%+v en = %q, want %q", tt.s, got, tt.en)
		}
	}
}

func TestPreview(t *testing.T) {
	cap := NewLine{SKU: "CAP-01", Name: "Casquette", UnitPrice: 1500, Quantity: 1, VATRate: 2000, Physical: true}
	tests := []struct {
		name     string
		change   ContentChange
		paidNet  int64
		total    int64
		refund   int64
		balance  int64
		shipping string
		summary  string
	}{
		{"the modify-content procedure: T-shirts removed, free shipping lost, refund",
			ContentChange{Quantities: []LineQuantity{{13, 0}}, RecalcShipping: true}, 10860, 5580, 5280, 0,
			"livraison gratuite perdue\u00a0: +6,90\u00a0€", "À rembourser au client\u00a0: 52,80\u00a0€"},
		{"recalculation off keeps free shipping",
			ContentChange{Quantities: []LineQuantity{{13, 0}}}, 10860, 4890, 5970, 0,
			"", "À rembourser au client\u00a0: 59,70\u00a0€"},
		{"product added after payment: balance due",
			ContentChange{Add: []NewLine{cap}, RecalcShipping: true}, 10860, 12360, 0, 1500,
			"", "Reste à payer par le client\u00a0: 15,00\u00a0€"},
		{"not paid yet: the whole total is owed",
			ContentChange{Quantities: []LineQuantity{{11, 1}}, RecalcShipping: true}, 0, 9610, 0, 9610,
			"", "Reste à payer par le client\u00a0: 96,10\u00a0€"},
		{"swap of equal value: nothing to settle",
			ContentChange{Edits: []LineEdit{{LineID: 13, SKU: ptr("TEE-02"), Name: ptr("T-shirt bleu")}}, RecalcShipping: true}, 10860, 10860, 0, 0,
			"", "Aucune différence à régler"},
		{"earlier refunds count: never refund more than paid net",
			ContentChange{Quantities: []LineQuantity{{13, 0}}, RecalcShipping: true}, 3000, 5580, 0, 2580,
			"livraison gratuite perdue\u00a0: +6,90\u00a0€", "Reste à payer par le client\u00a0: 25,80\u00a0€"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Preview(sampleOrder(), tt.change, PaidOnly(tt.paidNet))
			if err != nil {
				t.Fatal(err)
			}
			applied, _ := ApplyContentChange(sampleOrder(), tt.change)
			if !reflect.DeepEqual(p.Result, applied) {
				t.Errorf("the preview is not what the procedure applies:\n%+v\n%+v", p.Result, applied)
			}
			if p.Result.After.Total != tt.total || p.Settlement.Refund != tt.refund || p.Settlement.BalanceDue != tt.balance {
				t.Errorf("total %d refund %d balance %d; want %d %d %d", p.Result.After.Total, p.Settlement.Refund, p.Settlement.BalanceDue, tt.total, tt.refund, tt.balance)
			}
			if p.ShippingNote != tt.shipping || p.Summary != tt.summary {
				t.Errorf("notes %q / %q, want %q / %q", p.ShippingNote, p.Summary, tt.shipping, tt.summary)
			}
		})
	}
	t.Run("refused like the procedure", func(t *testing.T) {
		o := sampleOrder()
		o.Logistics = LogisticsPrinting
		if _, err := Preview(o, ContentChange{Quantities: []LineQuantity{{13, 0}}}, PaidOnly(10860)); err == nil {
			t.Error("preview of an order being printed was accepted")
		}
		_, err := Preview(sampleOrder(), ContentChange{Add: []NewLine{{Name: "x", Quantity: 1}}}, PaidOnly(10860))
		wantFieldError(t, err, "add[0].sku", "empty")
	})
}

func TestSettlementSummaryEnglish(t *testing.T) {
	for s, want := range map[Settlement]string{
		{Refund: 5280}:    "To refund to the customer: €52.80",
		{BalanceDue: 690}: "Still to be paid by the customer: €6.90",
		{}:                "Nothing to settle",
	} {
		if got := s.Summary("EUR", "en"); got != want {
			t.Errorf("%+v: %q, want %q", s, got, want)
		}
	}
}
