package activities

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/orderdesk/orderdesk/documents"
	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/mail"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
)

// Shop is the shop's own configuration that payment collection needs: who
// it is on paper, where its notifications go, where customers pay online.
type Shop struct {
	Seller store.Seller
	// MerchantEmail receives the shop's notifications (a new order, a
	// payment received); empty: none are sent.
	MerchantEmail string
	// PaymentLinkURL is the base of the payment page links: the invoice
	// number is appended (https://pay.example.fr/invoices/F-2026-000001).
	PaymentLinkURL string
}

// Name is how the shop signs its emails.
func (s Shop) Name() string {
	if s.Seller.Name != "" {
		return s.Seller.Name
	}
	return "Le service client"
}

// Collect are the activities of the payment collection procedure
// : order status moves, invoices, payments, and the emails that carry
// invoices.
type Collect struct {
	Store  *store.Store
	Sender mail.Sender
	Shop   Shop
	// Temporal reaches the order's running collection when another
	// procedure changed the order's total (TellCollection); nil: none is told.
	Temporal client.Client
	// AcceptedLag is how long after a send whose answer was lost the mail
	// provider is asked whether it took the email (deliverOnce); 0:
	// DefaultAcceptedLag.
	AcceptedLag time.Duration
}

// Collection modes, as the workflow input names them.
const (
	CollectManual   = "manual"   // cheque, money order or bank transfer, recorded by an agent
	CollectLink     = "link"     // an invoice emailed with a payment link; the provider reports the payment
	CollectTerminal = "terminal" // the shop's in-store terminal; the agent marks the invoice paid
)

// BeginCollectionInput starts collecting a payment on an order.
type BeginCollectionInput struct {
	OrderNumber string `json:"order_number"`
	Actor       Actor  `json:"actor"`
	Mode        string `json:"mode"`
	// BalanceDue, when above 0, collects this difference on an order whose
	// total went up after it was paid; Reason says why.
	BalanceDue int64  `json:"balance_due_cents"`
	Reason     string `json:"reason,omitempty"`
}

// BeginCollectionOutput is what the procedure waits for.
type BeginCollectionOutput struct {
	Due      int64               `json:"due_cents"` // what the customer owes now
	Total    int64               `json:"total_cents"`
	Currency string              `json:"currency"`
	Method   order.PaymentMethod `json:"payment_method"` // the order's payment method
	Status   order.Status        `json:"status"`
	Billing  order.Address       `json:"billing"`  // where a refund cheque for an overpayment may go
	Delivery order.Address       `json:"delivery"` // likewise
}

// BeginCollection checks the order can be collected and, for an order's
// first payment, moves it from new to awaiting payment (« En attente du
// paiement »). What is due is the order's total less what
// was paid net of refunds; for a balance due it is the difference asked.
func (c *Collect) BeginCollection(ctx context.Context, in BeginCollectionInput) (BeginCollectionOutput, error) {
	o, err := c.Store.GetOrder(ctx, in.OrderNumber)
	if err != nil {
		return BeginCollectionOutput{}, classify(err)
	}
	// What the customer still owes: the domain's figure.
	money, err := c.Store.MoneyPosition(ctx, o.ID)
	if err != nil {
		return BeginCollectionOutput{}, err
	}
	out := BeginCollectionOutput{Total: o.Totals.Total, Currency: o.Currency, Method: o.PaymentMethod, Status: o.Status, Billing: o.Billing, Delivery: o.Delivery}
	// The starter finds the running procedure of an order from this event.
	if _, err := c.Store.AddEvent(ctx, store.Event{
		OrderID: o.ID, ActorKind: store.ActorAgent, Actor: in.Actor.Agent, WorkflowID: in.Actor.WorkflowID,
		Kind: "collection_started", Key: in.Actor.WorkflowID + "/started",
		Phrase: locale.Phr("history.collection_started", locale.Label("history.collect.", in.Mode, collectLabels[in.Mode]), balanceLabel(in, o.Currency)),
	}); err != nil {
		return BeginCollectionOutput{}, classify(err)
	}
	if in.BalanceDue > 0 {
		out.Due = in.BalanceDue
		return out, nil
	}
	if o.Status == order.StatusNew || o.Status == order.StatusAwaitingPayment {
		m := func(c int64) string { return order.Money{Cents: c, Currency: o.Currency}.French() }
		o, err = c.Store.MoveOrderStatus(ctx, o.Number, []order.Status{order.StatusNew, order.StatusAwaitingPayment}, order.StatusAwaitingPayment, store.Event{
			ActorKind: store.ActorAgent, Actor: in.Actor.Agent, WorkflowID: in.Actor.WorkflowID, Kind: "status_changed",
			Key:    in.Actor.WorkflowID + "/awaiting-payment",
			Phrase: locale.Phr("history.status_awaiting_payment", statusArg(o.Status), statusArg(order.StatusAwaitingPayment), amountArg(money.Due, o.Currency)),
		})
		if err != nil {
			return BeginCollectionOutput{}, classifyCollect(err)
		}
		out.Status = o.Status
		out.Due = money.Due
		if out.Due == 0 {
			return out, temporal.NewNonRetryableApplicationError(fmt.Sprintf("order %s is paid already (%s paid)", o.Number, m(money.PaidNet)), ErrTypeInvalidInput, nil)
		}
		return out, nil
	}
	return out, temporal.NewNonRetryableApplicationError(
		fmt.Sprintf("order %s is %s (%s): it is not awaiting a payment", o.Number, o.Status, o.Status.Label("fr")), ErrTypeInvalidInput, nil)
}

