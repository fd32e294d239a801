package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/workflows"
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

// TestModifyContentFormEdits: the shop's edits from the form. What the
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
		if got := nextTo(rec.Body.String(), "price_"+shirt); !strings.Contains(got, "dépasse la limite") {
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

// TestReviewEmailTask: a procedure waits for the agent to review the
// customer email. Its page and the inbox ask a short question and show the
// email as the customer will get it: the subject, the recipient and the
// HTML version in a sandboxed iframe. The agent's paragraph reaches the
// customer. A review task opened before the email was a field of the task
// shows its question as it was written.
func TestReviewEmailTask(t *testing.T) {
	a := newPaymentApp(t)
	ctx := context.Background()
	o := insertPaidOrder(t, a.store, "C-2026-000933", order.PayCard)
	shirt := fmt.Sprint(o.Lines[1].ID)

	// Rename the T-shirt: no money moves, the procedure goes straight to the email.
	f := modifyForm(o)
	f.Set("name_"+shirt, "T-shirt Lyon M bleu nuit")
	f.Set("step", "confirm")
	rec := a.post("/orders/"+o.Number+"/modify", f)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("confirm: status %d\n%s", rec.Code, rec.Body)
	}
	procedure := rec.Header().Get("Location")
	task := waitForOpenTask(t, a.store, o.ID, workflows.TaskReviewEmail)
	id := fmt.Sprint(task.ID)
	subject := "Votre commande " + o.Number + " a été modifiée"

	for _, path := range []string{procedure, "/tasks"} {
		body := a.page(path)
		mustContain(t, body,
			`<article class="email-review" id="email-`+id+`"`,
			`<span class="subject" lang="fr">`+esc(subject)+`</span>`,
			esc("Camille Martin <camille.martin@example.fr>"),
			`<iframe class="email-body" sandbox="" referrerpolicy="no-referrer"`,
			`id="answer-`+id+`-send"`, `<textarea name="note" id="note-`+id+`"`, `id="answer-`+id+`-send_with_note"`, `id="answer-`+id+`-dont_send"`)
		// What the customer will see is the HTML in the iframe, escaped
		// into its srcdoc so that it cannot close the iframe.
		email := srcdoc(t, body, path)
		for _, line := range []string{"Bonjour Camille Martin,", "T-shirt Lyon M bleu nuit", "Le nouveau montant de votre commande est de"} {
			if !strings.Contains(email, line) {
				t.Errorf("%s: the email under review lacks %q:\n%s", path, line, email)
			}
		}
		if strings.Contains(body, "<p>Bonjour Camille Martin,</p>") {
			t.Errorf("%s: the email's HTML is part of the page instead of its sandboxed iframe", path)
		}
	}
	mustContain(t, a.page(procedure), `<p class="q">`+esc(workflows.QuestionReviewEmail)+`</p>`)
	// The row of the inbox asks the question and names the subject, not the whole email.
	body := a.page("/tasks")
	row := body[strings.Index(body, `id="row-`+id+`"`):]
	row = row[:strings.Index(row, "</tr>")]
	mustContain(t, row, esc(workflows.QuestionReviewEmail), esc(subject))
	mustNotContain(t, row, "Bonjour", "srcdoc")

	// A note left empty is refused next to the textarea, on the inbox.
	rec = a.post("/tasks/"+id+"/answer", url.Values{"outcome": {"send_with_note"}, "note": {"  "}, "back": {"/tasks"}})
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("empty note: status %d", rec.Code)
	}
	mustContain(t, rec.Body.String(), esc("Écrivez le paragraphe à ajouter à l'e-mail."), `id="email-`+id+`"`)

	// An agent who chose English reads the question in English; the email stays as the customer gets it.
	ag, err := a.store.AgentByEmail(ctx, "marie@boutique.fr")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.store.SetAgentLocale(ctx, ag.ID, "en"); err != nil {
		t.Fatal(err)
	}
	mustContain(t, a.page(procedure), "Send this email to the customer?", `<span class="subject" lang="fr">`+esc(subject)+`</span>`)
	if err := a.store.SetAgentLocale(ctx, ag.ID, "fr"); err != nil {
		t.Fatal(err)
	}

	rec = a.post("/tasks/"+id+"/answer", url.Values{"outcome": {"send_with_note"}, "note": {"Merci de votre patience."}, "back": {procedure}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("send with a note: status %d\n%s", rec.Code, rec.Body)
	}
	var sent []store.Email
	deadline := time.Now().Add(30 * time.Second)
	for len(sent) == 0 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
		if sent, err = a.store.ListEmails(ctx, o.ID); err != nil {
			t.Fatal(err)
		}
	}
	if len(sent) != 1 || sent[0].Subject != subject || !strings.Contains(sent[0].BodyHTML, "Merci de votre patience.") {
		t.Fatalf("the email written: %+v, want one with the subject under review and the agent's paragraph", sent)
	}

	// A review task of before: its question holds the email, shown as it is.
	old := insertPaidOrder(t, a.store, "C-2026-000934", order.PayCard)
	wf := "modify-content/" + old.Number + "/req-1"
	q := "Relire l'e-mail avant envoi au client.\n\nObjet : Votre commande " + old.Number + " a été modifiée\n\nBonjour Camille,\n\nCordialement"
	legacy, err := a.store.CreateTask(ctx, store.Task{Key: wf + "/task/email", OrderID: old.ID, WorkflowID: wf, Kind: workflows.TaskReviewEmail,
		Question: q, Options: []string{"send", "send_with_note", "dont_send"}})
	if err != nil {
		t.Fatal(err)
	}
	lid := fmt.Sprint(legacy.ID)
	body = a.page("/tasks")
	row = body[strings.Index(body, `id="row-`+lid+`"`):]
	row = row[:strings.Index(row, "</tr>")]
	mustContain(t, row, `<td class="question"><span lang="fr">`+esc(q)+`</span></td>`)
	mustContain(t, body, `id="answer-`+lid+`-send"`, `id="answer-`+lid+`-dont_send"`)
	mustNotContain(t, body, `id="email-`+lid+`"`)
}

