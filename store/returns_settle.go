package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
)

// ReturnLedger is a return's settlement to record: the items accepted at
// its inspection, the shop's rules, and whose step records it.
type ReturnLedger struct {
	ReturnID int64
	Accepted []order.ReturnLine
	Rules    order.ReturnRules
	// Key is the ledger entry's key (one per return's procedure); the
	// exchange's lines and the history line are keyed by it too.
	Key       string
	Procedure string
	Actor     string
}

// SettleReturnInLedger records once what a return settles, in one
// transaction with the order locked: order.SettleReturn against the
// order's ledger position as it is now and the items returned by the
// order's other returns; the items' worth as goods returned in the ledger
// (order.EntryReturned), so the order's position shows them covered; for
// an exchange, its new items as lines of the order to ship (the order
// goes back to the warehouse's printing queue) and its new total; the
// settlement on the return, which is inspected. A second call (a retried
// step) finds the entry by its key and returns the settlement recorded
// the first time: nothing is written twice and the amounts never change.
func (s *Store) SettleReturnInLedger(ctx context.Context, in ReturnLedger) (order.ReturnSettlement, error) {
	var out order.ReturnSettlement
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		// The return and its order, both locked until the settlement is
		// recorded.
		ret, err := one[Return](tx.Query(ctx, `SELECT `+returnColumns+returnFrom+`WHERE r.id = $1 FOR UPDATE`, in.ReturnID))
		if err != nil {
			return err
		}
		var seen int64
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM order_events WHERE event_key = $1`, in.Key).Scan(&seen); err != nil {
			return err
		}
		if seen > 0 { // recorded by an earlier try of the step
			if ret.Settlement == nil {
				return fmt.Errorf("return %s: settled without its settlement recorded", ret.Number)
			}
			out = *ret.Settlement
			return nil
		}
		orderID, number := ret.OrderID, ret.Number
		o, err := loadOrder(ctx, tx, `id = $1`, orderID)
		if err != nil {
			return err
		}
		returned, err := returnedQuantitiesExcept(ctx, tx, orderID, ret.WorkflowID)
		if err != nil {
			return err
		}
		paid, err := position(ctx, tx, orderID)
		if err != nil {
			return err
		}
		req := order.ReturnRequest{Reason: ret.Reason, Resolution: ret.Resolution, Exchange: ret.Exchange}
		out = order.SettleReturn(o, req, in.Accepted, returned, in.Rules, paid)
		note := "retour d'articles " + number
		if out.Credit > 0 {
			if err := appendEntry(ctx, tx, LedgerEntry{
				OrderID: orderID, Kind: order.EntryReturned, Amount: out.Credit, Currency: o.Currency,
				Key: in.Key, Ref: number, Procedure: in.Procedure, Actor: in.Actor, Note: note,
			}); err != nil {
				return err
			}
		}
		ph := locale.Phr("history.return.credited", locale.Text(number), locale.Amount(out.Credit, o.Currency))
		if ret.Resolution == order.ReturnExchange && len(in.Accepted) > 0 {
			if err := addExchangeLines(ctx, tx, o, req.Exchange); err != nil {
				return fmt.Errorf("return %s: the exchange's items: %w", number, err)
			}
			ph = locale.Phr("history.return.exchange_added", locale.Text(number), locale.Amount(out.Credit, o.Currency), locale.Amount(out.Exchange, o.Currency))
		}
		raw, err := json.Marshal(out)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE returns SET status = $2, settlement = $3, updated_at = now() WHERE id = $1`,
			in.ReturnID, ReturnInspected, raw); err != nil {
			return err
		}
		_, err = insertEvent(ctx, tx, Event{
			OrderID: orderID, ActorKind: ActorProcedure, Actor: in.Actor, WorkflowID: in.Procedure,
			Kind: "return_credited", Key: in.Key, Data: raw, Phrase: ph,
		})
		return err
	})
	if err != nil {
		return order.ReturnSettlement{}, fmt.Errorf("store.SettleReturnInLedger(%d): %w", in.ReturnID, err)
	}
	return out, nil
}

// addExchangeLines adds an exchange's new items to the order as lines to
// ship, with its totals then (order.Order.WithExchange), and puts a
// shipped order back in the warehouse's printing queue.
func addExchangeLines(ctx context.Context, tx pgx.Tx, o order.Order, items []order.Line) error {
	if len(items) == 0 {
		return nil
	}
	_, t := o.WithExchange(items)
	var pos int
	if err := tx.QueryRow(ctx, `SELECT coalesce(max(position) + 1, 0) FROM order_lines WHERE order_id = $1`, o.ID).Scan(&pos); err != nil {
		return err
	}
	if _, err := insertLines(ctx, tx, o.ID, pos, items); err != nil {
		return err
	}
	physical := slices.ContainsFunc(items, func(l order.Line) bool { return l.Physical })
	status, logistics := o.Status, o.Logistics
	if physical {
		switch o.Status {
		case order.StatusShipped, order.StatusCompleted:
			status = order.StatusPartiallyShipped
		}
		logistics = order.LogisticsAwaitingPrinting
	}
	_, err := tx.Exec(ctx, `
		UPDATE orders SET merchandise_cents = $2, discount_cents = $3, shipping_cents = $4, total_cents = $5,
			status = $6, logistics_status = $7, version = version + 1, updated_at = now()
		WHERE id = $1`,
		o.ID, t.Merchandise, t.Discount, t.Shipping, t.Total, string(status), string(logistics))
	return err
}
