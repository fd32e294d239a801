package mail

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/orderdesk/orderdesk/order"
)

// Tests of the money procedures' emails: every way the money goes back, in
// both emails and both languages, product edits and cancellations.

var lilas = &order.Address{Name: "Camille Martin", Line1: "12 rue des Lilas", PostalCode: "75011", City: "Paris"}

// render renders and fails the test on an error.
func render(t *testing.T, template, locale string, data any) Message {
	t.Helper()
	m, err := Render(template, locale, data)
	if err != nil {
		t.Fatalf("Render(%s, %s): %v", template, locale, err)
	}
	return m
}

// says asserts the text says every want and none of notWant.
func says(t *testing.T, text string, want, notWant []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("text does not say %q:\n%s", w, text)
		}
	}
	for _, w := range notWant {
		if strings.Contains(text, w) {
			t.Errorf("text says %q and should not:\n%s", w, text)
		}
	}
}

// The paragraph about the money reads the same in both emails.
func TestSettlementOutcomes(t *testing.T) {
	tests := []struct {
		name    string
		locale  string
		set     func(o *string, refund *order.Money, ref, reason, iban, voucher *string, addr **order.Address, days *int, method *order.PaymentMethod)
		want    []string
		notWant []string
		html    []string
	}{
		{
			name: "refund on the card, fr", locale: "fr",
			set: func(o *string, r *order.Money, ref, _, _, _ *string, _ **order.Address, _ *int, m *order.PaymentMethod) {
				*o, *r, *ref, *m = OutcomeRefunded, order.EUR(5280), "re_1", order.PayCard
			},
			want: []string{"Nous vous avons remboursé 52,80" + nbsp + "€ sur le moyen de paiement utilisé lors de votre commande (Carte bancaire).", "Référence du remboursement" + nbsp + ": re_1."},
		},
		{
			name: "bank transfer, fr: the IBAN is masked", locale: "fr",
			set: func(o *string, r *order.Money, ref, _, iban, _ *string, _ **order.Address, _ *int, _ *order.PaymentMethod) {
				*o, *r, *iban, *ref = OutcomeBankTransfer, order.EUR(5280), "FR76 3000 6000 0112 3456 7890 189", "po_9"
			},
			want:    []string{"Comme convenu avec vous, nous vous avons remboursé 52,80" + nbsp + "€ par virement bancaire sur votre compte FR76 **** **** 0189.", "Référence du virement" + nbsp + ": po_9."},
			notWant: []string{"3000 6000", "30006000", "0112"},
			html:    []string{"<strong>FR76 **** **** 0189</strong>"},
		},
		{
			name: "bank transfer, en, IBAN masked by the caller", locale: "en",
			set: func(o *string, r *order.Money, _, _, iban, _ *string, _ **order.Address, _ *int, _ *order.PaymentMethod) {
				*o, *r, *iban = OutcomeBankTransfer, order.EUR(5280), "FR76 **** **** 0189"
			},
			want: []string{"As agreed with you, we have refunded €52.80 by bank transfer to your account FR76 **** **** 0189."},
		},
		{
			name: "store credit, fr", locale: "fr",
			set: func(o *string, r *order.Money, _, _, _, v *string, _ **order.Address, _ *int, _ *order.PaymentMethod) {
				*o, *r, *v = OutcomeStoreCredit, order.EUR(2500), "AVOIR-7K3P-9QX2"
			},
			want: []string{"nous vous remboursons 25,00" + nbsp + "€ sous la forme d'un avoir à valoir sur notre boutique.", "Votre code d'avoir" + nbsp + ": AVOIR-7K3P-9QX2."},
			html: []string{"<strong>AVOIR-7K3P-9QX2</strong>"},
		},
		{
			name: "store credit, en", locale: "en",
			set: func(o *string, r *order.Money, _, _, _, v *string, _ **order.Address, _ *int, _ *order.PaymentMethod) {
				*o, *r, *v = OutcomeStoreCredit, order.EUR(2500), "AVOIR-7K3P-9QX2"
			},
			want: []string{"we are refunding €25.00 as store credit for our shop. Your voucher code: AVOIR-7K3P-9QX2."},
		},
		{
			name: "cheque chosen as payback, to a typed address, with a delay, fr", locale: "fr",
			set: func(o *string, r *order.Money, _, _, _, _ *string, a **order.Address, d *int, m *order.PaymentMethod) {
				*o, *r, *a, *d, *m = OutcomeChequeRefund, order.EUR(5280), lilas, 10, order.PayCard
			},
			want: []string{
				"Nous vous adressons un chèque de remboursement de 52,80" + nbsp + "€ à l'adresse convenue avec vous" + nbsp + ":\n  Camille Martin\n  12 rue des Lilas\n  75011 Paris\n",
				"Vous devriez le recevoir sous 10 jours ouvrés environ.",
			},
			notWant: []string{"déjà envoyé"},
			html:    []string{"Camille Martin<br>12 rue des Lilas<br>75011 Paris"},
		},
		{
			name: "cheque already sent, en", locale: "en",
			set: func(o *string, r *order.Money, _, _, _, _ *string, a **order.Address, _ *int, m *order.PaymentMethod) {
				*o, *r, *a, *m = OutcomeChequeRefund, order.EUR(5280), lilas, order.PayCheque
			},
			want: []string{"As you had already sent us your cheque, we are sending you a refund cheque of €52.80 at the address agreed with you:\n  Camille Martin", "It will be sent in the coming days."},
		},
		{
			name: "refund not approved, fr", locale: "fr",
			set: func(o *string, r *order.Money, _, _, _, _ *string, _ **order.Address, _ *int, _ *order.PaymentMethod) {
				*o, *r = OutcomeRefundRejected, order.EUR(5280)
			},
			want:    []string{"Le remboursement de 52,80" + nbsp + "€ n'a pas pu être validé pour le moment."},
			notWant: []string{"Nous vous avons remboursé"},
		},
		{
			name: "refund not approved, en", locale: "en",
			set: func(o *string, r *order.Money, _, _, _, _ *string, _ **order.Address, _ *int, _ *order.PaymentMethod) {
				*o, *r = OutcomeRefundRejected, order.EUR(5280)
			},
			want: []string{"The refund of €52.80 could not be approved for now."},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cm := removedTees()
			tt.set(&cm.Outcome, &cm.Refund, &cm.ProviderRef, &cm.Reason, &cm.IBAN, &cm.Voucher, &cm.ChequeAddress, &cm.ChequeDays, &cm.PaymentMethod)
			cr := goodwill()
			tt.set(&cr.Outcome, &cr.Refund, &cr.ProviderRef, &cr.Reason, &cr.IBAN, &cr.Voucher, &cr.ChequeAddress, &cr.ChequeDays, &cr.PaymentMethod)
			for _, m := range []Message{render(t, TemplateContentModified, tt.locale, cm), render(t, TemplateCancelRefund, tt.locale, cr)} {
				says(t, m.Text, tt.want, tt.notWant)
				for _, h := range tt.html {
					if !strings.Contains(m.HTML, h) {
						t.Errorf("%s HTML does not contain %q", m.Template, h)
					}
				}
				for _, w := range tt.notWant {
					if strings.Contains(m.HTML, w) {
						t.Errorf("%s HTML says %q", m.Template, w)
					}
				}
			}
		})
	}
}

