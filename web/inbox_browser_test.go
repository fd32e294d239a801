package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/workflows"
)

// TestBrowserTwoAgentsSeeWhoHasATask: two agents, two browsers, one
// inbox. Marie takes a refund by hand; Luc's inbox says Marie has it and
// offers him neither the task nor its answers; the top bar counts it.
func TestBrowserTwoAgentsSeeWhoHasATask(t *testing.T) {
	t.Parallel()
	s := newLiveStack(t, 0)
	o := insertPaidOrder(t, s.store, "C-2026-000908", order.PayPayPal)
	task, err := s.store.CreateTask(context.Background(), store.Task{Key: "settle/C-2026-000908/r/refund", OrderID: o.ID, WorkflowID: "modify-content/C-2026-000908/r",
		Kind: workflows.TaskRefundByHand, Question: "Rembourser 10,80 € au client par PayPal", Amount: 1080, Options: []string{workflows.AnswerRefundDone, workflows.AnswerRefundImpossible}})
	if err != nil {
		t.Fatal(err)
	}
	marie := s.newAgent("marie@boutique.fr", "Marie Dupont", store.RoleAgent)
	luc := s.newAgent("luc@boutique.fr", "Luc Petit", store.RoleAgent)
	id := fmt.Sprint(task.ID)

	luc.do("Luc opens the inbox", chromedp.Navigate(luc.base+"/tasks"), chromedp.WaitVisible(chromedp.CSS("#claim-"+id)),
		chromedp.WaitVisible(chromedp.CSS("#answer-"+id+"-refund_done")))
	if n := luc.text("#nav-task-count"); n != "1" {
		t.Errorf("the top bar counts %q open tasks, want 1", n)
	}
	marie.do("Marie takes the task", chromedp.Navigate(marie.base+"/tasks"), chromedp.Click(chromedp.CSS("#claim-"+id)),
		chromedp.WaitVisible(chromedp.CSS("#release-"+id)))
	if who := marie.text("#owner-" + id); !strings.Contains(who, "Vous") {
		t.Errorf("Marie's inbox says the task is %q's", who)
	}
	luc.do("Luc reloads his inbox", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("#taken-"+id)))
	if who := luc.text("#owner-" + id); !strings.Contains(who, "Marie Dupont") {
		t.Errorf("Luc's inbox says the task is %q's, want Marie Dupont's", who)
	}
	if msg := luc.text("#taken-" + id); !strings.Contains(msg, "Marie Dupont s'en occupe") {
		t.Errorf("Luc reads %q", msg)
	}
	ctx, cancel := context.WithTimeout(luc.ctx, 30*time.Second)
	buttons, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#answer-`+id+`-refund_done, #answer-`+id+`-refund_impossible, #claim-`+id+`").length`))
	cancel()
	if err != nil || buttons != 0 {
		t.Errorf("Luc sees %d answer or claim buttons on Marie's task (%v), want none", buttons, err)
	}
	luc.do("Luc's own tasks", chromedp.Navigate(luc.base+"/tasks?owner=unclaimed"), chromedp.WaitVisible(chromedp.CSS("#inbox-filters")))
	if body := luc.text("main"); strings.Contains(body, o.Number) {
		t.Errorf("the unclaimed tasks list Marie's task")
	}
}