var collectLabels = map[string]string{
	CollectManual: "chèque, mandat-poste ou virement", CollectLink: "facture avec lien de paiement", CollectTerminal: "terminal en magasin",
}

// BalanceReasonChange is the reason a settlement gives for the balance it
// asks after a change of the order (CollectPaymentInput.Reason): said in
// the reader's language in the history, where a reason an agent typed is
// written as it is.
const BalanceReasonChange = "modification de la commande"

// balanceLabel is the balance a collection asks, and why, if it asks one.
func balanceLabel(in BeginCollectionInput, currency string) locale.List {
	switch {
	case in.BalanceDue <= 0:
		return locale.Join("")
	case in.Reason == "":
		return locale.Join("", locale.Phr("history.collect.balance", amountArg(in.BalanceDue, currency)))
	}
	var why locale.PhraseArg = textArg(in.Reason)
	if in.Reason == BalanceReasonChange {
		why = locale.Phr("history.collect.reason_modified")
	}
	return locale.Join("", locale.Phr("history.collect.balance_why", amountArg(in.BalanceDue, currency), why))
}

// IssueInvoiceInput asks for the invoice a procedure collects.
type IssueInvoiceInput struct {
	OrderNumber string `json:"order_number"`
	Actor       Actor  `json:"actor"`
	Key         string `json:"key"`
	Reason      string `json:"reason,omitempty"` // a balance due: printed on the supplementary invoice
	WithLink    bool   `json:"with_link"`        // give the invoice a payment link
}

// InvoiceRef names an invoice.
type InvoiceRef struct {
	Number      string `json:"number"`
	Total       int64  `json:"total_cents"`
	PaymentLink string `json:"payment_link,omitempty"`
	Status      string `json:"status"`
}

// IssueInvoice makes sure the order as it stands has an invoice (the payment procedure
// « Créer une facture »): the invoice an agent created already is used, or
// one is issued under the step's key. With WithLink it gets its payment link.
func (c *Collect) IssueInvoice(ctx context.Context, in IssueInvoiceInput) (InvoiceRef, error) {
	inv, err := c.Store.InvoiceByKey(ctx, in.Key)
	if errors.Is(err, store.ErrNotFound) {
		inv, err = c.Store.CurrentInvoice(ctx, in.OrderNumber)
		if errors.Is(err, store.ErrNotFound) {
			inv, err = c.Store.CreateInvoice(ctx, store.InvoiceRequest{
				Key: in.Key, OrderNumber: in.OrderNumber, WorkflowID: in.Actor.WorkflowID, Seller: c.Shop.Seller, Reason: in.Reason,
			})
			if errors.Is(err, store.ErrInvoiceExists) {
				// An agent's « Créer une facture » committed between the
				// read above and this insert: that invoice is the one. Or
				// the invoices already cover the order's total (a balance
				// left by refunds, not by a dearer order): the latest one
				// is what the customer pays against.
				inv, err = c.Store.CurrentInvoice(ctx, in.OrderNumber)
				if errors.Is(err, store.ErrNotFound) {
					inv, err = c.latestInvoice(ctx, in.OrderNumber)
				}
			} else if err == nil {
				_, err = c.Store.AddEvent(ctx, store.Event{
					OrderID: inv.OrderID, ActorKind: store.ActorProcedure, Actor: in.Actor.WorkflowID, WorkflowID: in.Actor.WorkflowID,
					Kind: "invoice_issued", Key: in.Key + "/issued",
					Phrase: locale.Phr("history.invoice_issued", textArg(inv.Number), amountArg(inv.Total, inv.Currency)),
				})
			}
		}
	}
	if err != nil {
		return InvoiceRef{}, classifyCollect(err)
	}
	if in.WithLink && inv.PaymentLink == "" && inv.Status == store.InvoiceIssued {
		inv.PaymentLink = c.paymentLink(inv.Number)
		if err := c.Store.SetInvoicePaymentLink(ctx, inv.Number, inv.PaymentLink); err != nil {
			return InvoiceRef{}, err
		}
	}
	return InvoiceRef{Number: inv.Number, Total: inv.Total, PaymentLink: inv.PaymentLink, Status: inv.Status}, nil
}

