package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/orderdesk/orderdesk/order"
)

// Return statuses, as the returns table keeps them.
const (
	ReturnRequested  = "requested"
	ReturnAuthorised = "authorised"
	ReturnReceived   = "received"
	ReturnInspected  = "inspected"
	ReturnRefunded   = "refunded"
	ReturnExchanged  = "exchanged"
	ReturnRefused    = "refused"
	ReturnExpired    = "expired"
	ReturnCancelled  = "cancelled"
)

// ErrReturnReceived is a receipt of a parcel for a return already received
// with another parcel.
var ErrReturnReceived = errors.New("the return was already received with another parcel")

// ErrParcelTaken is a receipt of a parcel already recorded for another
// return.
var ErrParcelTaken = errors.New("the parcel was already received for another return")

// Return is shipped items of an order coming back (the return procedure):
// what, why, for what, and where it is.
type Return struct {
	ID             int64                   `json:"id"`
	Number         string                  `json:"number"`
	OrderID        int64                   `json:"order_id"`
	OrderNumber    string                  `json:"order_number"`
	WorkflowID     string                  `json:"workflow_id"`
	RequestID      string                  `json:"request_id"`
	Reason         order.ReturnReason      `json:"reason"`
	Resolution     order.ReturnResolution  `json:"resolution"`
	Status         string                  `json:"status"`
	CreatedBy      string                  `json:"created_by"`
	Exchange       []order.Line            `json:"exchange"`
	ToldAt         time.Time               `json:"told_at"`
	ReceivedAt     *time.Time              `json:"received_at,omitempty"`
	ParcelID       *string                 `json:"parcel_id,omitempty"`
	ProofOfSending bool                    `json:"proof_of_sending"`
	Settlement     *order.ReturnSettlement `json:"settlement,omitempty"`
	CreatedAt      time.Time               `json:"created_at"`
	UpdatedAt      time.Time               `json:"updated_at"`
	Lines          []ReturnLine            `json:"lines" db:"-"`
}

// ReturnLine is a quantity of one order line coming back, and what its
// inspection said of it.
type ReturnLine struct {
	LineID   int64 `json:"line_id"`
	Quantity int64 `json:"quantity"`
	// Accepted is nil until the items are inspected.
	Accepted      *int64 `json:"accepted_quantity,omitempty" db:"accepted_quantity"`
	Restocked     bool   `json:"restocked"`
	RefusalReason string `json:"refusal_reason,omitempty"`
}

// Counts reports whether a return's items count as returned: every
// return but a refused, expired or cancelled one.
func (r Return) Counts() bool {
	switch r.Status {
	case ReturnRefused, ReturnExpired, ReturnCancelled:
		return false
	}
	return true
}

// NewReturn is a return as its procedure records it.
type NewReturn struct {
	OrderNumber string
	WorkflowID  string
	RequestID   string
	CreatedBy   string
	Request     order.ReturnRequest
	ToldAt      time.Time
}

const returnColumns = `r.id, r.number, r.order_id, o.number AS order_number, r.workflow_id, r.request_id, r.reason, r.resolution,
	r.status, r.created_by, r.exchange, r.told_at, r.received_at, r.parcel_id, r.proof_of_sending, r.settlement, r.created_at, r.updated_at`

const returnFrom = ` FROM returns r JOIN orders o ON o.id = r.order_id `

