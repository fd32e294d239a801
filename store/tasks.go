package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/orderdesk/orderdesk/order"
)

const taskColumns = `t.id, t.key, t.order_id, o.number AS order_number, t.workflow_id, t.kind, t.question,
	t.amount_cents AS amount, t.options, t.status, t.answer, t.answered_by, t.created_at, t.answered_at, t.email,
	CASE WHEN t.question_key IS NULL THEN '{}'::jsonb
		ELSE jsonb_build_object('key', t.question_key, 'args', coalesce(t.question_args, '[]'::jsonb)) END AS question_phrase`

const taskFrom = ` FROM agent_tasks t JOIN orders o ON o.id = t.order_id `

// CreateTask records what a procedure waits on an agent for, with the
// email under review if any. There is one task per Key: creating it again
// returns the existing task as it is now (perhaps answered already), so a
// retried step does not ask twice. A task with a QuestionPhrase and no
// Question gets the phrase's French as its Question.
func (s *Store) CreateTask(ctx context.Context, t Task) (Task, error) {
	if t.Key == "" {
		return Task{}, fmt.Errorf("store.CreateTask: a task needs a key")
	}
	if t.Email != nil && strings.TrimSpace(t.Email.Subject) == "" {
		return Task{}, fmt.Errorf("store.CreateTask(%s): %w", t.Key, order.Refuse("email.subject", "refusal.email_without_subject"))
	}
	if t.Options == nil {
		t.Options = []string{}
	}
	qkey, qargs, err := phraseColumns(t.QuestionPhrase)
	if err != nil {
		return Task{}, fmt.Errorf("store.CreateTask(%s): %w", t.Key, err)
	}
	if t.Question == "" && !t.QuestionPhrase.IsZero() {
		t.Question = t.QuestionPhrase.French()
	}
	_, err = s.pool.Exec(ctx, `
		INSERT INTO agent_tasks (key, order_id, workflow_id, kind, question, amount_cents, options, email, question_key, question_args)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (key) DO NOTHING`,
		t.Key, t.OrderID, t.WorkflowID, t.Kind, t.Question, t.Amount, t.Options, t.Email, qkey, qargs)
	if err != nil {
		return Task{}, fmt.Errorf("store.CreateTask(%s): %w", t.Key, err)
	}
	saved, err := one[Task](s.pool.Query(ctx, `SELECT `+taskColumns+taskFrom+`WHERE t.key = $1`, t.Key))
	if err != nil {
		return Task{}, fmt.Errorf("store.CreateTask(%s): %w", t.Key, err)
	}
	return saved, nil
}

// GetTask returns one task, with its order's number.
func (s *Store) GetTask(ctx context.Context, id int64) (Task, error) {
	t, err := one[Task](s.pool.Query(ctx, `SELECT `+taskColumns+taskFrom+`WHERE t.id = $1`, id))
	if err != nil {
		return Task{}, fmt.Errorf("store.GetTask(%d): %w", id, err)
	}
	return t, nil
}

// TaskByKey returns the task created under key.
func (s *Store) TaskByKey(ctx context.Context, key string) (Task, error) {
	t, err := one[Task](s.pool.Query(ctx, `SELECT `+taskColumns+taskFrom+`WHERE t.key = $1`, key))
	if err != nil {
		return Task{}, fmt.Errorf("store.TaskByKey(%s): %w", key, err)
	}
	return t, nil
}

// ListOpenTasks returns the tasks waiting on an agent, oldest first: the
// task inbox.
func (s *Store) ListOpenTasks(ctx context.Context) ([]Task, error) {
	ts, err := all[Task](s.pool.Query(ctx, `SELECT `+taskColumns+taskFrom+`WHERE t.status = 'open' ORDER BY t.created_at, t.id`))
	if err != nil {
		return nil, fmt.Errorf("store.ListOpenTasks: %w", err)
	}
	return ts, nil
}

// ListTasks returns every task of an order, oldest first.
func (s *Store) ListTasks(ctx context.Context, orderID int64) ([]Task, error) {
	ts, err := all[Task](s.pool.Query(ctx, `SELECT `+taskColumns+taskFrom+`WHERE t.order_id = $1 ORDER BY t.created_at, t.id`, orderID))
	if err != nil {
		return nil, fmt.Errorf("store.ListTasks(%d): %w", orderID, err)
	}
	return ts, nil
}

// CloseTask closes an open task as answered (with the agent's answer) or
// cancelled. Closing it again to the same status returns it unchanged (a
// retry); a task closed otherwise is ErrTaskClosed.
func (s *Store) CloseTask(ctx context.Context, key, status string, answer json.RawMessage, by string) (Task, error) {
	if status != TaskAnswered && status != TaskCancelled {
		return Task{}, fmt.Errorf("store.CloseTask(%s): a task closes as %s or %s, not %q", key, TaskAnswered, TaskCancelled, status)
	}
	if len(answer) == 0 {
		answer = nil // NULL, not an empty (invalid) JSON document
	}
	var id int64
	err := s.pool.QueryRow(ctx, `
		UPDATE agent_tasks SET status = $2, answer = $3, answered_by = $4, answered_at = now()
		WHERE key = $1 AND status = 'open'
		RETURNING id`, key, status, answer, by).Scan(&id)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return Task{}, fmt.Errorf("store.CloseTask(%s): %w", key, err)
	}
	t, err := one[Task](s.pool.Query(ctx, `SELECT `+taskColumns+taskFrom+`WHERE t.key = $1`, key))
	if err != nil {
		return Task{}, fmt.Errorf("store.CloseTask(%s): %w", key, err)
	}
	if id == 0 && t.Status != status {
		return t, fmt.Errorf("store.CloseTask(%s): the task is %s: %w", key, t.Status, ErrTaskClosed)
	}
	return t, nil
}
