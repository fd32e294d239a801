package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// SigninLimits say how sign-in attempts are slowed down. They hold across
// every web process: the counts are rows of signin_throttle.
type SigninLimits struct {
	// FreeFailures consecutive failures of an account (and of an address
	// with that account) pass at once; each one after waits a delay that
	// starts at FirstDelay and doubles, up to MaxDelay.
	FreeFailures int
	FirstDelay   time.Duration
	MaxDelay     time.Duration
	// AddressMax failures from one address in AddressWindow, whatever
	// the accounts, and that address waits for the window's end. A
	// success gives its attempt back: an office signing in is not counted.
	AddressMax    int
	AddressWindow time.Duration
	// Trust is how long an address the account signed in from lately is
	// spared the account's delay (which anyone who knows the email can
	// raise); its own delay with the account still holds.
	Trust time.Duration
}

// DefaultSigninLimits: five tries at once, then 1 s, 2 s, 4 s… up to 5
// min between tries of an account; 300 failures from an address in 15 min.
var DefaultSigninLimits = SigninLimits{
	FreeFailures: 5, FirstDelay: time.Second, MaxDelay: 5 * time.Minute,
	AddressMax: 300, AddressWindow: 15 * time.Minute, Trust: 30 * 24 * time.Hour,
}

// delay is the wait after the n-th consecutive failure.
func (l SigninLimits) delay(n int) time.Duration {
	if n < l.FreeFailures {
		return 0
	}
	d := l.FirstDelay
	for i := l.FreeFailures; i < n && d < l.MaxDelay; i++ {
		d *= 2
	}
	return min(d, l.MaxDelay)
}

// SigninAttempt is a sign-in about to check a password: an account (the
// email as typed) from an address.
type SigninAttempt struct {
	Email   string
	Address string
}

func (a SigninAttempt) keys() (account, pair, address string) {
	email := strings.ToLower(strings.TrimSpace(a.Email))
	return "account:" + email, "pair:" + a.Address + " " + email, "address:" + a.Address
}

// ReserveSignin counts the attempt as a failure before its password is
// checked, or refuses it: ok false, and retryAt says when to try again.
// The decision and the count are one transaction over the attempt's rows,
// locked: of many attempts at once, no more pass than the limits allow,
// whichever web process they reach. SigninSucceeded takes the failure
// back when the password was right.
func (s *Store) ReserveSignin(ctx context.Context, at SigninAttempt, now time.Time, l SigninLimits) (ok bool, retryAt time.Time, err error) {
	account, pair, address := at.keys()
	keys := []string{account, pair, address}
	slices.Sort(keys) // every attempt locks in the same order: no deadlock
	type row struct {
		Key          string
		Failures     int
		NextAt       time.Time
		WindowStart  time.Time
		WindowCount  int
		TrustedUntil *time.Time
	}
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `
			INSERT INTO signin_throttle (key, next_at, window_start, updated_at)
			SELECT k, $2, $2, $2 FROM unnest($1::text[]) k ORDER BY k
			ON CONFLICT (key) DO NOTHING`, keys, now); err != nil {
			return err
		}
		rows, err := all[row](tx.Query(ctx, `
			SELECT key, failures, next_at, window_start, window_count, trusted_until
			FROM signin_throttle WHERE key = ANY($1) ORDER BY key FOR UPDATE`, keys))
		if err != nil {
			return err
		}
		byKey := map[string]row{}
		for _, r := range rows {
			byKey[r.Key] = r
		}
		acc, pr, addr := byKey[account], byKey[pair], byKey[address]
		if now.Sub(addr.WindowStart) >= l.AddressWindow {
			addr.WindowStart, addr.WindowCount = now, 0
		}
		trusted := pr.TrustedUntil != nil && pr.TrustedUntil.After(now) && pr.Failures < l.FreeFailures
		switch {
		case addr.WindowCount >= l.AddressMax:
			retryAt = addr.WindowStart.Add(l.AddressWindow)
		case pr.NextAt.After(now):
			retryAt = pr.NextAt
		case acc.NextAt.After(now) && !trusted:
			retryAt = acc.NextAt
		}
		if !retryAt.IsZero() {
			return nil
		}
		ok = true
		_, err = tx.Exec(ctx, `
			UPDATE signin_throttle SET
				failures = CASE WHEN key = $4 THEN failures ELSE failures + 1 END,
				next_at = CASE
					WHEN key = $2 THEN $5::timestamptz + make_interval(secs => $7)
					WHEN key = $3 THEN $5::timestamptz + make_interval(secs => $8)
					ELSE next_at END,
				window_start = CASE WHEN key = $4 THEN $6 ELSE window_start END,
				window_count = CASE WHEN key = $4 THEN $9 ELSE window_count END,
				updated_at = $5
			WHERE key = ANY($1)`,
			keys, account, pair, address, now, addr.WindowStart,
			l.delay(acc.Failures+1).Seconds(), l.delay(pr.Failures+1).Seconds(), addr.WindowCount+1)
		return err
	})
	if err != nil {
		return false, time.Time{}, fmt.Errorf("store.ReserveSignin(%s): %w", at.Email, err)
	}
	return ok, retryAt, nil
}

// SigninSucceeded takes back the failure ReserveSignin counted: the
// account and the pair start again from no failure, the address gets its
// attempt back, and the address is trusted with the account from now on.
func (s *Store) SigninSucceeded(ctx context.Context, at SigninAttempt, now time.Time, l SigninLimits) error {
	account, pair, address := at.keys()
	_, err := s.pool.Exec(ctx, `
		UPDATE signin_throttle SET
			failures = CASE WHEN key = $3 THEN failures ELSE 0 END,
			next_at = CASE WHEN key = $3 THEN next_at ELSE $4 END,
			window_count = CASE WHEN key = $3 THEN greatest(window_count - 1, 0) ELSE window_count END,
			trusted_until = CASE WHEN key = $2 THEN $4::timestamptz + make_interval(secs => $5) ELSE trusted_until END,
			updated_at = $4
		WHERE key = ANY($1)`,
		[]string{account, pair, address}, pair, address, now, l.Trust.Seconds())
	if err != nil {
		return fmt.Errorf("store.SigninSucceeded(%s): %w", at.Email, err)
	}
	// Rows nobody used for a while (unknown emails typed once) go.
	if _, err := s.pool.Exec(ctx, `
		DELETE FROM signin_throttle
		WHERE updated_at < $1 AND (trusted_until IS NULL OR trusted_until < $2)`,
		now.Add(-max(l.Trust, l.MaxDelay, l.AddressWindow)), now); err != nil {
		return fmt.Errorf("store.SigninSucceeded(%s): %w", at.Email, err)
	}
	return nil
}
