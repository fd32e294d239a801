package store_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/store"
)

func TestOutboxOneEmailPerKey(t *testing.T) {
	s := devstacktest.NewStore(t)
	o := insert(t, s, newOrder("C-2026-000300", mug))
	e := store.Email{
		Key: "modify-content/C-2026-000300/req-1/email", OrderID: o.ID, ToEmail: o.Customer.Email, ToName: o.Customer.Name,
		Template: "content_modified", Subject: "Votre commande C-2026-000300 a été modifiée", BodyText: "Bonjour", BodyHTML: "<p>Bonjour</p>",
	}
	first, err := s.EnqueueEmail(ctx(t), e)
	if err != nil {
		t.Fatal(err)
	}
	e.Subject = "changed on retry"
	second, err := s.EnqueueEmail(ctx(t), e)
	if err != nil {
		t.Fatal(err)
	}
	if second.ID != first.ID || second.Subject != "Votre commande C-2026-000300 a été modifiée" {
		t.Errorf("second enqueue = %+v, want the first email unchanged", second)
	}
	if first.Status != store.EmailPending || first.OrderNumber != "C-2026-000300" || first.Locale != "fr" {
		t.Errorf("email = %+v", first)
	}
	if _, err := s.EnqueueEmail(ctx(t), store.Email{Key: "welcome/agent", ToEmail: "a@example.fr", Template: "welcome", Subject: "s", BodyText: "t", BodyHTML: "h"}); err != nil {
		t.Fatalf("email about no order: %v", err)
	}

	pending, _ := s.PendingEmails(ctx(t), 10)
	if len(pending) != 2 || pending[0].ID != first.ID {
		t.Fatalf("pending = %+v, want both, oldest first", pending)
	}
	if err := s.MarkEmailSent(ctx(t), first.ID, "sg-msg-1"); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkEmailSent(ctx(t), first.ID, "sg-msg-2"); err != nil { // a retry
		t.Fatal(err)
	}
	if err := s.MarkEmailFailed(ctx(t), first.ID, "late timeout"); err != nil {
		t.Fatal(err)
	}
	sent, _ := s.GetEmail(ctx(t), first.ID)
	if sent.Status != store.EmailSent || sent.ProviderMessageID != "sg-msg-1" || sent.SentAt == nil || sent.Attempts != 1 {
		t.Errorf("sent email = %+v", sent)
	}
	pending, _ = s.PendingEmails(ctx(t), 10)
	if len(pending) != 1 || pending[0].Key != "welcome/agent" {
		t.Errorf("pending after send = %+v", pending)
	}
	if err := s.MarkEmailFailed(ctx(t), pending[0].ID, "550 mailbox unavailable"); err != nil {
		t.Fatal(err)
	}
	failed, _ := s.GetEmail(ctx(t), pending[0].ID)
	if failed.Status != store.EmailFailed || failed.Attempts != 1 || failed.LastError != "550 mailbox unavailable" {
		t.Errorf("failed email = %+v", failed)
	}

	list, _ := s.ListEmails(ctx(t), o.ID)
	outbox, _ := s.ListOutbox(ctx(t), 10)
	if len(list) != 1 || len(outbox) != 2 || outbox[0].Key != "welcome/agent" || outbox[1].OrderNumber != "C-2026-000300" {
		t.Errorf("ListEmails = %d, ListOutbox = %+v", len(list), outbox)
	}
	if _, err := s.GetEmail(ctx(t), 999999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetEmail(unknown) = %v", err)
	}
	if err := s.MarkEmailSent(ctx(t), 999999, "x"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("MarkEmailSent(unknown) = %v", err)
	}
}

