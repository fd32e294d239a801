package order

import (
	"strings"
	"testing"
)

// storefrontIntake is an order as the storefront sends it: two mugs and a
// cookbook (48,90 €), under the 60 € of free shipping (6,90 €), with a 5 €
// code: 50,80 € paid by card.
func storefrontIntake() Intake {
	addr := Address{Name: "Camille Martin", Line1: "12 rue des Lilas", PostalCode: "69003", City: "Lyon", Country: "FR"}
	return Intake{
		Number:        "C-2026-004100",
		Customer:      Customer{Name: "Camille Martin", Email: "camille@example.fr", Phone: "+33 6 12 34 56 78", Locale: "fr"},
		Billing:       addr,
		Delivery:      addr,
		PaymentMethod: PayCard,
		ShippingRules: IntakeShippingRules{Method: "Colissimo domicile", Fee: ptr[int64](690), FreeFrom: 6000, VATRate: ptr[int64](2000)},
		Discount:      &Discount{Kind: DiscountFixed, Code: "BIENVENUE5", Amount: 500},
		Lines: []IntakeLine{
			{SKU: "MUG-01", Name: "Mug Tour Eiffel", UnitPrice: ptr[int64](1250), Quantity: ptr[int64](2), VATRate: ptr[int64](2000), Physical: ptr(true)},
			{SKU: "BOOK-01", Name: "Livre de cuisine lyonnaise", UnitPrice: ptr[int64](2390), Quantity: ptr[int64](1), VATRate: ptr[int64](550), Physical: ptr(true)},
		},
		Payment:    &IntakePayment{Amount: ptr[int64](5080), Reference: "pi_3Nabc"},
		TotalCents: ptr[int64](5080),
	}
}

// goldBars is n lines of the largest price and quantity an order line can
// hold.
func goldBars(n int) []IntakeLine {
	lines := make([]IntakeLine, n)
	for i := range lines {
		lines[i] = IntakeLine{SKU: "GOLD-" + itoa(int64(i)), Name: "Lingot", UnitPrice: ptr[int64](MaxUnitPrice), Quantity: ptr[int64](MaxQuantity), VATRate: ptr[int64](2000), Physical: ptr(true)}
	}
	return lines
}

func TestAcceptOrder(t *testing.T) {
	tests := []struct {
		name   string
		change func(in *Intake)
		status Status
		total  int64
		fee    int64
	}{
		{"paid by card", func(in *Intake) {}, StatusPaid, 5080, 690},
		{"by transfer, no payment yet", func(in *Intake) { in.PaymentMethod, in.Payment = PayBankTransfer, nil }, StatusNew, 5080, 690},
		{"free shipping from 60 €", func(in *Intake) {
			in.Lines[0].Quantity = ptr[int64](3)
			in.Payment, in.TotalCents = nil, nil
		}, StatusNew, 5640, 0},
		{"free products", func(in *Intake) {
			in.Lines[0].UnitPrice, in.Lines[1].UnitPrice = ptr[int64](0), ptr[int64](0)
			in.Discount, in.Payment, in.TotalCents = nil, nil, nil
		}, StatusNew, 690, 690},
		{"one line at the largest price and quantity", func(in *Intake) {
			in.Lines = goldBars(1)
			in.Discount, in.Payment, in.TotalCents = nil, nil, nil
			in.ShippingRules.FreeFrom = 0
		}, StatusNew, MaxOrderTotal + 690, 690},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := storefrontIntake()
			tt.change(&in)
			o, err := AcceptOrder(in)
			if err != nil {
				t.Fatal(err)
			}
			if o.Status != tt.status || o.Logistics != LogisticsAwaitingPrinting || o.Totals.Total != tt.total || o.ShippingFee != tt.fee {
				t.Errorf("%s/%s, total %d, shipping %d; want %s, awaiting printing, %d, %d", o.Status, o.Logistics, o.Totals.Total, o.ShippingFee, tt.status, tt.total, tt.fee)
			}
			checkVAT(t, o.Totals)
			if len(o.Lines) != len(in.Lines) || o.Number != in.Number || o.Currency != "EUR" || o.Customer != in.Customer {
				t.Errorf("order %+v does not carry what was received", o)
			}
		})
	}
}

