package activities

import (
	"context"
	"errors"

	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
)

// ReturnCreditNoteInput asks for the credit note of a return: the items
// accepted at its inspection, the items of each line returned before it,
// and the delivery cost refunded and the return's cost kept, as
// order.SettleReturn settled them.
type ReturnCreditNoteInput struct {
	OrderNumber  string             `json:"order_number"`
	Actor        Actor              `json:"actor"`
	Key          string             `json:"key"`           // one credit note per key
	ReturnNumber string             `json:"return_number"` // R-2026-000042
	Accepted     []order.ReturnLine `json:"accepted"`
	Returned     map[int64]int64    `json:"returned"`
	Delivery     int64              `json:"delivery_cents"`
	Cost         int64              `json:"cost_cents"`
}

// IssueReturnCreditNote issues the credit note (avoir) of a return made
// after the order was invoiced: what the accepted items were paid, plus
// the delivery cost refunded, less the return's cost, with the VAT of the
// rates they were invoiced at (order.ReturnCredit) — a book at 5,5 %
// returned alone is credited at 5,5 % only — capped at what the invoices
// net of earlier credit notes leave. An order with no invoice, or a
// return worth nothing, needs none (an empty ref). A retry finds the note
// by its key.
func (c *Collect) IssueReturnCreditNote(ctx context.Context, in ReturnCreditNoteInput) (CreditNoteRef, error) {
	if invoiced, err := c.Store.Invoiced(ctx, in.OrderNumber); err != nil || !invoiced {
		return CreditNoteRef{}, classify(err)
	}
	credit, err := c.returnCredit(ctx, in)
	if err != nil {
		return CreditNoteRef{}, err
	}
	var ref CreditNoteRef
	if credit.Total > 0 {
		cn, err := c.Store.CreateCreditNote(ctx, store.CreditNoteRequest{
			Key: in.Key, OrderNumber: in.OrderNumber, Amount: credit.Total, VAT: credit.VAT,
			Reason: "retour d'articles " + in.ReturnNumber, Seller: c.Shop.Seller,
			UpToInvoiced: true, // the return is settled: never fail it on paperwork
		})
		if err != nil && !errors.Is(err, store.ErrNothingToCredit) {
			return CreditNoteRef{}, classify(err)
		}
		if err == nil {
			if ref, err = c.noteCreditNote(ctx, in.Actor, in.Key, cn); err != nil {
				return ref, err
			}
		}
	}
	// The return's settlement may have paid back more than the items (an
	// overpayment the order held): what the invoices still hold beyond the
	// order is credited once nothing is owed back.
	return ref, c.squareSettled(ctx, in.Actor, in.Key, in.OrderNumber)
}

// returnCredit is what the return's credit note credits: the split its
// settlement recorded (order.SettleReturn's CreditVAT), on the order as
// it then stood, since an exchange has added its new items to it since;
// for a return settled before the split was recorded, order.ReturnCredit
// on the order as it is (read only then).
func (c *Collect) returnCredit(ctx context.Context, in ReturnCreditNoteInput) (order.Totals, error) {
	if in.ReturnNumber != "" {
		ret, err := c.Store.GetReturn(ctx, in.ReturnNumber)
		if err != nil {
			return order.Totals{}, classify(err)
		}
		if st := ret.Settlement; st != nil && len(st.CreditVAT) > 0 {
			return order.Totals{Total: st.Credit, VAT: st.CreditVAT}, nil
		}
	}
	o, err := c.Store.GetOrder(ctx, in.OrderNumber)
	if err != nil {
		return order.Totals{}, classify(err)
	}
	return order.ReturnCredit(o, in.Accepted, in.Returned, in.Delivery, in.Cost), nil
}
