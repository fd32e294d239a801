package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/orderdesk/orderdesk/order"
)

// editForm is the edit-details form as a browser sends it untouched: the
// order's current details.
func editForm(o order.Order) url.Values {
	f := url.Values{"request_id": {"req-edit-test"}, "step": {"preview"},
		"name": {o.Customer.Name}, "email": {o.Customer.Email}, "phone": {o.Customer.Phone},
		"payment_label": {o.PaymentMethod.Label("fr")}, "shipping_method": {o.ShippingRules.Method},
		"shipping_fee": {"0,00"}, "discount": {"0"}}
	for prefix, a := range map[string]order.Address{"billing": o.Billing, "delivery": o.Delivery} {
		f.Set(prefix+"_name", a.Name)
		f.Set(prefix+"_line1", a.Line1)
		f.Set(prefix+"_line2", a.Line2)
		f.Set(prefix+"_postal_code", a.PostalCode)
		f.Set(prefix+"_city", a.City)
		f.Set(prefix+"_country", a.Country)
	}
	return f
}

// nextToInput is the message right after an input of a label.
func nextToInput(body, field string) string {
	i := strings.Index(body, `name="`+field+`"`)
	if i < 0 {
		return ""
	}
	rest := body[i:]
	if end := strings.Index(rest, "<label"); end >= 0 {
		rest = rest[:end]
	}
	const open = `<span class="field-error" role="alert">`
	j := strings.Index(rest, open)
	if j < 0 {
		return ""
	}
	rest = rest[j+len(open):]
	return rest[:strings.Index(rest, "</span>")]
}

