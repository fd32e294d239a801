package web_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/web"
	"github.com/orderdesk/orderdesk/workflows"
)

// as is the same UI signed in as another agent.
func (a *app) as(email, name, role string) *app {
	a.t.Helper()
	b := *a
	b.cookie, b.csrf = signInAs(a.t.(*testing.T), a.store, email, name, role)
	return &b
}

// TestInboxClaimAndRelease: Marie takes a refund by hand; Luc sees who
// has it, cannot take it, answer it or release it; a supervisor releases
// it; the owner always comes from the session, never from the form.
func TestInboxClaimAndRelease(t *testing.T) {
	t.Parallel()
	marie := newApp(t, nil)
	sd := seedOrder(t, marie.store, "C-2026-000761", "Élodie Martin")
	luc := marie.as("luc@boutique.fr", "Luc Petit", store.RoleAgent)
	paul := marie.as("paul@boutique.fr", "Paul Chef", store.RoleSupervisor)
	id := fmt.Sprint(sd.task.ID)
	owner := func() string {
		t.Helper()
		got, err := marie.store.GetTask(context.Background(), sd.task.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got.Owner
	}

	body := luc.page("/tasks")
	mustContain(t, body, `id="claim-`+id+`"`, `id="answer-`+id+`-refund_done"`)
	mustNotContain(t, body, "<details")

	// The form says Luc; the session says Marie: Marie has it.
	if rec := marie.post("/tasks/"+id+"/claim", url.Values{"back": {"/tasks"}, "owner": {"luc@boutique.fr"}, "agent": {"luc@boutique.fr"}}); rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/tasks" {
		t.Fatalf("claim: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	if got := owner(); got != "marie@boutique.fr" {
		t.Fatalf("owner %q after Marie's claim, want marie@boutique.fr", got)
	}
	mustContain(t, marie.page("/tasks"), `id="release-`+id+`"`, ">Vous<", `id="answer-`+id+`-refund_done"`)

	body = luc.page("/tasks")
	mustContain(t, body, esc("Marie Dupont s'en occupe."))
	mustNotContain(t, body, `id="answer-`+id+`-refund_done"`, `id="claim-`+id+`"`, `id="release-`+id+`"`)

	rec := luc.post("/tasks/"+id+"/claim", url.Values{"back": {"/tasks"}})
	if rec.Code != http.StatusConflict {
		t.Errorf("Luc claiming Marie's task: %d, want 409", rec.Code)
	}
	mustContain(t, rec.Body.String(), esc("Marie Dupont s'occupe déjà de cette tâche"))
	if rec := luc.post("/tasks/"+id+"/release", url.Values{"back": {"/tasks"}}); rec.Code != http.StatusConflict {
		t.Errorf("Luc releasing Marie's task: %d, want 409", rec.Code)
	}
	rec = luc.post("/tasks/"+id+"/answer", url.Values{"outcome": {workflows.AnswerRefundDone}, "back": {"/tasks/" + id}})
	if rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("Luc answering Marie's task: %d, want 422", rec.Code)
	}
	mustContain(t, rec.Body.String(), esc("Marie Dupont s'occupe de cette tâche"), `id="task-page-`+id+`"`)
	if got, _ := marie.store.GetTask(context.Background(), sd.task.ID); got.Status != store.TaskOpen || owner() != "marie@boutique.fr" {
		t.Errorf("after Luc's tries the task is %s, %q's", got.Status, got.Owner)
	}

	// A supervisor releases anyone's task; then Luc may take it.
	mustContain(t, paul.page("/tasks"), `id="release-`+id+`"`)
	if rec := paul.post("/tasks/"+id+"/release", url.Values{"back": {"/tasks?owner=mine"}}); rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/tasks?owner=mine" {
		t.Fatalf("supervisor's release: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	if got := owner(); got != "" {
		t.Fatalf("owner %q after the release, want nobody", got)
	}
	if rec := luc.post("/tasks/"+id+"/claim", url.Values{"back": {"/tasks/" + id}}); rec.Code != http.StatusSeeOther || owner() != "luc@boutique.fr" {
		t.Fatalf("Luc's claim after the release: %d, owner %q", rec.Code, owner())
	}
	mustContain(t, marie.page("/tasks/"+id), esc("Luc Petit s'en occupe."))
}

