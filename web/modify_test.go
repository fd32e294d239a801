package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
)

// nextTo returns the message shown right after the input named field (in
// the same table cell or label), or "" when there is none.
func nextTo(body, field string) string {
	i := strings.Index(body, `name="`+esc(field)+`"`)
	if i < 0 {
		return ""
	}
	rest := body[i:]
	if end := strings.Index(rest, "</td>"); end >= 0 {
		rest = rest[:end]
	}
	m := regexp.MustCompile(`<span class="field-error" role="alert">([^<]*)</span>`).FindStringSubmatch(rest)
	if m == nil {
		return ""
	}
	return m[1]
}

// modifyForm is the form of the modify-content page as a browser would
// send it, untouched: every line at its quantity, SKU, name and price.
func modifyForm(o order.Order) url.Values {
	f := url.Values{"channel": {string(order.ContactPhone)}, "recalc": {"1"}, "request_id": {"req-modify-test"}, "step": {"preview"}}
	for _, l := range o.Lines {
		id := fmt.Sprint(l.ID)
		f.Set("qty_"+id, fmt.Sprint(l.Remaining()))
		f.Set("sku_"+id, l.SKU)
		f.Set("name_"+id, l.Name)
		f.Set("price_"+id, strings.Replace(fmt.Sprintf("%d.%02d", l.UnitPrice/100, l.UnitPrice%100), ".", ",", 1))
	}
	return f
}

// TestModifyContentFormEdits: seed 001's edits from the form. What the
// agent typed wrong is refused next to its field and kept; the domain's
// refusals (a price above the limit) land next to the field they name;
// a good change shows the confirmation with the edited and added lines.
func TestModifyContentFormEdits(t *testing.T) {
	a := newPaymentApp(t)
	o := insertPaidOrder(t, a.store, "C-2026-000931", order.PayCard)
	mug, shirt := fmt.Sprint(o.Lines[0].ID), fmt.Sprint(o.Lines[1].ID)
	path := "/orders/" + o.Number + "/modify"

	body := a.page(path)
	mustContain(t, body, `name="price_`+mug+`" id="price_`+mug+`" class="price" value="12,50"`, `id="add-product"`)

	t.Run("add a row", func(t *testing.T) {
		f := modifyForm(o)
		f.Set("step", "add")
		rec := a.post(path, f)
		if rec.Code != http.StatusOK {
			t.Fatalf("status %d", rec.Code)
		}
		mustContain(t, rec.Body.String(), `id="add-row-0"`, `name="add[0].sku"`, `<option value="2000" selected>20`)
		mustNotContain(t, rec.Body.String(), `class="field-error"`)
	})

	t.Run("typing mistakes", func(t *testing.T) {
		f := modifyForm(o)
		f.Set("price_"+shirt, "27,5x")
		f.Set("qty_"+mug, "-1")
		f.Set("add[0].sku", "AFF-A3")
		f.Set("add[0].name", "")
		f.Set("add[0].unit_price", "8,90")
		f.Set("add[0].quantity", "1")
		f.Set("add[0].vat_rate", "1234")
		f.Set("add[1].sku", "") // an empty row: ignored
		f.Set("add[1].name", "")
		f.Set("add[1].unit_price", "")
		rec := a.post(path, f)
		body := rec.Body.String()
		if rec.Code != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, want 422", rec.Code)
		}
		for field, want := range map[string]string{
			"price_" + shirt:  "Saisissez un prix",
			"qty_" + mug:      "négative",
			"add[0].name":     "Saisissez le nom",
			"add[0].vat_rate": "taux de TVA",
		} {
			if got := nextTo(body, field); !strings.Contains(got, esc(want)) {
				t.Errorf("next to %s: %q, want %q", field, got, want)
			}
		}
		for _, field := range []string{"add[0].sku", "add[1].sku", "sku_" + shirt} {
			if got := nextTo(body, field); got != "" {
				t.Errorf("next to %s: %q, want nothing", field, got)
			}
		}
		mustContain(t, body, `value="27,5x"`, `value="AFF-A3"`, `value="-1"`)
	})

	t.Run("refused by the domain", func(t *testing.T) {
		f := modifyForm(o)
		f.Set("price_"+shirt, "20 000 000,00")
		rec := a.post(path, f)
		if rec.Code != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, want 422", rec.Code)
		}
		if got := nextTo(rec.Body.String(), "price_"+shirt); !strings.Contains(got, "Au plus") {
			t.Errorf("next to the price: %q", got)
		}
	})

	t.Run("nothing changed", func(t *testing.T) {
		rec := a.post(path, modifyForm(o))
		if rec.Code != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, want 422", rec.Code)
		}
		mustContain(t, rec.Body.String(), "Rien n&#39;a changé")
	})

	t.Run("confirmation", func(t *testing.T) {
		f := modifyForm(o)
		f.Set("price_"+shirt, "27,50")
		f.Set("qty_"+mug, "3") // raised: an edit
		f.Set("add[0].sku", " AFF-A3 ")
		f.Set("add[0].name", "Affiche <b>Lyon</b>")
		f.Set("add[0].unit_price", "8,90")
		f.Set("add[0].quantity", "2")
		f.Set("add[0].vat_rate", "550")
		rec := a.post(path, f)
		body := rec.Body.String()
		if rec.Code != http.StatusOK {
			t.Fatalf("status %d\n%s", rec.Code, body)
		}
		// 3 × 12,50 + 27,50 + 2 × 8,90 = 82,80 €: 32,80 € more than paid.
		mustContain(t, body, `id="added"`, "AFF-A3", esc("Affiche <b>Lyon</b>"), esc("5,5\u00a0%"),
			`id="edited"`, esc(order.EUR(2750).French()), `id="balance-due">`+esc(order.EUR(3280).French()),
			// The confirmation carries the form as typed.
			`name="add[0].vat_rate" value="550"`, `name="price_`+shirt+`" value="27,50"`, `name="qty_`+mug+`" value="3"`)
		mustNotContain(t, body, "<b>Lyon</b>")
	})
}