// latestInvoice is the order's latest invoice that is not cancelled.
func (c *Collect) latestInvoice(ctx context.Context, number string) (store.Invoice, error) {
	o, err := c.Store.GetOrder(ctx, number)
	if err != nil {
		return store.Invoice{}, err
	}
	invs, err := c.Store.ListInvoices(ctx, o.ID)
	if err != nil {
		return store.Invoice{}, err
	}
	for i := len(invs) - 1; i >= 0; i-- {
		if invs[i].Status != store.InvoiceCancelled {
			return invs[i], nil
		}
	}
	return store.Invoice{}, fmt.Errorf("order %s: no invoice to collect against: %w", number, store.ErrNotFound)
}

// paymentLink is where the customer pays an invoice online.
func (c *Collect) paymentLink(number string) string {
	base := strings.TrimRight(c.Shop.PaymentLinkURL, "/")
	if base == "" {
		base = "http://localhost:8080/pay"
	}
	return base + "/" + url.PathEscape(number)
}

// RecordPaymentInput is a payment the procedure records.
type RecordPaymentInput struct {
	OrderNumber string              `json:"order_number"`
	Actor       Actor               `json:"actor"`
	Key         string              `json:"key"` // workflow id + the update's id: a retry or a repeated webhook records it once
	Means       order.PaymentMethod `json:"means"`
	Amount      int64               `json:"amount_cents"`
	Reference   string              `json:"reference,omitempty"`
	ReceivedAt  time.Time           `json:"received_at"`
	Source      string              `json:"source"` // agent or provider
}

// RecordPayment writes a payment received, once per key, with its line of
// history.
func (c *Collect) RecordPayment(ctx context.Context, in RecordPaymentInput) error {
	o, err := c.Store.GetOrder(ctx, in.OrderNumber)
	if err != nil {
		return classify(err)
	}
	p, err := c.Store.AddPayment(ctx, store.Payment{
		OrderID: o.ID, Method: string(in.Means), Amount: in.Amount, Currency: o.Currency,
		Reference: in.Reference, ReceivedAt: in.ReceivedAt, IdempotencyKey: in.Key,
	})
	if err != nil {
		return classify(err)
	}
	var more []locale.Phrase
	if p.Reference != "" {
		more = append(more, locale.Phr("history.payment.reference", textArg(p.Reference)))
	}
	actorKind, actor := store.ActorAgent, in.Actor.Agent
	if in.Source == "provider" {
		actorKind, actor = store.ActorSystem, "prestataire de paiement"
		more = append(more, locale.Phr("history.payment.by_provider"))
	}
	_, err = c.Store.AddEvent(ctx, store.Event{
		OrderID: o.ID, ActorKind: actorKind, Actor: actor, WorkflowID: in.Actor.WorkflowID,
		Kind: "payment_recorded", Key: in.Key + "/recorded",
		Phrase: locale.Phr("history.payment_recorded", amountArg(p.Amount, p.Currency), methodArg(in.Means), locale.Join("", more...)),
	})
	return classify(err)
}

// CompletePaymentInput closes a collection whose payment is complete.
type CompletePaymentInput struct {
	OrderNumber string              `json:"order_number"`
	Actor       Actor               `json:"actor"`
	Key         string              `json:"key"` // workflow id + step
	InvoiceKey  string              `json:"invoice_key"`
	Reason      string              `json:"reason,omitempty"`
	Means       order.PaymentMethod `json:"means"`
	PaidAt      time.Time           `json:"paid_at"`
	BalanceDue  bool                `json:"balance_due"` // the order was paid already: its status stays
}

