package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

const emailColumns = `e.id, e.key, coalesce(e.order_id, 0) AS order_id, coalesce(o.number, '') AS order_number,
	e.to_email, e.to_name, e.locale, e.template, e.subject, e.body_text, e.body_html, e.status,
	e.provider_message_id, e.attempts, e.last_error, e.created_at, e.sent_at, e.by_sender`

const emailFrom = ` FROM outbox e LEFT JOIN orders o ON o.id = e.order_id `

// EnqueueEmail writes an email to the outbox, to be sent. There is one
// email per Key: enqueueing the key again returns the first email unchanged,
// so a retried step never mails the customer twice. OrderID 0 is an email
// about no order.
func (s *Store) EnqueueEmail(ctx context.Context, e Email) (Email, error) {
	if e.Key == "" {
		return Email{}, fmt.Errorf("store.EnqueueEmail: an email needs a key")
	}
	if e.Locale == "" {
		e.Locale = "fr"
	}
	var orderID *int64
	if e.OrderID != 0 {
		orderID = &e.OrderID
	}
	// The email (nothing when the key was enqueued before), then the
	// email of the key as it is written, in one round trip.
	b := &pgx.Batch{}
	b.Queue(`
		INSERT INTO outbox (key, order_id, to_email, to_name, locale, template, subject, body_text, body_html, by_sender)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (key) DO NOTHING`,
		e.Key, orderID, e.ToEmail, e.ToName, e.Locale, e.Template, e.Subject, e.BodyText, e.BodyHTML, e.BySender)
	b.Queue(`SELECT `+emailColumns+emailFrom+`WHERE e.key = $1`, e.Key)
	br := s.pool.SendBatch(ctx, b)
	defer br.Close()
	if _, err := br.Exec(); err != nil {
		return Email{}, fmt.Errorf("store.EnqueueEmail(%s): %w", e.Key, unavailable(err))
	}
	saved, err := one[Email](br.Query())
	if err != nil {
		return Email{}, fmt.Errorf("store.EnqueueEmail(%s): %w", e.Key, err)
	}
	return saved, nil
}

// GetEmail returns one email of the outbox.
func (s *Store) GetEmail(ctx context.Context, id int64) (Email, error) {
	e, err := one[Email](s.pool.Query(ctx, `SELECT `+emailColumns+emailFrom+`WHERE e.id = $1`, id))
	if err != nil {
		return Email{}, fmt.Errorf("store.GetEmail(%d): %w", id, err)
	}
	return e, nil
}

// ListEmails returns the emails about an order, oldest first.
func (s *Store) ListEmails(ctx context.Context, orderID int64) ([]Email, error) {
	es, err := all[Email](s.pool.Query(ctx, `SELECT `+emailColumns+emailFrom+`WHERE e.order_id = $1 ORDER BY e.created_at, e.id`, orderID))
	if err != nil {
		return nil, fmt.Errorf("store.ListEmails(%d): %w", orderID, err)
	}
	return es, nil
}

// ListOutbox returns the latest emails of all orders, newest first: the dev
// outbox page.
func (s *Store) ListOutbox(ctx context.Context, limit int) ([]Email, error) {
	es, err := all[Email](s.pool.Query(ctx, `SELECT `+emailColumns+emailFrom+`ORDER BY e.created_at DESC, e.id DESC LIMIT $1`, pageSize(limit)))
	if err != nil {
		return nil, fmt.Errorf("store.ListOutbox: %w", err)
	}
	return es, nil
}

// PendingEmails returns emails still to send, oldest first.
func (s *Store) PendingEmails(ctx context.Context, limit int) ([]Email, error) {
	es, err := all[Email](s.pool.Query(ctx, `SELECT `+emailColumns+emailFrom+`WHERE e.status = 'pending' ORDER BY e.created_at, e.id LIMIT $1`, pageSize(limit)))
	if err != nil {
		return nil, fmt.Errorf("store.PendingEmails: %w", err)
	}
	return es, nil
}

// MarkEmailSent records that the provider accepted an email, with its
// message id. Marking it again changes nothing.
func (s *Store) MarkEmailSent(ctx context.Context, id int64, providerMessageID string) error {
	tag, err := s.pool.Exec(ctx, `
		UPDATE outbox SET
			attempts = attempts + CASE WHEN status = 'sent' THEN 0 ELSE 1 END,
			status = 'sent',
			provider_message_id = CASE WHEN status = 'sent' THEN provider_message_id ELSE $2 END,
			sent_at = coalesce(sent_at, now()),
			last_error = ''
		WHERE id = $1`, id, providerMessageID)
	if err == nil && tag.RowsAffected() == 0 {
		err = ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("store.MarkEmailSent(%d): %w", id, err)
	}
	return nil
}

// MarkEmailFailed records a failed attempt to send an email: attempts + 1,
// the reason, and status failed (no longer pending; a resend enqueues it
// again under a new key). An email already sent stays sent.
func (s *Store) MarkEmailFailed(ctx context.Context, id int64, reason string) error {
	tag, err := s.pool.Exec(ctx, `
		UPDATE outbox SET attempts = attempts + 1, last_error = $2, status = 'failed'
		WHERE id = $1 AND status <> 'sent'`, id, reason)
	if err == nil && tag.RowsAffected() == 0 {
		// Sent already (nothing to do) or no such email.
		_, err = s.GetEmail(ctx, id)
	}
	if err != nil {
		return fmt.Errorf("store.MarkEmailFailed(%d): %w", id, err)
	}
	return nil
}

// pageSize bounds a list's limit: 50 by default, 1000 at most.
func pageSize(limit int) int {
	if limit <= 0 {
		return 50
	}
	return min(limit, 1000)
}
