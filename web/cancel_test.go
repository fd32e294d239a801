package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/workflows"
)

var (
	formTag  = regexp.MustCompile(`(?s)<form [^>]*id="([^"]+)"[^>]*>(.*?)</form>`)
	inputTag = regexp.MustCompile(`<input [^>]*>`)
	attr     = regexp.MustCompile(`([a-z_]+)(?:="([^"]*)")?`)
)

// browserForm is the form with the given id as a browser sends it
// untouched: its inputs with their values, the boxes ticked, the disabled
// ones left out.
func browserForm(t *testing.T, body, id string) url.Values {
	t.Helper()
	for _, m := range formTag.FindAllStringSubmatch(body, -1) {
		if m[1] != id {
			continue
		}
		f := url.Values{}
		for _, tag := range inputTag.FindAllString(m[2], -1) {
			a := map[string]string{}
			for _, kv := range attr.FindAllStringSubmatch(strings.TrimPrefix(tag, "<input"), -1) {
				if _, seen := a[kv[1]]; !seen {
					a[kv[1]] = html.UnescapeString(kv[2])
				}
			}
			_, checked := a["checked"]
			_, disabled := a["disabled"]
			if a["name"] == "" || disabled || ((a["type"] == "checkbox" || a["type"] == "radio") && !checked) {
				continue
			}
			f.Add(a["name"], a["value"])
		}
		return f
	}
	t.Fatalf("no form %q in the page:\n%s", id, body)
	return nil
}

// byID is the text of the element with the id, tags left out.
func byID(body, id string) string {
	m := regexp.MustCompile(`(?s)id="` + regexp.QuoteMeta(id) + `"[^>]*>(.*?)</`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(strings.TrimSpace(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(m[1], "")))
}

// untick removes a line's box from a form, as an agent unticking it.
func untick(f url.Values, lineID int64) {
	var keep []string
	for _, v := range f["line"] {
		if v != fmt.Sprint(lineID) {
			keep = append(keep, v)
		}
	}
	f["line"] = keep
}

// The cancel form proposes the refund of everything; an agent who unticks
// a line without touching the amount refunds what the lines left ticked
// free up: that is what the confirmation shows and what is refunded.
func TestCancelFormRefundFollowsTheLinesTicked(t *testing.T) {
	a := newPaymentApp(t)
	o := insertPaidOrder(t, a.store, "C-2026-000941", order.PayCard)
	path := "/orders/" + o.Number + "/cancel"

	f := browserForm(t, a.page(path), "cancel-form")
	if got := f.Get("refund"); got != "50,00" {
		t.Fatalf("the refund proposed is %q, want 50,00 (everything)", got)
	}
	untick(f, o.Lines[1].ID) // the T-shirt stays: the two mugs go
	f.Set("step", "preview")
	rec := a.post(path, f)
	body := rec.Body.String()
	if rec.Code != http.StatusOK {
		t.Fatalf("preview: status %d\n%s", rec.Code, body)
	}
	for id, want := range map[string]string{"new-total": order.EUR(2500).French(), "refund-amount": order.EUR(2500).French()} {
		if got := byID(body, id); got != want {
			t.Errorf("the confirmation's %s says %q, want %q", id, got, want)
		}
	}
	if got := byID(body, "balance-due"); got != "" {
		t.Errorf("the confirmation says %q is left due", got)
	}

	f = browserForm(t, body, "cancel-form")
	f.Set("step", "confirm")
	rec = a.post(path, f)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("confirm: status %d\n%s", rec.Code, rec.Body)
	}
	waitForOpenTask(t, a.store, o.ID, workflows.TaskRefundByHand)
	rs, err := a.store.ListRefunds(context.Background(), o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || rs[0].Amount != 2500 {
		t.Errorf("refunds %+v, want one of 25,00 €", rs)
	}
	got, err := a.store.GetOrder(context.Background(), o.Number)
	if err != nil {
		t.Fatal(err)
	}
	if got.Totals.Total != 2500 || got.Status != order.StatusPaid {
		t.Errorf("order total %d, status %s; want 2500, paid", got.Totals.Total, got.Status)
	}
}

// An amount the agent types stands, up to what was paid net; the
// confirmation says what of it is a commercial gesture (beyond what the
// cancellation frees up), which the customer does not owe. Above what was
// paid, it is refused next to the field, in the agent's language.
func TestCancelFormTypedRefund(t *testing.T) {
	a := newPaymentApp(t)
	o := insertPaidOrder(t, a.store, "C-2026-000942", order.PayCard)
	path := "/orders/" + o.Number + "/cancel"

	f := browserForm(t, a.page(path), "cancel-form")
	untick(f, o.Lines[1].ID)
	f.Set("refund", "30,00")
	f.Set("reason", "geste")
	f.Set("step", "preview")
	body := a.post(path, f).Body.String()
	for id, want := range map[string]string{"new-total": order.EUR(2500).French(), "refund-amount": order.EUR(3000).French(), "gesture": order.EUR(500).French(), "balance-due": ""} {
		if got := byID(body, id); got != want {
			t.Errorf("the confirmation's %s says %q, want %q", id, got, want)
		}
	}

	f.Set("refund", "50,01")
	rec := a.post(path, f)
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422", rec.Code)
	}
	if got := nextToInput(rec.Body.String(), "refund"); !strings.Contains(got, esc("Au plus 50,00")) {
		t.Errorf("next to the refund: %q", got)
	}
}

