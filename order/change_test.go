package order

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestContentChangeValidate(t *testing.T) {
	tests := []struct {
		name      string
		change    []LineQuantity
		field     string   // "" when the change is valid
		fragments []string // what the message must say
	}{
		{"remove a product", []LineQuantity{{13, 0}}, "", nil},
		{"lower a quantity", []LineQuantity{{11, 1}}, "", nil},
		{"unchanged lines may be named", []LineQuantity{{11, 2}, {13, 1}}, "", nil},
		{"remove all but one product", []LineQuantity{{11, 0}, {13, 0}}, "", nil},
		{"empty change", nil, "quantities", []string{"empty", "at least one product"}},
		{"unknown line", []LineQuantity{{99, 0}}, "quantities[0]", []string{"Line 99", "not in order C-2026-000123"}},
		{"unknown line after a good one", []LineQuantity{{13, 0}, {99, 0}}, "quantities[1]", []string{"Line 99", "not in order"}},
		{"quantity below 0", []LineQuantity{{11, -1}}, "quantities[0]", []string{"-1", "MUG-01", "below 0"}},
		{"quantity above ordered", []LineQuantity{{11, 3}}, "quantities[0]", []string{"3", "MUG-01", "above the 2 ordered"}},
		{"line named twice", []LineQuantity{{11, 1}, {12, 0}, {11, 0}}, "quantities[2]", []string{"Line 11", "MUG-01", "named twice"}},
		{"every quantity unchanged", []LineQuantity{{11, 2}, {12, 1}}, "quantities", []string{"empty", "already ordered"}},
		{"every product removed", []LineQuantity{{11, 0}, {12, 0}, {13, 0}}, "quantities", []string{"every product", "C-2026-000123", "cancel the order"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ContentChange{Quantities: tt.change, RecalcShipping: true}.Validate(sampleOrder())
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

func TestCheckModifiable(t *testing.T) {
	archived := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		edit      func(*Order)
		ok        bool
		fragments []string
	}{
		{"awaiting printing", func(*Order) {}, true, nil},
		{"awaiting printing, not yet paid", func(o *Order) { o.Status = StatusAwaitingPayment }, true, nil},
		{"printing", func(o *Order) { o.Logistics = LogisticsPrinting }, false,
			[]string{"C-2026-000123", "printing", "En cours d'impression", "awaiting_printing"}},
		{"prepared", func(o *Order) { o.Logistics = LogisticsPrepared }, false,
			[]string{"C-2026-000123", "prepared", "Préparé"}},
		{"shipped", func(o *Order) { o.Logistics = LogisticsShipped; o.Status = StatusShipped }, false,
			[]string{"C-2026-000123", "shipped", "Expédié"}},
		{"no logistics status", func(o *Order) { o.Logistics = "" }, false, []string{"C-2026-000123"}},
		{"cancelled", func(o *Order) { o.Status = StatusCancelled }, false, []string{"C-2026-000123", "cancelled"}},
		{"archived", func(o *Order) { o.ArchivedAt = &archived }, false, []string{"C-2026-000123", "archived"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := sampleOrder()
			tt.edit(&o)
			err := CheckModifiable(o)
			if tt.ok {
				if err != nil {
					t.Fatalf("CheckModifiable: %v", err)
				}
				return
			}
			if !errors.Is(err, ErrNotModifiable) {
				t.Fatalf("CheckModifiable = %v, want an error wrapping ErrNotModifiable", err)
			}
			for _, f := range tt.fragments {
				if !strings.Contains(err.Error(), f) {
					t.Errorf("error %q does not say %q", err, f)
				}
			}
			if o.Logistics != LogisticsAwaitingPrinting {
				var nm *NotModifiableError
				if !errors.As(err, &nm) || nm.Logistics != o.Logistics || nm.Number != o.Number {
					t.Errorf("error %#v does not carry the order and its logistics status", err)
				}
			}
		})
	}
}

func TestNotModifiableErrorHeld(t *testing.T) {
	err := &NotModifiableError{Number: "C-2026-000123", HoldBy: "modify-content/C-2026-000123/req-1"}
	if got := err.Error(); !strings.Contains(got, "held by procedure modify-content/C-2026-000123/req-1") {
		t.Errorf("Error() = %q, want the procedure that holds the order", got)
	}
	if !errors.Is(err, ErrNotModifiable) {
		t.Error("does not unwrap to ErrNotModifiable")
	}
}

func TestApplyContentChange(t *testing.T) {
	mug, book, tee := sampleOrder().Lines[0], sampleOrder().Lines[1], sampleOrder().Lines[2]
	with := func(l Line, q int64) Line { l.Quantity = q; return l }
	tests := []struct {
		name        string
		edit        func(*Order)
		change      ContentChange
		lines       []Line
		removed     []Line
		shipping    ShippingChange
		lost        bool
		merchandise int64
		total       int64
	}{
		{
			name:   "remove a product: free shipping lost",
			change: ContentChange{Quantities: []LineQuantity{{13, 0}}, RecalcShipping: true},
			lines:  []Line{mug, book}, removed: []Line{tee},
			shipping: ShippingChange{Before: 0, After: 690}, lost: true,
			merchandise: 4890, total: 5580,
		},
		{
			name:   "remove a product, recalculation off: the fee stays",
			change: ContentChange{Quantities: []LineQuantity{{13, 0}}, RecalcShipping: false},
			lines:  []Line{mug, book}, removed: []Line{tee},
			shipping:    ShippingChange{Before: 0, After: 0},
			merchandise: 4890, total: 4890,
		},
		{
			name:   "lower a quantity: still above the threshold",
			change: ContentChange{Quantities: []LineQuantity{{11, 1}}, RecalcShipping: true},
			lines:  []Line{with(mug, 1), book, tee}, removed: []Line{with(mug, 1)},
			shipping:    ShippingChange{Before: 0, After: 0},
			merchandise: 9610, total: 9610,
		},
		{
			name:   "lower one, remove another",
			change: ContentChange{Quantities: []LineQuantity{{13, 1}, {12, 0}}, RecalcShipping: true},
			lines:  []Line{mug, with(tee, 1)}, removed: []Line{book, with(tee, 2)},
			shipping: ShippingChange{Before: 0, After: 690}, lost: true,
			merchandise: 4490, total: 5180,
		},
		{
			name: "already paying shipping: the fee stays",
			edit: func(o *Order) {
				o.Lines = o.Lines[:2]
				o.ShippingFee = 690
			},
			change: ContentChange{Quantities: []LineQuantity{{11, 1}}, RecalcShipping: true},
			lines:  []Line{with(mug, 1), book}, removed: []Line{with(mug, 1)},
			shipping:    ShippingChange{Before: 690, After: 690},
			merchandise: 3640, total: 4330,
		},
		{
			name:   "fixed discount capped at what is left",
			edit:   func(o *Order) { o.Discount = Discount{Kind: DiscountFixed, Code: "FIDELITE", Amount: 5000} },
			change: ContentChange{Quantities: []LineQuantity{{13, 0}}, RecalcShipping: true},
			lines:  []Line{mug, book}, removed: []Line{tee},
			shipping: ShippingChange{Before: 0, After: 690}, lost: true,
			merchandise: 4890, total: 690,
		},
		{
			name:   "percent discount follows the merchandise",
			edit:   func(o *Order) { o.Discount = Discount{Kind: DiscountPercent, Percent: 1000} },
			change: ContentChange{Quantities: []LineQuantity{{12, 0}}, RecalcShipping: true},
			lines:  []Line{mug, tee}, removed: []Line{book},
			shipping:    ShippingChange{Before: 0, After: 0},
			merchandise: 8470, total: 7623,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := sampleOrder()
			if tt.edit != nil {
				tt.edit(&o)
			}
			before := Reprice(o)
			origLines := append([]Line(nil), o.Lines...)
			res, err := ApplyContentChange(o, tt.change)
			if err != nil {
				t.Fatalf("ApplyContentChange: %v", err)
			}
			if !reflect.DeepEqual(res.Lines, tt.lines) {
				t.Errorf("lines = %+v\nwant %+v", res.Lines, tt.lines)
			}
			if !reflect.DeepEqual(res.Removed, tt.removed) {
				t.Errorf("removed = %+v\nwant %+v", res.Removed, tt.removed)
			}
			if res.Shipping != tt.shipping || res.Shipping.FreeShippingLost() != tt.lost {
				t.Errorf("shipping = %+v (lost %v), want %+v (lost %v)", res.Shipping, res.Shipping.FreeShippingLost(), tt.shipping, tt.lost)
			}
			if res.After.Merchandise != tt.merchandise || res.After.Total != tt.total || res.After.Shipping != tt.shipping.After {
				t.Errorf("after = %+v, want merchandise %d, shipping %d, total %d", res.After, tt.merchandise, tt.shipping.After, tt.total)
			}
			if !reflect.DeepEqual(res.Before, before) {
				t.Errorf("before = %+v, want %+v", res.Before, before)
			}
			checkVAT(t, res.After)
			if !reflect.DeepEqual(o.Lines, origLines) {
				t.Errorf("the order's own lines changed: %+v", o.Lines)
			}
		})
	}
}

func TestApplyContentChangeRefused(t *testing.T) {
	t.Run("not modifiable", func(t *testing.T) {
		o := sampleOrder()
		o.Logistics = LogisticsPrepared
		res, err := ApplyContentChange(o, ContentChange{Quantities: []LineQuantity{{13, 0}}, RecalcShipping: true})
		var nm *NotModifiableError
		if !errors.As(err, &nm) || nm.Logistics != LogisticsPrepared {
			t.Fatalf("err = %v, want NotModifiableError naming prepared", err)
		}
		if !reflect.DeepEqual(res, ContentResult{}) {
			t.Errorf("refused change returned %+v", res)
		}
	})
	t.Run("bad change", func(t *testing.T) {
		res, err := ApplyContentChange(sampleOrder(), ContentChange{Quantities: []LineQuantity{{12, 5}}})
		wantFieldError(t, err, "quantities[0]", "above the 1 ordered")
		if !reflect.DeepEqual(res, ContentResult{}) {
			t.Errorf("refused change returned %+v", res)
		}
	})
}

func TestFreeShippingLost(t *testing.T) {
	for _, tt := range []struct {
		s    ShippingChange
		want bool
	}{{ShippingChange{0, 690}, true}, {ShippingChange{0, 0}, false}, {ShippingChange{690, 690}, false}, {ShippingChange{690, 0}, false}, {ShippingChange{490, 690}, false}} {
		if got := tt.s.FreeShippingLost(); got != tt.want {
			t.Errorf("%+v.FreeShippingLost() = %v, want %v", tt.s, got, tt.want)
		}
	}
}

func TestDescribe(t *testing.T) {
	o := sampleOrder()
	want := "2 × Mug émaillé (MUG-01), 3 × T-shirt (TEE-01)"
	if got := Describe([]Line{o.Lines[0], o.Lines[2]}); got != want {
		t.Errorf("Describe = %q, want %q", got, want)
	}
	if got := Describe(nil); got != "" {
		t.Errorf("Describe(nil) = %q", got)
	}
}

func TestFieldError(t *testing.T) {
	err := Fieldf("quantities[2]", "quantity %d is below 0", -1)
	if err.Error() != "quantities[2]: quantity -1 is below 0" {
		t.Errorf("Error() = %q", err.Error())
	}
}
