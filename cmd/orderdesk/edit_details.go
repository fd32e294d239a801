package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/starter"

	"github.com/orderdesk/orderdesk/locale"
)

// cmdEditDetails is `orderdesk edit`: edit an order's
// details. Only the flags given change something.
func cmdEditDetails(ctx context.Context, cfg config, log *slog.Logger, args []string) error {
	fs := newFlags("edit", `edit --order NUMBER --agent EMAIL [--name NAME] [--email EMAIL] [--phone PHONE]
       [--billing "line1|postal code|city|country"] [--delivery "line1|postal code|city|country"]
       [--payment-label NAME] [--shipping-method NAME] [--shipping-fee 4,90] [--discount 10%|5,00|0]
       [--channel email|contact_form|phone] [--email-customer | --no-email] [--preview]`)
	number := fs.String("order", "", "order number, e.g. C-2026-000101")
	agent := fs.String("agent", "", "the agent asking, e.g. marie@boutique.fr")
	fs.String("name", "", "the customer's name")
	fs.String("email", "", "the customer's email address")
	fs.String("phone", "", "the customer's phone (\"\" removes it)")
	fs.String("billing", "", `billing address, "line1|postal code|city|country" (country optional, FR by default); the name on it stays`)
	fs.String("delivery", "", `delivery address, same form; refused once anything is shipped or while the warehouse prepares the order`)
	fs.String("payment-label", "", "the name shown for the payment method (\"\" restores the method's own name); how refunds go back does not change")
	fs.String("shipping-method", "", "the name of the shipping method")
	fs.String("shipping-fee", "", "the shipping fee, tax-inclusive, e.g. 4,90 (0: free)")
	fs.String("discount", "", "the order discount: 10% (a percentage), 5,00 (an amount), or 0 (none)")
	channel := fs.String("channel", "", "how the customer reached us (optional): email, contact_form or phone")
	notify := fs.Bool("email-customer", false, "email the customer (by default only when the total changes)")
	noEmail := fs.Bool("no-email", false, "do not email the customer, even when the total changes")
	preview := fs.Bool("preview", false, "show what the edit would change (new total, refund or balance) and start nothing")
	rid := requestIDFlag(fs)
	wait := fs.Duration("wait", 30*time.Second, "how long to wait for the procedure to ask for an agent or end (0: do not wait)")
	if ok, err := parse(fs, args); !ok {
		return err
	}
	if *notify && *noEmail {
		return order.Refuse("no-email", "refusal.email_or_no_email")
	}
	given := map[string]string{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = f.Value.String() })

	s, err := connect(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer s.Close()
	o, cur, err := s.starter.OrderDetails(ctx, *number)
	if err != nil && *number != "" {
		return err
	}
	edit, err := parseDetailsFlags(given, cur)
	if err != nil {
		return err
	}
	if *preview {
		_, p, err := s.starter.PreviewDetails(ctx, *number, edit)
		if err != nil {
			return cliField(err)
		}
		printDetailsPreview(o, p)
		return nil
	}
	req := starter.EditDetailsRequest{
		OrderNumber: *number, RequestID: rid.Value(), Agent: *agent, Channel: order.ContactChannel(*channel), Edit: edit,
	}
	switch {
	case *notify:
		req.Notify = notify
	case *noEmail:
		no := false
		req.Notify = &no
	}
	run, err := s.starter.EditDetails(ctx, req)
	if err != nil {
		return cliField(err)
	}
	announce(cfg, run, "")
	if *wait > 0 {
		return followProcedure(ctx, s, run.WorkflowID, *wait)
	}
	return nil
}

// parseDetailsFlags turns the flags given into an edit; amounts are parsed
// to cents exactly (order.ParseCents), never through floats.
func parseDetailsFlags(given map[string]string, cur order.Details) (order.DetailsEdit, error) {
	var e order.DetailsEdit
	str := func(name string) *string {
		if v, ok := given[name]; ok {
			return &v
		}
		return nil
	}
	e.Name, e.Email, e.Phone = str("name"), str("email"), str("phone")
	e.PaymentLabel, e.ShippingMethod = str("payment-label"), str("shipping-method")
	for _, a := range []struct {
		flag string
		into **order.Address
		cur  order.Address
	}{{"billing", &e.Billing, cur.Billing}, {"delivery", &e.Delivery, cur.Delivery}} {
		v, ok := given[a.flag]
		if !ok {
			continue
		}
		parts := strings.Split(v, "|")
		if len(parts) < 3 || len(parts) > 4 {
			return e, order.Refuse(a.flag, "refusal.address_format", locale.Text(v))
		}
		addr := order.Address{Name: a.cur.Name, Line1: parts[0], PostalCode: parts[1], City: parts[2], Country: "FR"}
		if len(parts) == 4 {
			addr.Country = parts[3]
		}
		*a.into = &addr
	}
	if v, ok := given["shipping-fee"]; ok {
		c, err := order.ParseCents(v)
		if err != nil {
			return e, order.Refuse("shipping-fee", "refusal.amount_unreadable", locale.Text(v))
		}
		e.ShippingFee = &c
	}
	if v, ok := given["discount"]; ok {
		d, err := order.ParseDiscount(v)
		if err != nil {
			return e, err
		}
		e.Discount = &d
	}
	return e, nil
}

// cliField names the flag of a field error: "delivery_address.postal_code"
// is the --delivery flag's postal code.
func cliField(err error) error {
	var fe *order.FieldError
	if !errors.As(err, &fe) {
		return err
	}
	flags := map[string]string{"billing_address": "billing", "delivery_address": "delivery", "payment_label": "payment-label",
		"shipping_method": "shipping-method", "shipping_fee": "shipping-fee"}
	head, _, _ := strings.Cut(fe.Field, ".")
	f, ok := flags[head]
	if !ok {
		return err
	}
	return onFlag(fe, f) // the refusal names the part of the address
}

// printDetailsPreview shows what the edit would change, in French.
func printDetailsPreview(o order.Order, p order.DetailsPreview) {
	m := func(cents int64) string { return order.Money{Cents: cents, Currency: o.Currency}.French() }
	fmt.Printf("Aperçu de la modification de %s (rien n'est encore fait) :\n", o.Number)
	for _, c := range p.Result.Changes {
		fmt.Printf("  %s : %s → %s\n", order.DetailLabel(c.Field, "fr"), c.Before, c.After)
	}
	if p.Result.MoneyChanged() {
		fmt.Printf("  total : %s → %s\n  %s\n", m(p.Result.TotalsBefore.Total), m(p.Result.TotalsAfter.Total), p.Summary)
	} else {
		fmt.Println("  total inchangé")
	}
}
