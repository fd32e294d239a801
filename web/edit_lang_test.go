package web_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/orderdesk/orderdesk/order"
)

// TestEditFormAmountsInTheAgentsFormat: the edit-details form writes its
// amounts as its reader does, "0,00" next to the hint "(5,00)" in French,
// "0.00" next to "(5.00)" in English, and takes an amount typed either
// way from either reader.
func TestEditFormAmountsInTheAgentsFormat(t *testing.T) {
	a := newPaymentApp(t)
	ctx := context.Background()
	o := insertPaidOrder(t, a.store, "C-2026-000975", order.PayCard)
	path := "/orders/" + o.Number + "/edit"
	ag, err := a.store.AgentByEmail(ctx, "marie@boutique.fr")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		lang, fee, hint, newTotal string
	}{
		{"fr", `value="0,00"`, "un montant (5,00)", `id="new-total">54,90`},
		{"en", `value="0.00"`, "an amount (5.00)", `id="new-total">€54.90`},
	} {
		if err := a.store.SetAgentLocale(ctx, ag.ID, c.lang); err != nil {
			t.Fatal(err)
		}
		body := a.page(path)
		mustContain(t, body, `name="shipping_fee" id="shipping_fee" `+c.fee, c.hint)
		for _, typed := range []string{"4,90", "4.90"} {
			f := editForm(o)
			f.Set("shipping_fee", typed)
			rec := a.post(path, f)
			if rec.Code != http.StatusOK {
				t.Errorf("%s, shipping fee %q: status %d, want the confirmation", c.lang, typed, rec.Code)
				continue
			}
			mustContain(t, rec.Body.String(), c.newTotal)
		}
	}
}
