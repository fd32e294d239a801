package store

import (
	"context"
	"fmt"
	"strings"
)

const agentColumns = `id, email, name, password_hash, role, locale, created_at`

// CreateAgent records an agent account. The email is unique whatever its
// case: a second account for it is ErrAgentExists. An empty Role is agent,
// an empty Locale fr.
func (s *Store) CreateAgent(ctx context.Context, a Agent) (Agent, error) {
	a.Email = strings.TrimSpace(a.Email)
	if a.Email == "" {
		return Agent{}, fmt.Errorf("store.CreateAgent: an agent needs an email")
	}
	if a.Role == "" {
		a.Role = RoleAgent
	}
	if a.Locale == "" {
		a.Locale = "fr"
	}
	saved, err := one[Agent](s.pool.Query(ctx, `
		INSERT INTO agents (email, name, password_hash, role, locale)
		VALUES ($1, $2, $3, $4, $5)
		RETURNING `+agentColumns,
		a.Email, a.Name, a.PasswordHash, a.Role, a.Locale))
	if isUniqueViolation(err) {
		return Agent{}, fmt.Errorf("store.CreateAgent(%s): %w", a.Email, ErrAgentExists)
	}
	if err != nil {
		return Agent{}, fmt.Errorf("store.CreateAgent(%s): %w", a.Email, err)
	}
	return saved, nil
}

// AgentByEmail returns the agent who signs in with email, whatever its case.
func (s *Store) AgentByEmail(ctx context.Context, email string) (Agent, error) {
	a, err := one[Agent](s.pool.Query(ctx, `SELECT `+agentColumns+` FROM agents WHERE lower(email) = lower($1)`, strings.TrimSpace(email)))
	if err != nil {
		return Agent{}, fmt.Errorf("store.AgentByEmail(%s): %w", email, err)
	}
	return a, nil
}
