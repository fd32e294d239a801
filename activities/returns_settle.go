package activities

import (
	"context"

	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
)

// ReturnLedgerInput is a return's settlement to record once its items are
// inspected.
type ReturnLedgerInput struct {
	OrderNumber string             `json:"order_number"`
	Actor       Actor              `json:"actor"`
	ReturnID    int64              `json:"return_id"`
	Number      string             `json:"number"`
	Accepted    []order.ReturnLine `json:"accepted"`
	Rules       order.ReturnRules  `json:"rules"`
}

// SettleReturnInLedger records what the return settles against the
// order's ledger as it is now (store.SettleReturnInLedger): the worth of
// the items back as covering the order, the exchange's items as lines to
// ship, and returns the settlement: what to refund, or what the exchange
// adds to what the customer owes. A retry returns what the first try
// recorded.
func (r *Returns) SettleReturnInLedger(ctx context.Context, in ReturnLedgerInput) (order.ReturnSettlement, error) {
	s, err := r.Store.SettleReturnInLedger(ctx, store.ReturnLedger{
		ReturnID: in.ReturnID, Accepted: in.Accepted, Rules: in.Rules,
		Key: in.Actor.WorkflowID + "/returned", Procedure: in.Actor.WorkflowID, Actor: in.Actor.WorkflowID,
	})
	return s, classify(err)
}
