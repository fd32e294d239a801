package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// ReturnLabel is a return's prepaid label, as the carrier made it: the
// link to the PDF the customer prints, the parcel's tracking number and
// the carrier's name.
type ReturnLabel struct {
	URL      string `json:"url" db:"label_url"`
	Tracking string `json:"tracking" db:"label_tracking"`
	Carrier  string `json:"carrier" db:"label_carrier"`
}

// SetReturnLabel keeps the label of the return numbered number, once: a
// return that has a label keeps it (the carrier makes one per return, so a
// second would be the same) and the label kept is returned. An unknown
// return is ErrNotFound.
func (s *Store) SetReturnLabel(ctx context.Context, number string, l ReturnLabel) (ReturnLabel, error) {
	if _, err := s.pool.Exec(ctx, `
		UPDATE returns SET label_url = $2, label_tracking = $3, label_carrier = $4, updated_at = now()
		WHERE number = $1 AND label_url IS NULL`, number, l.URL, l.Tracking, l.Carrier); err != nil {
		return ReturnLabel{}, fmt.Errorf("store.SetReturnLabel(%s): %w", number, err)
	}
	kept, ok, err := s.GetReturnLabel(ctx, number)
	if err == nil && !ok {
		err = fmt.Errorf("store.SetReturnLabel(%s): %w", number, ErrNotFound)
	}
	return kept, err
}

// GetReturnLabel is the label kept for the return numbered number; ok is
// false when it has none (no carrier made one). An unknown return is
// ErrNotFound.
func (s *Store) GetReturnLabel(ctx context.Context, number string) (l ReturnLabel, ok bool, err error) {
	var url, tracking, carrier *string
	err = s.pool.QueryRow(ctx, `SELECT label_url, label_tracking, label_carrier FROM returns WHERE number = $1`, number).
		Scan(&url, &tracking, &carrier)
	if errors.Is(err, pgx.ErrNoRows) {
		return ReturnLabel{}, false, fmt.Errorf("store.GetReturnLabel(%s): %w", number, ErrNotFound)
	}
	if err != nil {
		return ReturnLabel{}, false, fmt.Errorf("store.GetReturnLabel(%s): %w", number, err)
	}
	if url == nil {
		return ReturnLabel{}, false, nil
	}
	return ReturnLabel{URL: *url, Tracking: deref(tracking), Carrier: deref(carrier)}, true, nil
}

// ReturnLabels are the labels of an order's returns that have one, by the
// return's number.
func (s *Store) ReturnLabels(ctx context.Context, orderID int64) (map[string]ReturnLabel, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT number, label_url, coalesce(label_tracking, ''), coalesce(label_carrier, '')
		FROM returns WHERE order_id = $1 AND label_url IS NOT NULL`, orderID)
	if err != nil {
		return nil, fmt.Errorf("store.ReturnLabels(%d): %w", orderID, err)
	}
	m := map[string]ReturnLabel{}
	var number string
	var l ReturnLabel
	_, err = pgx.ForEachRow(rows, []any{&number, &l.URL, &l.Tracking, &l.Carrier}, func() error { m[number] = l; return nil })
	if err != nil {
		return nil, fmt.Errorf("store.ReturnLabels(%d): %w", orderID, err)
	}
	return m, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