// What the storefront sends is taken with its spaces trimmed and its
// defaults filled; the request itself is left as it came.
func TestAcceptOrderNormalizes(t *testing.T) {
	in := storefrontIntake()
	in.Number, in.Currency = " C-2026-004100 ", " eur"
	in.Customer = Customer{Name: " Camille Martin ", Email: " camille@example.fr ", Locale: ""}
	in.Delivery.Country, in.Delivery.City = "", " Lyon "
	in.Billing.Country = "fr"
	in.Lines[0].SKU = " MUG-01 "
	in.Discount.Code = " BIENVENUE5 "
	in.Payment.Reference = " pi_3Nabc "
	in.PaymentMethod = " card "
	o, err := AcceptOrder(in)
	if err != nil {
		t.Fatal(err)
	}
	if o.Number != "C-2026-004100" || o.Customer.Name != "Camille Martin" || o.Customer.Email != "camille@example.fr" || o.Customer.Locale != "fr" ||
		o.Delivery.Country != "FR" || o.Delivery.City != "Lyon" || o.Billing.Country != "FR" || o.Lines[0].SKU != "MUG-01" ||
		o.Discount.Code != "BIENVENUE5" || o.PaymentMethod != PayCard || o.Currency != "EUR" {
		t.Errorf("normalized order = %+v", o)
	}
	if in.Lines[0].SKU != " MUG-01 " || in.Discount.Code != " BIENVENUE5 " || in.Payment.Reference != " pi_3Nabc " {
		t.Errorf("the request was changed: %q %q %q", in.Lines[0].SKU, in.Discount.Code, in.Payment.Reference)
	}
	n := in.Normalized()
	if n.Payment.Reference != "pi_3Nabc" || n.Discount.Code != "BIENVENUE5" {
		t.Errorf("Normalized = %+v %+v", n.Payment, n.Discount)
	}
	empty := storefrontIntake()
	empty.Discount = &Discount{Code: "  "}
	if empty.Normalized().Discount != nil {
		t.Errorf("an empty discount is kept: %+v", empty.Normalized().Discount)
	}
}

