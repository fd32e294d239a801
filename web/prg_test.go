package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// A refused form never leaves the browser at the POST's address: the
// answer is a 303 to the form's GET page, which shows the error and what
// was typed; the form taken is a 303 too, and the page then shows the
// order paid, without reminders.
func TestRefusedPaymentFormRedirectsToItsGetPage(t *testing.T) {
	a := newPaymentApp(t)
	o := newAwaitingOrder(t, a.store, "C-2026-000982")
	base := "/orders/" + o.Number + "/payment"
	mustContain(t, a.page("/orders/"+o.Number), `id="action-record-payment"`)

	rec := a.postOnly(base+"/record", url.Values{"request_id": {"p1"}, "means": {"cheque"}, "amount": {"douze"}, "reference": {"CHQ 77"}})
	loc := rec.Header().Get("Location")
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(loc, base+"?form=") {
		t.Fatalf("refused record: %d to %q", rec.Code, loc)
	}
	code, body := a.get(loc)
	if code != http.StatusUnprocessableEntity {
		t.Fatalf("the kept page: %d", code)
	}
	mustContain(t, body, "Saisissez", `value="CHQ 77"`, `value="douze"`)

	rec = a.postOnly(base+"/record", url.Values{"request_id": {"p2"}, "means": {"cheque"}, "amount": {"31,90"}, "reference": {"CHQ 78"}})
	if loc := rec.Header().Get("Location"); rec.Code != http.StatusSeeOther || strings.Contains(loc, "form=") || !strings.HasPrefix(loc, base) {
		t.Fatalf("record: %d to %q", rec.Code, loc)
	}
	body = a.page(base)
	mustContain(t, body, "CHQ 78")
	for _, gone := range []string{`id="reminders"`, "Annulation de la commande", `id="start-form"`} {
		if strings.Contains(body, gone) {
			t.Errorf("the page after the payment shows %s", gone)
		}
	}
}
