package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/documents"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/workflows"

	"github.com/orderdesk/orderdesk/locale"
)

// paymentConfig is the shop's identity and payment collection settings
// read from the environment by loadPaymentConfig.
type paymentConfig struct {
	Seller         store.Seller               // ORDERDESK_SELLER_NAME, _ADDRESS, _SIRET, _VAT, _EMAIL
	MerchantEmail  string                     // ORDERDESK_MERCHANT_EMAIL: the shop's notifications
	PaymentLinkURL string                     // ORDERDESK_PAYMENT_LINK_URL: base of the invoices' payment links
	WebhookSecret  string                     // ORDERDESK_PAYMENT_WEBHOOK_SECRET: HMAC key of the provider's webhook
	Reminders      workflows.PaymentReminders // ORDERDESK_PAYMENT_REMINDER, _TASK, _CANCEL
	AutoConfirm    bool                       // ORDERDESK_PAYMENT_AUTO_CONFIRM

	// ORDERDESK_PAYMENT_WEBHOOK_PREVIOUS_SECRET: the webhook key being
	// retired during a rotation (it verifies too until unset).
	PreviousWebhookSecret string
	// ORDERDESK_PAYMENT_WEBHOOK_TOLERANCE: how far a webhook's signed
	// timestamp may be from now (0: 5 minutes).
	WebhookTolerance time.Duration
}

// loadPaymentConfig reads the payment settings, naming the variable when a
// value does not parse.
func loadPaymentConfig(getenv func(string) string) (paymentConfig, error) {
	c := paymentConfig{
		Seller: store.Seller{
			Name:      or(getenv("ORDERDESK_SELLER_NAME"), "Boutique de démonstration SARL"),
			SIRET:     or(getenv("ORDERDESK_SELLER_SIRET"), "12345678900012"),
			VATNumber: or(getenv("ORDERDESK_SELLER_VAT"), "FR32123456789"),
			Email:     getenv("ORDERDESK_SELLER_EMAIL"),
		},
		MerchantEmail:  getenv("ORDERDESK_MERCHANT_EMAIL"),
		PaymentLinkURL: or(getenv("ORDERDESK_PAYMENT_LINK_URL"), "http://localhost:8080/pay"),
		WebhookSecret:  getenv("ORDERDESK_PAYMENT_WEBHOOK_SECRET"),
		Reminders:      workflows.DefaultPaymentReminders(),
	}
	c.PreviousWebhookSecret = getenv("ORDERDESK_PAYMENT_WEBHOOK_PREVIOUS_SECRET")
	if s := getenv("ORDERDESK_PAYMENT_WEBHOOK_TOLERANCE"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			return c, fmt.Errorf("ORDERDESK_PAYMENT_WEBHOOK_TOLERANCE=%q is not a duration such as 5m or 90s", s)
		}
		c.WebhookTolerance = d
	}
	addr := or(getenv("ORDERDESK_SELLER_ADDRESS"), "1 place Bellecour, 69002 Lyon")
	street, city, ok := strings.Cut(addr, ",")
	if !ok {
		return c, fmt.Errorf("ORDERDESK_SELLER_ADDRESS=%q: write \"street, postal code city\"", addr)
	}
	city = strings.TrimSpace(city)
	postal, town, _ := strings.Cut(city, " ")
	c.Seller.Address = order.Address{Line1: strings.TrimSpace(street), PostalCode: postal, City: strings.TrimSpace(town), Country: "FR"}
	if err := c.Seller.Check(); err != nil {
		return c, fmt.Errorf("shop identity: %w", err)
	}
	for _, v := range []struct {
		name string
		dst  *time.Duration
	}{
		{"ORDERDESK_PAYMENT_REMINDER", &c.Reminders.Email},
		{"ORDERDESK_PAYMENT_TASK", &c.Reminders.Task},
		{"ORDERDESK_PAYMENT_CANCEL", &c.Reminders.Cancel},
	} {
		if s := getenv(v.name); s != "" {
			d, err := parseDelay(s)
			if err != nil {
				return c, fmt.Errorf("%s=%q is not a delay such as 7d, 36h or 0 (never)", v.name, s)
			}
			*v.dst = d
		}
	}
	if s := getenv("ORDERDESK_PAYMENT_AUTO_CONFIRM"); s != "" {
		b, err := strconv.ParseBool(s)
		if err != nil {
			return c, fmt.Errorf("ORDERDESK_PAYMENT_AUTO_CONFIRM=%q is not true or false", s)
		}
		c.AutoConfirm = b
	}
	return c, nil
}

