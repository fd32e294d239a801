package mail

import (
	"errors"
	htmltemplate "html/template"
	"io"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	texttemplate "text/template"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
)

const (
	nnbsp = "\u202f" // French thousands separator
	nbsp  = "\u00a0" // before € and before a French colon
)

// removedTees is the shop's case: the customer asked to remove their three
// T-shirts from a 108,60 € order with free shipping; 55,80 € is left
// (48,90 € of products and 6,90 € of shipping now due).
func removedTees() ContentModified {
	return ContentModified{
		CustomerName: "Camille Martin",
		OrderNumber:  "C-2026-000123",
		Removed:      []order.Line{{ID: 13, SKU: "TEE-01", Name: "T-shirt brodé", UnitPrice: 1990, Quantity: 3, VATRate: 2000}},
		NewTotal:     order.EUR(5580),
		Shipping:     order.ShippingChange{Before: 0, After: 690},
		Outcome:      OutcomeNone,
	}
}

func TestRenderContentModified(t *testing.T) {
	tests := []struct {
		name    string
		locale  string
		edit    func(*ContentModified)
		want    []string // in the text the customer reads
		notWant []string
	}{
		{
			name: "refunded, fr", locale: "fr",
			edit: func(c *ContentModified) {
				c.Outcome, c.Refund, c.ProviderRef = OutcomeRefunded, order.EUR(5280), "re_3PqL0x"
			},
			want: []string{
				"Bonjour Camille Martin,",
				"nous avons retiré l'article suivant de votre commande C-2026-000123",
				"- 3 × T-shirt brodé (59,70" + nbsp + "€)",
				"n'atteint plus le montant de la livraison offerte" + nbsp + ": des frais de port de 6,90" + nbsp + "€ s'appliquent désormais",
				"Le nouveau montant de votre commande est de 55,80" + nbsp + "€.",
				"Nous vous avons remboursé 52,80" + nbsp + "€ sur le moyen de paiement utilisé",
				"Référence du remboursement" + nbsp + ": re_3PqL0x.",
				"Bien cordialement,",
			},
			notWant: []string{"pas pu vous rembourser", "reste", "chèque"},
		},
		{
			name: "refunded without a reference, fr", locale: "fr",
			edit:    func(c *ContentModified) { c.Outcome, c.Refund = OutcomeRefunded, order.EUR(5280) },
			want:    []string{"Nous vous avons remboursé 52,80" + nbsp + "€"},
			notWant: []string{"Référence"},
		},
		{
			name: "refund impossible, fr", locale: "fr",
			edit: func(c *ContentModified) {
				c.Outcome, c.Refund, c.Reason = OutcomeRefundImpossible, order.EUR(5280), "carte bancaire expirée"
			},
			want: []string{
				"Nous vous devons 52,80" + nbsp + "€, mais nous n'avons pas pu vous rembourser ce montant sur le moyen de paiement utilisé lors de votre commande (carte bancaire expirée).",
				"Notre service client va vous contacter très prochainement pour convenir avec vous de la façon de vous rembourser",
			},
			notWant: []string{"Nous vous avons remboursé", "Référence"},
		},
		{
			name: "balance due, fr", locale: "fr",
			edit: func(c *ContentModified) {
				c.Removed[0].Quantity, c.NewTotal = 1, order.EUR(9560)
				c.Outcome, c.BalanceDue = OutcomeBalanceDue, order.EUR(490)
			},
			want: []string{
				"- 1 × T-shirt brodé (19,90" + nbsp + "€)",
				"Le nouveau montant de votre commande est de 95,60" + nbsp + "€.",
				"il reste 4,90" + nbsp + "€ à régler",
			},
			notWant: []string{"rembours"},
		},
		{
			name: "cheque already sent, fr", locale: "fr",
			edit: func(c *ContentModified) {
				c.Outcome, c.Refund, c.PaymentMethod = OutcomeChequeRefund, order.EUR(5280), order.PayCheque
			},
			want: []string{
				"Comme vous nous aviez déjà envoyé votre chèque, nous vous adressons un chèque de remboursement de 52,80" + nbsp + "€ à l'adresse convenue avec vous.",
				"Il vous sera envoyé dans les prochains jours.",
			},
		},
		{
			name: "cheque not sent yet, fr", locale: "fr",
			edit: func(c *ContentModified) { c.Outcome = OutcomeChequeReplaced },
			want: []string{
				"Vous avez choisi de régler votre commande par chèque" + nbsp + ": le chèque de la commande initiale est annulé et ne doit pas être envoyé.",
				"Il est remplacé par un chèque de 55,80" + nbsp + "€, le nouveau montant de votre commande.",
			},
			notWant: []string{"rembours"},
		},
		{
			name: "nothing to settle, with the agent's note, fr", locale: "fr",
			edit: func(c *ContentModified) {
				c.Shipping = order.ShippingChange{Before: 690, After: 690}
				c.AgentNote = "Le T-shirt brodé revient en stock en juin :\nje vous préviendrai dès son retour."
			},
			want:    []string{"Le T-shirt brodé revient en stock en juin :\nje vous préviendrai dès son retour.\n"},
			notWant: []string{"frais de port", "rembours", "reste"},
		},
		{
			name: "several products, large amounts, fr", locale: "fr",
			edit: func(c *ContentModified) {
				c.Removed = append(c.Removed, order.Line{ID: 14, SKU: "SOFA", Name: "Canapé trois places", UnitPrice: 129900, Quantity: 1})
				c.Shipping = order.ShippingChange{Before: 690, After: 490}
				c.NewTotal, c.Outcome, c.Refund = order.EUR(1234567), OutcomeRefunded, order.EUR(131890)
			},
			want: []string{
				"nous avons retiré les articles suivants de votre commande",
				"- 3 × T-shirt brodé (59,70" + nbsp + "€)\n- 1 × Canapé trois places (1" + nnbsp + "299,00" + nbsp + "€)",
				"Les frais de port de votre commande passent de 6,90" + nbsp + "€ à 4,90" + nbsp + "€.",
				"est de 12" + nnbsp + "345,67" + nbsp + "€.",
				"Nous vous avons remboursé 1" + nnbsp + "318,90" + nbsp + "€",
			},
			notWant: []string{"livraison offerte"},
		},
		{
			name: "no name: a plain greeting, fr", locale: "fr",
			edit: func(c *ContentModified) { c.CustomerName = "" },
			want: []string{"Bonjour,\n"},
		},
		{
			name: "refunded, en", locale: "en",
			edit: func(c *ContentModified) {
				c.Outcome, c.Refund, c.ProviderRef = OutcomeRefunded, order.EUR(5280), "re_3PqL0x"
				c.AgentNote = "Sorry again for the trouble."
			},
			want: []string{
				"Hello Camille Martin,",
				"we have removed the following item from your order C-2026-000123:",
				"- 3 × T-shirt brodé (€59.70)",
				"your order no longer reaches the amount for free delivery: a shipping fee of €6.90 now applies.",
				"The new total of your order is €55.80.",
				"We have refunded €52.80 to the payment method used for your order.",
				"Refund reference: re_3PqL0x.",
				"Sorry again for the trouble.",
				"Kind regards,",
			},
			notWant: []string{"Bonjour", "€" + nbsp},
		},
		{
			name: "refund impossible, en", locale: "en",
			edit: func(c *ContentModified) {
				c.Outcome, c.Refund, c.Reason = OutcomeRefundImpossible, order.EUR(5280), "expired card"
			},
			want: []string{"We owe you €52.80, but we could not refund it to the payment method used for your order (expired card).", "contact you very soon"},
		},
		{
			name: "balance due, en", locale: "en-GB",
			edit: func(c *ContentModified) { c.Outcome, c.BalanceDue = OutcomeBalanceDue, order.EUR(123456) },
			want: []string{"€1,234.56 remains to be paid"},
		},
		{
			name: "cheque not sent yet, en", locale: "en",
			edit: func(c *ContentModified) { c.Outcome = OutcomeChequeReplaced },
			want: []string{"the cheque for the original order is cancelled and must not be sent", "replaced by a cheque of €55.80"},
		},
		{
			name: "cheque already sent, en", locale: "en",
			edit: func(c *ContentModified) { c.Outcome, c.Refund = OutcomeChequeRefund, order.EUR(5280) },
			want: []string{"a refund cheque of €52.80 at the address agreed with you"},
		},
		{
			name: "none, en", locale: "en",
			want:    []string{"The new total of your order is €55.80.\n\nIf you have any question"},
			notWant: []string{"refund", "remains"},
		},
		{
			name: "unknown locale is French", locale: "de",
			want: []string{"Bonjour Camille Martin,"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := removedTees()
			data.Removed = append([]order.Line(nil), data.Removed...)
			if tt.edit != nil {
				tt.edit(&data)
			}
			m, err := Render(TemplateContentModified, tt.locale, data)
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			wantLocale := "fr"
			if strings.HasPrefix(tt.locale, "en") {
				wantLocale = "en"
			}
			if m.Template != TemplateContentModified || m.Locale != wantLocale {
				t.Errorf("Template, Locale = %q, %q; want %q, %q", m.Template, m.Locale, TemplateContentModified, wantLocale)
			}
			wantSubject := map[string]string{"fr": "Votre commande C-2026-000123 a été modifiée", "en": "Your order C-2026-000123 has been changed"}[wantLocale]
			if m.Subject != wantSubject {
				t.Errorf("Subject = %q, want %q", m.Subject, wantSubject)
			}
			for _, w := range tt.want {
				if !strings.Contains(m.Text, w) {
					t.Errorf("text does not say %q:\n%s", w, m.Text)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(m.Text, w) {
					t.Errorf("text says %q and should not:\n%s", w, m.Text)
				}
			}
			if strings.Contains(m.Text, "\n\n\n") || strings.Contains(m.Text, " \n") || !strings.HasSuffix(m.Text, "\n") {
				t.Errorf("untidy text:\n%q", m.Text)
			}
			// The HTML tells the same story: the new total and the products.
			for _, w := range []string{data.NewTotal.Format(wantLocale), "T-shirt brodé", "C-2026-000123", `<html lang="` + wantLocale + `">`} {
				if !strings.Contains(m.HTML, w) {
					t.Errorf("HTML does not contain %q", w)
				}
			}
		})
	}
}

func TestRenderEscapesHTML(t *testing.T) {
	data := removedTees()
	data.Removed = []order.Line{{ID: 13, SKU: "TEE-01", Name: `T-shirt <b>Édition</b> "limitée"`, UnitPrice: 1990, Quantity: 3}}
	data.AgentNote = `<script>alert("x")</script>`
	for _, loc := range Locales {
		m, err := Render(TemplateContentModified, loc, data)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(m.HTML, "<b>") || strings.Contains(m.HTML, "<script>") {
			t.Errorf("%s: HTML lets markup from the data through:\n%s", loc, m.HTML)
		}
		for _, w := range []string{"T-shirt &lt;b&gt;Édition&lt;/b&gt; &#34;limitée&#34;", "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"} {
			if !strings.Contains(m.HTML, w) {
				t.Errorf("%s: HTML does not contain the escaped %q:\n%s", loc, w, m.HTML)
			}
		}
		// The text part is not HTML: the customer reads the name as typed.
		if !strings.Contains(m.Text, `3 × T-shirt <b>Édition</b> "limitée"`) {
			t.Errorf("%s: text mangles the name:\n%s", loc, m.Text)
		}
	}
}

func TestRenderRefusesUntruthfulData(t *testing.T) {
	tests := []struct {
		name      string
		template  string
		edit      func(*ContentModified)
		fragments []string
	}{
		{"unknown template", "welcome", nil, []string{"no such template", "content_modified"}},
		{"unknown outcome", TemplateContentModified, func(c *ContentModified) { c.Outcome = "refunded_twice" }, []string{"Outcome", "refunded_twice"}},
		{"no outcome", TemplateContentModified, func(c *ContentModified) { c.Outcome = "" }, []string{"Outcome"}},
		{"refunded without an amount", TemplateContentModified, func(c *ContentModified) { c.Outcome = OutcomeRefunded }, []string{"Refund", "above 0"}},
		{"refund impossible without an amount", TemplateContentModified, func(c *ContentModified) { c.Outcome = OutcomeRefundImpossible }, []string{"Refund"}},
		{"cheque refund without an amount", TemplateContentModified, func(c *ContentModified) { c.Outcome = OutcomeChequeRefund }, []string{"Refund"}},
		{"balance due without an amount", TemplateContentModified, func(c *ContentModified) { c.Outcome = OutcomeBalanceDue }, []string{"BalanceDue"}},
		{"replacement cheque of nothing", TemplateContentModified, func(c *ContentModified) { c.Outcome, c.NewTotal = OutcomeChequeReplaced, order.EUR(0) }, []string{"NewTotal"}},
		{"nothing removed", TemplateContentModified, func(c *ContentModified) { c.Removed = nil }, []string{"Removed"}},
		{"removed line without quantity", TemplateContentModified, func(c *ContentModified) { c.Removed[0].Quantity = 0 }, []string{"Removed[0]"}},
		{"no order number", TemplateContentModified, func(c *ContentModified) { c.OrderNumber = "" }, []string{"OrderNumber"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := removedTees()
			data.Removed = append([]order.Line(nil), data.Removed...)
			if tt.edit != nil {
				tt.edit(&data)
			}
			m, err := Render(tt.template, "fr", data)
			if err == nil {
				t.Fatalf("Render = %+v, want an error", m)
			}
			for _, f := range tt.fragments {
				if !strings.Contains(err.Error(), f) {
					t.Errorf("error %q does not say %q", err, f)
				}
			}
		})
	}
}

func TestRenderPointerData(t *testing.T) {
	data := removedTees()
	if _, err := Render(TemplateContentModified, "fr", &data); err != nil {
		t.Fatalf("Render(&data): %v", err)
	}
}

func TestLocale(t *testing.T) {
	for in, want := range map[string]string{"": "fr", "fr": "fr", "fr-FR": "fr", "en": "en", "EN": "en", "en-GB": "en", "en_US": "en", " en ": "en", "eng": "fr", "de": "fr", "es": "fr"} {
		if got := Locale(in); got != want {
			t.Errorf("Locale(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTemplates(t *testing.T) {
	got := strings.Join(Templates(), " ")
	for _, name := range []string{TemplateContentModified, TemplateCancelRefund} {
		if !strings.Contains(got, name) {
			t.Errorf("Templates() = %v, want %s in it", got, name)
		}
	}
	if strings.Contains(got, "_") && strings.Contains(got, "settlement") {
		t.Errorf("Templates() lists a partial: %v", got)
	}
}

// A broken template set is refused when the program starts.
func TestParseRefusesBrokenTemplates(t *testing.T) {
	good := func() fstest.MapFS {
		return fstest.MapFS{
			"templates/hello.txt":  {Data: []byte(`{{define "subject"}}{{t "mail.greeting_no_name"}}{{end}}{{t "mail.greeting" (text .)}}`)},
			"templates/hello.html": {Data: []byte(`<p>{{t "mail.greeting" (text .)}}</p>`)},
		}
	}
	got, err := parse(good())
	if err != nil {
		t.Fatalf("parse(good): %v", err)
	}
	// One template, every language.
	for loc, want := range map[string]string{"fr": "Bonjour Camille,", "en": "Hello Camille,"} {
		var b strings.Builder
		if err := got[key{"hello", loc}].text.Execute(&b, "Camille"); err != nil || b.String() != want {
			t.Errorf("hello in %s = %q, %v; want %q", loc, b.String(), err, want)
		}
	}
	tests := []struct {
		name string
		edit func(fstest.MapFS)
		want string
	}{
		{"HTML missing", func(m fstest.MapFS) { delete(m, "templates/hello.html") }, "must both exist"},
		{"no subject", func(m fstest.MapFS) { m["templates/hello.txt"] = &fstest.MapFile{Data: []byte(`Bonjour`)} }, "subject"},
		{"syntax error", func(m fstest.MapFS) { m["templates/hello.html"] = &fstest.MapFile{Data: []byte(`{{if}}`)} }, "hello.html"},
		{"unknown function", func(m fstest.MapFS) {
			m["templates/hello.txt"] = &fstest.MapFile{Data: []byte(`{{define "subject"}}x{{end}}{{euros .}}`)}
		}, "euros"},
		{"a copy per language", func(m fstest.MapFS) { m["templates/hello.de.txt"] = &fstest.MapFile{Data: []byte(`x`)} }, "no copy per language"},
		{"badly named file", func(m fstest.MapFS) { m["templates/hello.v2.txt"] = &fstest.MapFile{Data: []byte(`x`)} }, "NAME.txt or NAME.html"},
		{"other kind of file", func(m fstest.MapFS) { m["templates/hello.md"] = &fstest.MapFile{Data: []byte(`x`)} }, ".txt or .html"},
		{"calls a template nobody defines", func(m fstest.MapFS) {
			m["templates/hello.html"] = &fstest.MapFile{Data: []byte(`{{template "layout" .}}{{define "body"}}Bonjour{{end}}`)}
		}, `"layout"`},
		{"text calls a template nobody defines", func(m fstest.MapFS) {
			m["templates/hello.txt"] = &fstest.MapFile{Data: []byte(`{{define "subject"}}Hello{{end}}{{if .}}{{template "greeting" .}}{{end}}`)}
		}, `"greeting"`},
		{"HTML left inside an attribute", func(m fstest.MapFS) {
			m["templates/hello.html"] = &fstest.MapFile{Data: []byte(`<a href="{{.}}>Hello</a>`)}
		}, "hello.html"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := good()
			tt.edit(fsys)
			_, err := parse(fsys)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("parse = %v, want an error saying %q", err, tt.want)
			}
		})
	}
	defer func() {
		if recover() == nil {
			t.Error("mustParse did not panic on a broken set")
		}
	}()
	broken := good()
	delete(broken, "templates/hello.txt")
	mustParse(broken)
}

// A message the catalog lacks, or arguments it does not take, stop the
// email: it is not sent with a hole in it.
func TestRenderRefusesAMessageItCannotSay(t *testing.T) {
	for name, src := range map[string]string{
		"unknown key":    `{{t "mail.no_such_message"}}`,
		"missing amount": `{{t "mail.new_total"}}`,
		"wrong kind":     `{{t "mail.new_total" (text "12 €")}}`,
		"untyped":        `{{t "mail.greeting" "Camille"}}`,
	} {
		for _, html := range []bool{false, true} {
			var err error
			p := locale.For(locale.French)
			if html {
				tmpl := htmltemplate.Must(htmltemplate.New("x").Funcs(funcs(p, true)).Parse(src))
				err = tmpl.Execute(io.Discard, nil)
			} else {
				tmpl := texttemplate.Must(texttemplate.New("x").Funcs(funcs(p, false)).Parse(src))
				err = tmpl.Execute(io.Discard, nil)
			}
			if err == nil {
				t.Errorf("%s (HTML %v): rendered", name, html)
			}
		}
	}
}

// Every outcome constant renders in every locale.
func TestEveryOutcomeRenders(t *testing.T) {
	for _, oc := range []string{OutcomeRefunded, OutcomeRefundImpossible, OutcomeChequeRefund, OutcomeChequeReplaced, OutcomeBalanceDue, OutcomeNone} {
		for _, loc := range Locales {
			data := removedTees()
			data.Outcome, data.Refund, data.BalanceDue = oc, order.EUR(5280), order.EUR(100)
			if _, err := Render(TemplateContentModified, loc, data); err != nil {
				t.Errorf("%s/%s: %v", oc, loc, err)
			}
		}
	}
	var fe *order.FieldError
	_, err := Render(TemplateContentModified, "fr", ContentModified{OrderNumber: "C-1", Removed: removedTees().Removed, Outcome: "x"})
	if !errors.As(err, &fe) || fe.Field != "Outcome" {
		t.Errorf("bad outcome error = %v, want a FieldError on Outcome", err)
	}
}

// The emails of the embedded set stand on their partials: without one,
// the program does not start.
func TestEmbeddedPartialsAreNeeded(t *testing.T) {
	paths, err := fs.Glob(files, "templates/_*")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no partial embedded: %v", err)
	}
	partials := map[string]bool{}
	for _, p := range paths {
		partials[strings.SplitN(strings.TrimPrefix(p, "templates/"), ".", 2)[0]] = true
	}
	for partial := range partials {
		fsys := fstest.MapFS{}
		all, _ := fs.Glob(files, "templates/*")
		for _, p := range all {
			if strings.HasPrefix(p, "templates/"+partial+".") {
				continue
			}
			data, err := fs.ReadFile(files, p)
			if err != nil {
				t.Fatal(err)
			}
			fsys[p] = &fstest.MapFile{Data: data}
		}
		if _, err := parse(fsys); err == nil || !strings.Contains(err.Error(), "no template or partial defines it") {
			t.Errorf("without %s in any language: parse = %v, want an error naming the missing template", partial, err)
		}
	}
}
