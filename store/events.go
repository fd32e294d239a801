package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/orderdesk/orderdesk/locale"
)

const eventColumns = `id, order_id, at, actor_kind, actor, workflow_id, kind, message, contact_channel, data,
	coalesce(event_key, '') AS key, ` + eventPhrase

// eventPhrase reads an event's message_key and message_args back as one
// locale.Phrase; {} (no phrase) for a row without a key.
const eventPhrase = `CASE WHEN message_key IS NULL THEN '{}'::jsonb
	ELSE jsonb_build_object('key', message_key, 'args', coalesce(message_args, '[]'::jsonb)) END AS phrase`

// AddEvent appends an entry to an order's history. An event with a Key is
// written once: adding it again returns the first one unchanged, so a
// retried step does not repeat itself in the timeline. A zero At is now.
// An event with a Phrase and no Message gets the phrase's French as its
// Message.
func (s *Store) AddEvent(ctx context.Context, ev Event) (Event, error) {
	saved, err := insertEvent(ctx, s.pool, ev)
	if err != nil {
		return Event{}, fmt.Errorf("store.AddEvent(%d, %s): %w", ev.OrderID, ev.Kind, err)
	}
	return saved, nil
}

// AppendEvent is AddEvent for a caller that does not need the event back
// (a step writing its line): the row is written, once per key, and
// nothing is read back.
func (s *Store) AppendEvent(ctx context.Context, ev Event) error {
	vals, err := eventValues(ev)
	if err == nil {
		_, err = s.pool.Exec(ctx, `
			INSERT INTO order_events (`+eventInsertColumns+`)
			VALUES ($1, coalesce($2, now()), $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
			ON CONFLICT (event_key) DO NOTHING`, append([]any{ev.OrderID}, vals...)...)
	}
	if err != nil {
		return fmt.Errorf("store.AppendEvent(%d, %s): %w", ev.OrderID, ev.Kind, err)
	}
	return nil
}

func insertEvent(ctx context.Context, q querier, ev Event) (Event, error) {
	vals, err := eventValues(ev)
	if err != nil {
		return Event{}, err
	}
	saved, err := one[Event](q.Query(ctx, `
		INSERT INTO order_events (`+eventInsertColumns+`)
		VALUES ($1, coalesce($2, now()), $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
		ON CONFLICT (event_key) DO NOTHING
		RETURNING `+eventColumns,
		append([]any{ev.OrderID}, vals...)...))
	if errors.Is(err, ErrNotFound) {
		// The key was written before: return that event.
		return one[Event](q.Query(ctx, `SELECT `+eventColumns+` FROM order_events WHERE event_key = $1`, ev.Key))
	}
	return saved, err
}

// eventInsertColumns are the columns an event is written with: the order's
// id, then the values of eventValues.
const eventInsertColumns = `order_id, at, actor_kind, actor, workflow_id, kind, message, contact_channel, data, event_key,
	message_key, message_args`

// eventSelectValues are eventValues' as a SELECT list from $first on, for
// an event written in the same statement as what it records (the order's
// id comes from that statement).
func eventSelectValues(first int) string {
	p := func(i int) string { return fmt.Sprintf("$%d", first+i) }
	return "coalesce(" + p(0) + "::timestamptz, now()), " + p(1) + ", " + p(2) + ", " + p(3) + ", " + p(4) + ", " + p(5) + ", " +
		p(6) + ", " + p(7) + "::jsonb, " + p(8) + ", " + p(9) + ", " + p(10) + "::jsonb"
}

// eventValues checks ev and returns the values of eventInsertColumns
// after the order's id: the time (nil: now), the actor, the kind, the
// message (the phrase's French when ev has none), the data, the key and
// the phrase.
func eventValues(ev Event) ([]any, error) {
	if ev.Kind == "" || ev.ActorKind == "" {
		return nil, errors.New("an event needs a kind and an actor kind")
	}
	if len(ev.Data) == 0 {
		ev.Data = json.RawMessage(`{}`)
	}
	key, args, err := phraseColumns(ev.Phrase)
	if err != nil {
		return nil, err
	}
	if ev.Message == "" && !ev.Phrase.IsZero() {
		ev.Message = ev.Phrase.French()
	}
	var at *time.Time
	if !ev.At.IsZero() {
		at = &ev.At
	}
	return []any{at, ev.ActorKind, ev.Actor, ev.WorkflowID, ev.Kind, ev.Message, ev.ContactChannel, ev.Data, nullIfEmpty(ev.Key), key, args}, nil
}

// EventByKey returns the event written under key.
func (s *Store) EventByKey(ctx context.Context, key string) (Event, error) {
	ev, err := one[Event](s.pool.Query(ctx, `SELECT `+eventColumns+` FROM order_events WHERE event_key = $1`, key))
	if err != nil {
		return Event{}, fmt.Errorf("store.EventByKey(%s): %w", key, err)
	}
	return ev, nil
}

// ListEvents returns an order's history, oldest first.
func (s *Store) ListEvents(ctx context.Context, orderID int64) ([]Event, error) {
	evs, err := all[Event](s.pool.Query(ctx, `SELECT `+eventColumns+` FROM order_events WHERE order_id = $1 ORDER BY at, id`, orderID))
	if err != nil {
		return nil, fmt.Errorf("store.ListEvents(%d): %w", orderID, err)
	}
	return evs, nil
}

// phraseColumns is a phrase as its two columns: its key and its arguments
// (JSON), both NULL for no phrase.
func phraseColumns(ph locale.Phrase) (key *string, args json.RawMessage, err error) {
	if ph.IsZero() {
		return nil, nil, nil
	}
	args, err = locale.MarshalPhraseArgs(ph.Args)
	if err != nil {
		return nil, nil, fmt.Errorf("the phrase %s: %w", ph.Key, err)
	}
	k := string(ph.Key)
	return &k, args, nil
}
