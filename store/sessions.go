package store

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Session is a signed-in agent's session, with the agent.
type Session struct {
	Agent     Agent
	CSRFToken string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// CreateSession records a session for the agent under token (the cookie's
// random value; only its SHA-256 is stored) until expires.
func (s *Store) CreateSession(ctx context.Context, token string, agentID int64, csrf string, expires time.Time) error {
	h := sha256.Sum256([]byte(token))
	if _, err := s.pool.Exec(ctx, `
		INSERT INTO sessions (token_hash, agent_id, csrf_token, expires_at) VALUES ($1, $2, $3, $4)`,
		h[:], agentID, csrf, expires); err != nil {
		return fmt.Errorf("store.CreateSession(agent %d): %w", agentID, err)
	}
	// Expired sessions of anyone are of no use: drop them while here.
	if _, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE expires_at < now()`); err != nil {
		return fmt.Errorf("store.CreateSession(agent %d): %w", agentID, err)
	}
	return nil
}

// SessionByToken returns the unexpired session of the cookie's token, with
// its agent; ErrNotFound when there is none, or when the agent's account
// is disabled.
func (s *Store) SessionByToken(ctx context.Context, token string) (Session, error) {
	h := sha256.Sum256([]byte(token))
	var se Session
	a := &se.Agent
	err := s.pool.QueryRow(ctx, `
		SELECT a.id, a.email, a.name, a.password_hash, a.role, a.locale, a.created_at,
		       s.csrf_token, s.created_at, s.expires_at
		FROM sessions s JOIN agents a ON a.id = s.agent_id
		WHERE s.token_hash = $1 AND s.expires_at > now() AND a.disabled_at IS NULL`, h[:]).
		Scan(&a.ID, &a.Email, &a.Name, &a.PasswordHash, &a.Role, &a.Locale, &a.CreatedAt,
			&se.CSRFToken, &se.CreatedAt, &se.ExpiresAt)
	if err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return Session{}, ErrNotFound
		}
		return Session{}, fmt.Errorf("store.SessionByToken: %w", err)
	}
	return se, nil
}

// DeleteSession ends the session of the cookie's token (signing out).
func (s *Store) DeleteSession(ctx context.Context, token string) error {
	h := sha256.Sum256([]byte(token))
	if _, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE token_hash = $1`, h[:]); err != nil {
		return fmt.Errorf("store.DeleteSession: %w", err)
	}
	return nil
}

// DeleteAgentSessions ends every session of the agent (signing out
// everywhere) and returns how many there were.
func (s *Store) DeleteAgentSessions(ctx context.Context, agentID int64) (int64, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE agent_id = $1`, agentID)
	if err != nil {
		return 0, fmt.Errorf("store.DeleteAgentSessions(%d): %w", agentID, err)
	}
	return tag.RowsAffected(), nil
}

// SetAgentLocale remembers the language an agent reads the UI in (fr, en).
func (s *Store) SetAgentLocale(ctx context.Context, agentID int64, locale string) error {
	locale = strings.ToLower(strings.TrimSpace(locale))
	if locale != "fr" && locale != "en" {
		return fmt.Errorf("store.SetAgentLocale(%d): %q is not a language of the UI (fr, en)", agentID, locale)
	}
	tag, err := s.pool.Exec(ctx, `UPDATE agents SET locale = $2 WHERE id = $1`, agentID, locale)
	if err != nil {
		return fmt.Errorf("store.SetAgentLocale(%d): %w", agentID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("store.SetAgentLocale(%d): %w", agentID, ErrNotFound)
	}
	return nil
}

// ListAgents returns every agent account, by email.
func (s *Store) ListAgents(ctx context.Context) ([]Agent, error) {
	as, err := all[Agent](s.pool.Query(ctx, `SELECT `+agentColumns+` FROM agents ORDER BY lower(email)`))
	if err != nil {
		return nil, fmt.Errorf("store.ListAgents: %w", err)
	}
	return as, nil
}
