package workflows

// SettleDifference settles a change of total with the customer (the
// modify-content procedure's "Confirmation et règlement") as a workflow of
// its own: the child of a modify-content, cancel-refund or edit-details that
// is not lean (a lean one runs the same settlement, settle.go, inside
// itself), and of collect-payment for an overpayment's refund.
//
// Steps, by how the customer paid:
//   - a refund above the configured limit first WAITS FOR A SUPERVISOR
//     (approve_refund), who is not the agent who asked;
//   - direct means with a gateway: the refund row is reserved, then the
//     provider refunds with the row's idempotency key; a permanent refusal
//     (expired card) makes the refund impossible;
//   - direct means without a gateway (or the gateway has no API): WAITS FOR
//     AN AGENT to refund by hand: "refund done" or "refund impossible";
//   - refund impossible: WAITS FOR AN AGENT to record how the customer wants
//     to be paid back: bank transfer to an IBAN (a payout through the
//     gateway), cheque to an address, or a voucher (store credit);
//   - cheque: WAITS FOR AN AGENT to say whether the customer already sent
//     the cheque: sent -> a cheque refund request for the difference to the
//     address chosen with the customer, tracked by mail-cheque until mailed;
//     not sent -> the first cheque is cancelled, a cheque of the new total
//     replaces it;
//   - the total went up after payment: a balance due;
//   - nothing to settle: nothing happens.
// Never refunds more than was paid net of refunds: the store refuses the
// refund row otherwise, in the transaction that reserves it.
// Compensation: cancelled while waiting, the open task is cancelled and a
// reserved refund that moved no money is marked failed.

import (
	"go.temporal.io/sdk/workflow"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/order"
)

// SettleInput is the difference to settle and what is needed to settle it.
type SettleInput struct {
	OrderNumber string              `json:"order_number"`
	Agent       string              `json:"agent"` // who asked for the procedure
	Method      order.PaymentMethod `json:"method"`
	Currency    string              `json:"currency"`
	Billing     order.Address       `json:"billing"`
	Delivery    order.Address       `json:"delivery"`
	Refund      int64               `json:"refund_cents"`      // to give back
	BalanceDue  int64               `json:"balance_due_cents"` // still owed by the customer
	// ChequeDifference is, for an order paid by cheque, the old total minus
	// the new: what to give back if the customer's cheque is already in the
	// post (not yet recorded as a payment).
	ChequeDifference int64 `json:"cheque_difference_cents"`
	// Kind says which settlement this is; empty, it follows from the
	// amounts (settlements started before kinds were said).
	Kind order.SettlementKind `json:"kind,omitempty"`
	// Gesture is the part of Refund given as a commercial gesture, which
	// the customer does not owe back (order.EntryGesture).
	Gesture int64 `json:"gesture_cents,omitempty"`
	// GestureNote says in the ledger why Gesture is not owed back; empty:
	// a commercial gesture.
	GestureNote string `json:"gesture_note,omitempty"`
	// NoCreditNote: the caller issues the credit note itself (a return,
	// for the items that came back), so the refund gets none of its own.
	NoCreditNote bool `json:"no_credit_note,omitempty"`
	// NoCollection: the order never had a payment collection when the
	// procedure changed it (activities.ContentOutput.NoCollection), so a
	// reserved refund tells none (LeanFewerSteps). False: look and tell.
	NoCollection bool `json:"no_collection,omitempty"`
	Settings
}

// SettleResult is how the difference was settled, for the customer email.
type SettleResult struct {
	Outcome       string         `json:"outcome"` // activities.Outcome*
	Amount        int64          `json:"amount_cents"`
	Means         string         `json:"means,omitempty"` // how the money went back: the means paid with, or an order.PaybackMethod
	ProviderRef   string         `json:"provider_ref,omitempty"`
	Reason        string         `json:"reason,omitempty"`
	Voucher       string         `json:"voucher,omitempty"`
	IBAN          string         `json:"iban,omitempty"` // masked
	ChequeAddress *order.Address `json:"cheque_address,omitempty"`
	BalanceDue    int64          `json:"balance_due_cents,omitempty"`
	CreditNote    string         `json:"credit_note,omitempty"` // the credit note of the refund, when the order was invoiced
}

// SettleDifference runs the settlement as a workflow of its own; see the
// top of this file. Lean procedures run it inside themselves
// (procedure.settle); an overpayment's refund still starts it alone.
func SettleDifference(ctx workflow.Context, in SettleInput) (SettleResult, error) {
	ctx, lean := beginLean(ctx, in.Lean)
	actor := activities.Actor{WorkflowID: workflow.GetInfo(ctx).WorkflowExecution.ID, Agent: in.Agent}
	state := &State{Procedure: ProcSettleDifference, OrderNumber: in.OrderNumber}
	ask := &asker{number: in.OrderNumber, actor: actor, state: state, reminder: in.Reminder, escalation: in.Escalation, lean: lean}
	s := newSettle(in, actor, actor.WorkflowID, state, ask)
	if err := workflow.SetQueryHandler(ctx, QueryStatus, func() (State, error) { return *s.state, nil }); err != nil {
		return SettleResult{}, err
	}
	if err := s.ask.register(ctx); err != nil {
		return SettleResult{}, err
	}
	ctx = workflow.WithActivityOptions(ctx, dbActivity)
	res, err := s.execute(ctx)
	s.state.Done = true
	if err != nil {
		s.state.Error = err.Error()
	}
	return res, err
}
