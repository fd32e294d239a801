package store_test

import (
	"testing"

	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/store"
)

// TestHistoryLineKeepsItsPhrase: a line written as a phrase is read back
// as that phrase by every read, its French written beside it; a line
// written as text only (a note, an older row) reads back without one.
func TestHistoryLineKeepsItsPhrase(t *testing.T) {
	s := devstacktest.NewStore(t)
	o := insert(t, s, newOrder("C-2026-000530", mug))
	refund := locale.Phr("history.refund_reserved", locale.Amount(123456, "EUR"), locale.Label("payment_method.", "card", "Carte bancaire"))
	saved, err := s.AddEvent(ctx(t), store.Event{OrderID: o.ID, ActorKind: store.ActorProcedure, Kind: "refund_reserved", Key: "wf/refund/reserved", Phrase: refund})
	if err != nil {
		t.Fatal(err)
	}
	if want := "Remboursement de 1\u202f234,56\u00a0€ à faire (Carte bancaire)"; saved.Message != want {
		t.Errorf("the French of the line: %q, want %q", saved.Message, want)
	}
	if _, err := s.AddEvent(ctx(t), store.Event{OrderID: o.ID, ActorKind: store.ActorAgent, Kind: "note", Message: "Cliente rappelée"}); err != nil {
		t.Fatal(err)
	}
	byKey, err := s.EventByKey(ctx(t), "wf/refund/reserved")
	if err != nil {
		t.Fatal(err)
	}
	evs, err := s.ListEvents(ctx(t), o.ID)
	if err != nil || len(evs) != 2 {
		t.Fatalf("history: %+v, %v", evs, err)
	}
	for _, ev := range []store.Event{saved, byKey, evs[0]} {
		if got, err := locale.For(locale.English).Phrase(ev.Phrase); err != nil || got != "Refund of €1,234.56 to make (Card)" {
			t.Errorf("the line read back says %q (%v) in English", got, err)
		}
	}
	if !evs[1].Phrase.IsZero() || evs[1].Message != "Cliente rappelée" {
		t.Errorf("a note reads back as %+v, want its text and no phrase", evs[1])
	}
}

// TestTaskQuestionKeepsItsPhrase: a task asked as a phrase keeps it in
// every read, its French as the Question; a question given as text keeps
// that text and no phrase.
func TestTaskQuestionKeepsItsPhrase(t *testing.T) {
	s := devstacktest.NewStore(t)
	o := insert(t, s, newOrder("C-2026-000531", mug))
	ask := locale.Phr("task_question.refund_by_hand", locale.Amount(1290, "EUR"), locale.Label("payment_method.", "paypal", "PayPal"))
	created, err := s.CreateTask(ctx(t), store.Task{Key: "wf/task/refund", OrderID: o.ID, WorkflowID: "wf", Kind: "refund_by_hand",
		QuestionPhrase: ask, Amount: 1290, Options: []string{"refund_done", "refund_impossible"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := ask.French(); created.Question != want || want == "" {
		t.Errorf("the French of the question: %q, want %q", created.Question, want)
	}
	plain, err := s.CreateTask(ctx(t), store.Task{Key: "wf/task/old", OrderID: o.ID, WorkflowID: "wf", Kind: "refund_by_hand", Question: "Remboursez à la main."})
	if err != nil {
		t.Fatal(err)
	}
	byID, _ := s.GetTask(ctx(t), created.ID)
	byKey, _ := s.TaskByKey(ctx(t), "wf/task/refund")
	open, err := s.ListOpenTasks(ctx(t))
	if err != nil || len(open) != 2 {
		t.Fatalf("open tasks: %+v, %v", open, err)
	}
	ofOrder, _ := s.ListTasks(ctx(t), o.ID)
	closed, err := s.CloseTask(ctx(t), "wf/task/refund", store.TaskAnswered, []byte(`{"outcome":"refund_done"}`), "marie@boutique.fr")
	if err != nil {
		t.Fatal(err)
	}
	for _, task := range []store.Task{byID, byKey, open[0], ofOrder[0], closed} {
		got, err := locale.For(locale.English).Phrase(task.QuestionPhrase)
		if err != nil || got != "Refund €12.90 to the customer by PayPal (by hand, from the provider's back office), then answer “Refund done” or “Refund impossible”." {
			t.Errorf("the question read back says %q (%v) in English", got, err)
		}
	}
	if !plain.QuestionPhrase.IsZero() || open[1].Question != "Remboursez à la main." || !open[1].QuestionPhrase.IsZero() {
		t.Errorf("a question given as text reads back as %+v", open[1])
	}
}
