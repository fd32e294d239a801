package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/orderdesk/orderdesk/order"
)

const taskColumns = `t.id, t.key, t.order_id, o.number AS order_number, t.workflow_id, t.kind, t.question,
	t.amount_cents AS amount, t.options, t.status, t.answer, t.answered_by, t.created_at, t.answered_at, t.email,
	CASE WHEN t.question_key IS NULL THEN '{}'::jsonb
		ELSE jsonb_build_object('key', t.question_key, 'args', coalesce(t.question_args, '[]'::jsonb)) END AS question_phrase,
	coalesce(t.owner, '') AS owner, coalesce(ag.name, t.owner, '') AS owner_name, t.claimed_at,
	o.customer_name, o.customer_email`

const taskFrom = ` FROM agent_tasks t JOIN orders o ON o.id = t.order_id LEFT JOIN agents ag ON ag.email = t.owner `

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
	// The close (nothing when the task is closed already), then the task
	// as it is after it, in one round trip.
	b := &pgx.Batch{}
	b.Queue(`
		UPDATE agent_tasks SET status = $2, answer = $3, answered_by = $4, answered_at = now()
		WHERE key = $1 AND status = 'open'`, key, status, answer, by)
	b.Queue(`SELECT `+taskColumns+taskFrom+`WHERE t.key = $1`, key)
	br := s.pool.SendBatch(ctx, b)
	defer br.Close()
	tag, err := br.Exec()
	if err != nil {
		return Task{}, fmt.Errorf("store.CloseTask(%s): %w", key, unavailable(err))
	}
	closed := tag.RowsAffected() == 1
	t, err := one[Task](br.Query())
	if err != nil {
		return Task{}, fmt.Errorf("store.CloseTask(%s): %w", key, err)
	}
	if !closed && t.Status != status {
		return t, fmt.Errorf("store.CloseTask(%s): the task is %s: %w", key, t.Status, ErrTaskClosed)
	}
	return t, nil
}

// ErrTaskClaimed is returned when an agent takes or releases a task
// another agent has taken; the error is a *TaskClaimedError naming them.
var ErrTaskClaimed = errors.New("the task is taken by another agent")

// TaskClaimedError says who has the task an agent tried to take or
// release.
type TaskClaimedError struct {
	TaskID    int64
	Owner     string // their email
	OwnerName string
}

func (e *TaskClaimedError) Error() string {
	return fmt.Sprintf("task %d is taken by %s", e.TaskID, e.Owner)
}

func (e *TaskClaimedError) Unwrap() error { return ErrTaskClaimed }

// ClaimTask makes agent (an email, from their session) the owner of an
// open task, in one conditional UPDATE: of two agents taking it at once,
// one has it and the other gets a *TaskClaimedError naming them. Taking a
// task one already has is a no-op. A closed task is ErrTaskClosed, an
// unknown one ErrNotFound.
func (s *Store) ClaimTask(ctx context.Context, id int64, agent string) (Task, error) {
	if strings.TrimSpace(agent) == "" {
		return Task{}, fmt.Errorf("store.ClaimTask(%d): no agent", id)
	}
	return s.changeOwner(ctx, "ClaimTask", id, agent, `
		UPDATE agent_tasks SET owner = $2, claimed_at = coalesce(claimed_at, now())
		WHERE id = $1 AND status = 'open' AND (owner IS NULL OR owner = $2)
		RETURNING id`, id, agent)
}

// ReleaseTask gives a task back to the inbox. Its owner may release it,
// and anyone when anyone is true (a supervisor); releasing someone
// else's task otherwise is a *TaskClaimedError. Releasing a task nobody
// has is a no-op.
func (s *Store) ReleaseTask(ctx context.Context, id int64, agent string, anyone bool) (Task, error) {
	return s.changeOwner(ctx, "ReleaseTask", id, agent, `
		UPDATE agent_tasks SET owner = NULL, claimed_at = NULL
		WHERE id = $1 AND status = 'open' AND (owner IS NULL OR owner = $2 OR $3)
		RETURNING id`, id, agent, anyone)
}

// changeOwner runs a conditional update of a task's owner and, when it
// changed nothing, says why: the task is unknown, closed or someone
// else's.
func (s *Store) changeOwner(ctx context.Context, op string, id int64, agent, query string, args ...any) (Task, error) {
	var got int64
	err := s.pool.QueryRow(ctx, query, args...).Scan(&got)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return Task{}, fmt.Errorf("store.%s(%d): %w", op, id, unavailable(err))
	}
	t, err := one[Task](s.pool.Query(ctx, `SELECT `+taskColumns+taskFrom+`WHERE t.id = $1`, id))
	if err != nil {
		return Task{}, fmt.Errorf("store.%s(%d): %w", op, id, err)
	}
	switch {
	case got != 0:
		return t, nil
	case t.Status != TaskOpen:
		return t, fmt.Errorf("store.%s(%d): the task is %s: %w", op, id, t.Status, ErrTaskClosed)
	case t.Owner != "" && t.Owner != agent:
		return t, fmt.Errorf("store.%s: %w", op, &TaskClaimedError{TaskID: id, Owner: t.Owner, OwnerName: t.OwnerName})
	}
	return t, nil // changed meanwhile to what was asked
}

// CountOpenTasks is how many tasks wait on an agent: one count over the
// open tasks' index, cheap enough for every page's top bar.
func (s *Store) CountOpenTasks(ctx context.Context) (int, error) {
	var n int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM agent_tasks WHERE status = 'open'`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store.CountOpenTasks: %w", unavailable(err))
	}
	return n, nil
}

// Who owns the tasks a TaskFilter keeps.
const (
	OwnerAll       = ""          // everyone's and nobody's
	OwnerMine      = "mine"      // TaskFilter.Agent's
	OwnerUnclaimed = "unclaimed" // nobody's
)

// TaskFilter narrows the inbox: empty fields keep every open task.
type TaskFilter struct {
	Kind        string
	OlderThan   time.Duration // created at least this long ago
	OrderNumber string
	Owner       string // OwnerAll, OwnerMine or OwnerUnclaimed
	Agent       string // who "mine" is (an email)
	Limit       int    // at most this many, oldest first; 0: 500
}

// FindOpenTasks returns the open tasks a filter keeps, oldest first (the
// customer who has waited longest comes first).
func (s *Store) FindOpenTasks(ctx context.Context, f TaskFilter) ([]Task, error) {
	where := []string{"t.status = 'open'"}
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	if f.Kind != "" {
		where = append(where, "t.kind = "+arg(f.Kind))
	}
	if f.OlderThan > 0 {
		where = append(where, "t.created_at <= now() - "+arg(f.OlderThan.Seconds())+" * interval '1 second'")
	}
	if f.OrderNumber != "" {
		where = append(where, "o.number = "+arg(f.OrderNumber))
	}
	switch f.Owner {
	case OwnerMine:
		where = append(where, "t.owner = "+arg(f.Agent))
	case OwnerUnclaimed:
		where = append(where, "t.owner IS NULL")
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 500
	}
	q := `SELECT ` + taskColumns + taskFrom + `WHERE ` + strings.Join(where, " AND ") + ` ORDER BY t.created_at, t.id LIMIT ` + arg(limit)
	ts, err := all[Task](s.pool.Query(ctx, q, args...))
	if err != nil {
		return nil, fmt.Errorf("store.FindOpenTasks: %w", err)
	}
	return ts, nil
}