// CompletePayment marks the invoice paid (« Payée ») — issuing it first
// when the procedure had none — and the order paid, « Complétée ». When
// the order changed after that invoice was issued (while the payment was
// awaited), the books are brought to what the order bills: what it grew
// by gets a supplementary invoice, paid too; what it lost, a credit note.
func (c *Collect) CompletePayment(ctx context.Context, in CompletePaymentInput) (InvoiceRef, error) {
	ref, err := c.IssueInvoice(ctx, IssueInvoiceInput{OrderNumber: in.OrderNumber, Actor: in.Actor, Key: in.InvoiceKey, Reason: in.Reason})
	if err != nil {
		return InvoiceRef{}, err
	}
	inv, err := c.Store.MarkInvoicePaid(ctx, ref.Number, in.Means, in.PaidAt)
	if err != nil {
		return InvoiceRef{}, classifyCollect(err)
	}
	ref.Status = inv.Status
	if err := c.squareBooks(ctx, in); err != nil {
		return InvoiceRef{}, err
	}
	if in.BalanceDue {
		_, err = c.Store.AddEvent(ctx, store.Event{
			OrderID: inv.OrderID, ActorKind: store.ActorProcedure, Actor: in.Actor.WorkflowID, WorkflowID: in.Actor.WorkflowID,
			Kind: "invoice_paid", Key: in.Key + "/invoice-paid", Phrase: locale.Phr("history.invoice_paid_balance", textArg(inv.Number)),
		})
		return ref, classify(err)
	}
	_, err = c.Store.MoveOrderStatus(ctx, in.OrderNumber, []order.Status{order.StatusNew, order.StatusAwaitingPayment}, order.StatusPaid, store.Event{
		ActorKind: store.ActorProcedure, Actor: in.Actor.WorkflowID, WorkflowID: in.Actor.WorkflowID, Kind: "status_changed",
		Key:    in.Key + "/paid",
		Phrase: locale.Phr("history.invoice_paid_status", textArg(inv.Number), statusArg(order.StatusAwaitingPayment), statusArg(order.StatusPaid)),
	})
	return ref, classifyCollect(err)
}

// squareBooks brings a paid collection's books to what its order bills
// (order.Position.Billed), once per collection (its keys): the growth
// since the collection's invoice gets a supplementary invoice, paid; a
// surplus (the order lowered before the customer paid, so nothing went
// back and no refund credited it) a credit note. Books that bill what the
// order bills need neither.
func (c *Collect) squareBooks(ctx context.Context, in CompletePaymentInput) error {
	reason := in.Reason
	if reason == "" {
		reason = BalanceReasonChange
	}
	issued, err := c.invoicePaid(ctx, in.Actor, in.InvoiceKey+"/growth", in.OrderNumber, reason, in.Means, in.PaidAt)
	if err != nil || issued {
		return err
	}
	// Nothing more to bill: perhaps less.
	return c.creditSurplus(ctx, in.Actor, in.InvoiceKey+"/surplus", in.OrderNumber, "la commande a changé avant le paiement")
}

// invoicePaid issues under key, and marks paid, the supplementary invoice
// of what the order bills beyond its invoices, and reports whether there
// was one: nothing more to bill, or an order that cannot be invoiced
// (nothingToInvoice), is none, for a step that runs after money moved.
func (c *Collect) invoicePaid(ctx context.Context, actor Actor, key, orderNumber, reason string, means order.PaymentMethod, paidAt time.Time) (bool, error) {
	inv, err := c.Store.CreateInvoice(ctx, store.InvoiceRequest{
		Key: key, OrderNumber: orderNumber, WorkflowID: actor.WorkflowID, Seller: c.Shop.Seller, Reason: reason,
	})
	if nothingToInvoice(err) {
		return false, nil
	}
	if err != nil {
		return false, classifyCollect(err)
	}
	if _, err := c.Store.MarkInvoicePaid(ctx, inv.Number, means, paidAt); err != nil {
		return false, classifyCollect(err)
	}
	_, err = c.Store.AddEvent(ctx, store.Event{
		OrderID: inv.OrderID, ActorKind: store.ActorProcedure, Actor: actor.WorkflowID, WorkflowID: actor.WorkflowID,
		Kind: "invoice_issued", Key: key + "/issued",
		Phrase: locale.Phr("history.invoice_issued", textArg(inv.Number), amountArg(inv.Total, inv.Currency)),
	})
	return true, classify(err)
}

// creditSurplus credits, under key, what the invoices hold beyond what the
// order bills, if anything, for reason. It runs after money moved: a
// note that cannot be drawn up is none, never a failed step.
func (c *Collect) creditSurplus(ctx context.Context, actor Actor, key, number, reason string) error {
	cn, err := c.Store.CreateCreditNote(ctx, store.CreditNoteRequest{
		Key: key, OrderNumber: number, Seller: c.Shop.Seller, UpToInvoiced: true, Surplus: true, Reason: reason,
	})
	var fe *order.FieldError
	if errors.Is(err, store.ErrNothingToCredit) || errors.As(err, &fe) {
		return nil
	}
	if err != nil {
		return classifyCollect(err)
	}
	_, err = c.noteCreditNote(ctx, actor, key, cn)
	return err
}

