package mail

import (
	"fmt"
	htmltemplate "html/template"
	"reflect"
	"strings"
	"time"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
)

// The templates say every text by its message in the catalog (the "mail."
// part of package locale), in the reader's language, and write amounts,
// counts and days as that reader reads them:
//
//	{{t "mail.new_total" (strong (amount .NewTotal))}}
//
// A message's arguments are made by text, count, amount or day (and by
// payment, diff, customer and withMeans, which say a text themselves);
// strong and link mark one up in the HTML. t refuses anything else, and a
// message the catalog lacks or arguments it does not take: the email is
// not rendered rather than sent with a hole (mail's test of the catalog's
// use finds those first).

// arg is an argument of a message, and how the HTML shows it.
type arg struct {
	value locale.Arg
	// html is a text the HTML template said already (the output of t),
	// written as it is rather than escaped again.
	html   htmltemplate.HTML
	strong bool   // the HTML shows it in <strong>
	href   string // the HTML makes it a link to this address
}

// sayer says the messages of one language, for the text or the HTML
// version of the emails.
type sayer struct {
	p    *locale.Printer
	html bool
}

// funcs are the templates' functions, in the language of p.
func funcs(p *locale.Printer, html bool) map[string]any {
	s := sayer{p, html}
	fs := map[string]any{
		"text":      s.text,
		"count":     s.count,
		"amount":    s.amount,
		"day":       s.day,
		"strong":    s.strong,
		"link":      s.link,
		"payment":   s.payment,
		"diff":      s.diff,
		"customer":  s.customer,
		"withMeans": s.withMeans,
		"changes":   s.changes,
		// money writes an amount alone, as in a table's cell: "1 234,56 €" or "€1,234.56".
		"money": func(m order.Money) string { return p.Amount(m.Cents, m.Currency) },
		// number writes a whole number alone: "1 234" or "1,234".
		"number": s.number,
		// lang is the email's language, for <html lang>.
		"lang": func() string { return string(p.Lang()) },
		// maskIBAN shows an account as FR76 **** **** 1234.
		"maskIBAN": MaskIBAN,
		// addressLines is an address as printed on an envelope.
		"addressLines": func(a order.Address) []string { return a.Lines() },
		// lines is what the "lines" partial shows: {{template "lines" (lines $ .Removed (t "mail.lines.quantity_removed"))}}.
		"lines": newLinesTable,
	}
	if html {
		fs["t"] = s.htmlT
	} else {
		fs["t"] = s.textT
	}
	return fs
}

func values(args []arg) []locale.Arg {
	vs := make([]locale.Arg, len(args))
	for i, a := range args {
		vs[i] = a.value
	}
	return vs
}

// textT says a message for the text version.
func (s sayer) textT(key string, args ...arg) (string, error) {
	out, err := s.p.Format(locale.Key(key), values(args)...)
	if err != nil {
		return "", fmt.Errorf("{{t %q}}: %w", key, err)
	}
	return out, nil
}

// catalogHTML escapes the catalog's own text for the HTML; its no-break
// spaces (French, before a colon) are written &nbsp;.
var catalogHTML = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "\u00a0", "&nbsp;")

// htmlT says a message for the HTML version: the catalog's text and the
// arguments escaped, the arguments marked up as the template asks.
func (s sayer) htmlT(key string, args ...arg) (htmltemplate.HTML, error) {
	parts, err := s.p.Parts(locale.Key(key), values(args)...)
	if err != nil {
		return "", fmt.Errorf("{{t %q}}: %w", key, err)
	}
	var b strings.Builder
	for _, part := range parts {
		if part.Arg < 0 {
			b.WriteString(catalogHTML.Replace(part.Text))
			continue
		}
		a := args[part.Arg]
		h := string(a.html)
		if a.html == "" {
			h = htmltemplate.HTMLEscapeString(part.Text)
		}
		if a.href != "" {
			h = `<a href="` + htmltemplate.HTMLEscapeString(a.href) + `">` + h + `</a>`
		}
		if a.strong {
			h = "<strong>" + h + "</strong>"
		}
		b.WriteString(h)
	}
	return htmltemplate.HTML(b.String()), nil
}

// text is a text written as it is: a name, a number of order, a sentence
// t said already.
func (s sayer) text(v any) (arg, error) {
	switch v := v.(type) {
	case string:
		return arg{value: locale.Text(v)}, nil
	case htmltemplate.HTML:
		return arg{value: locale.Text(string(v)), html: v}, nil
	}
	return arg{}, fmt.Errorf("text: %T is not a text", v)
}

// whole reads a whole number of any integer type.
func whole(v any) (int64, error) {
	switch r := reflect.ValueOf(v); r.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return r.Int(), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32:
		return int64(r.Uint()), nil
	}
	return 0, fmt.Errorf("%T is not a whole number", v)
}

// count is a whole number, which also chooses a singular or a plural.
func (s sayer) count(v any) (arg, error) {
	n, err := whole(v)
	if err != nil {
		return arg{}, fmt.Errorf("count: %w", err)
	}
	return arg{value: locale.Count(int(n))}, nil
}

func (s sayer) number(v any) (string, error) {
	n, err := whole(v)
	if err != nil {
		return "", fmt.Errorf("number: %w", err)
	}
	return s.p.Number(n), nil
}

