package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
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

// MarkEmailSending marks a pending email as being handed to the mail
// provider, before the call, and says whether it was marked already: a
// try before this one reached the provider, or may have, and never learnt
// its outcome (its answer was lost, or its sender died). The caller then
// asks the provider whether it holds the email before sending it again;
// since is how long ago that try began (by the database's clock). The
// mark stays until the email is sent, failed, or ClearEmailSending.
func (s *Store) MarkEmailSending(ctx context.Context, id int64) (maybeSent bool, since time.Duration, err error) {
	var seconds *float64
	err = s.pool.QueryRow(ctx, `
		WITH prev AS (SELECT id, sending_since FROM outbox WHERE id = $1 FOR UPDATE)
		UPDATE outbox o SET sending_since = coalesce(o.sending_since, now())
		FROM prev WHERE o.id = prev.id
		RETURNING extract(epoch FROM now() - prev.sending_since)::float8`, id).Scan(&seconds)
	if errors.Is(err, pgx.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return false, 0, fmt.Errorf("store.MarkEmailSending(%d): %w", id, err)
	}
	if seconds == nil {
		return false, 0, nil
	}
	return true, time.Duration(*seconds * float64(time.Second)), nil
}

// RestartEmailSending dates the mark of an email sent again now (the
// provider said it did not hold it): the next check waits from this try.
func (s *Store) RestartEmailSending(ctx context.Context, id int64) error {
	if _, err := s.pool.Exec(ctx, `UPDATE outbox SET sending_since = now() WHERE id = $1`, id); err != nil {
		return fmt.Errorf("store.RestartEmailSending(%d): %w", id, err)
	}
	return nil
}

// ClearEmailSending removes the mark of MarkEmailSending once a try is
// known not to have reached the provider (it refused or failed before the
// request went out, or the provider said it holds no such email).
func (s *Store) ClearEmailSending(ctx context.Context, id int64) error {
	if _, err := s.pool.Exec(ctx, `UPDATE outbox SET sending_since = NULL WHERE id = $1`, id); err != nil {
		return fmt.Errorf("store.ClearEmailSending(%d): %w", id, err)
	}
	return nil
}