// CreateReturn records a return and gives it its number, once per
// procedure: run again (same workflow id), or for a request id of the
// order already recorded, it returns the return as first recorded. The
// request is checked again under the order's row lock against the items
// already returned (order.ValidateReturn), so two returns at once never
// send back more than shipped; a refusal is an *order.FieldError.
func (s *Store) CreateReturn(ctx context.Context, in NewReturn) (Return, error) {
	var saved Return
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		o, err := lockOrder(ctx, tx, in.OrderNumber)
		if err != nil {
			return err
		}
		existing, err := one[Return](tx.Query(ctx, `SELECT `+returnColumns+returnFrom+`WHERE r.workflow_id = $1 OR (r.order_id = $2 AND r.request_id = $3)`,
			in.WorkflowID, o.ID, in.RequestID))
		if err == nil {
			saved = existing
			return nil
		}
		if !errors.Is(err, ErrNotFound) {
			return err
		}
		returned, err := returnedQuantities(ctx, tx, o.ID)
		if err != nil {
			return err
		}
		if err := order.ValidateReturn(o, in.Request, returned); err != nil {
			return err
		}
		var year int
		var seq int64
		if err := tx.QueryRow(ctx, `
			INSERT INTO return_counters (year, last_seq)
			VALUES (extract(year FROM now() AT TIME ZONE 'Europe/Paris')::int, 1)
			ON CONFLICT (year) DO UPDATE SET last_seq = return_counters.last_seq + 1
			RETURNING year, last_seq`).Scan(&year, &seq); err != nil {
			return err
		}
		exchange := in.Request.Exchange
		if exchange == nil {
			exchange = []order.Line{}
		}
		raw, err := json.Marshal(exchange)
		if err != nil {
			return err
		}
		told := in.ToldAt
		if told.IsZero() {
			told = time.Now()
		}
		var id int64
		if err := tx.QueryRow(ctx, `
			INSERT INTO returns (number, order_id, workflow_id, request_id, reason, resolution, created_by, exchange, told_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			order.ReturnNumber(year, seq), o.ID, in.WorkflowID, in.RequestID, string(in.Request.Reason), string(in.Request.Resolution),
			in.CreatedBy, raw, told).Scan(&id); err != nil {
			return err
		}
		for _, l := range in.Request.Lines {
			if _, err := tx.Exec(ctx, `INSERT INTO return_lines (return_id, line_id, quantity) VALUES ($1, $2, $3)`, id, l.LineID, l.Quantity); err != nil {
				return err
			}
		}
		saved, err = one[Return](tx.Query(ctx, `SELECT `+returnColumns+returnFrom+`WHERE r.id = $1`, id))
		return err
	})
	if err != nil {
		var fe *order.FieldError
		if errors.As(err, &fe) {
			return Return{}, fe
		}
		return Return{}, fmt.Errorf("store.CreateReturn(%s, %s): %w", in.OrderNumber, in.WorkflowID, err)
	}
	return s.withLines(ctx, saved)
}

// GetReturn is the return with this number (R-2026-000001).
func (s *Store) GetReturn(ctx context.Context, number string) (Return, error) {
	return s.returnWhere(ctx, `r.number = $1`, number)
}

// GetReturnByID is the return with this id.
func (s *Store) GetReturnByID(ctx context.Context, id int64) (Return, error) {
	return s.returnWhere(ctx, `r.id = $1`, id)
}

// ReturnByWorkflow is the return its procedure recorded.
func (s *Store) ReturnByWorkflow(ctx context.Context, workflowID string) (Return, error) {
	return s.returnWhere(ctx, `r.workflow_id = $1`, workflowID)
}

// ReturnByParcel is the return a parcel was received for.
func (s *Store) ReturnByParcel(ctx context.Context, parcelID string) (Return, error) {
	return s.returnWhere(ctx, `r.parcel_id = $1`, parcelID)
}

func (s *Store) returnWhere(ctx context.Context, where string, key any) (Return, error) {
	r, err := one[Return](s.pool.Query(ctx, `SELECT `+returnColumns+returnFrom+`WHERE `+where, key))
	if err != nil {
		return Return{}, fmt.Errorf("store.Return(%v): %w", key, err)
	}
	return s.withLines(ctx, r)
}

func (s *Store) withLines(ctx context.Context, r Return) (Return, error) {
	lines, err := all[ReturnLine](s.pool.Query(ctx, `
		SELECT line_id, quantity, accepted_quantity, restocked, refusal_reason FROM return_lines WHERE return_id = $1 ORDER BY line_id`, r.ID))
	if err != nil {
		return Return{}, fmt.Errorf("store.Return(%s): lines: %w", r.Number, err)
	}
	r.Lines = lines
	return r, nil
}

// ListReturns is an order's returns, oldest first, with their lines.
func (s *Store) ListReturns(ctx context.Context, orderID int64) ([]Return, error) {
	list, err := all[Return](s.pool.Query(ctx, `SELECT `+returnColumns+returnFrom+`WHERE r.order_id = $1 ORDER BY r.created_at, r.id`, orderID))
	if err != nil {
		return nil, fmt.Errorf("store.ListReturns(%d): %w", orderID, err)
	}
	for i := range list {
		if list[i], err = s.withLines(ctx, list[i]); err != nil {
			return nil, err
		}
	}
	return list, nil
}

// ReturnedQuantities is how many items of each line of an order are
// returned or on their way back, by line id, for order.ValidateReturn and
// order.SettleReturn: the accepted items of inspected lines and the items
// of lines not inspected yet, of every return but refused, expired or
// cancelled ones, and but the return of the procedure except (a return
// settling counts the items returned before it).
func (s *Store) ReturnedQuantities(ctx context.Context, orderID int64, except string) (map[int64]int64, error) {
	m, err := returnedQuantitiesExcept(ctx, s.pool, orderID, except)
	if err != nil {
		return nil, fmt.Errorf("store.ReturnedQuantities(%d): %w", orderID, err)
	}
	return m, nil
}

func returnedQuantities(ctx context.Context, q querier, orderID int64) (map[int64]int64, error) {
	return returnedQuantitiesExcept(ctx, q, orderID, "")
}

func returnedQuantitiesExcept(ctx context.Context, q querier, orderID int64, except string) (map[int64]int64, error) {
	rows, err := q.Query(ctx, `
		SELECT l.line_id, sum(coalesce(l.accepted_quantity, l.quantity))::bigint
		FROM return_lines l JOIN returns r ON r.id = l.return_id
		WHERE r.order_id = $1 AND r.status NOT IN ('refused', 'expired', 'cancelled') AND r.workflow_id <> $2
		GROUP BY l.line_id`, orderID, except)
	if err != nil {
		return nil, err
	}
	m := map[int64]int64{}
	var line, n int64
	_, err = pgx.ForEachRow(rows, []any{&line, &n}, func() error { m[line] = n; return nil })
	return m, err
}

// Receipt is a return's parcel received at the warehouse, or the
// customer's proof that they sent it.
type Receipt struct {
	ParcelID       string
	ProofOfSending bool
	At             time.Time // zero: now
}

// RecordReturnReceipt records that a return's parcel arrived (or was
// proved sent), once: the same parcel again changes nothing and reports
// fresh false. Another parcel for a return already received is
// ErrReturnReceived; a parcel already received for another return is
// ErrParcelTaken. A proof of sending is replaced by the parcel itself
// when it arrives.
func (s *Store) RecordReturnReceipt(ctx context.Context, returnID int64, rc Receipt) (r Return, fresh bool, err error) {
	at := rc.At
	if at.IsZero() {
		at = time.Now()
	}
	tag, err := s.pool.Exec(ctx, `
		UPDATE returns SET received_at = $2, parcel_id = $3, proof_of_sending = $4, updated_at = now(),
			status = CASE WHEN status IN ('requested', 'authorised') THEN 'received' ELSE status END
		WHERE id = $1 AND (received_at IS NULL OR (proof_of_sending AND NOT $4 AND parcel_id IS DISTINCT FROM $3))`,
		returnID, at, nullIfEmpty(rc.ParcelID), rc.ProofOfSending)
	if isUniqueViolation(err) {
		return Return{}, false, ErrParcelTaken
	}
	if err != nil {
		return Return{}, false, fmt.Errorf("store.RecordReturnReceipt(%d): %w", returnID, err)
	}
	r, err = s.GetReturnByID(ctx, returnID)
	if err != nil {
		return Return{}, false, err
	}
	if tag.RowsAffected() == 1 {
		return r, true, nil
	}
	if r.ParcelID != nil && *r.ParcelID == rc.ParcelID {
		return r, false, nil
	}
	return r, false, ErrReturnReceived
}

// Inspected is what the inspection said of one line of a return.
type Inspected struct {
	LineID        int64  `json:"line_id"`
	Accepted      int64  `json:"accepted_quantity"`
	Restocked     bool   `json:"restocked"`
	RefusalReason string `json:"refusal_reason,omitempty"`
}

// RecordReturnInspection records the inspection of a return's lines (a
// line not given is refused whole) and marks it inspected; run again, it
// writes the same.
func (s *Store) RecordReturnInspection(ctx context.Context, returnID int64, lines []Inspected) error {
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE return_lines SET accepted_quantity = 0 WHERE return_id = $1`, returnID); err != nil {
			return err
		}
		for _, l := range lines {
			if _, err := tx.Exec(ctx, `
				UPDATE return_lines SET accepted_quantity = LEAST($3, quantity), restocked = $4, refusal_reason = $5
				WHERE return_id = $1 AND line_id = $2`, returnID, l.LineID, max(l.Accepted, 0), l.Restocked, l.RefusalReason); err != nil {
				return err
			}
		}
		_, err := tx.Exec(ctx, `UPDATE returns SET status = 'inspected', updated_at = now() WHERE id = $1 AND status IN ('requested', 'authorised', 'received', 'inspected')`, returnID)
		return err
	})
	if err != nil {
		return fmt.Errorf("store.RecordReturnInspection(%d): %w", returnID, err)
	}
	return nil
}

