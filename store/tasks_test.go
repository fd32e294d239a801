package store_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
)

// TestReviewTaskKeepsTheEmailAsTheCustomerWillSeeIt: a review_email task
// holds the rendered email, read back whole by every read; a retried
// create keeps the first email; other tasks have none.
func TestReviewTaskKeepsTheEmailAsTheCustomerWillSeeIt(t *testing.T) {
	s := devstacktest.NewStore(t)
	o := insert(t, s, newOrder("C-2026-000410", mug))
	email := &store.TaskEmail{
		ToEmail: "elodie.martin@example.fr", ToName: "Élodie Martin", Locale: "fr", Template: "content_modified",
		Subject: "Votre commande C-2026-000410 a été modifiée",
		Text:    "Bonjour Élodie,\n\nProduits retirés : 1 × Mug émaillé\n",
		HTML:    `<p>Bonjour Élodie,</p><p><b>Produits retirés</b> : 1 × Mug émaillé</p>`,
	}
	review := store.Task{
		Key: "modify-content/C-2026-000410/req-1/task/email", OrderID: o.ID, WorkflowID: "modify-content/C-2026-000410/req-1",
		Kind: "review_email", Question: "Envoyer cet e-mail au client ?", Options: []string{"send", "send_with_note", "dont_send"},
		Email: email,
	}
	created, err := s.CreateTask(ctx(t), review)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(created.Email, email) {
		t.Errorf("CreateTask kept the email %+v, want %+v", created.Email, email)
	}
	retried := review
	retried.Email = &store.TaskEmail{Subject: "another subject", Text: "another text"}
	again, err := s.CreateTask(ctx(t), retried)
	if err != nil || again.ID != created.ID || !reflect.DeepEqual(again.Email, email) {
		t.Errorf("CreateTask again = #%d %+v, %v; want #%d with the first email", again.ID, again.Email, err, created.ID)
	}
	byID, err := s.GetTask(ctx(t), created.ID)
	if err != nil || !reflect.DeepEqual(byID.Email, email) {
		t.Errorf("GetTask = %+v, %v; want the email", byID.Email, err)
	}
	open, err := s.ListOpenTasks(ctx(t))
	if err != nil || len(open) != 1 || !reflect.DeepEqual(open[0].Email, email) {
		t.Errorf("ListOpenTasks = %+v, %v; want the task with its email", open, err)
	}
	closed, err := s.CloseTask(ctx(t), review.Key, store.TaskAnswered, []byte(`{"outcome":"send"}`), "marie@boutique.fr")
	if err != nil || !reflect.DeepEqual(closed.Email, email) {
		t.Errorf("CloseTask = %+v, %v; want the email kept after the answer", closed.Email, err)
	}

	plain, err := s.CreateTask(ctx(t), store.Task{Key: "settle/C-2026-000410/req-1/refund", OrderID: o.ID, WorkflowID: "settle/C-2026-000410/req-1",
		Kind: "refund_by_hand", Question: "Remboursez 12,90 € à la main.", Amount: 1290, Options: []string{"refund_done"}})
	if err != nil || plain.Email != nil {
		t.Errorf("a task without an email = %+v, %v; want Email nil", plain.Email, err)
	}

	_, err = s.CreateTask(ctx(t), store.Task{Key: "k/no-subject", OrderID: o.ID, WorkflowID: "w", Kind: "review_email",
		Question: "Envoyer cet e-mail au client ?", Email: &store.TaskEmail{Text: "Bonjour"}})
	var fe *order.FieldError
	if !errors.As(err, &fe) || fe.Field != "email.subject" {
		t.Errorf("an email without a subject: %v, want a refusal naming email.subject", err)
	}
	if _, err := s.TaskByKey(ctx(t), "k/no-subject"); err == nil {
		t.Errorf("the refused task was written")
	}
}

// TestTaskEmailMigrationKeepsOlderTasks applies 0006 to a database at
// 0005 that holds a review task of before: the task reads back with its
// question as it was and no email.
func TestTaskEmailMigrationKeepsOlderTasks(t *testing.T) {
	u := devstacktest.NewDatabase(t)
	conn, err := pgx.Connect(ctx(t), u)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx(t))
	want := migrateBefore(t, conn, "0006")

	s, err := store.Open(ctx(t), u)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// The order as a 0005 database holds it: today's store code reads
	// columns a later migration adds.
	var orderID int64
	if err := conn.QueryRow(ctx(t), `
		INSERT INTO orders (number, status, logistics_status, payment_method, customer_name, customer_email,
		                    billing_address, delivery_address, shipping_rules, merchandise_cents, total_cents)
		VALUES ('C-2026-000411', 'paid', 'awaiting_printing', 'card', 'Élodie Martin', 'elodie@example.fr',
		        '{}', '{}', '{}', 1490, 1490)
		RETURNING id`).Scan(&orderID); err != nil {
		t.Fatal(err)
	}
	// A review task as the procedures wrote it at 0005: the email in the question.
	question := "Relire l'e-mail avant envoi au client.\n\nObjet : Votre commande C-2026-000411 a été modifiée\n\nBonjour Élodie,"
	var id int64
	if err := conn.QueryRow(ctx(t), `
		INSERT INTO agent_tasks (key, order_id, workflow_id, kind, question, options)
		VALUES ('modify-content/C-2026-000411/req-1/task/email', $1, 'modify-content/C-2026-000411/req-1', 'review_email', $2, '["send","send_with_note","dont_send"]')
		RETURNING id`, orderID, question).Scan(&id); err != nil {
		t.Fatal(err)
	}

	applied, err := s.Migrate(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(want) == 0 || !reflect.DeepEqual(applied, want) {
		t.Fatalf("Migrate applied %v, want %v", applied, want)
	}
	old, err := s.GetTask(ctx(t), id)
	if err != nil {
		t.Fatal(err)
	}
	if old.Question != question || old.Email != nil || old.Status != store.TaskOpen || len(old.Options) != 3 {
		t.Errorf("the task of before reads back as %+v; want its question as it was and no email", old)
	}
	open, err := s.ListOpenTasks(ctx(t))
	if err != nil || len(open) != 1 || open[0].ID != id {
		t.Errorf("ListOpenTasks after the migration = %+v, %v", open, err)
	}
	// The column refuses an email without a subject, whoever writes it.
	_, err = conn.Exec(ctx(t), `UPDATE agent_tasks SET email = '{"text":"Bonjour"}' WHERE id = $1`, id)
	if err == nil || !strings.Contains(err.Error(), "agent_tasks_email_subject") {
		t.Errorf("an email without a subject written by hand: %v, want the check to refuse it", err)
	}
}
