package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// The kinds of the audit log's lines.
const (
	AuditSignIn          = "signin"           // an agent signed in
	AuditSignInFailed    = "signin_failed"    // a wrong password, an unknown or disabled account
	AuditSignInThrottled = "signin_throttled" // an attempt refused before any check: too many lately
	AuditSignOut         = "signout"          // an agent signed out
	AuditSignOutAll      = "signout_all"      // an agent ended every session of theirs
	AuditApproval        = "approval"         // a supervisor approved money leaving, above the limit
	AuditRoleChanged     = "role_changed"     // detail: "old → new"
	AuditDisabled        = "agent_disabled"   // the account's sessions ended with it
	AuditEnabled         = "agent_enabled"
	AuditPasswordChanged = "password_changed" // the account's sessions ended with it
)

// AuditKinds are the kinds of the audit log, in the order a page lists
// them.
var AuditKinds = []string{AuditSignIn, AuditSignInFailed, AuditSignInThrottled, AuditSignOut, AuditSignOutAll,
	AuditApproval, AuditRoleChanged, AuditDisabled, AuditEnabled, AuditPasswordChanged}

// AuditEntry is a line of the audit log.
type AuditEntry struct {
	ID      int64     `json:"id"`
	At      time.Time `json:"at"`
	Kind    string    `json:"kind"`
	AgentID *int64    `json:"agent_id,omitempty"` // the account concerned, when there is one
	Email   string    `json:"email"`              // the account concerned, as typed or known
	Actor   string    `json:"actor,omitempty"`    // who did it, when not the account itself
	Address string    `json:"address,omitempty"`  // the client's address (web)
	Detail  string    `json:"detail,omitempty"`
	// Key makes a write a retry may repeat happen once (an approval's
	// task); empty for the others.
	Key *string `json:"-"`
}

const auditColumns = `id, at, kind, agent_id, email, actor, address, detail, key`

// RecordAudit writes a line of the audit log; without an AgentID, the
// account is the one of the email, when there is one. A line with a Key
// written already is not written again.
func (s *Store) RecordAudit(ctx context.Context, e AuditEntry) error {
	if err := recordAudit(ctx, s.pool, e); err != nil {
		return unavailable(err)
	}
	return nil
}

// execer is a pool or a transaction.
type execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

func recordAudit(ctx context.Context, q execer, e AuditEntry) error {
	if e.Kind == "" {
		return fmt.Errorf("store.RecordAudit: a line needs its kind")
	}
	if e.Key != nil && *e.Key == "" {
		e.Key = nil
	}
	_, err := q.Exec(ctx, `
		INSERT INTO audit_log (kind, agent_id, email, actor, address, detail, key)
		VALUES ($1, coalesce($2, (SELECT id FROM agents WHERE lower(email) = lower($3))), $3, $4, $5, $6, $7)
		ON CONFLICT (key) DO NOTHING`,
		e.Kind, e.AgentID, strings.TrimSpace(e.Email), e.Actor, e.Address, e.Detail, e.Key)
	if err != nil {
		return fmt.Errorf("store.RecordAudit(%s, %s): %w", e.Kind, e.Email, err)
	}
	return nil
}

// AuditFilter selects lines of the audit log.
type AuditFilter struct {
	Email string // the account concerned, whatever its case; empty: every account
	Limit int    // at most this many lines; 0: 200
}

// ListAudit returns the audit log's lines, newest first.
func (s *Store) ListAudit(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	if f.Limit <= 0 {
		f.Limit = 200
	}
	es, err := all[AuditEntry](s.pool.Query(ctx, `
		SELECT `+auditColumns+` FROM audit_log
		WHERE $1 = '' OR lower(email) = lower($1)
		ORDER BY id DESC LIMIT $2`, strings.TrimSpace(f.Email), f.Limit))
	if err != nil {
		return nil, fmt.Errorf("store.ListAudit: %w", err)
	}
	return es, nil
}