// CancelUnpaidInput cancels an order whose payment never came.
type CancelUnpaidInput struct {
	OrderNumber string `json:"order_number"`
	Actor       Actor  `json:"actor"`
	Key         string `json:"key"`
	Invoice     string `json:"invoice,omitempty"` // the procedure's invoice, if it issued one
	Reason      string `json:"reason"`
	BalanceDue  bool   `json:"balance_due"`
	// NothingDue: the order changed and nothing is left to pay: the unpaid
	// invoice is cancelled, the order's status stays as that change left it.
	NothingDue bool `json:"nothing_due,omitempty"`
	// Why is Reason as a phrase of the catalog (history.reason.*); zero
	// from a procedure older than the phrases, whose lines are French.
	Why locale.Phrase `json:"why,omitzero"`
}

// CancelUnpaidOutput says what the cancellation did.
type CancelUnpaidOutput struct {
	CreditNote string `json:"credit_note,omitempty"` // the credit note cancelling the unpaid invoice
	Cancelled  bool   `json:"cancelled"`             // the order was cancelled (not for a balance due)
}

// CancelUnpaid cancels an order whose payment did not come in time, and
// gives up the procedure's unpaid invoice with a credit note (an issued
// invoice is never deleted). The note credits what the invoices hold
// beyond what the order bills and the customer paid
// (order.Position.BilledPaid), at most the invoice's amount: what was paid
// stays invoiced, even when the collection's invoice was the order's first
// and covers the paid part too. For a balance due the paid order stays as
// it is.
func (c *Collect) CancelUnpaid(ctx context.Context, in CancelUnpaidInput) (CancelUnpaidOutput, error) {
	var out CancelUnpaidOutput
	var inv store.Invoice
	err := store.ErrNotFound
	if in.Invoice != "" {
		inv, err = c.Store.GetInvoice(ctx, in.Invoice)
	}
	switch {
	case err == nil && inv.Status == store.InvoiceIssued:
		cn, err := c.Store.CreateCreditNote(ctx, store.CreditNoteRequest{
			Key: in.Key + "/credit-note", OrderNumber: in.OrderNumber, Amount: inv.Total, Seller: c.Shop.Seller,
			Reason: "annulation de la facture " + inv.Number + " : " + in.Reason, UpToInvoiced: true, Unpaid: true,
		})
		switch {
		case errors.Is(err, store.ErrNothingToCredit): // refunds credited it already
		case err != nil:
			return out, classifyCollect(err)
		default:
			out.CreditNote = cn.Number
		}
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return out, err
	}
	if in.BalanceDue || in.NothingDue {
		o, err := c.Store.GetOrder(ctx, in.OrderNumber)
		if err != nil {
			return out, classify(err)
		}
		kind, key, line := "balance_expired", in.Key+"/expired", locale.Key("history.balance_expired")
		if in.NothingDue {
			kind, key, line = "collection_closed", in.Key+"/closed", "history.collection_closed"
		}
		_, err = c.Store.AddEvent(ctx, withReason(store.Event{
			OrderID: o.ID, ActorKind: store.ActorProcedure, Actor: in.Actor.WorkflowID, WorkflowID: in.Actor.WorkflowID,
			Kind: kind, Key: key,
		}, line, in))
		return out, classify(err)
	}
	_, err = c.Store.MoveOrderStatus(ctx, in.OrderNumber, []order.Status{order.StatusNew, order.StatusAwaitingPayment}, order.StatusCancelled, withReason(store.Event{
		ActorKind: store.ActorProcedure, Actor: in.Actor.WorkflowID, WorkflowID: in.Actor.WorkflowID, Kind: "status_changed",
		Key: in.Key + "/cancelled",
	}, "history.order_cancelled", in))
	if err != nil {
		return out, classifyCollect(err)
	}
	out.Cancelled = true
	return out, nil
}

// withReason gives an event its line, key saying the reason why: the
// procedure's phrase of it, or, from a procedure older than the phrases,
// its French words and a line that is French text only.
func withReason(ev store.Event, key locale.Key, in CancelUnpaidInput) store.Event {
	if in.Why.IsZero() {
		ev.Message = locale.Phr(key, textArg(in.Reason)).French()
		return ev
	}
	ev.Phrase = locale.Phr(key, in.Why)
	return ev
}

// UpdateOrderChanged is the Update by which a procedure that changed an
// order's total tells the order's running payment collection; the
// collection handles it (workflows), TellCollection sends it.
const UpdateOrderChanged = "order-changed"

// OrderChanged tells a running collection that its order's total changed.
type OrderChanged struct {
	By    string `json:"by"`              // the workflow id of the procedure that changed it
	Agent string `json:"agent,omitempty"` // the agent who asked for that procedure
}

// TellCollectionInput names the order whose total a procedure changed.
type TellCollectionInput struct {
	OrderNumber string `json:"order_number"`
	Actor       Actor  `json:"actor"` // the procedure that changed it
}