// TestEditDetailsForm: edit details from the order page. The action leads
// to a form pre-filled with the order's details; bad input is refused next
// to its field and kept; the confirmation says what changes and, when
// money changes, the new total and the balance; confirming starts the
// procedure, whose page follows, and the order is changed. While the
// warehouse prints the order the delivery address is locked, with the
// reason; while a procedure holds it the action is disabled, with the reason.
func TestEditDetailsForm(t *testing.T) {
	a := newPaymentApp(t)
	ctx := context.Background()
	o := insertPaidOrder(t, a.store, "C-2026-000971", order.PayCard)
	path := "/orders/" + o.Number + "/edit"

	mustContain(t, a.page("/orders/"+o.Number), `id="action-edit" href="/orders/C-2026-000971/edit"`)
	body := a.page(path)
	mustContain(t, body, `name="name" id="name" value="Camille Martin"`, `name="delivery_line1" id="delivery_line1" value="12 rue des Lilas"`,
		`name="shipping_fee" id="shipping_fee" value="0,00"`, `name="payment_label" id="payment_label" value="Carte bancaire"`,
		`name="shipping_method" id="shipping_method" value="Colissimo domicile"`)
	mustNotContain(t, body, `id="delivery-locked"`)

	t.Run("bad input is refused next to its field", func(t *testing.T) {
		for _, c := range []struct{ field, value, input, want string }{
			{"name", " ", "name", "ne peut pas être vide"},
			{"email", "camille@", "email", "n'est pas une adresse e-mail"},
			{"delivery_postal_code", "", "delivery_postal_code", "Le code postal est vide"},
			{"shipping_fee", "4,9x", "shipping_fee", "Saisissez un montant"},
			{"discount", "150%", "discount", "dépasse 100"},
			{"discount", "60,00", "discount", "dépasse la marchandise"},
		} {
			f := editForm(o)
			f.Set(c.field, c.value)
			rec := a.post(path, f)
			if rec.Code != http.StatusUnprocessableEntity {
				t.Errorf("%s=%q: status %d, want 422", c.field, c.value, rec.Code)
				continue
			}
			if got := nextToInput(rec.Body.String(), c.input); !strings.Contains(got, esc(c.want)) {
				t.Errorf("%s=%q: next to %s %q, want %q", c.field, c.value, c.input, got, c.want)
			}
		}
		rec := a.post(path, editForm(o))
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "ne change rien") {
			t.Errorf("an untouched form: status %d, want a refusal saying nothing changes", rec.Code)
		}
	})

	t.Run("the confirmation shows the new total and the balance", func(t *testing.T) {
		f := editForm(o)
		f.Set("shipping_fee", "4,90")
		rec := a.post(path, f)
		if rec.Code != http.StatusOK {
			t.Fatalf("status %d: %s", rec.Code, rec.Body.String())
		}
		body := rec.Body.String()
		mustContain(t, body, "frais de port", "0,00", "4,90", `id="new-total">54,90`, "Reste à payer par le client", `id="notify" checked`, `id="confirm"`)
	})

	t.Run("confirm a new delivery address", func(t *testing.T) {
		f := editForm(o)
		f.Set("delivery_line1", "4 place Bellecour")
		f.Set("delivery_postal_code", "69002")
		f.Set("payment_label", "CB en 3 fois")
		rec := a.post(path, f)
		if rec.Code != http.StatusOK {
			t.Fatalf("preview: status %d", rec.Code)
		}
		mustContain(t, rec.Body.String(), "adresse de livraison", "4 place Bellecour", "Le total de la commande ne change pas.")
		mustNotContain(t, rec.Body.String(), `id="notify" checked`) // an address fix sends no email by default
		f.Set("step", "confirm")
		rec = a.post(path, f)
		if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/procedures/edit-details/C-2026-000971/req-edit-test") {
			t.Fatalf("confirm: status %d, location %q", rec.Code, rec.Header().Get("Location"))
		}
		mustContain(t, a.page(rec.Header().Get("Location")), "Modification des informations")
		deadline := time.Now().Add(20 * time.Second)
		for {
			after, err := a.store.GetOrder(ctx, o.Number)
			if err != nil {
				t.Fatal(err)
			}
			if after.Delivery.Line1 == "4 place Bellecour" && after.Delivery.PostalCode == "69002" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the delivery address was not changed: %+v", after.Delivery)
			}
			time.Sleep(100 * time.Millisecond)
		}
		page := a.page("/orders/" + o.Number)
		mustContain(t, page, "Adresse de livraison : Camille Martin, 12 rue des Lilas, 69003 Lyon, FR → Camille Martin, 4 place Bellecour, 69002 Lyon, FR",
			"Nom du mode de paiement : Carte bancaire → CB en 3 fois", " · CB en 3 fois · ")
	})

	t.Run("delivery address locked while the warehouse prints", func(t *testing.T) {
		if err := a.store.SetLogisticsStatus(ctx, o.Number, order.LogisticsPrinting, "entrepot"); err != nil {
			t.Fatal(err)
		}
		cur, _ := a.store.GetOrder(ctx, o.Number)
		body := a.page(path)
		mustContain(t, body, `name="payment_label" id="payment_label" value="CB en 3 fois"`)
		mustContain(t, body, `id="delivery-locked"`, "En cours d&#39;impression", `name="delivery_line1" id="delivery_line1" value="4 place Bellecour" disabled`)
		f := editForm(cur) // a forged form that sends the delivery address anyway
		f.Set("payment_label", "CB en 3 fois")
		f.Set("delivery_line1", "1 rue de la République")
		rec := a.post(path, f)
		if got := nextToInput(rec.Body.String(), "delivery_line1"); rec.Code != http.StatusUnprocessableEntity || !strings.Contains(got, "ne peut plus changer") {
			t.Errorf("status %d, next to the delivery address %q", rec.Code, got)
		}
		f = editForm(cur)
		f.Set("payment_label", "CB en 3 fois")
		f.Del("delivery_line1") // as the browser sends it: the locked inputs are not sent
		f.Set("name", "Camille Martin-Durand")
		if rec := a.post(path, f); rec.Code != http.StatusOK {
			t.Errorf("the name can still change while printing: status %d", rec.Code)
		}
	})

	t.Run("action disabled while a procedure holds the order", func(t *testing.T) {
		if err := a.store.SetLogisticsStatus(ctx, o.Number, order.LogisticsAwaitingPrinting, "entrepot"); err != nil {
			t.Fatal(err)
		}
		if _, err := a.store.TakeHold(ctx, o.Number, "modify-content/C-2026-000971/x"); err != nil {
			t.Fatal(err)
		}
		body := a.page("/orders/" + o.Number)
		mustContain(t, body, `id="action-edit" aria-disabled="true"`, `id="edit-reason"`, "modify-content/C-2026-000971/x")
		mustNotContain(t, body, `href="/orders/C-2026-000971/edit"`)
		if code, _ := a.get(path); code != http.StatusConflict {
			t.Errorf("the form of a held order: status %d, want 409", code)
		}
	})
}