// A quantity above what can be cancelled is refused next to it, in the
// agent's language, and nothing starts.
func TestCancelFormQuantityAboveWhatCanBeCancelled(t *testing.T) {
	a := newPaymentApp(t)
	o := insertPaidOrder(t, a.store, "C-2026-000943", order.PayCard)
	path := "/orders/" + o.Number + "/cancel"
	mug := fmt.Sprint(o.Lines[0].ID)
	for lang, want := range map[string]string{"fr": "Au plus 2", "en": "At most 2"} {
		ag, err := a.store.AgentByEmail(context.Background(), "marie@boutique.fr")
		if err != nil {
			t.Fatal(err)
		}
		if err := a.store.SetAgentLocale(context.Background(), ag.ID, lang); err != nil {
			t.Fatal(err)
		}
		f := browserForm(t, a.page(path), "cancel-form")
		f.Set("qty_"+mug, "4")
		f.Set("step", "preview")
		rec := a.post(path, f)
		if rec.Code != http.StatusUnprocessableEntity {
			t.Fatalf("%s: status %d, want 422", lang, rec.Code)
		}
		if got := nextTo(rec.Body.String(), "qty_"+mug); !strings.Contains(got, want) {
			t.Errorf("%s: next to the mugs' quantity: %q, want %q", lang, got, want)
		}
	}
	if rs, _ := a.store.ListRefunds(context.Background(), o.ID); len(rs) != 0 {
		t.Errorf("refunds written: %+v", rs)
	}
}

// « Autre adresse » for a refund cheque: the address typed is taken.
func TestChequeAnswerWithAnotherAddress(t *testing.T) {
	a := newPaymentApp(t)
	o := insertPaidOrder(t, a.store, "C-2026-000944", order.PayCheque)
	f := modifyForm(o)
	mug := fmt.Sprint(o.Lines[0].ID)
	f.Add("line", mug)
	f.Set("qty_"+mug, "1")
	f.Set("step", "confirm")
	rec := a.post("/orders/"+o.Number+"/modify", f)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("confirm: status %d\n%s", rec.Code, rec.Body)
	}
	procedure := rec.Header().Get("Location")
	// The procedure asks where a refund cheque goes: has the customer's
	// cheque been sent, or how to pay them back.
	task := waitForTaskOf(t, a, o, procedure, workflows.TaskChequeSent, workflows.TaskPayback)
	id := fmt.Sprint(task.ID)
	outcome := workflows.AnswerChequeSent
	if task.Kind == workflows.TaskPayback {
		outcome = workflows.AnswerPaybackCheque
	}

	// The value the form sends for « Autre adresse ».
	page := a.page(procedure)
	m := regexp.MustCompile(`<input type="radio" name="address" value="([^"]+)"[^>]*> ` + regexp.QuoteMeta(esc("Autre adresse :"))).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no « Autre adresse » choice on the procedure's page:\n%s", page)
	}
	ans := url.Values{"outcome": {outcome}, "back": {procedure}, "address": {html.UnescapeString(m[1])},
		"addr_name": {"Camille Martin"}, "addr_line1": {"3 place Bellecour"}, "addr_postal": {"69002"}, "addr_city": {"Lyon"}, "addr_country": {"FR"}}
	rec = a.post("/tasks/"+id+"/answer", ans)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("answer: status %d, want 303 (taken)\n%s", rec.Code, rec.Body)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		got, err := a.store.GetTask(context.Background(), task.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status == store.TaskAnswered {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("task %+v not answered", got)
		}
		time.Sleep(100 * time.Millisecond)
	}
	var found bool
	for time.Now().Before(deadline) && !found {
		rs, err := a.store.ListRefunds(context.Background(), o.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			found = found || r.Method == "cheque"
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !found {
		t.Errorf("no cheque refund recorded")
	}
}

// waitForTaskOf waits for the order's open task of one of the kinds, showing the
// procedure's page when none comes.
func waitForTaskOf(t *testing.T, a *app, o order.Order, procedure string, kinds ...string) store.Task {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		ts, err := a.store.ListTasks(context.Background(), o.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range ts {
			if slices.Contains(kinds, x.Kind) && x.Status == store.TaskOpen {
				return x
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	_, body := a.get(procedure)
	t.Fatalf("order %s: no open %v task after 30 s; the procedure's page:\n%s", o.Number, kinds, body)
	return store.Task{}
}
