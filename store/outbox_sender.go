package store

import (
	"context"
	"fmt"
	"time"
)

// The outbox sender's side of the outbox: the emails written for it
// (Email.BySender), claimed for a while by the sender that sends them, put
// back with a later try when the mail provider fails.

// ClaimDueEmails claims up to limit of the sender's pending emails whose
// try is due, oldest due first, for lease: another sender does not see
// them until then (a sender that dies mid-send leaves the email to the
// next one after the lease; sending is at least once, as any retry). Two
// senders at once claim different emails.
func (s *Store) ClaimDueEmails(ctx context.Context, limit int, lease time.Duration) ([]Email, error) {
	es, err := all[Email](s.pool.Query(ctx, `
		WITH claimed AS (
			UPDATE outbox SET next_attempt_at = now() + $2::interval
			WHERE id IN (
				SELECT id FROM outbox
				WHERE status = 'pending' AND by_sender AND next_attempt_at <= now()
				ORDER BY next_attempt_at, id
				LIMIT $1
				FOR UPDATE SKIP LOCKED)
			RETURNING *)
		SELECT `+emailColumns+` FROM claimed e LEFT JOIN orders o ON o.id = e.order_id ORDER BY e.id`,
		pageSize(limit), lease))
	if err != nil {
		return nil, fmt.Errorf("store.ClaimDueEmails: %w", err)
	}
	return es, nil
}

// RetryEmailAt records a failed try of a pending email (attempts + 1, the
// reason) and when to try again. An email sent or failed meanwhile stays
// as it is.
func (s *Store) RetryEmailAt(ctx context.Context, id int64, reason string, at time.Time) error {
	_, err := s.pool.Exec(ctx, `
		UPDATE outbox SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3
		WHERE id = $1 AND status = 'pending'`, id, reason, at)
	if err != nil {
		return fmt.Errorf("store.RetryEmailAt(%d): %w", id, err)
	}
	return nil
}