func TestBalanceDue(t *testing.T) {
	data := removedTees()
	data.Removed[0].Quantity, data.NewTotal = 1, order.EUR(9560)
	data.Outcome, data.BalanceDue, data.PaymentLink = OutcomeBalanceDue, order.EUR(490), "https://pay.boutique.example/C-2026-000123?t=a&b=1"
	m := render(t, TemplateContentModified, "fr", data)
	says(t, m.Text, []string{
		"il reste 4,90" + nbsp + "€ à régler. Vous pouvez régler ce montant en ligne, en toute sécurité, à cette adresse" + nbsp + ":\nhttps://pay.boutique.example/C-2026-000123?t=a&b=1\n",
		"Votre commande sera préparée dès réception de votre paiement.",
	}, []string{"Nous vous indiquerons"})
	if !strings.Contains(m.HTML, `<a href="https://pay.boutique.example/C-2026-000123?t=a&amp;b=1">payer 4,90`+nbsp+`€</a>`) {
		t.Errorf("HTML has no payment link:\n%s", m.HTML)
	}
	m = render(t, TemplateContentModified, "en", data)
	says(t, m.Text, []string{"€4.90 remains to be paid. You can pay it securely online here:\nhttps://pay.boutique.example/"}, nil)

	data.PaymentLink = "javascript:alert(1)"
	if _, err := Render(TemplateContentModified, "fr", data); err == nil || !strings.Contains(err.Error(), "PaymentLink") {
		t.Errorf("a link that is not a web address: %v", err)
	}
}