// amount is an amount in its currency.
func (s sayer) amount(m order.Money) arg {
	return arg{value: locale.Amount(m.Cents, m.Currency)}
}

// day is a day, written without its time, in Paris.
func (s sayer) day(t time.Time) arg { return arg{value: locale.Day(t)} }

// strong shows an argument in <strong> in the HTML.
func (s sayer) strong(a arg) arg {
	a.strong = true
	return a
}

// link makes an argument a link in the HTML, to a web address.
func (s sayer) link(href string, a arg) (arg, error) {
	if !strings.HasPrefix(href, "https://") && !strings.HasPrefix(href, "http://") {
		return arg{}, fmt.Errorf("link: %q is not a web address", href)
	}
	a.href = href
	return a, nil
}

// paymentLabel names a means of payment in the reader's language ("Carte
// bancaire", "Card"), by the domain's label; one it does not know is shown
// by its code.
func (s sayer) paymentLabel(method string) string {
	key := order.PaymentMethod(method).LabelKey()
	if key == "" {
		return method
	}
	return s.p.T(key)
}

// payment is a means of payment (an order.PaymentMethod or its code), named
// in the reader's language.
func (s sayer) payment(method any) (arg, error) {
	r := reflect.ValueOf(method)
	if r.Kind() != reflect.String {
		return arg{}, fmt.Errorf("payment: %T is not a means of payment", method)
	}
	return arg{value: locale.Text(s.paymentLabel(r.String()))}, nil
}

// diff says what an edit changed in a line: "prix unitaire 12,50 € →
// 10,00 €, quantité 2 → 3".
func (s sayer) diff(d order.LineDiff, currency string) arg {
	var parts []string
	if d.SKUChanged() {
		parts = append(parts, s.p.T("mail.diff.sku", locale.Text(d.Before.SKU), locale.Text(d.After.SKU)))
	}
	if d.NameChanged() {
		parts = append(parts, s.p.T("mail.diff.name", locale.Text(d.Before.Name), locale.Text(d.After.Name)))
	}
	if d.PriceChanged() {
		parts = append(parts, s.p.T("mail.diff.price", locale.Amount(d.Before.UnitPrice, currency), locale.Amount(d.After.UnitPrice, currency)))
	}
	if d.QuantityChanged() {
		parts = append(parts, s.p.T("mail.diff.quantity", locale.Count(int(d.Before.Remaining())), locale.Count(int(d.After.Remaining()))))
	}
	if d.VATChanged() {
		parts = append(parts, s.p.T("mail.diff.vat", locale.Percent(d.Before.VATRate), locale.Percent(d.After.VATRate)))
	}
	return arg{value: locale.Text(strings.Join(parts, ", "))}
}

// customer names the customer to the shop: "Camille Martin
// (camille@example.fr)", or the name or the email alone.
func (s sayer) customer(name, email string) arg {
	switch {
	case name != "" && email != "":
		return arg{value: locale.Text(s.p.T("mail.merchant.name_email", locale.Text(name), locale.Text(email)))}
	case name != "":
		return arg{value: locale.Text(name)}
	}
	return arg{value: locale.Text(email)}
}

// withMeans follows a text with the means of payment, when there is one:
// "Camille Martin (Chèque)".
func (s sayer) withMeans(what, means string) arg {
	if means == "" {
		return arg{value: locale.Text(what)}
	}
	return arg{value: locale.Text(s.p.T("mail.merchant.with_means", locale.Text(what), locale.Text(s.paymentLabel(means))))}
}

// changeRow is a changed detail as the email lists it, said in the
// reader's language.
type changeRow struct{ Field, Before, After string }

// changes lists what an edit of the details changed, each field named and
// its values written for the reader: the shipping fee and the discount as
// amounts and rates of their language, the payment method's own label in
// it; what the customer or the agent typed (a name, an address) as it is.
func (s sayer) changes(d DetailsChanged) []changeRow {
	rows := make([]changeRow, len(d.Changes))
	for i, c := range d.Changes {
		field := c.Field
		if k := order.DetailLabelKey(c.Field); k != "" {
			field = s.p.T(k)
		}
		rows[i] = changeRow{
			Field:  field,
			Before: s.detailValue(d, c.Field, d.Before, c.Before),
			After:  s.detailValue(d, c.Field, d.After, c.After),
		}
	}
	return rows
}

// detailValue writes a detail's value: from the details themselves for
// the fields the reader's language writes its own way, as typed for the
// others.
func (s sayer) detailValue(d DetailsChanged, field string, det order.Details, typed string) string {
	currency := d.NewTotal.Currency
	switch field {
	case "shipping_fee":
		return s.p.Amount(det.ShippingFee, currency)
	case "discount":
		var v string
		switch det.Discount.Kind {
		case order.DiscountFixed:
			v = s.p.Amount(det.Discount.Amount, currency)
		case order.DiscountPercent:
			v = s.p.Percent(det.Discount.Percent)
		default:
			return s.p.T("mail.details_changed.no_discount")
		}
		if det.Discount.Code != "" {
			v = s.p.T("mail.details_changed.discount_code", locale.Text(v), locale.Text(det.Discount.Code))
		}
		return v
	case "payment_label":
		if det.PaymentLabel == "" {
			return s.paymentLabel(string(d.PaymentMethod))
		}
		return det.PaymentLabel
	}
	return typed
}