func TestAcceptOrderRefusesNonsense(t *testing.T) {
	tests := []struct {
		name   string
		change func(in *Intake)
		field  string
		says   string
	}{
		// The lines and their amounts.
		{"no lines", func(in *Intake) { in.Lines = nil }, "lines", "at least one line"},
		{"empty lines", func(in *Intake) { in.Lines = []IntakeLine{} }, "lines", "at least one line"},
		{"too many lines", func(in *Intake) {
			in.Lines = append(in.Lines, make([]IntakeLine, MaxIntakeLines)...)
		}, "lines", "at most 1,000 lines"},
		{"quantity 0", func(in *Intake) { in.Lines[0].Quantity = ptr[int64](0) }, "lines[0].quantity", "1 to 100,000"},
		{"negative quantity", func(in *Intake) { in.Lines[1].Quantity = ptr[int64](-2) }, "lines[1].quantity", "not a quantity"},
		{"quantity above the most", func(in *Intake) { in.Lines[1].Quantity = ptr[int64](MaxQuantity + 1) }, "lines[1].quantity", "not a quantity"},
		{"missing quantity", func(in *Intake) { in.Lines[0].Quantity = nil }, "lines[0].quantity", "Give the quantity"},
		{"negative price", func(in *Intake) { in.Lines[1].UnitPrice = ptr[int64](-1) }, "lines[1].unit_price_cents", "not a unit price"},
		{"price above the most", func(in *Intake) { in.Lines[0].UnitPrice = ptr[int64](MaxUnitPrice + 1) }, "lines[0].unit_price_cents", "not a unit price"},
		{"missing price", func(in *Intake) { in.Lines[0].UnitPrice = nil }, "lines[0].unit_price_cents", "give the unit price"},
		{"ten lines at the largest amounts: the VAT overflowed", func(in *Intake) {
			in.Lines, in.Payment, in.TotalCents = goldBars(10), nil, nil
		}, "lines", "from lines[1] on"},
		{"a thousand lines at the largest amounts", func(in *Intake) {
			in.Lines, in.Payment, in.TotalCents = goldBars(MaxIntakeLines), nil, nil
		}, "lines", "at most €1,000,000,000,000.00"},
		{"VAT not French", func(in *Intake) { in.Lines[1].VATRate = ptr[int64](700) }, "lines[1].vat_rate_bp", "not a French VAT rate"},
		{"physical unsaid", func(in *Intake) { in.Lines[1].Physical = nil }, "lines[1].physical", "shipped"},
		{"no SKU", func(in *Intake) { in.Lines[0].SKU = "  " }, "lines[0].sku", "required"},
		{"SKU too long", func(in *Intake) { in.Lines[0].SKU = strings.Repeat("X", 501) }, "lines[0].sku", "at most 500"},

		// Texts PostgreSQL cannot store or a person cannot read.
		{"NUL in the customer's name", func(in *Intake) { in.Customer.Name = "Camille\x00Martin" }, "customer.name", "control character (U+0000"},
		{"NUL in the email", func(in *Intake) { in.Customer.Email = "camille\x00@example.fr" }, "customer.email", "not an email address"},
		{"NUL in the phone", func(in *Intake) { in.Customer.Phone = "+33 6\x00" }, "customer.phone", "control character"},
		{"newline in the street", func(in *Intake) { in.Delivery.Line1 = "12 rue\ndes Lilas" }, "delivery_address.line1", "control character (U+000A"},
		{"tab in the second line", func(in *Intake) { in.Billing.Line2 = "Bât.\tB" }, "billing_address.line2", "control character"},
		{"C1 control in the city", func(in *Intake) { in.Billing.City = "Ly\u0085on" }, "billing_address.city", "control character (U+0085"},
		{"DEL in the addressee", func(in *Intake) { in.Delivery.Name = "Camille\x7f" }, "delivery_address.name", "control character"},
		{"not UTF-8", func(in *Intake) { in.Customer.Name = "Camille \xff" }, "customer.name", "UTF-8"},
		{"NUL in a product name", func(in *Intake) { in.Lines[1].Name = "Livre\x00" }, "lines[1].name", "control character"},
		{"escape in a SKU", func(in *Intake) { in.Lines[0].SKU = "MUG\x1b[31m" }, "lines[0].sku", "control character"},
		{"NUL in the shipping method", func(in *Intake) { in.ShippingRules.Method = "Colissimo\x00" }, "shipping_rules.method", "control character"},
		{"NUL in the discount code", func(in *Intake) { in.Discount.Code = "BIEN\x00" }, "discount.code", "control character"},
		{"NUL in the payment reference", func(in *Intake) { in.Payment.Reference = "pi_\x00" }, "payment.reference", "control character"},

		// The customer and the addresses.
		{"no name", func(in *Intake) { in.Customer.Name = " " }, "customer.name", "Give the customer's name"},
		{"email without @", func(in *Intake) { in.Customer.Email = "camille.example.fr" }, "customer.email", "not an email address"},
		{"email without domain", func(in *Intake) { in.Customer.Email = "camille@" }, "customer.email", "not an email address"},
		{"email with a name", func(in *Intake) { in.Customer.Email = "Camille <camille@example.fr>" }, "customer.email", "not an email address"},
		{"email without a dot in its domain", func(in *Intake) { in.Customer.Email = "camille@localhost" }, "customer.email", "not an email address"},
		{"unknown locale", func(in *Intake) { in.Customer.Locale = "de" }, "customer.locale", "fr or en"},
		{"French postal code", func(in *Intake) { in.Delivery.PostalCode = "6900" }, "delivery_address.postal_code", "5 digits"},
		{"no city", func(in *Intake) { in.Billing.City = "" }, "billing_address.city", "required"},
		{"country", func(in *Intake) { in.Billing.Country = "FRA" }, "billing_address.country", "two letters"},

		// Money, means and rules.
		{"currency", func(in *Intake) { in.Currency = "USD" }, "currency", "EUR"},
		{"unknown payment method", func(in *Intake) { in.PaymentMethod = "bitcoin" }, "payment_method", "not a payment method: use one of card, stripe"},
		{"no payment method", func(in *Intake) { in.PaymentMethod = "" }, "payment_method", "not a payment method"},
		{"shipping VAT", func(in *Intake) { in.ShippingRules.VATRate = ptr[int64](1960) }, "shipping_rules.vat_rate_bp", "French"},
		{"negative fee", func(in *Intake) { in.ShippingRules.Fee = ptr[int64](-690) }, "shipping_rules.fee_cents", "not a fee"},
		{"no shipping method", func(in *Intake) { in.ShippingRules.Method = "" }, "shipping_rules.method", "Name the shipping method"},
		{"discount kind", func(in *Intake) { in.Discount.Kind = "bogo" }, "discount.kind", "fixed or percent"},
		{"percent above 100 %", func(in *Intake) { *in.Discount = Discount{Kind: DiscountPercent, Percent: 10001} }, "discount.percent_bp", "1 to 10000"},
		{"wrong total", func(in *Intake) { in.TotalCents = ptr[int64](4390) }, "total_cents", "The total is €50.80 (merchandise €48.90 − discount €5.00 + shipping €6.90), not €43.90"},
		{"payment not the total", func(in *Intake) { in.Payment.Amount = ptr[int64](4390) }, "payment.amount_cents", "not the order's total"},
		{"payment without reference", func(in *Intake) { in.Payment.Reference = "" }, "payment.reference", "reference"},
		{"cheque already paid", func(in *Intake) { in.PaymentMethod = PayCheque }, "payment", "leave payment out"},
		{"number with a slash", func(in *Intake) { in.Number = "C/2026" }, "number", "not an order number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := storefrontIntake()
			tt.change(&in)
			o, err := AcceptOrder(in)
			wantFieldError(t, err, tt.field, tt.says)
			if o.Number != "" || o.Lines != nil {
				t.Errorf("a refused order came back with content: %+v", o)
			}
		})
	}
}

