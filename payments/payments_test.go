package payments

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orderdesk/orderdesk/order"
)

func TestDeclinedErrorMatchesErrDeclined(t *testing.T) {
	err := fmt.Errorf("refund C-2026-000123: %w", &DeclinedError{Code: "expired_card", Message: "card expired"})
	if !errors.Is(err, ErrDeclined) {
		t.Fatalf("errors.Is(%v, ErrDeclined) = false", err)
	}
	var d *DeclinedError
	if !errors.As(err, &d) || d.Code != "expired_card" {
		t.Fatalf("errors.As gave %+v", d)
	}
	if errors.Is(errors.New("timeout"), ErrDeclined) || errors.Is(ErrInvalid, ErrDeclined) {
		t.Error("a temporary or invalid error must not read as a decline")
	}
}

func TestRequestsAreValidatedNamingTheField(t *testing.T) {
	good := RefundRequest{Amount: 1250, Currency: "EUR", PaymentRef: "pi_123", IdempotencyKey: "modify-content/C-1/r1/refund"}
	if err := good.Validate(); err != nil {
		t.Fatalf("valid refund refused: %v", err)
	}
	goodPayout := PayoutRequest{Amount: 1250, Currency: "EUR", IBAN: "FR76 3000 6000 0112 3456 7890 189", Name: "Claire Martin", IdempotencyKey: "k"}
	if err := goodPayout.Validate(); err != nil {
		t.Fatalf("valid payout refused: %v", err)
	}
	for _, tc := range []struct {
		name  string
		err   error
		field string
	}{
		{"zero amount", with(good, func(r *RefundRequest) { r.Amount = 0 }).Validate(), "amount"},
		{"negative amount", with(good, func(r *RefundRequest) { r.Amount = -5 }).Validate(), "amount"},
		{"no currency", with(good, func(r *RefundRequest) { r.Currency = "" }).Validate(), "currency"},
		{"euro sign", with(good, func(r *RefundRequest) { r.Currency = "€" }).Validate(), "currency"},
		{"no payment ref", with(good, func(r *RefundRequest) { r.PaymentRef = " " }).Validate(), "payment_ref"},
		{"no key", with(good, func(r *RefundRequest) { r.IdempotencyKey = "" }).Validate(), "idempotency_key"},
		{"key with newline", with(good, func(r *RefundRequest) { r.IdempotencyKey = "a\nb" }).Validate(), "idempotency_key"},
		{"payout zero", with(goodPayout, func(p *PayoutRequest) { p.Amount = 0 }).Validate(), "amount"},
		{"payout typo'd IBAN", with(goodPayout, func(p *PayoutRequest) { p.IBAN = "FR76 3000 6000 0112 3456 7890 188" }).Validate(), "iban"},
		{"payout no name", with(goodPayout, func(p *PayoutRequest) { p.Name = "" }).Validate(), "name"},
		{"payout no key", with(goodPayout, func(p *PayoutRequest) { p.IdempotencyKey = "" }).Validate(), "idempotency_key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var fe *order.FieldError
			if !errors.As(tc.err, &fe) {
				t.Fatalf("error %v is not a *order.FieldError", tc.err)
			}
			if fe.Field != tc.field {
				t.Errorf("field %q, want %q (%v)", fe.Field, tc.field, fe)
			}
		})
	}
}

func with[T any](v T, f func(*T)) T { f(&v); return v }

func TestProviderKeyIsStableAndFits(t *testing.T) {
	short := "modify-content/C-2026-000123/r1/refund"
	if got := ProviderKey(short, 128); got != short {
		t.Errorf("a key that fits changed: %q", got)
	}
	long := "modify-content/C-2026-000123/" + strings.Repeat("x", 300) + "/refund"
	a, b := ProviderKey(long, 128), ProviderKey(long, 128)
	if a != b || len(a) > 128 || a == long {
		t.Errorf("ProviderKey(long) = %q (%d), %q", a, len(a), b)
	}
	if ProviderKey(long+"2", 128) == a {
		t.Error("two keys collapsed to one")
	}
}

type fakeGateway struct{ name string }

func (f fakeGateway) Name() string { return f.name }
func (fakeGateway) Refund(context.Context, RefundRequest) (Result, error) {
	return Result{}, ErrUnsupported
}
func (fakeGateway) Payout(context.Context, PayoutRequest) (Result, error) {
	return Result{}, ErrUnsupported
}
func (fakeGateway) Status(context.Context, string) (Result, error) { return Result{}, ErrUnsupported }
func (fakeGateway) Find(context.Context, string) (Result, error)   { return Result{}, ErrUnsupported }
func (fakeGateway) List(context.Context, time.Time) ([]Transfer, error) {
	return nil, ErrUnsupported
}

// TestGatewaysListsEachProviderOnceWithItsMethods: reconciliation asks each
// provider once, for every method it serves.
func TestGatewaysListsEachProviderOnceWithItsMethods(t *testing.T) {
	r := NewRegistry()
	sandbox := &fakeGateway{"sandbox"}
	for _, m := range []order.PaymentMethod{order.PayCard, order.PayBankPayment, order.PayBankTransfer} {
		r.Set(m, sandbox)
	}
	r.Set(order.PayStripe, fakeGateway{"stripe"})
	got := r.Gateways()
	if len(got) != 2 {
		t.Fatalf("Gateways = %+v, want sandbox and stripe", got)
	}
	if got[0].Gateway != sandbox || !slices.Equal(got[0].Methods, []order.PaymentMethod{order.PayCard, order.PayBankPayment, order.PayBankTransfer}) {
		t.Errorf("first gateway %+v", got[0])
	}
	if got[1].Gateway.Name() != "stripe" || !slices.Equal(got[1].Methods, []order.PaymentMethod{order.PayStripe}) {
		t.Errorf("second gateway %+v", got[1])
	}
	if n := len(NewRegistry().Gateways()); n != 0 {
		t.Errorf("an empty registry lists %d gateways", n)
	}
}

func TestRegistry(t *testing.T) {
	r := NewRegistry()
	if _, ok := r.For(order.PayCard); ok {
		t.Fatal("an empty registry has a gateway for cards")
	}
	r.Set(order.PayCard, fakeGateway{"stripe"})
	r.Set(order.PayBankTransfer, fakeGateway{"plaid"})
	if g, ok := r.For(order.PayCard); !ok || g.Name() != "stripe" {
		t.Errorf("For(card) = %v, %v", g, ok)
	}
	if _, ok := r.For(order.PayPayPal); ok {
		t.Error("PayPal has a gateway: it must be refunded by hand")
	}
	if got := r.Describe(); got != "card=stripe bank_transfer=plaid" {
		t.Errorf("Describe = %q", got)
	}
	r.Set(order.PayCard, nil)
	if _, ok := r.For(order.PayCard); ok {
		t.Error("Set(nil) did not remove the gateway")
	}
}