// the product-edit procedure: products added and lines changed, not only removed.
func TestRenderContentEdits(t *testing.T) {
	mug := order.Line{ID: 11, SKU: "MUG-01", Name: "Mug émaillé", UnitPrice: 1250, Quantity: 2, VATRate: 2000}
	blue := mug
	blue.SKU, blue.Name, blue.UnitPrice, blue.Quantity = "MUG-02", "Mug bleu", 1000, 3
	data := ContentModified{
		CustomerName: "Camille Martin", OrderNumber: "C-2026-000123",
		Added:    []order.Line{{SKU: "CAP-01", Name: "Casquette", UnitPrice: 1500, Quantity: 2, VATRate: 2000}},
		Edited:   []order.LineDiff{{Before: mug, After: blue}},
		NewTotal: order.EUR(14360), Shipping: order.ShippingChange{},
		Outcome: OutcomeBalanceDue, BalanceDue: order.EUR(3500),
	}
	tests := []struct {
		locale  string
		want    []string
		notWant []string
	}{
		{"fr", []string{
			"Suite à votre demande, nous avons modifié votre commande C-2026-000123.",
			"Article ajouté" + nbsp + ":\n- 2 × Casquette (30,00" + nbsp + "€)",
			"Article modifié" + nbsp + ":\n- Mug bleu" + nbsp + ": référence MUG-01 → MUG-02, désignation « Mug émaillé » → « Mug bleu », prix unitaire 12,50" + nbsp + "€ → 10,00" + nbsp + "€, quantité 2 → 3 (3 × 10,00" + nbsp + "€ = 30,00" + nbsp + "€)",
			"Le nouveau montant de votre commande est de 143,60" + nbsp + "€.",
			"il reste 35,00" + nbsp + "€ à régler",
		}, []string{"retiré", "TVA"}},
		{"en", []string{
			"As you asked, we have changed your order C-2026-000123.",
			"Item added:\n- 2 × Casquette (€30.00)",
			"Item changed:\n- Mug bleu: reference MUG-01 → MUG-02, name “Mug émaillé” → “Mug bleu”, unit price €12.50 → €10.00, quantity 2 → 3 (3 × €10.00 = €30.00)",
		}, []string{"removed"}},
	}
	for _, tt := range tests {
		t.Run(tt.locale, func(t *testing.T) {
			m := render(t, TemplateContentModified, tt.locale, data)
			says(t, m.Text, tt.want, tt.notWant)
			for _, w := range []string{"Casquette", "Mug bleu", "MUG-01 → MUG-02"} {
				if !strings.Contains(m.HTML, w) {
					t.Errorf("HTML does not contain %q", w)
				}
			}
		})
	}
	t.Run("removed, added and changed, with a VAT change", func(t *testing.T) {
		d := data
		d.Removed = removedTees().Removed
		vat := blue
		vat.SKU, vat.Name, vat.UnitPrice, vat.Quantity, vat.VATRate = mug.SKU, mug.Name, mug.UnitPrice, mug.Quantity, 550
		d.Edited = []order.LineDiff{{Before: mug, After: vat}}
		d.Added = append(d.Added, order.Line{Name: "Tablier", UnitPrice: 900, Quantity: 1})
		says(t, render(t, TemplateContentModified, "fr", d).Text, []string{
			"Article retiré" + nbsp + ":\n- 3 × T-shirt brodé (59,70" + nbsp + "€)\n\nArticles ajoutés" + nbsp + ":\n- 2 × Casquette",
			"- Mug émaillé" + nbsp + ": TVA 20" + nbsp + "% → 5,5" + nbsp + "% (2 × 12,50",
		}, nil)
		says(t, render(t, TemplateContentModified, "en", d).Text, []string{"VAT 20% → 5.5%"}, nil)
	})
}

// goodwill is the shop's refund without cancellation.
func goodwill() CancelRefund {
	return CancelRefund{
		CustomerName: "Camille Martin", OrderNumber: "C-2026-000123",
		NewTotal: order.EUR(10860), Goodwill: "colis livré avec une semaine de retard",
		Outcome: OutcomeRefunded, Refund: order.EUR(1000),
	}
}

