package activities

import (
	"context"
	"errors"
	"time"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
)

// CreditNoteInput asks for the credit note of a refund.
type CreditNoteInput struct {
	OrderNumber string `json:"order_number"`
	Actor       Actor  `json:"actor"`
	RefundKey   string `json:"refund_key"` // one credit note per refund
	Amount      int64  `json:"amount_cents"`
	Reason      string `json:"reason"`
}

// CreditNoteRef names the credit note issued, if any.
type CreditNoteRef struct {
	Number string `json:"number,omitempty"` // empty: the order had no invoice, no credit note is due
}

// SettleRefundCredited is Orders.SettleRefund of a refund made, then
// IssueCreditNote of it, one step: each part is found by its key on a
// retry.
func (c *Collect) SettleRefundCredited(ctx context.Context, in RefundInput) (CreditNoteRef, error) {
	if err := (&Orders{Store: c.Store}).SettleRefund(ctx, in); err != nil {
		return CreditNoteRef{}, err
	}
	return c.IssueCreditNote(ctx, CreditNoteInput{
		OrderNumber: in.OrderNumber, Actor: in.Actor, RefundKey: in.Key, Amount: in.Amount, Reason: "remboursement",
	})
}

// IssueCreditNote issues the credit note (avoir) of a refund made after the
// order was invoiced, equal to the refund and referring to the invoice. An
// order not invoiced needs none. The order's content need not match its
// invoice any more: a refund that follows a change of what was ordered
// (items cancelled or removed) credits the invoice the customer was
// given. A retry finds the note by the refund's key.
func (c *Collect) IssueCreditNote(ctx context.Context, in CreditNoteInput) (CreditNoteRef, error) {
	if invoiced, err := c.Store.Invoiced(ctx, in.OrderNumber); err != nil || !invoiced {
		return CreditNoteRef{}, classify(err)
	}
	cn, err := c.Store.CreateCreditNote(ctx, store.CreditNoteRequest{
		Key: in.RefundKey, OrderNumber: in.OrderNumber, Amount: in.Amount, Reason: in.Reason, Seller: c.Shop.Seller,
		UpToInvoiced: true, // the refund is made: never fail it on paperwork
	})
	var ref CreditNoteRef
	switch {
	case errors.Is(err, store.ErrNothingToCredit): // an earlier note credited it
	case err != nil:
		return CreditNoteRef{}, classify(err)
	default:
		if ref, err = c.noteCreditNote(ctx, in.Actor, in.RefundKey, cn); err != nil {
			return ref, err
		}
	}
	return ref, c.squareSettled(ctx, in.Actor, in.RefundKey, in.OrderNumber)
}

// squareSettled squares the books of an invoiced order that owes nothing
// with what it bills (order.Position.Billed): a rise the customer's money
// already covers, which no collection asks for and so none invoices, is
// invoiced, paid; and, once nothing is owed back or in flight either,
// invoices that bill more than the order (it was lowered or cancelled
// with nothing to refund, or a refund's credit note left part of a drop)
// are credited of the surplus. Both are keyed under step, the key of the
// step that squares them (a refund's, a procedure's).
// It runs in the steps that change an order's total (modify-content,
// edit-details, cancel-refund) and in those that record a refund's credit
// note. An order with no invoice, one that still owes (its collection
// invoices the balance) or one owed money back (the refund's credit note
// comes with the refund) needs nothing. A retry finds the invoice or the
// credit note by its key.
func (c *Collect) squareSettled(ctx context.Context, actor Actor, step, number string) error {
	key := step + "/covered-rise"
	if invoiced, err := c.Store.Invoiced(ctx, number); err != nil || !invoiced {
		return classify(err)
	}
	o, err := c.Store.GetOrder(ctx, number)
	if err != nil {
		return classify(err)
	}
	pos, err := c.Store.MoneyPosition(ctx, o.ID)
	if err != nil || pos.Due > 0 {
		return classify(err)
	}
	if pos.Billed() > 0 {
		issued, err := c.invoicePaid(ctx, actor, key, number, BalanceReasonChange, o.PaymentMethod, time.Now())
		if err != nil || issued {
			return err
		}
	}
	if pos.Overpayment > 0 || pos.InFlight > 0 {
		return nil // money still to go back: its credit note comes with it
	}
	return c.creditSurplus(ctx, actor, key+"/surplus", number, "la commande facture moins que ses factures")
}

// noteCreditNote writes the line of a credit note issued under key into
// its order's history, once per key, from the note itself (its order and
// currency), and names it.
func (c *Collect) noteCreditNote(ctx context.Context, actor Actor, key string, cn store.CreditNote) (CreditNoteRef, error) {
	err := c.Store.AppendEvent(ctx, store.Event{
		OrderID: cn.OrderID, ActorKind: store.ActorProcedure, Actor: actor.WorkflowID, WorkflowID: actor.WorkflowID,
		Kind: "credit_note_issued", Key: key + "/credit-note",
		Phrase: locale.Phr("history.credit_note_issued", textArg(cn.Number), amountArg(cn.Total, cn.Currency)),
	})
	return CreditNoteRef{Number: cn.Number}, classify(err)
}

// nothingToInvoice reports whether CreateInvoice refused a step's
// paperwork invoice: nothing more to bill (ErrInvoiceExists), or an order
// it cannot invoice (a refusal naming its field, such as an order whose
// total is nothing). A step that runs after money moved goes on without it.
func nothingToInvoice(err error) bool {
	var fe *order.FieldError
	return errors.Is(err, store.ErrInvoiceExists) || errors.As(err, &fe)
}
