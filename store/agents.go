package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

const agentColumns = `id, email, name, password_hash, role, locale, created_at, disabled_at`

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

// AccountChange is who changes an account, for the audit log: an admin's
// email, or "cli" for the command line, and the address of a web client.
type AccountChange struct {
	Actor   string
	Address string
}

// SetAgentDisabled disables (or enables again) the account of email. A
// disabled account signs in no more, and every session of it ends in the
// same transaction: a page it has open is refused at once. The change is
// written to the audit log; setting what is already set changes nothing
// and writes no line. ErrNotFound when no account has the email.
func (s *Store) SetAgentDisabled(ctx context.Context, email string, disabled bool, by AccountChange) (Agent, error) {
	var a Agent
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var err error
		if a, err = agentForUpdate(ctx, tx, email); err != nil {
			return err
		}
		if (a.DisabledAt != nil) == disabled {
			return nil
		}
		kind := AuditEnabled
		if disabled {
			kind = AuditDisabled
			if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE agent_id = $1`, a.ID); err != nil {
				return err
			}
		}
		if a, err = one[Agent](tx.Query(ctx, `
			UPDATE agents SET disabled_at = CASE WHEN $2 THEN now() END WHERE id = $1
			RETURNING `+agentColumns, a.ID, disabled)); err != nil {
			return err
		}
		return recordAudit(ctx, tx, AuditEntry{Kind: kind, AgentID: &a.ID, Email: a.Email, Actor: by.Actor, Address: by.Address})
	})
	if err != nil {
		return Agent{}, fmt.Errorf("store.SetAgentDisabled(%s, %t): %w", email, disabled, err)
	}
	return a, nil
}

// SetAgentRole gives the account of email another role (agent,
// supervisor, admin), written to the audit log with the role it had.
// ErrNotFound when no account has the email.
func (s *Store) SetAgentRole(ctx context.Context, email, role string, by AccountChange) (Agent, error) {
	if role != RoleAgent && role != RoleSupervisor && role != RoleAdmin {
		return Agent{}, fmt.Errorf("store.SetAgentRole(%s): %q is not a role (agent, supervisor, admin)", email, role)
	}
	var a Agent
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var err error
		if a, err = agentForUpdate(ctx, tx, email); err != nil {
			return err
		}
		if a.Role == role {
			return nil
		}
		was := a.Role
		if a, err = one[Agent](tx.Query(ctx, `UPDATE agents SET role = $2 WHERE id = $1 RETURNING `+agentColumns, a.ID, role)); err != nil {
			return err
		}
		return recordAudit(ctx, tx, AuditEntry{Kind: AuditRoleChanged, AgentID: &a.ID, Email: a.Email, Actor: by.Actor,
			Address: by.Address, Detail: was + " → " + role})
	})
	if err != nil {
		return Agent{}, fmt.Errorf("store.SetAgentRole(%s): %w", email, err)
	}
	return a, nil
}

// SetAgentPassword replaces the password hash of the account of email and
// ends every session of it in the same transaction (whoever knew the old
// password is signed out), written to the audit log. ErrNotFound when no
// account has the email.
func (s *Store) SetAgentPassword(ctx context.Context, email, hash string, by AccountChange) (Agent, error) {
	if hash == "" {
		return Agent{}, fmt.Errorf("store.SetAgentPassword(%s): no password hash", email)
	}
	var a Agent
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var err error
		if a, err = agentForUpdate(ctx, tx, email); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE agents SET password_hash = $2 WHERE id = $1`, a.ID, hash); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE agent_id = $1`, a.ID); err != nil {
			return err
		}
		return recordAudit(ctx, tx, AuditEntry{Kind: AuditPasswordChanged, AgentID: &a.ID, Email: a.Email, Actor: by.Actor, Address: by.Address})
	})
	if err != nil {
		return Agent{}, fmt.Errorf("store.SetAgentPassword(%s): %w", email, err)
	}
	return a, nil
}

// agentForUpdate reads and locks the account of email; ErrNotFound when
// there is none.
func agentForUpdate(ctx context.Context, tx pgx.Tx, email string) (Agent, error) {
	a, err := one[Agent](tx.Query(ctx, `SELECT `+agentColumns+` FROM agents WHERE lower(email) = lower($1) FOR UPDATE`, strings.TrimSpace(email)))
	if errors.Is(err, ErrNotFound) {
		return Agent{}, ErrNotFound
	}
	return a, err
}