func TestRenderCancelRefund(t *testing.T) {
	tees := removedTees().Removed
	mug := order.Line{ID: 11, SKU: "MUG-01", Name: "Mug émaillé", UnitPrice: 1250, Quantity: 2}
	tests := []struct {
		name    string
		locale  string
		edit    func(*CancelRefund)
		subject string
		want    []string
		notWant []string
	}{
		{
			name: "some items cancelled and refunded, fr", locale: "fr",
			edit: func(c *CancelRefund) {
				c.Goodwill, c.Cancelled, c.NewTotal, c.Refund, c.PaymentMethod = "", tees, order.EUR(4890), order.EUR(5970), order.PayPayPal
			},
			subject: "Articles annulés dans votre commande C-2026-000123",
			want: []string{
				"Nous avons annulé l'article suivant de votre commande C-2026-000123" + nbsp + ":\n- 3 × T-shirt brodé (59,70" + nbsp + "€)",
				"Le nouveau montant de votre commande est de 48,90" + nbsp + "€.",
				"Nous vous avons remboursé 59,70" + nbsp + "€ sur le moyen de paiement utilisé lors de votre commande (PayPal).",
			},
			notWant: []string{"geste commercial", "annulée", "frais de port"},
		},
		{
			name: "whole order cancelled with its shipping, fr", locale: "fr",
			edit: func(c *CancelRefund) {
				c.Goodwill, c.Cancelled, c.OrderCancelled = "", append(append([]order.Line(nil), tees...), mug), true
				c.ShippingRefunded, c.NewTotal, c.Refund = order.EUR(690), order.EUR(0), order.EUR(9160)
			},
			subject: "Votre commande C-2026-000123 a été annulée",
			want: []string{
				"Votre commande C-2026-000123 a été annulée. Articles annulés" + nbsp + ":\n- 3 × T-shirt brodé (59,70" + nbsp + "€)\n- 2 × Mug émaillé (25,00" + nbsp + "€)",
				"Les frais de port de 6,90" + nbsp + "€ sont également annulés.",
				"Nous vous avons remboursé 91,60" + nbsp + "€",
			},
			notWant: []string{"nouveau montant"},
		},
		{
			name: "goodwill refund without cancellation, fr", locale: "fr",
			subject: "Remboursement sur votre commande C-2026-000123",
			want: []string{
				"À titre de geste commercial, nous vous accordons un remboursement sur votre commande C-2026-000123, sans annulation d'article. Motif" + nbsp + ": colis livré avec une semaine de retard.",
				"Nous vous avons remboursé 10,00" + nbsp + "€",
			},
			notWant: []string{"annulé l'article", "nouveau montant", "- "},
		},
		{
			name: "cancelled, not paid, email on, fr", locale: "fr",
			edit: func(c *CancelRefund) {
				c.Goodwill, c.Cancelled, c.NewTotal, c.Outcome, c.Refund = "", []order.Line{mug}, order.EUR(8360), OutcomeNone, order.Money{}
			},
			subject: "Articles annulés dans votre commande C-2026-000123",
			want:    []string{"Nous avons annulé l'article suivant", "Le nouveau montant de votre commande est de 83,60" + nbsp + "€.\n\nNous restons"},
			notWant: []string{"rembours"},
		},
		{
			name: "unpaid cheque order cancelled: the cheque must not be sent, fr", locale: "fr",
			edit: func(c *CancelRefund) {
				c.Goodwill, c.Cancelled, c.OrderCancelled, c.NewTotal, c.Outcome, c.Refund = "", tees, true, order.EUR(0), OutcomeChequeCancelled, order.Money{}
			},
			want: []string{"le chèque de la commande initiale est annulé et ne doit pas être envoyé."},
		},
		{
			name: "some items cancelled, cheque not sent yet, en", locale: "en",
			edit: func(c *CancelRefund) {
				c.Goodwill, c.Cancelled, c.NewTotal, c.Outcome, c.Refund = "", tees, order.EUR(4890), OutcomeChequeReplaced, order.Money{}
			},
			subject: "Items cancelled in your order C-2026-000123",
			want:    []string{"We have cancelled the following item of your order C-2026-000123:", "the cheque for the original order is cancelled and must not be sent. It is replaced by a cheque of €48.90"},
		},
		{
			name: "goodwill refund, impossible on the card, en", locale: "en",
			edit:    func(c *CancelRefund) { c.Outcome, c.Reason = OutcomeRefundImpossible, "expired card" },
			subject: "Refund on your order C-2026-000123",
			want: []string{
				"As a goodwill gesture, we are giving you a refund on your order C-2026-000123, without cancelling any item. Reason: colis livré avec une semaine de retard.",
				"We owe you €10.00, but we could not refund it to the payment method used for your order (expired card).",
			},
		},
		{
			name: "whole order cancelled, en", locale: "en",
			edit: func(c *CancelRefund) {
				c.Goodwill, c.Cancelled, c.OrderCancelled, c.NewTotal, c.Refund = "", tees, true, order.EUR(690), order.EUR(5970)
			},
			subject: "Your order C-2026-000123 has been cancelled",
			want:    []string{"Your order C-2026-000123 has been cancelled. Item cancelled:\n- 3 × T-shirt brodé (€59.70)", "We have refunded €59.70"},
			notWant: []string{"new total", "shipping"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := goodwill()
			if tt.edit != nil {
				tt.edit(&data)
			}
			m := render(t, TemplateCancelRefund, tt.locale, data)
			if tt.subject != "" && m.Subject != tt.subject {
				t.Errorf("Subject = %q, want %q", m.Subject, tt.subject)
			}
			says(t, m.Text, tt.want, tt.notWant)
			if strings.Contains(m.Text, "\n\n\n") || strings.Contains(m.Text, " \n") {
				t.Errorf("untidy text:\n%q", m.Text)
			}
			if !strings.Contains(m.HTML, `<html lang="`+Locale(tt.locale)+`">`) || !strings.Contains(m.HTML, "C-2026-000123") {
				t.Errorf("HTML is not the same email:\n%s", m.HTML)
			}
		})
	}
}

