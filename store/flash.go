package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// FlashTTL is how long a kept form page can be read back.
const FlashTTL = 10 * time.Minute

// SaveFlash keeps a page of the agent UI (a refused form with what was
// typed and the errors, or a confirmation step) and its HTTP status for
// the agent, to be shown at path under id; pages older than FlashTTL are
// dropped while here.
func (s *Store) SaveFlash(ctx context.Context, id string, agentID int64, path string, status int, body string) error {
	if _, err := s.pool.Exec(ctx, `INSERT INTO form_flashes (id, agent_id, path, status, body) VALUES ($1, $2, $3, $4, $5)`,
		id, agentID, path, status, body); err != nil {
		return fmt.Errorf("store.SaveFlash(%s): %w", path, err)
	}
	if _, err := s.pool.Exec(ctx, `DELETE FROM form_flashes WHERE created_at < now() - $1::interval`,
		fmt.Sprintf("%d seconds", int(FlashTTL/time.Second))); err != nil {
		return fmt.Errorf("store.SaveFlash(%s): %w", path, err)
	}
	return nil
}

// Flash returns the page kept under id for the agent at path, and its
// status, within FlashTTL; ErrNotFound when there is none (expired,
// another agent's, another address).
func (s *Store) Flash(ctx context.Context, id string, agentID int64, path string) (int, string, error) {
	var body string
	var status int
	err := s.pool.QueryRow(ctx, `
		SELECT status, body FROM form_flashes
		WHERE id = $1 AND agent_id = $2 AND path = $3 AND created_at > now() - $4::interval`,
		id, agentID, path, fmt.Sprintf("%d seconds", int(FlashTTL/time.Second))).Scan(&status, &body)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, "", ErrNotFound
	}
	if err != nil {
		return 0, "", fmt.Errorf("store.Flash(%s): %w", path, err)
	}
	return status, body, nil
}