func TestTasksAreAnsweredOnce(t *testing.T) {
	s := devstacktest.NewStore(t)
	o := insert(t, s, newOrder("C-2026-000400", mug))
	task := store.Task{
		Key: "settle/C-2026-000400/req-1/refund-by-hand", OrderID: o.ID, WorkflowID: "settle/C-2026-000400/req-1",
		Kind: "refund_by_hand", Question: "Remboursez 12,90 € à la main, puis dites si c'est fait.", Amount: 1290,
		Options: []string{"refund_done", "refund_impossible"},
	}
	first, err := s.CreateTask(ctx(t), task)
	if err != nil {
		t.Fatal(err)
	}
	again, err := s.CreateTask(ctx(t), task)
	if err != nil || again.ID != first.ID {
		t.Fatalf("CreateTask twice = %d, %v; want task %d", again.ID, err, first.ID)
	}
	if first.Status != store.TaskOpen || first.OrderNumber != "C-2026-000400" || !reflect.DeepEqual(first.Options, task.Options) || first.Answer != nil {
		t.Errorf("task = %+v", first)
	}
	open, _ := s.ListOpenTasks(ctx(t))
	if len(open) != 1 || open[0].OrderNumber != "C-2026-000400" {
		t.Fatalf("open tasks = %+v", open)
	}

	answer := json.RawMessage(`{"choice":"refund_done"}`)
	closed, err := s.CloseTask(ctx(t), task.Key, store.TaskAnswered, answer, "agent@boutique.fr")
	if err != nil {
		t.Fatal(err)
	}
	if closed.Status != store.TaskAnswered || closed.AnsweredBy != "agent@boutique.fr" || closed.AnsweredAt == nil {
		t.Errorf("closed = %+v", closed)
	}
	var got map[string]string
	if err := json.Unmarshal(closed.Answer, &got); err != nil || got["choice"] != "refund_done" {
		t.Errorf("answer = %s", closed.Answer)
	}
	// The Update handler retried: same answer, same task.
	twice, err := s.CloseTask(ctx(t), task.Key, store.TaskAnswered, json.RawMessage(`{"choice":"refund_impossible"}`), "other@boutique.fr")
	if err != nil || twice.AnsweredBy != "agent@boutique.fr" || string(twice.Answer) != string(closed.Answer) {
		t.Errorf("CloseTask twice = %+v, %v; want the first answer kept", twice, err)
	}
	if _, err := s.CloseTask(ctx(t), task.Key, store.TaskCancelled, nil, "system"); !errors.Is(err, store.ErrTaskClosed) {
		t.Errorf("cancelling an answered task = %v, want ErrTaskClosed", err)
	}
	if _, err := s.CloseTask(ctx(t), "nope", store.TaskAnswered, nil, "x"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("CloseTask(unknown) = %v", err)
	}
	if _, err := s.CloseTask(ctx(t), task.Key, "open", nil, "x"); err == nil {
		t.Error("closing to open accepted")
	}
	if open, _ := s.ListOpenTasks(ctx(t)); len(open) != 0 {
		t.Errorf("open tasks after answer = %+v", open)
	}
	if tasks, _ := s.ListTasks(ctx(t), o.ID); len(tasks) != 1 {
		t.Errorf("ListTasks = %+v", tasks)
	}
	if byID, err := s.GetTask(ctx(t), first.ID); err != nil || byID.Key != task.Key {
		t.Errorf("GetTask = %+v, %v", byID, err)
	}
	if byKey, err := s.TaskByKey(ctx(t), task.Key); err != nil || byKey.ID != first.ID {
		t.Errorf("TaskByKey = %+v, %v", byKey, err)
	}
}

func TestHistoryEventsKeyedOnce(t *testing.T) {
	s := devstacktest.NewStore(t)
	o := insert(t, s, newOrder("C-2026-000500", mug))
	note := store.Event{OrderID: o.ID, ActorKind: store.ActorAgent, Actor: "agent@boutique.fr", Kind: "note", Message: "Client rappelé"}
	for range 2 {
		if _, err := s.AddEvent(ctx(t), note); err != nil {
			t.Fatal(err)
		}
	}
	keyed := store.Event{OrderID: o.ID, ActorKind: store.ActorProcedure, Kind: "hold_taken", Message: "Commande retenue", Key: "wf/hold"}
	a, err := s.AddEvent(ctx(t), keyed)
	if err != nil {
		t.Fatal(err)
	}
	keyed.Message = "retry"
	b, err := s.AddEvent(ctx(t), keyed)
	if err != nil || b.ID != a.ID || b.Message != "Commande retenue" {
		t.Errorf("keyed event twice = %+v, %v", b, err)
	}
	evs, _ := s.ListEvents(ctx(t), o.ID)
	if len(evs) != 3 || evs[0].Kind != "note" || evs[2].Key != "wf/hold" || string(evs[0].Data) != "{}" {
		t.Errorf("history = %+v, want two notes then the keyed event", evs)
	}
	if _, err := s.EventByKey(ctx(t), "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("EventByKey(unknown) = %v", err)
	}
}