func TestRenderRefusesUntruthfulSettlements(t *testing.T) {
	tests := []struct {
		name     string
		template string
		data     any
		field    string
	}{
		{"transfer without IBAN", TemplateContentModified, func() ContentModified {
			c := removedTees()
			c.Outcome, c.Refund = OutcomeBankTransfer, order.EUR(100)
			return c
		}(), "IBAN"},
		{"store credit without code", TemplateCancelRefund, func() CancelRefund { c := goodwill(); c.Outcome = OutcomeStoreCredit; return c }(), "Voucher"},
		{"transfer of nothing", TemplateCancelRefund, func() CancelRefund {
			c := goodwill()
			c.Outcome, c.IBAN, c.Refund = OutcomeBankTransfer, "FR7630006000011234567890189", order.Money{}
			return c
		}(), "Refund"},
		{"balance due after a cancellation", TemplateCancelRefund, func() CancelRefund { c := goodwill(); c.Outcome = OutcomeBalanceDue; return c }(), "Outcome"},
		{"goodwill without its reason", TemplateCancelRefund, func() CancelRefund { c := goodwill(); c.Goodwill = " "; return c }(), "Goodwill"},
		{"nothing cancelled, nothing refunded", TemplateCancelRefund, func() CancelRefund {
			c := goodwill()
			c.Outcome, c.Refund = OutcomeNone, order.Money{}
			return c
		}(), "Refund"},
		{"order cancelled without items", TemplateCancelRefund, func() CancelRefund { c := goodwill(); c.OrderCancelled = true; return c }(), "Cancelled"},
		{"cancelled line without quantity", TemplateCancelRefund, func() CancelRefund {
			c := goodwill()
			c.Cancelled = []order.Line{{Name: "Mug"}}
			return c
		}(), "Cancelled[0]"},
		{"cancel email without number", TemplateCancelRefund, func() CancelRefund { c := goodwill(); c.OrderNumber = ""; return c }(), "OrderNumber"},
		{"added line without name", TemplateContentModified, func() ContentModified {
			c := removedTees()
			c.Added = []order.Line{{Quantity: 1}}
			return c
		}(), "Added[0]"},
		{"nothing removed, added or changed", TemplateContentModified, func() ContentModified { c := removedTees(); c.Removed = nil; return c }(), "Removed"},
		{"cheque cancelled is for a cancellation", TemplateContentModified, func() ContentModified {
			c := removedTees()
			c.Outcome = OutcomeChequeCancelled
			return c
		}(), "Outcome"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Render(tt.template, "fr", tt.data)
			if err == nil || !strings.Contains(err.Error(), tt.field+":") {
				t.Errorf("Render = %v, want an error on %s", err, tt.field)
			}
		})
	}
}