// parseDelay reads "7d", "36h", "90m" or "0".
func parseDelay(s string) (time.Duration, error) {
	if d, ok := strings.CutSuffix(strings.TrimSpace(s), "d"); ok {
		n, err := strconv.Atoi(d)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("bad number of days")
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("bad delay")
	}
	return d, nil
}

// shop is what the worker's collection activities need.
func (p paymentConfig) shop() activities.Shop {
	return activities.Shop{Seller: p.Seller, MerchantEmail: p.MerchantEmail, PaymentLinkURL: p.PaymentLinkURL}
}

// collector wraps the starter with the payment settings.
func (p paymentConfig) collector(s *starter.Starter, st *store.Store) *starter.Collector {
	return starter.NewCollector(s, st, starter.CollectOptions{Seller: p.Seller, WebhookSecret: p.WebhookSecret,
		PreviousWebhookSecret: p.PreviousWebhookSecret, WebhookTolerance: p.WebhookTolerance, MerchantEmail: p.MerchantEmail})
}

// cmdPayment is `orderdesk payment ...`: the payment collection procedure
// from a terminal.
func cmdPayment(ctx context.Context, cfg config, log *slog.Logger, args []string) error {
	sub := map[string]func(context.Context, config, *slog.Logger, []string) error{
		"start":   cmdPaymentStart,
		"record":  cmdPaymentRecord,
		"confirm": cmdPaymentConfirm,
		"invoice": cmdPaymentInvoice,
		"pdf":     cmdPaymentPDF,
		"status":  cmdPaymentStatus,
	}
	if len(args) == 0 || sub[args[0]] == nil {
		fmt.Println(`Usage: orderdesk payment <start|record|confirm|invoice|pdf|status> [flags]
  start    --order N --mode manual|link|terminal [--send-invoice] [--balance 6,90 --reason TEXT] --agent EMAIL
  record   --order N --amount 31,90 [--means cheque|money_order|bank_transfer] [--reference REF] [--date 2026-03-14] [--confirm-overpayment] --agent EMAIL
  confirm  --order N --agent EMAIL        send the payment confirmation, once the order is paid
  invoice  --order N --agent EMAIL [--create]   email the invoice (or only create it)
  pdf      --number F-2026-000001 --out FILE    write an invoice or credit note PDF
  status   --order N                      the running collection: due, received, next reminder`)
		if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
			return nil
		}
		return fmt.Errorf("unknown payment subcommand %q", args[0])
	}
	return sub[args[0]](ctx, cfg, log, args[1:])
}

func connectCollector(ctx context.Context, cfg config, log *slog.Logger) (*services, *starter.Collector, error) {
	s, err := connect(ctx, cfg, log)
	if err != nil {
		return nil, nil, err
	}
	return s, cfg.Payment.collector(s.starter, s.store), nil
}