// TellCollection tells the payment collections running on the order that
// its total changed, and returns the ids of those told. Each re-reads what
// is due and keeps waiting. The Update's id is derived from the telling
// procedure's workflow id: a retry of this activity is applied once. A
// collection that ends meanwhile has nothing to be told.
func (c *Collect) TellCollection(ctx context.Context, in TellCollectionInput) ([]string, error) {
	if c == nil || c.Temporal == nil {
		return nil, nil
	}
	ids, err := c.Store.CollectionWorkflows(ctx, in.OrderNumber)
	if err != nil {
		return nil, err
	}
	told := []string{}
	seen := map[string]bool{in.Actor.WorkflowID: true}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		if !c.running(ctx, id) {
			continue
		}
		h, err := c.Temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
			WorkflowID: id, UpdateID: UpdateOrderChanged + "/" + in.Actor.WorkflowID, UpdateName: UpdateOrderChanged,
			Args: []any{OrderChanged{By: in.Actor.WorkflowID, Agent: in.Actor.Agent}}, WaitForStage: client.WorkflowUpdateStageCompleted,
		})
		if err == nil {
			err = h.Get(ctx, nil)
		}
		if err != nil {
			if !c.running(ctx, id) {
				continue // it ended meanwhile: nothing to tell
			}
			return told, fmt.Errorf("telling the collection %s of order %s: %w", id, in.OrderNumber, err)
		}
		told = append(told, id)
	}
	return told, nil
}

// running reports whether Temporal runs the workflow (unknown: not running).
func (c *Collect) running(ctx context.Context, id string) bool {
	d, err := c.Temporal.DescribeWorkflowExecution(ctx, id, "")
	return err == nil && d.GetWorkflowExecutionInfo().GetStatus() == enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING
}

// RereadDueInput asks what a running collection's order owes now.
type RereadDueInput struct {
	OrderNumber string `json:"order_number"`
	Actor       Actor  `json:"actor"`
	Key         string `json:"key"` // the collection's workflow id + the telling procedure's
	By          string `json:"by"`  // the procedure that changed the order
}

// RereadDueOutput is what the order owes now.
type RereadDueOutput struct {
	Total    int64  `json:"total_cents"`
	PaidNet  int64  `json:"paid_net_cents"`
	Balance  int64  `json:"balance_cents"` // still to pay: the total beyond what was paid net
	Currency string `json:"currency"`
}

// RereadDue reads the order's total and what was paid net of refunds, and
// says what is left to pay, with a line of history.
func (c *Collect) RereadDue(ctx context.Context, in RereadDueInput) (RereadDueOutput, error) {
	o, err := c.Store.GetOrder(ctx, in.OrderNumber)
	if err != nil {
		return RereadDueOutput{}, classify(err)
	}
	pos, err := c.Store.MoneyPosition(ctx, o.ID)
	if err != nil {
		return RereadDueOutput{}, err
	}
	paid := pos.PaidNet
	out := RereadDueOutput{Total: o.Totals.Total, PaidNet: paid, Balance: pos.Due, Currency: o.Currency}
	_, err = c.Store.AddEvent(ctx, store.Event{
		OrderID: o.ID, ActorKind: store.ActorProcedure, Actor: in.Actor.WorkflowID, WorkflowID: in.Actor.WorkflowID,
		Kind: "collection_amount_changed", Key: in.Key,
		Phrase: locale.Phr("history.collection_amount", textArg(in.By),
			amountArg(out.Total, o.Currency), amountArg(max(paid, 0), o.Currency), amountArg(out.Balance, o.Currency)),
	})
	return out, classify(err)
}

// Payment email kinds, for PaymentEmailInput.
const (
	PaymentEmailInvoice      = "invoice"      // the invoice, with its link or how to pay it
	PaymentEmailReminder     = "reminder"     // the payment is late
	PaymentEmailConfirmation = "confirmation" // the payment arrived (paid invoice attached)
	PaymentEmailCancelled    = "cancelled"    // the unpaid order is cancelled
)

// PaymentEmailInput is a payment email to the customer.
type PaymentEmailInput struct {
	OrderNumber string              `json:"order_number"`
	Actor       Actor               `json:"actor"`
	Key         string              `json:"key"`  // outbox key
	Kind        string              `json:"kind"` // Email*
	Invoice     string              `json:"invoice,omitempty"`
	Amount      int64               `json:"amount_cents"`
	Balance     int64               `json:"balance_cents,omitempty"` // cancelled: what was paid and will be refunded
	Means       order.PaymentMethod `json:"means,omitempty"`
	Reason      string              `json:"reason,omitempty"`
	BalanceDue  bool                `json:"balance_due,omitempty"`
	Deadline    time.Time           `json:"deadline,omitzero"` // reminder: when the order will be cancelled
}