// The agent's personal paragraph appears in every email of this package,
// in both languages, in the text and in the HTML (escaped).
func TestAgentNoteInEveryEmail(t *testing.T) {
	note := "Je reste joignable au 01 23 45 67 89 <jusqu'à 18 h>."
	cm := removedTees()
	cm.AgentNote = note
	cr := goodwill()
	cr.AgentNote = note
	for _, tc := range []struct {
		name string
		data any
	}{{TemplateContentModified, cm}, {TemplateCancelRefund, cr}} {
		for _, loc := range Locales {
			m := render(t, tc.name, loc, tc.data)
			if !strings.Contains(m.Text, "\n\n"+note+"\n\n") {
				t.Errorf("%s/%s: the note is not its own paragraph:\n%s", tc.name, loc, m.Text)
			}
			if !strings.Contains(m.HTML, "Je reste joignable au 01 23 45 67 89 &lt;jusqu&#39;à 18 h&gt;.") {
				t.Errorf("%s/%s: HTML lacks the escaped note:\n%s", tc.name, loc, m.HTML)
			}
		}
	}
}

// Every outcome each email accepts renders in every language.
func TestEveryOutcomeRendersInBothEmails(t *testing.T) {
	all := []string{OutcomeRefunded, OutcomeRefundImpossible, OutcomeBankTransfer, OutcomeStoreCredit, OutcomeChequeRefund,
		OutcomeChequeReplaced, OutcomeChequeCancelled, OutcomeBalanceDue, OutcomeRefundRejected, OutcomeNone}
	for _, oc := range all {
		for _, loc := range Locales {
			cm := removedTees()
			cm.Outcome, cm.Refund, cm.BalanceDue, cm.IBAN, cm.Voucher = oc, order.EUR(5280), order.EUR(100), "FR7630006000011234567890189", "AVOIR-7K3P-9QX2"
			_, err := Render(TemplateContentModified, loc, cm)
			if (err != nil) != (oc == OutcomeChequeCancelled) {
				t.Errorf("content_modified %s/%s: %v", oc, loc, err)
			}
			cr := goodwill()
			cr.Cancelled = removedTees().Removed
			cr.Outcome, cr.IBAN, cr.Voucher = oc, "FR7630006000011234567890189", "AVOIR-7K3P-9QX2"
			_, err = Render(TemplateCancelRefund, loc, cr)
			if (err != nil) != (oc == OutcomeBalanceDue) {
				t.Errorf("cancel_refund %s/%s: %v", oc, loc, err)
			}
		}
	}
}

func TestMaskIBAN(t *testing.T) {
	for in, want := range map[string]string{
		"FR7630006000011234567890189":       "FR76 **** **** 0189",
		"fr76 3000 6000 0112 3456 7890 189": "FR76 **** **** 0189",
		"FR76 **** **** 0189":               "FR76 **** **** 0189",
		"DE89-3704-0044-0532-0130-00":       "DE89 **** **** 3000",
		"FR76":                              "****",
		"":                                  "****",
	} {
		if got := MaskIBAN(in); got != want {
			t.Errorf("MaskIBAN(%q) = %q, want %q", in, got, want)
		}
	}
}

// Partials ("_name.ext") are shared by the emails of their kind and are
// not emails themselves.
func TestParsePartials(t *testing.T) {
	fsys := fstest.MapFS{
		"templates/_sign.txt":  {Data: []byte(`{{define "sign"}}{{t "mail.sign_off.regards"}}{{end}}`)},
		"templates/_sign.html": {Data: []byte(`{{define "sign"}}<p>{{t "mail.sign_off.regards"}}</p>{{end}}`)},
		"templates/hi.txt":     {Data: []byte(`{{define "subject"}}Hi{{end}}Hi. {{template "sign"}}`)},
		"templates/hi.html":    {Data: []byte(`<p>Hi</p>{{template "sign"}}`)},
	}
	got, err := parse(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Errorf("parsed %d templates, want hi in two languages", len(got))
	}
	var b strings.Builder
	if err := got[key{"hi", "en"}].text.Execute(&b, nil); err != nil || b.String() != "Hi. Kind regards," {
		t.Errorf("hi.en = %q, %v", b.String(), err)
	}
	delete(fsys, "templates/_sign.html")
	if _, err := parse(fsys); err == nil || !strings.Contains(err.Error(), "templates/_sign.html must exist") {
		t.Errorf("a missing partial = %v, want an error naming _sign.html", err)
	}
	// The embedded set has its partials.
	if _, ok := parsed[key{"_settlement", "fr"}]; ok {
		t.Error("the settlement partial is listed as an email")
	}
}