func cmdPaymentStart(ctx context.Context, cfg config, log *slog.Logger, args []string) error {
	fs := newFlags("payment start", "payment start --order NUMBER --mode manual|link|terminal [--send-invoice] [--balance AMOUNT --reason TEXT] --agent EMAIL")
	number := fs.String("order", "", "order number")
	mode := fs.String("mode", activities.CollectManual, "manual (cheque, money order, transfer), link (invoice with payment link) or terminal")
	send := fs.Bool("send-invoice", false, "terminal: email the invoice before the payment")
	balance := fs.String("balance", "", "collect this balance due on a paid order, e.g. 6,90")
	reason := fs.String("reason", "", "with --balance: why the total went up")
	agent := fs.String("agent", "", "the agent asking")
	rid := requestIDFlag(fs)
	if ok, err := parse(fs, args); !ok {
		return err
	}
	var cents int64
	if *balance != "" {
		var err error
		if cents, err = order.ParseCents(*balance); err != nil {
			return order.Refuse("balance", "refusal.amount_unreadable", locale.Text(*balance))
		}
	}
	s, c, err := connectCollector(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer s.Close()
	run, err := c.StartCollection(ctx, starter.CollectRequest{
		OrderNumber: *number, RequestID: rid.Value(), Agent: *agent, Mode: *mode, SendInvoice: *send, BalanceDue: cents, Reason: *reason,
	})
	if err != nil {
		return err
	}
	announce(cfg, run, "")
	return nil
}

// The fields of a recorded payment and of a confirmation that no flag is
// named after.
var (
	paymentRecordFields  = map[string]string{"received_at": "date"}
	paymentConfirmFields = map[string]string{"confirmation": ""} // not paid yet, or sent already
)

func cmdPaymentRecord(ctx context.Context, cfg config, log *slog.Logger, args []string) error {
	fs := newFlags("payment record", "payment record --order NUMBER --amount 31,90 [--means cheque|money_order|bank_transfer] [--reference REF] [--date YYYY-MM-DD] [--confirm-overpayment] --agent EMAIL")
	number := fs.String("order", "", "order number")
	amount := fs.String("amount", "", "amount received, e.g. 31,90")
	means := fs.String("means", "", "cheque, money_order or bank_transfer (none at the terminal)")
	ref := fs.String("reference", "", "cheque number, transfer reference (required for a transfer)")
	date := fs.String("date", "", "date received, YYYY-MM-DD (default today)")
	agent := fs.String("agent", "", "the agent recording it")
	overpaid := fs.Bool("confirm-overpayment", false, "record an amount above what is due (the excess is offered for refund)")
	rid := requestIDFlag(fs)
	if ok, err := parse(fs, args); !ok {
		return err
	}
	cents, err := order.ParseCents(*amount)
	if err != nil {
		return order.Refuse("amount", "refusal.amount_unreadable", locale.Text(*amount))
	}
	var received time.Time
	if *date != "" {
		if received, err = time.ParseInLocation("2006-01-02", *date, time.Local); err != nil {
			return order.Refuse("date", "refusal.date_unreadable", locale.Text(*date))
		}
	}
	s, c, err := connectCollector(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer s.Close()
	ack, err := c.RecordPayment(ctx, starter.RecordPaymentRequest{
		OrderNumber: *number, RequestID: rid.Value(), Agent: *agent, Means: order.PaymentMethod(*means),
		Amount: cents, Reference: *ref, ReceivedAt: received, ConfirmOverpayment: *overpaid,
	})
	if err != nil {
		return asFlags(err, paymentRecordFields)
	}
	eur := func(c int64) string { return order.EUR(c).French() }
	fmt.Printf("payment recorded: %s received", eur(ack.Received))
	switch {
	case ack.Balance > 0:
		fmt.Printf(", %s still due\n", eur(ack.Balance))
	case ack.Overpaid > 0:
		fmt.Printf(", overpaid by %s (to refund)\n", eur(ack.Overpaid))
	default:
		fmt.Println(", the order is paid")
	}
	return nil
}

func cmdPaymentConfirm(ctx context.Context, cfg config, log *slog.Logger, args []string) error {
	fs := newFlags("payment confirm", "payment confirm --order NUMBER --agent EMAIL")
	number := fs.String("order", "", "order number")
	agent := fs.String("agent", "", "the agent sending it")
	if ok, err := parse(fs, args); !ok {
		return err
	}
	s, c, err := connectCollector(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := c.ConfirmPayment(ctx, *number, newRequestID(), *agent); err != nil {
		return asFlags(err, paymentConfirmFields)
	}
	fmt.Println("payment confirmation sent")
	return nil
}

func cmdPaymentInvoice(ctx context.Context, cfg config, log *slog.Logger, args []string) error {
	fs := newFlags("payment invoice", "payment invoice --order NUMBER --agent EMAIL [--create]")
	number := fs.String("order", "", "order number")
	agent := fs.String("agent", "", "the agent asking")
	create := fs.Bool("create", false, "only create the invoice (no email)")
	if ok, err := parse(fs, args); !ok {
		return err
	}
	s, c, err := connectCollector(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer s.Close()
	if *create {
		inv, err := c.CreateInvoice(ctx, *number, newRequestID(), *agent)
		if err != nil {
			return err
		}
		fmt.Printf("invoice %s created: %s\n", inv.Number, order.Money{Cents: inv.Total, Currency: inv.Currency}.French())
		return nil
	}
	n, err := c.SendInvoice(ctx, *number, newRequestID(), *agent)
	if err != nil {
		return err
	}
	fmt.Printf("invoice %s sent\n", n)
	return nil
}

func cmdPaymentPDF(ctx context.Context, cfg config, log *slog.Logger, args []string) error {
	fs := newFlags("payment pdf", "payment pdf --number F-2026-000001|A-2026-000001 --out FILE")
	number := fs.String("number", "", "invoice (F-...) or credit note (A-...) number")
	out := fs.String("out", "", "file to write (default NUMBER.pdf)")
	if ok, err := parse(fs, args); !ok {
		return err
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	var b []byte
	if strings.HasPrefix(*number, "A-") {
		cn, err := st.GetCreditNote(ctx, *number)
		if err != nil {
			return err
		}
		b, err = documents.CreditNote(cn)
		if err != nil {
			return err
		}
	} else {
		inv, err := st.GetInvoice(ctx, *number)
		if err != nil {
			return err
		}
		if b, err = documents.Invoice(inv); err != nil {
			return err
		}
	}
	if *out == "" {
		*out = *number + ".pdf"
	}
	if err := os.WriteFile(*out, b, 0o644); err != nil {
		return err
	}
	fmt.Printf("wrote %s (%d bytes)\n", *out, len(b))
	return nil
}

func cmdPaymentStatus(ctx context.Context, cfg config, log *slog.Logger, args []string) error {
	fs := newFlags("payment status", "payment status --order NUMBER")
	number := fs.String("order", "", "order number")
	if ok, err := parse(fs, args); !ok {
		return err
	}
	s, c, err := connectCollector(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer s.Close()
	st, id, err := c.Collection(ctx, *number)
	if err != nil {
		return err
	}
	if id == "" {
		fmt.Printf("no payment procedure runs on %s\n", *number)
		return nil
	}
	eur := func(x int64) string { return order.Money{Cents: x, Currency: st.Currency}.French() }
	fmt.Printf("%s\n  due %s, received %s, balance %s\n", id, eur(st.Due), eur(st.Received), eur(st.Balance))
	if st.Invoice != "" {
		fmt.Printf("  invoice %s %s\n", st.Invoice, st.PaymentLink)
	}
	for _, r := range st.Schedule {
		mark := " "
		if r.Done {
			mark = "x"
		}
		fmt.Printf("  [%s] %s — %s\n", mark, r.At.Local().Format("02/01/2006 15:04"), r.Label)
	}
	if st.ConfirmationOffered {
		fmt.Printf("  paid: send the confirmation with `orderdesk payment confirm --order %s --agent YOU`\n", *number)
	}
	return nil
}
