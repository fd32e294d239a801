package web_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/mail"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/web"
	"github.com/orderdesk/orderdesk/worker"
	"github.com/orderdesk/orderdesk/workflows"
)

// An agent's answer is refused on the procedure's page (« Remboursement
// impossible » without its reason); a colleague then answers the task and
// the procedure moves on, so the page's live progress reloads it. The
// reload asks for the page as it is now: the refused form is not sent a
// second time, and no browser asks to resubmit.
func TestBrowserAFormErrorThenAProcedureStepResubmitsNothing(t *testing.T) {
	t.Parallel()
	var answers atomic.Int32
	st := devstacktest.NewStore(t)
	c, queue := devstacktest.Worker(t, worker.Deps{Store: st, Sender: mail.DevSender{}})
	s := starter.New(c, st, starter.Options{TaskQueue: queue})
	h := newServer(t, st, starter.NewCollector(s, st, starter.CollectOptions{}), web.Options{
		Logger: slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/answer") {
			answers.Add(1)
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	live := &liveStack{t: t, store: st, url: srv.URL, alloc: newChromium(t)}
	marie := live.newAgent("marie@boutique.fr", "Marie Dupont", store.RoleAgent)
	live.newAgent("luc@boutique.fr", "Luc Petit", store.RoleAgent)

	// A card order without a provider: the refund is made by hand.
	o := insertPaidOrder(t, st, "C-2026-000911", order.PayCard)
	marie.removeOneMug(o)
	marie.do("confirm", chromedp.Click(chromedp.CSS("#confirm")), chromedp.WaitVisible(chromedp.CSS("#steps")))
	marie.follow(nil, workflows.TaskRefundByHand)
	task := openTask(t, st, o.Number, workflows.TaskRefundByHand)
	id := fmt.Sprint(task.ID)

	marie.do("a refused answer",
		chromedp.WaitVisible(chromedp.CSS("#answer-"+id+"-refund_impossible")),
		chromedp.Click(chromedp.CSS("#answer-"+id+"-refund_impossible")),
		chromedp.WaitVisible(chromedp.CSS(".field-error")),
	)
	if n := answers.Load(); n != 1 {
		t.Fatalf("%d answers posted, want 1", n)
	}
	loc := location(t, marie)
	if !strings.Contains(loc, "/procedures/") {
		t.Fatalf("after the refusal the browser is at %s, want the procedure's page (a GET)", loc)
	}

	// Luc answers from elsewhere; the procedure moves on.
	if err := s.AnswerTask(context.Background(), workflows.TaskAnswer{TaskID: task.ID, Outcome: workflows.AnswerRefundDone, Agent: "luc@boutique.fr"}); err != nil {
		t.Fatal(err)
	}
	// The live progress reloads the page once the task is answered: the
	// refused form's error is gone with it.
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if kind, taskID, _ := marie.state(); taskID != "task-"+id && kind != "" {
			break
		}
		time.Sleep(300 * time.Millisecond)
	}
	if kind, taskID, _ := marie.state(); taskID == "task-"+id || kind == "" {
		t.Fatalf("the page still shows task %s (%s)\n%s", id, kind, marie.screenshot("not reloaded"))
	}
	time.Sleep(time.Second) // a resubmission would have landed by now
	if n := answers.Load(); n != 1 {
		t.Errorf("%d answers posted, want 1: the reload sent the refused form again", n)
	}
	if loc := location(t, marie); strings.Contains(loc, "form=") {
		t.Errorf("after the reload the browser is at %s, still on the refused form", loc)
	}
}

// location is the address the browser shows.
func location(t *testing.T, b *browser) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