var paymentTemplates = map[string]string{
	PaymentEmailInvoice: mail.TemplatePaymentInvoice, PaymentEmailReminder: mail.TemplatePaymentReminder,
	PaymentEmailConfirmation: mail.TemplatePaymentConfirmation, PaymentEmailCancelled: mail.TemplatePaymentCancelled,
}

// QueuePaymentEmail renders a payment email in the customer's language and
// writes it to the outbox once per key, with the invoice attached to the
// invoice, reminder and confirmation emails.
func (c *Collect) QueuePaymentEmail(ctx context.Context, in PaymentEmailInput) (EmailRef, error) {
	tmpl, ok := paymentTemplates[in.Kind]
	if !ok {
		return EmailRef{}, temporal.NewNonRetryableApplicationError("unknown payment email "+in.Kind, ErrTypeInvalidInput, nil)
	}
	o, err := c.Store.GetOrder(ctx, in.OrderNumber)
	if err != nil {
		return EmailRef{}, classify(err)
	}
	data := mail.Payment{
		CustomerName: o.Customer.Name, CustomerEmail: o.Customer.Email, OrderNumber: o.Number, ShopName: c.Shop.Name(),
		Amount: order.Money{Cents: in.Amount, Currency: o.Currency}, Balance: order.Money{Cents: in.Balance, Currency: o.Currency},
		Total: order.Money{Cents: o.Totals.Total, Currency: o.Currency}, Means: string(in.Means), Reason: in.Reason, BalanceDue: in.BalanceDue,
	}
	var atts []store.Attachment
	if in.Invoice != "" {
		inv, err := c.Store.GetInvoice(ctx, in.Invoice)
		if err != nil {
			return EmailRef{}, classify(err)
		}
		data.InvoiceNumber = inv.Number
		if inv.Status == store.InvoiceIssued {
			data.PaymentLink = inv.PaymentLink
		}
		if in.Kind != PaymentEmailCancelled {
			atts = []store.Attachment{{Kind: store.AttachInvoice, Number: inv.Number}}
		}
	}
	data.Deadline = in.Deadline
	msg, err := mail.Render(tmpl, o.Customer.Locale, data)
	if err != nil {
		return EmailRef{}, temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeInvalidInput, err)
	}
	return c.enqueue(ctx, o, in.Actor, in.Key, o.Customer.Email, o.Customer.Name, msg, atts)
}

// NotifyMerchantInput is a notification to the shop.
type NotifyMerchantInput struct {
	OrderNumber string              `json:"order_number"`
	Actor       Actor               `json:"actor"`
	Key         string              `json:"key"`
	Kind        string              `json:"kind"` // new_order or payment_received
	Amount      int64               `json:"amount_cents"`
	Balance     int64               `json:"balance_cents,omitempty"`
	Means       order.PaymentMethod `json:"means,omitempty"`
	Reference   string              `json:"reference,omitempty"`
	Invoice     string              `json:"invoice,omitempty"`
}

// Merchant notification kinds.
const (
	MerchantNewOrder        = "new_order"
	MerchantPaymentReceived = "payment_received"
)

// NotifyMerchant writes the shop's notification to the outbox (« vous recevez un message par courriel »): a new order, or a payment
// received. With no merchant address configured nothing is written and the
// ref is zero.
func (c *Collect) NotifyMerchant(ctx context.Context, in NotifyMerchantInput) (EmailRef, error) {
	if c.Shop.MerchantEmail == "" {
		return EmailRef{}, nil
	}
	o, err := c.Store.GetOrder(ctx, in.OrderNumber)
	if err != nil {
		return EmailRef{}, classify(err)
	}
	tmpl := mail.TemplateMerchantPaymentReceived
	if in.Kind == MerchantNewOrder {
		tmpl = mail.TemplateMerchantNewOrder
		in.Amount, in.Means = o.Totals.Total, o.PaymentMethod
	}
	msg, err := mail.Render(tmpl, "fr", mail.Payment{
		CustomerName: o.Customer.Name, CustomerEmail: o.Customer.Email, OrderNumber: o.Number, ShopName: c.Shop.Name(),
		Amount: order.Money{Cents: in.Amount, Currency: o.Currency}, Balance: order.Money{Cents: in.Balance, Currency: o.Currency},
		Total: order.Money{Cents: o.Totals.Total, Currency: o.Currency}, Means: string(in.Means), Reference: in.Reference,
		InvoiceNumber: in.Invoice, Lines: o.Lines,
	})
	if err != nil {
		return EmailRef{}, temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeInvalidInput, err)
	}
	return c.enqueue(ctx, o, in.Actor, in.Key, c.Shop.MerchantEmail, c.Shop.Name(), msg, nil)
}