// FuzzAcceptOrder: whatever amounts the storefront sends, an order taken
// in has totals that add up, a net and a VAT never negative at any rate;
// the rest is refused, naming a member.
func FuzzAcceptOrder(f *testing.F) {
	f.Add(int64(1250), int64(2), int64(2390), int64(1), uint8(2), int64(690), int64(500))
	f.Add(int64(MaxUnitPrice), int64(MaxQuantity), int64(MaxUnitPrice), int64(MaxQuantity), uint8(5), int64(MaxUnitPrice), int64(1)) // the VAT overflowed
	f.Add(int64(MaxUnitPrice), int64(MaxQuantity), int64(0), int64(1), uint8(0), int64(MaxUnitPrice), int64(MaxUnitPrice))
	f.Add(int64(-1), int64(0), int64(1<<62), int64(-1<<62), uint8(255), int64(-5), int64(-5))
	f.Fuzz(func(t *testing.T, p1, q1, p2, q2 int64, copies uint8, fee, discount int64) {
		in := storefrontIntake()
		in.Payment, in.TotalCents = nil, nil
		in.ShippingRules.Fee = &fee
		in.Discount = &Discount{Kind: DiscountFixed, Amount: discount}
		in.Lines = nil
		for i := range int(copies)%12 + 1 {
			in.Lines = append(in.Lines,
				IntakeLine{SKU: "A" + itoa(int64(i)), Name: "A", UnitPrice: &p1, Quantity: &q1, VATRate: ptr[int64](2000), Physical: ptr(true)},
				IntakeLine{SKU: "B" + itoa(int64(i)), Name: "B", UnitPrice: &p2, Quantity: &q2, VATRate: ptr[int64](550), Physical: ptr(true)})
		}
		o, err := AcceptOrder(in)
		if err != nil {
			wantFieldError(t, err, fieldOf(err))
			return
		}
		checkVAT(t, o.Totals)
		if o.Totals.Merchandise > MaxOrderTotal || o.Totals.Total < 0 {
			t.Fatalf("accepted totals %+v", o.Totals)
		}
	})
}

func fieldOf(err error) string {
	if fe, ok := err.(*FieldError); ok && fe.Field != "" {
		return fe.Field
	}
	return "(no field)"
}
