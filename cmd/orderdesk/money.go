package main

import (
	"fmt"
	"net/http"

	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/payments"
	"github.com/orderdesk/orderdesk/payments/plaid"
	"github.com/orderdesk/orderdesk/payments/sandbox"
	"github.com/orderdesk/orderdesk/payments/stripe"
)

// moneyConfig says how refunds reach the payment providers.
type moneyConfig struct {
	ApproveAbove  int64  // ORDERDESK_APPROVE_ABOVE: a refund above this waits for a supervisor
	SandboxURL    string // ORDERDESK_SANDBOX_URL: the sandbox provider for cards, pay-by-bank and payouts
	SandboxPort   int    // ORDERDESK_SANDBOX_PORT: where make dev runs the sandbox provider
	StripeKey     string // STRIPE_API_KEY
	StripeURL     string // STRIPE_URL
	PlaidClientID string // PLAID_CLIENT_ID
	PlaidSecret   string // PLAID_SECRET
	PlaidURL      string // PLAID_URL
	PlaidWallet   string // PLAID_WALLET_ID
}

var moneyEnvVars = [][2]string{
	{"ORDERDESK_APPROVE_ABOVE", "a refund above this amount waits for a supervisor's approval (default 200,00; 0: never)"},
	{"ORDERDESK_SANDBOX_URL", "sandbox payment provider for cards, pay-by-bank and IBAN payouts (make dev: its own)"},
	{"ORDERDESK_SANDBOX_PORT", "make dev's sandbox payment provider port (default 8299)"},
	{"STRIPE_API_KEY", "Stripe secret key: card refunds through Stripe"},
	{"STRIPE_URL", "Stripe API base URL (default https://api.stripe.com)"},
	{"PLAID_CLIENT_ID", "Plaid client id: pay-by-bank refunds and IBAN payouts through Plaid"},
	{"PLAID_SECRET", "Plaid secret"},
	{"PLAID_URL", "Plaid API base URL (default https://production.plaid.com)"},
	{"PLAID_WALLET_ID", "Plaid wallet paying out refunds by bank transfer"},
}

func loadMoneyConfig(getenv func(string) string) (moneyConfig, error) {
	m := moneyConfig{
		ApproveAbove: 20000, SandboxURL: getenv("ORDERDESK_SANDBOX_URL"), SandboxPort: 8299,
		StripeKey: getenv("STRIPE_API_KEY"), StripeURL: or(getenv("STRIPE_URL"), "https://api.stripe.com"),
		PlaidClientID: getenv("PLAID_CLIENT_ID"), PlaidSecret: getenv("PLAID_SECRET"),
		PlaidURL: or(getenv("PLAID_URL"), "https://production.plaid.com"), PlaidWallet: getenv("PLAID_WALLET_ID"),
	}
	if s := getenv("ORDERDESK_APPROVE_ABOVE"); s != "" {
		cents, err := order.ParseCents(s)
		if err != nil {
			return m, fmt.Errorf("ORDERDESK_APPROVE_ABOVE=%q: %w (write an amount in euros, e.g. 200 or 149,90)", s, err)
		}
		m.ApproveAbove = cents
	}
	if p, set, err := envPort(getenv, "ORDERDESK_SANDBOX_PORT"); err != nil {
		return m, err
	} else if set {
		m.SandboxPort = p
	}
	return m, nil
}

// registry says which provider refunds each payment means. Real providers
// win over the sandbox; a means with none is refunded by hand. An HTTP
// client given (one that traces its calls) is the sandbox's and Plaid's.
func (m moneyConfig) registry(hc ...*http.Client) *payments.Registry {
	r := payments.NewRegistry()
	var client *http.Client
	for _, c := range hc {
		client = c
	}
	if m.SandboxURL != "" {
		gw := &sandbox.Client{BaseURL: m.SandboxURL, APIKey: sandboxKey, HTTP: client}
		for _, method := range []order.PaymentMethod{order.PayCard, order.PayStripe, order.PayBankPayment, order.PayTerminal, order.PayBankTransfer} {
			r.Set(method, gw)
		}
	}
	if m.StripeKey != "" {
		gw := stripe.New(m.StripeKey, m.StripeURL)
		r.Set(order.PayCard, gw)
		r.Set(order.PayStripe, gw)
	}
	if m.PlaidClientID != "" {
		opts := []plaid.Option{plaid.WithWallet(m.PlaidWallet)}
		if client != nil {
			opts = append(opts, plaid.WithHTTPClient(client))
		}
		gw := plaid.New(m.PlaidClientID, m.PlaidSecret, m.PlaidURL, opts...)
		r.Set(order.PayBankPayment, gw)
		r.Set(order.PayBankTransfer, gw)
	}
	return r
}

// sandboxKey is the API key make dev's sandbox provider expects.
const sandboxKey = "sk_sandbox"
