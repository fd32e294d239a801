package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/orderdesk/orderdesk/order"

	"github.com/orderdesk/orderdesk/locale"
)

// Event kinds of archiving, notes and resent emails.
const (
	EventArchived    = "archived"
	EventUnarchived  = "unarchived"
	EventNote        = "note"
	EventEmailResent = "email_resent"
)

// finishedStatuses are the statuses an order may be archived in (order.Status.Finished).
func finishedStatuses() []string {
	var out []string
	for _, st := range order.Statuses {
		if st.Finished() {
			out = append(out, string(st))
		}
	}
	return out
}

// ArchiveOrder archives a finished order with its history line
// ev, in one transaction. The change is one conditional UPDATE: the order
// must be finished, not archived, held by no procedure and waited on by no
// open agent task at that instant, so a procedure starting at the same time
// and the archive never both win. A refusal says why (order.ErrNotArchivable).
// With ev.Key set, a retry finds its event and returns the order as it is.
func (s *Store) ArchiveOrder(ctx context.Context, number string, ev Event) (order.Order, error) {
	return s.setArchived(ctx, "ArchiveOrder", number, ev, true)
}

// UnarchiveOrder puts an archived order back among the current ones, with
// its history line ev. Unarchiving an order that is not archived is refused
// (an *order.FieldError); with ev.Key set, a retry is a no-op.
func (s *Store) UnarchiveOrder(ctx context.Context, number string, ev Event) (order.Order, error) {
	return s.setArchived(ctx, "UnarchiveOrder", number, ev, false)
}

func (s *Store) setArchived(ctx context.Context, method, number string, ev Event, archive bool) (order.Order, error) {
	if ev.Key != "" {
		if _, err := s.EventByKey(ctx, ev.Key); err == nil {
			return s.GetOrder(ctx, number)
		} else if !errors.Is(err, ErrNotFound) {
			return order.Order{}, err
		}
	}
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var id int64
		var err error
		if archive {
			err = tx.QueryRow(ctx, `
				UPDATE orders o SET archived_at = now(), version = o.version + 1, updated_at = now()
				WHERE o.number = $1 AND o.archived_at IS NULL AND o.hold_by IS NULL AND o.status = ANY($2)
					AND NOT EXISTS (SELECT 1 FROM agent_tasks t WHERE t.order_id = o.id AND t.status = 'open')
				RETURNING o.id`, number, finishedStatuses()).Scan(&id)
		} else {
			err = tx.QueryRow(ctx, `
				UPDATE orders SET archived_at = NULL, version = version + 1, updated_at = now()
				WHERE number = $1 AND archived_at IS NOT NULL
				RETURNING id`, number).Scan(&id)
		}
		if errors.Is(err, pgx.ErrNoRows) {
			return s.whyNotArchived(ctx, tx, number, archive)
		}
		if err != nil {
			return err
		}
		ev.OrderID = id
		_, err = insertEvent(ctx, tx, ev)
		return err
	})
	if err != nil {
		return order.Order{}, fmt.Errorf("store.%s(%s): %w", method, number, err)
	}
	return s.GetOrder(ctx, number)
}

// whyNotArchived says why the conditional UPDATE changed nothing.
func (s *Store) whyNotArchived(ctx context.Context, q querier, number string, archive bool) error {
	o, err := loadOrder(ctx, q, `number = $1`, number)
	if err != nil {
		return err
	}
	if !archive {
		return order.CheckUnarchivable(o)
	}
	n, err := openTaskCount(ctx, q, o.ID)
	if err != nil {
		return err
	}
	if err := order.CheckArchivable(o, n); err != nil {
		return err
	}
	return fmt.Errorf("order %s changed while it was archived, try again: %w", number, order.ErrNotArchivable)
}

// OpenTaskCount is how many agent tasks are open on an order: a procedure
// waiting on a person still works on it.
func (s *Store) OpenTaskCount(ctx context.Context, orderID int64) (int, error) {
	n, err := openTaskCount(ctx, s.pool, orderID)
	if err != nil {
		return 0, fmt.Errorf("store.OpenTaskCount(%d): %w", orderID, err)
	}
	return n, nil
}

func openTaskCount(ctx context.Context, q querier, orderID int64) (int, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT count(*) FROM agent_tasks WHERE order_id = $1 AND status = 'open'`, orderID).Scan(&n)
	return n, err
}

// Resend asks for an email of an order to be sent again (« renvoyer
// des e-mails »).
type Resend struct {
	OrderID int64
	EmailID int64  // the email sent before, which must be one of the order's
	Key     string // the new outbox row's key: one resend per key
	To      string // the corrected address; "" sends to the same address
	// Event says who resends, for the history (actor, workflow); the
	// message, kind and key are filled here.
	Event Event
}

// ResendEmail writes a copy of an order's email (subject, bodies,
// attachments, language) to the outbox under r.Key, to r.To or to the
// first address, with the history line « E-mail renvoyé : <subject> à
// <address> », in one transaction. Resending the same key returns the first
// copy: a double click sends once. An email of another order is refused
// (an *order.FieldError on email_id) and nothing is written.
func (s *Store) ResendEmail(ctx context.Context, r Resend) (Email, error) {
	if r.Key == "" {
		return Email{}, fmt.Errorf("store.ResendEmail: a resend needs a key")
	}
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var id int64
		var subject, to string
		err := tx.QueryRow(ctx, `
			INSERT INTO outbox (key, order_id, to_email, to_name, locale, template, subject, body_text, body_html, attachments)
			SELECT $2, order_id, coalesce(nullif($3, ''), to_email), to_name, locale, template, subject, body_text, body_html, attachments
			FROM outbox WHERE id = $1 AND order_id = $4
			ON CONFLICT (key) DO NOTHING
			RETURNING id, subject, to_email`, r.EmailID, r.Key, r.To, r.OrderID).Scan(&id, &subject, &to)
		if errors.Is(err, pgx.ErrNoRows) {
			var exists bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM outbox WHERE key = $1)`, r.Key).Scan(&exists); err != nil {
				return err
			}
			if exists {
				return nil // resent before under this key
			}
			return order.Refuse("email_id", "refusal.email_not_of_order", locale.Text(strconv.FormatInt(r.EmailID, 10)))
		}
		if err != nil {
			return err
		}
		ev := r.Event
		data, _ := json.Marshal(map[string]any{"email_id": id, "resent_email_id": r.EmailID, "to": to})
		ev.OrderID, ev.Kind, ev.Key, ev.Data = r.OrderID, EventEmailResent, r.Key+"/resent", data
		ev.Message = fmt.Sprintf("E-mail renvoyé : %s à %s", subject, to)
		_, err = insertEvent(ctx, tx, ev)
		return err
	})
	if err != nil {
		return Email{}, fmt.Errorf("store.ResendEmail(%d): %w", r.EmailID, err)
	}
	e, err := one[Email](s.pool.Query(ctx, `SELECT `+emailColumns+emailFrom+`WHERE e.key = $1`, r.Key))
	if err != nil {
		return Email{}, fmt.Errorf("store.ResendEmail(%d): %w", r.EmailID, err)
	}
	return e, nil
}