func TestAgentsEmailIsUniqueWhateverItsCase(t *testing.T) {
	s := devstacktest.NewStore(t)
	a, err := s.CreateAgent(ctx(t), store.Agent{Email: "Camille@Boutique.fr", Name: "Camille", PasswordHash: "$argon2id$..."})
	if err != nil {
		t.Fatal(err)
	}
	if a.Role != store.RoleAgent || a.Locale != "fr" || a.ID == 0 {
		t.Errorf("agent = %+v", a)
	}
	if _, err := s.CreateAgent(ctx(t), store.Agent{Email: "camille@boutique.fr", Name: "Other", PasswordHash: "x"}); !errors.Is(err, store.ErrAgentExists) {
		t.Errorf("second agent with the same email = %v, want ErrAgentExists", err)
	}
	got, err := s.AgentByEmail(ctx(t), "CAMILLE@boutique.FR")
	if err != nil || got.ID != a.ID || got.PasswordHash != "$argon2id$..." {
		t.Errorf("AgentByEmail = %+v, %v", got, err)
	}
	if _, err := s.AgentByEmail(ctx(t), "nobody@boutique.fr"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("AgentByEmail(unknown) = %v", err)
	}
}

func TestMigrateAppliesEachVersionOnce(t *testing.T) {
	u := devstacktest.NewDatabase(t)
	// Start from an empty database.
	conn, err := pgx.Connect(ctx(t), u)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx(t), `DROP SCHEMA public CASCADE; CREATE SCHEMA public`); err != nil {
		t.Fatal(err)
	}
	conn.Close(ctx(t))

	// Two processes starting at once (worker and web).
	var (
		wg      sync.WaitGroup
		applied [2][]string
		errs    [2]error
	)
	for i := range 2 {
		s, err := store.Open(ctx(t), u)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(s.Close)
		wg.Add(1)
		go func() {
			defer wg.Done()
			applied[i], errs[i] = s.Migrate(ctx(t))
		}()
	}
	wg.Wait()
	if errs[0] != nil || errs[1] != nil {
		t.Fatalf("concurrent Migrate: %v / %v", errs[0], errs[1])
	}
	all := append(append([]string{}, applied[0]...), applied[1]...)
	if len(all) != len(store.Migrations()) {
		t.Errorf("applied %v and %v, want each of %v once", applied[0], applied[1], store.Migrations())
	}

	s, err := store.Open(ctx(t), u)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	again, err := s.Migrate(ctx(t))
	if err != nil || len(again) != 0 {
		t.Errorf("Migrate on an up-to-date database applied %v, %v; want nothing", again, err)
	}
	if _, err := s.InsertOrder(ctx(t), newOrder("C-2026-000600", mug)); err != nil {
		t.Errorf("schema unusable after migrating: %v", err)
	}
}

func TestOpenSaysWhichDatabaseFailed(t *testing.T) {
	_, err := store.Open(ctx(t), "postgres://orderdesk:s3cret@127.0.0.1:1/orderdesk?sslmode=disable&connect_timeout=2")
	if err == nil {
		t.Fatal("Open on a closed port succeeded")
	}
	msg := err.Error()
	if !containsAll(msg, "127.0.0.1:1/orderdesk", "DATABASE_URL") || containsAll(msg, "s3cret") {
		t.Errorf("Open error = %q: want the URL without its password, and a hint about DATABASE_URL", msg)
	}
}

func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}