// SetReturnStatus moves a return to status, with what it paid back once
// settled (settlement nil leaves it as it is).
func (s *Store) SetReturnStatus(ctx context.Context, returnID int64, status string, settlement *order.ReturnSettlement) error {
	var raw []byte
	if settlement != nil {
		var err error
		if raw, err = json.Marshal(settlement); err != nil {
			return err
		}
	}
	_, err := s.pool.Exec(ctx, `UPDATE returns SET status = $2, settlement = coalesce($3::jsonb, settlement), updated_at = now() WHERE id = $1`,
		returnID, status, raw)
	if err != nil {
		return fmt.Errorf("store.SetReturnStatus(%d, %s): %w", returnID, status, err)
	}
	return nil
}

// LastShipmentAt is when the order's last parcel left; ok is false when
// nothing of it was shipped.
func (s *Store) LastShipmentAt(ctx context.Context, orderID int64) (at time.Time, ok bool, err error) {
	var t *time.Time
	if err := s.pool.QueryRow(ctx, `SELECT max(created_at) FROM shipments WHERE order_id = $1`, orderID).Scan(&t); err != nil {
		return time.Time{}, false, fmt.Errorf("store.LastShipmentAt(%d): %w", orderID, err)
	}
	if t == nil {
		return time.Time{}, false, nil
	}
	return *t, true, nil
}
