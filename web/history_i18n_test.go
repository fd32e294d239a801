package web_test

import (
	"context"
	"html"
	"net/url"
	"strings"
	"testing"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
)

// TestHistoryAndQuestionsInTheAgentsLanguage: a history line and a task
// question kept as phrases are said in the agent's language, unmarked;
// a line or a question of before the phrases is shown as written, marked
// French; a note is what the agent typed.
func TestHistoryAndQuestionsInTheAgentsLanguage(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	ctx := context.Background()
	o := insertPaidOrder(t, a.store, "C-2026-000940", order.PayCard)
	refund := locale.Phr("history.refund_reserved", locale.Amount(12345, "EUR"), locale.Label("payment_method.", "card", "Carte bancaire"))
	for _, ev := range []store.Event{
		{OrderID: o.ID, ActorKind: store.ActorProcedure, Kind: "refund_reserved", Key: "wf-940/refund/reserved", Phrase: refund},
		{OrderID: o.ID, ActorKind: store.ActorProcedure, Kind: "hold_taken", Key: "wf-940/hold", Message: "Commande retirée du flux logistique automatique (Mod ON → OFF)"},
		{OrderID: o.ID, ActorKind: store.ActorAgent, Actor: "marie@boutique.fr", Kind: store.EventNote, Message: "Cliente rappelée"},
	} {
		if _, err := a.store.AddEvent(ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
	ask := locale.Phr("task_question.cheque_sent", locale.Amount(4990, "EUR"))
	asked, err := a.store.CreateTask(ctx, store.Task{Key: "wf-940/task/cheque", OrderID: o.ID, WorkflowID: "wf-940", Kind: "cheque_sent",
		QuestionPhrase: ask, Amount: 4990, Options: []string{"cheque_sent", "cheque_not_sent"}})
	if err != nil {
		t.Fatal(err)
	}
	oldQuestion := "Le client a-t-il déjà envoyé le chèque ?"
	if _, err := a.store.CreateTask(ctx, store.Task{Key: "wf-940/task/old", OrderID: o.ID, WorkflowID: "wf-940", Kind: "cheque_sent",
		Question: oldQuestion, Options: []string{"cheque_sent", "cheque_not_sent"}}); err != nil {
		t.Fatal(err)
	}

	fr := a.page("/orders/" + o.Number)
	mustContain(t, fr, html.EscapeString(refund.French()), html.EscapeString(asked.Question))

	a.post("/locale", url.Values{"locale": {"en"}})
	en := a.page("/orders/" + o.Number)
	mustContain(t, en,
		"<div>Refund of €123.45 to make (Card)</div>",
		`<span lang="fr">Commande retirée du flux logistique automatique (Mod ON → OFF)</span>`,
		"Cliente rappelée",
		html.EscapeString("Has the customer already sent the cheque? If so, agree with them on the address to mail a cheque of €49.90 back to"))
	mustNotContain(t, en, "Remboursement de", "Le client a-t-il déjà envoyé le chèque ? S&#39;il")
	tasks := a.page("/tasks")
	mustContain(t, tasks, html.EscapeString("Has the customer already sent the cheque?"), `<span lang="fr">`+html.EscapeString(oldQuestion)+`</span>`)
	if strings.Count(tasks, `lang="fr"`) != 1 {
		t.Errorf("the tasks page marks %d text(s) French, want only the question of before", strings.Count(tasks, `lang="fr"`))
	}
}