func (c *Collect) enqueue(ctx context.Context, o order.Order, actor Actor, key, to, toName string, msg mail.Message, atts []store.Attachment) (EmailRef, error) {
	e, err := c.Store.EnqueueEmail(ctx, store.Email{
		Key: key, OrderID: o.ID, ToEmail: to, ToName: toName,
		Locale: msg.Locale, Template: msg.Template, Subject: msg.Subject, BodyText: msg.Text, BodyHTML: msg.HTML,
	})
	if err != nil {
		return EmailRef{}, classify(err)
	}
	if len(atts) > 0 {
		if err := c.Store.SetEmailAttachments(ctx, e.ID, atts); err != nil {
			return EmailRef{}, err
		}
	}
	_, err = c.Store.AddEvent(ctx, store.Event{
		OrderID: o.ID, ActorKind: store.ActorProcedure, Actor: actor.WorkflowID, WorkflowID: actor.WorkflowID,
		Kind: "email_queued", Key: key + "/queued",
		Phrase: locale.Phr("history.email_queued", textArg(e.Subject), textArg(e.ToEmail)),
	})
	return EmailRef{ID: e.ID}, classify(err)
}

// SendDocumentEmail hands an outbox email to the mail provider with its
// documents rendered as PDF, once: an email already sent is not sent again.
// A sender that cannot attach files sends the email without them.
func (c *Collect) SendDocumentEmail(ctx context.Context, ref EmailRef) error {
	if ref.ID == 0 {
		return nil // nothing was written (no merchant address)
	}
	e, err := c.Store.GetEmail(ctx, ref.ID)
	if err != nil {
		return classify(err)
	}
	if e.Status == store.EmailSent {
		return nil
	}
	id, err := c.deliverOnce(ctx, e)
	if errors.Is(err, mail.ErrPermanent) {
		if ferr := c.Store.MarkEmailFailed(ctx, e.ID, err.Error()); ferr != nil {
			return ferr
		}
		return temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeEmailRejected, err)
	}
	if err != nil {
		return err
	}
	return c.Store.MarkEmailSent(ctx, e.ID, id)
}

// deliver hands an outbox email to the mail provider, with the documents
// attached to it rendered as PDF files, and returns the provider's message
// id. An error wrapping mail.ErrPermanent is the provider's refusal of
// this message for good; any other is worth another try.
func (c *Collect) deliver(ctx context.Context, e store.Email) (string, error) {
	atts, err := c.Store.EmailAttachments(ctx, e.ID)
	if err != nil {
		return "", err
	}
	files, err := c.Attachments(ctx, atts)
	if err != nil {
		return "", err
	}
	env := mail.Envelope{Key: e.Key, ToEmail: e.ToEmail, ToName: e.ToName, Subject: e.Subject, Text: e.BodyText, HTML: e.BodyHTML}
	var id string
	if as, ok := c.Sender.(mail.AttachmentSender); ok && len(files) > 0 {
		id, err = as.SendWithAttachments(ctx, env, files)
	} else {
		id, err = c.Sender.Send(ctx, env)
	}
	if err != nil {
		return "", fmt.Errorf("sending email %d to %s: %w", e.ID, e.ToEmail, err)
	}
	return id, nil
}

// Attachments renders the documents attached to an email as PDF files.
func (c *Collect) Attachments(ctx context.Context, atts []store.Attachment) ([]mail.Attachment, error) {
	var files []mail.Attachment
	for _, a := range atts {
		switch a.Kind {
		case store.AttachInvoice:
			inv, err := c.Store.GetInvoice(ctx, a.Number)
			if err != nil {
				return nil, classify(err)
			}
			b, err := documents.Invoice(inv)
			if err != nil {
				return nil, temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeInvalidInput, err)
			}
			files = append(files, mail.Attachment{Filename: documents.InvoiceFilename(inv), ContentType: documents.ContentType, Data: b})
		case store.AttachCreditNote:
			cn, err := c.Store.GetCreditNote(ctx, a.Number)
			if err != nil {
				return nil, classify(err)
			}
			b, err := documents.CreditNote(cn)
			if err != nil {
				return nil, temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeInvalidInput, err)
			}
			files = append(files, mail.Attachment{Filename: documents.CreditNoteFilename(cn), ContentType: documents.ContentType, Data: b})
		}
	}
	return files, nil
}

// classifyCollect classifies the refusals of this file's store calls (a
// status that does not allow the move, a content already invoiced) as
// permanent, then anything else as classify does.
func classifyCollect(err error) error {
	if errors.Is(err, store.ErrStatusMove) {
		return temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeInvalidInput, err)
	}
	return classify(err)
}
