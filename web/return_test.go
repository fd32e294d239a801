package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/workflows"
)

// TestReturnFormRefusesAndStarts: « Retour d'articles » is greyed out
// until something is shipped; the form refuses more than shipped (next to
// its line) and an empty return, writing nothing; a return taken goes to
// its procedure's page and shows in the order's « Retours » with
// « Colis reçu »; the inspection's answer in part is checked on the
// server (the items typed, a reason for the rest).
func TestReturnFormRefusesAndStarts(t *testing.T) {
	a := newPaymentApp(t)
	ctx := context.Background()
	o := insertPaidOrder(t, a.store, "C-2026-000446", order.PayCard)
	mustContain(t, a.page("/orders/"+o.Number), `id="action-return" aria-disabled="true"`, "Aucun article expédié")

	o = shipAll(t, a.store, o)
	mug, tee := fmt.Sprint(o.Lines[0].ID), fmt.Sprint(o.Lines[1].ID)
	path := "/orders/" + o.Number + "/return"
	mustContain(t, a.page("/orders/"+o.Number), `<a class="action" id="action-return" href="/orders/C-2026-000446/return">Retour d&#39;articles</a>`)
	mustContain(t, a.page(path), `name="qty_`+mug+`" id="qty_`+mug+`" value="0" min="0" max="2"`, `name="qty_`+tee+`"`,
		`<option value="withdrawal" selected>Rétractation</option>`, `id="resolution-refund" checked`)

	form := func(rid, mugs string) url.Values {
		return url.Values{"request_id": {rid}, "qty_" + mug: {mugs}, "qty_" + tee: {"0"}, "reason": {"withdrawal"}, "resolution": {"refund"}}
	}
	rec := a.post(path, form("too-many", "3"))
	if got := nextTo(rec.Body.String(), "qty_"+mug); rec.Code != http.StatusUnprocessableEntity || !strings.Contains(got, "2 retournables") {
		t.Errorf("3 mugs of 2: status %d, next to the mugs %q", rec.Code, got)
	}
	rec = a.post(path, form("none", "0"))
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "Indiquez la quantité retournée") {
		t.Errorf("nothing returned: status %d", rec.Code)
	}
	if rs, _ := a.store.ListReturns(ctx, o.ID); len(rs) != 0 {
		t.Fatalf("refused forms recorded %d returns", len(rs))
	}

	rec = a.postOnly(path, form("ret-1", "2"))
	if loc := rec.Header().Get("Location"); rec.Code != http.StatusSeeOther || !strings.HasPrefix(loc, "/procedures/return") {
		t.Fatalf("a return taken: status %d, to %q", rec.Code, loc)
	}
	rs, err := a.store.ListReturns(ctx, o.ID)
	if err != nil || len(rs) != 1 {
		t.Fatalf("returns %v %v", rs, err)
	}
	ret := rs[0]
	// Every mug is on its way back: the form now offers the T-shirt only.
	mustContain(t, a.page(path), `name="qty_`+mug+`" id="qty_`+mug+`" value="0" min="0" max="0" disabled`)
	waitReturn(t, a.store, ret.Number, store.ReturnAuthorised)
	mustContain(t, a.page("/orders/"+o.Number), `id="returns"`, ret.Number, "Autorisé — colis attendu", `id="receipt-`+ret.Number+`"`)

	rec = a.postOnly("/orders/"+o.Number+"/receipt", url.Values{"return": {ret.Number}, "parcel_id": {"6A-RET-446"}})
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/procedures/return") {
		t.Fatalf("parcel received: status %d to %q", rec.Code, rec.Header().Get("Location"))
	}
	task := openTask(t, a.store, o.Number, workflows.TaskInspectReturn)
	answer := func(f url.Values) *httpRec {
		f.Set("outcome", workflows.AnswerAcceptPart)
		f.Set("back", "/tasks")
		r := a.post(fmt.Sprintf("/tasks/%d/answer", task.ID), f)
		return &httpRec{r.Code, r.Body.String()}
	}
	for _, bad := range []struct {
		form url.Values
		says string
	}{
		{url.Values{}, "Indiquez les articles acceptés"},
		{url.Values{"accepted_lines": {"NOPE=1"}}, "SKU=quantité"},
		{url.Values{"accepted_lines": {"MUG-01=1"}}, "pourquoi des articles sont refusés"},
	} {
		if got := answer(bad.form); got.code != http.StatusUnprocessableEntity || !strings.Contains(got.body, bad.says) {
			t.Errorf("accept in part %v: status %d, want 422 saying %q", bad.form, got.code, bad.says)
		}
	}
	if got := answer(url.Values{"accepted_lines": {"MUG-01=1"}, "reason": {"anse cassée"}}); got.code != http.StatusSeeOther {
		t.Fatalf("one mug accepted: status %d", got.code)
	}
	got := waitReturn(t, a.store, ret.Number, store.ReturnInspected, store.ReturnRefunded)
	if len(got.Lines) != 1 || got.Lines[0].Accepted == nil || *got.Lines[0].Accepted != 1 || got.Lines[0].RefusalReason != "anse cassée" {
		t.Fatalf("the inspection recorded: %+v", got.Lines)
	}
	// The order page says what the mug back is worth to the customer.
	mustContain(t, a.page("/orders/"+o.Number), `id="returned"`, "Articles retournés : 12,50")
}

type httpRec struct {
	code int
	body string
}

// waitReturn waits for the return to reach one of the statuses.
func waitReturn(t *testing.T, st *store.Store, number string, statuses ...string) store.Return {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		r, err := st.GetReturn(context.Background(), number)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range statuses {
			if r.Status == s {
				return r
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("return %s is %s, want %v", number, r.Status, statuses)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