// TestModifyContentInEnglish: an agent who chose English reads the form,
// its refusals and the confirmation in English; the order's data stays as
// the shop wrote it.
func TestModifyContentInEnglish(t *testing.T) {
	a := newPaymentApp(t)
	ag, err := a.store.AgentByEmail(context.Background(), "marie@boutique.fr")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.store.SetAgentLocale(context.Background(), ag.ID, "en"); err != nil {
		t.Fatal(err)
	}
	o := insertPaidOrder(t, a.store, "C-2026-000932", order.PayCard)
	mug := fmt.Sprint(o.Lines[0].ID)
	path := "/orders/" + o.Number + "/modify"

	mustContain(t, a.page(path), "Tick the products the customer removes", "Add a product", "Final qty", "Mug Tour Eiffel")

	f := modifyForm(o)
	f.Set("price_"+mug, "abc")
	body := a.post(path, f).Body.String()
	if got := nextTo(body, "price_"+mug); got != "Enter a price, for example 12.50." {
		t.Errorf("next to the price: %q", got)
	}

	f = modifyForm(o)
	f.Set("qty_"+mug, "1")
	body = a.post(path, f).Body.String()
	mustContain(t, body, "Products removed", "Paid by the customer, net of refunds:", "To refund to the customer:",
		"The customer will receive a summary email")
	mustNotContain(t, body, "Payé par le client", "À rembourser au client")

	code, body := a.get("/orders/C-2026-999999")
	if code != http.StatusNotFound {
		t.Errorf("unknown order: status %d", code)
	}
	mustContain(t, body, "Order not found", esc("No order has the number “C-2026-999999”."))

	mustContain(t, a.page("/orders/"+o.Number+"/payment"), "Payment and invoices", "Collect the payment", "How the customer pays")
}

// TestReviewEmailTask: the email under review is shown as an email (its
// subject, then its text as written), with the three answers.
func TestReviewEmailTask(t *testing.T) {
	a := newPaymentApp(t)
	o := insertPaidOrder(t, a.store, "C-2026-000933", order.PayCard)
	wf := "modify-content/" + o.Number + "/req-1"
	q := "Relire l'e-mail avant envoi au client.\n\nObjet : Votre commande " + o.Number + " a été modifiée\n\nBonjour Camille,\n\n<b>Produits ajoutés</b> : 1 × Affiche\n\nCordialement"
	task, err := a.store.CreateTask(context.Background(), store.Task{Key: wf + "/email", OrderID: o.ID, WorkflowID: wf, Kind: "review_email",
		Question: q, Options: []string{"send", "send_with_note", "dont_send"}})
	if err != nil {
		t.Fatal(err)
	}
	id := fmt.Sprint(task.ID)
	body := a.page("/tasks")
	mustContain(t, body,
		`<article class="email-review" id="email-`+id+`"`,
		`<span class="subject">`+esc("Votre commande "+o.Number+" a été modifiée")+`</span>`,
		`<div class="email-text">Bonjour Camille,`+"\n\n"+esc("<b>Produits ajoutés</b> : 1 × Affiche")+"\n\nCordialement</div>",
		`id="answer-`+id+`-send"`, `<textarea name="note" id="note-`+id+`"`, `id="answer-`+id+`-send_with_note"`, `id="answer-`+id+`-dont_send"`)
	// The row of the inbox says what to do and the subject, not the whole email.
	row := body[strings.Index(body, `id="row-`+id+`"`):]
	row = row[:strings.Index(row, "</tr>")]
	mustContain(t, row, esc("Relire l'e-mail avant envoi au client."), "Objet")
	mustNotContain(t, row, "Cordialement")

	// A note left empty is refused next to the textarea, on the inbox.
	rec := a.post("/tasks/"+id+"/answer", url.Values{"outcome": {"send_with_note"}, "note": {"  "}, "back": {"/tasks"}})
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("empty note: status %d", rec.Code)
	}
	mustContain(t, rec.Body.String(), esc("Écrivez le paragraphe à ajouter à l'e-mail."))
}