// waitForOpenTask waits until the order has an open task of the kind.
func waitForOpenTask(t *testing.T, st *store.Store, orderID int64, kind string) store.Task {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		ts, err := st.ListTasks(context.Background(), orderID)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range ts {
			if x.Kind == kind && x.Status == store.TaskOpen {
				return x
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("order #%d: no open %s task after 30 s", orderID, kind)
	return store.Task{}
}

// srcdoc is the HTML of the one sandboxed email iframe of a page, as the
// iframe shows it.
func srcdoc(t *testing.T, body, path string) string {
	t.Helper()
	m := regexp.MustCompile(`<iframe class="email-body" sandbox="" [^>]*srcdoc="([^"]*)"`).FindAllStringSubmatch(body, -1)
	if len(m) != 1 {
		t.Fatalf("%s: %d sandboxed email iframes, want 1", path, len(m))
	}
	return html.UnescapeString(m[0][1])
}

// The confirmation says what will happen to the money for the order's
// means of payment: a provider that refunds at once asks the agent
// nothing; a refund by hand asks them to confirm it once made.
func TestModifyConfirmationSaysHowTheMoneyGoesBack(t *testing.T) {
	a := newPaymentApp(t)
	for _, tt := range []struct {
		number  string
		method  order.PaymentMethod
		says    string
		notSays string
	}{
		{"C-2026-000941", order.PayCard, "le prestataire rembourse le client aussitôt, sans rien vous demander", "vous demandera ensuite de confirmer"},
		{"C-2026-000942", order.PayPayPal, "vous demandera ensuite de confirmer « Remboursement effectué » ou « Remboursement impossible »", "le prestataire rembourse"},
	} {
		t.Run(string(tt.method), func(t *testing.T) {
			o := insertPaidOrder(t, a.store, tt.number, tt.method)
			f := modifyForm(o)
			f.Set("qty_"+fmt.Sprint(o.Lines[0].ID), "0")
			rec := a.post("/orders/"+o.Number+"/modify", f)
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			body := html.UnescapeString(rec.Body.String())
			mustContain(t, body, `id="refund-amount"`, tt.says)
			mustNotContain(t, body, tt.notSays)
		})
	}
}