// TestInboxApprovalStaysOpenToSupervisors: an agent may not take an
// approval, and a supervisor's claim does not hold another supervisor's
// approval back.
func TestInboxApprovalStaysOpenToSupervisors(t *testing.T) {
	t.Parallel()
	marie := newApp(t, nil)
	sd := seedOrder(t, marie.store, "C-2026-000762", "Élodie Martin")
	task, err := marie.store.CreateTask(context.Background(), store.Task{Key: "approve/C-2026-000762", OrderID: sd.order.ID, WorkflowID: "modify-content/C-2026-000762/req-1",
		Kind: workflows.TaskApproveRefund, Question: "Approuver ?", Amount: 150000, Options: []string{workflows.AnswerApprove, workflows.AnswerReject}})
	if err != nil {
		t.Fatal(err)
	}
	id := fmt.Sprint(task.ID)
	rec := marie.post("/tasks/"+id+"/claim", url.Values{"back": {"/tasks"}})
	if rec.Code != http.StatusConflict {
		t.Errorf("an agent taking an approval: %d, want 409", rec.Code)
	}
	mustContain(t, rec.Body.String(), esc("Seul un superviseur prend une demande d'approbation."))
	paul := marie.as("paul@boutique.fr", "Paul Chef", store.RoleSupervisor)
	anne := marie.as("anne@boutique.fr", "Anne Chef", store.RoleSupervisor)
	if rec := paul.post("/tasks/"+id+"/claim", url.Values{"back": {"/tasks"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("a supervisor taking an approval: %d", rec.Code)
	}
	body := anne.page("/tasks")
	mustContain(t, body, `id="answer-`+id+`-approve"`)
}

// TestInboxFiltersAndFacts: the inbox's filters are GET parameters
// (bookmarkable), oldest first; a refund by hand shows the provider's
// payment reference; the task's page shows the customer and the order's
// payments and refunds; the order page lists its tasks; the top bar
// counts the open tasks.
func TestInboxFiltersAndFacts(t *testing.T) {
	t.Parallel()
	a, databaseURL := newAppWithURL(t)
	first := seedOrder(t, a.store, "C-2026-000763", "Élodie Martin")
	second := seedOrder(t, a.store, "C-2026-000764", "Bruno Lefèvre")
	conn, err := pgx.Connect(context.Background(), databaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), `UPDATE agent_tasks SET created_at = now() - interval '3 hours' WHERE id = $1`, first.task.ID); err != nil {
		t.Fatal(err)
	}
	row := func(s seeded) string { return fmt.Sprintf(`id="row-%d"`, s.task.ID) }

	body := a.page("/tasks")
	mustContain(t, body, row(first), row(second), "il y a 3 h", "ch_3PaYmEnT", `id="nav-task-count"`, ">2</span>")
	if strings.Index(body, row(first)) > strings.Index(body, row(second)) {
		t.Errorf("the oldest task is not first")
	}
	for _, c := range []struct {
		query      string
		has, hasnt seeded
	}{
		{"?age=1h", first, second},
		{"?order=C-2026-000764", second, first},
	} {
		body := a.page("/tasks" + c.query)
		mustContain(t, body, row(c.has))
		mustNotContain(t, body, row(c.hasnt))
	}
	body = a.page("/tasks?kind=review_email")
	mustNotContain(t, body, row(first), row(second))
	mustContain(t, body, `<option value="review_email" selected>`)
	if rec := a.post(fmt.Sprintf("/tasks/%d/claim", second.task.ID), url.Values{"back": {"/tasks"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("claim: %d", rec.Code)
	}
	body = a.page("/tasks?owner=mine")
	mustContain(t, body, row(second))
	mustNotContain(t, body, row(first))
	body = a.page("/tasks?owner=unclaimed")
	mustContain(t, body, row(first))
	mustNotContain(t, body, row(second))

	page := a.page(fmt.Sprintf("/tasks/%d", first.task.ID))
	mustContain(t, page, "Élodie Martin", "elodie.martin@example.fr", "ch_3PaYmEnT", `id="money-history"`, esc(order.EUR(4456).French()), `id="claim-`)

	o := a.page("/orders/C-2026-000763")
	mustContain(t, o, `id="order-tasks"`, fmt.Sprintf(`href="/tasks/%d"`, first.task.ID), "Ouverte")
}

// failingCount is the store with an open-task count that fails.
type failingCount struct{ *store.Store }

func (failingCount) CountOpenTasks(context.Context) (int, error) {
	return 0, errors.New("the count failed")
}

// TestPagesRenderWhenTheTaskCountFails: the top bar leaves the count out
// and the page renders.
func TestPagesRenderWhenTheTaskCountFails(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	seedOrder(t, a.store, "C-2026-000765", "Élodie Martin")
	c, _ := devstacktest.Temporal(t)
	col := starter.NewCollector(starter.New(c, a.store), a.store, starter.CollectOptions{})
	h, err := web.New(web.Options{Store: failingCount{a.store}, Starter: col, Procedures: fakeProcedures{}, Refunds: refundedByProvider,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/orders", "/tasks", "/orders/C-2026-000765"} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.AddCookie(a.cookie)
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), `id="nav-task-count"`) {
			t.Errorf("GET %s with the count failing: %d, count shown %v", path, rec.Code, strings.Contains(rec.Body.String(), `id="nav-task-count"`))
		}
	}
	if code, body := a.get("/orders"); code != http.StatusOK || !strings.Contains(body, `id="nav-task-count"`) {
		t.Errorf("with the count working, /orders: %d, count shown %v", code, strings.Contains(body, `id="nav-task-count"`))
	}
}
