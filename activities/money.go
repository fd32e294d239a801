package activities

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/payments"
	"github.com/orderdesk/orderdesk/store"
)

// Money are the activities that move money through the payment providers.
// Every call carries the refund's idempotency key, derived from the
// workflow, and the refund row is written before the provider is called:
// a retry after a crash finds the row and calls again with the same key,
// and the provider answers with the first result.
type Money struct {
	Store    *store.Store
	Gateways *payments.Registry
	Shop     Shop // the seller on a mailed cheque's credit note
}

// Gateway outcomes.
const (
	GatewaySucceeded   = "succeeded"
	GatewayUnsupported = "unsupported" // no API: refund by hand
	GatewayDeclined    = "declined"    // refused for good: refund impossible
)

// GatewayRefundInput asks for a reserved refund to go through the provider.
type GatewayRefundInput struct {
	OrderNumber string              `json:"order_number"`
	Actor       Actor               `json:"actor"`
	Key         string              `json:"key"` // the reserved refund's idempotency key
	Method      order.PaymentMethod `json:"method"`
	// Stuck, when set, has the step itself tell agents of a refund still
	// retrying after Stuck.After, and close that notice once the provider
	// answers (lean procedures; earlier ones keep a timer in the workflow).
	Stuck *StuckNotice `json:"stuck,omitempty"`
	// Tried: an earlier try of this step ran (the first try, inside the
	// workflow task, of a lean procedure), so it may have reached the
	// provider whatever this try's attempt number.
	Tried bool `json:"tried,omitempty"`
}

// StuckNotice is the agent task "refund stuck" of a refund step: opened by
// a try that starts After past Since, closed by the try that ends the step.
type StuckNotice struct {
	Since    time.Time     `json:"since"` // when the procedure asked for the refund
	After    time.Duration `json:"after"`
	Key      string        `json:"key"`      // the task's key
	Kind     string        `json:"kind"`     // workflows.TaskRefundStuck
	Question string        `json:"question"` // what the agents read
	Amount   int64         `json:"amount_cents"`
	Options  []string      `json:"options"`
	// QuestionPhrase is Question as a phrase of the catalog.
	QuestionPhrase locale.Phrase `json:"question_phrase,omitzero"`
}

// GatewayOutcome is what the provider did.
type GatewayOutcome struct {
	Outcome     string `json:"outcome"`
	Gateway     string `json:"gateway,omitempty"`
	ProviderRef string `json:"provider_ref,omitempty"`
	Code        string `json:"code,omitempty"`   // declined: the provider's code
	Reason      string `json:"reason,omitempty"` // declined: the provider's words
}

// RefundThroughGateway sends a reserved refund through the gateway of the
// order's payment means and records the provider's answer on the refund row.
func (m *Money) RefundThroughGateway(ctx context.Context, in GatewayRefundInput) (out GatewayOutcome, err error) {
	if n := in.Stuck; n != nil && time.Since(n.Since) >= n.After {
		// Retrying for long: agents are told (once: the task is keyed),
		// and told no more once this try ends the step.
		orders := &Orders{Store: m.Store}
		if _, err := orders.OpenTask(ctx, TaskInput{
			OrderNumber: in.OrderNumber, Actor: in.Actor, Key: n.Key, Kind: n.Kind,
			Question: n.Question, QuestionPhrase: n.QuestionPhrase, Amount: n.Amount, Options: n.Options,
		}); err != nil {
			return GatewayOutcome{}, err
		}
		defer func() {
			var app *temporal.ApplicationError
			if err != nil && !(errors.As(err, &app) && app.NonRetryable()) {
				return // retried: still stuck
			}
			cerr := orders.CloseTask(ctx, CloseTaskInput{
				OrderNumber: in.OrderNumber, Actor: in.Actor, Key: n.Key, Status: store.TaskCancelled, Summary: "le prestataire a répondu",
				Said: locale.Phr("history.closed.provider_answered"),
			})
			if cerr != nil && !errors.Is(cerr, store.ErrTaskClosed) {
				activity.GetLogger(ctx).Warn("closing the refund-stuck notice", "key", n.Key, "err", cerr)
			}
		}()
	}
	r, paid, err := m.Store.RefundAndPayments(ctx, in.Key)
	if err != nil {
		return GatewayOutcome{}, classify(err)
	}
	if r.Status == store.RefundSucceeded || r.Status == store.RefundPending && r.ProviderRef != "" {
		return GatewayOutcome{Outcome: GatewaySucceeded, ProviderRef: r.ProviderRef}, nil // a retry after the row was written
	}
	g, ok := m.gateway(in.Method)
	if !ok {
		return GatewayOutcome{Outcome: GatewayUnsupported}, nil
	}
	paymentRef, err := paymentRefOf(paid, in.Method)
	if err != nil {
		return GatewayOutcome{}, err
	}
	// From here on, nothing may assume that no money moved: a procedure
	// that stops asks the provider by the key (ResolveRefund).
	if err := m.Store.MarkRefundSent(ctx, in.Key, g.Name()); err != nil {
		return GatewayOutcome{}, classify(err)
	}
	res, err := g.Refund(ctx, payments.RefundRequest{
		Amount: r.Amount, Currency: r.Currency, PaymentRef: paymentRef,
		IdempotencyKey: r.IdempotencyKey, Reference: in.OrderNumber, Reason: "orderdesk " + in.Actor.WorkflowID,
	})
	var declined *payments.DeclinedError
	switch {
	case errors.Is(err, payments.ErrUnsupported):
		return GatewayOutcome{Outcome: GatewayUnsupported, Gateway: g.Name()}, nil
	case errors.As(err, &declined):
		return GatewayOutcome{Outcome: GatewayDeclined, Gateway: g.Name(), Code: declined.Code, Reason: declined.Error()}, nil
	case errors.Is(err, payments.ErrInvalid):
		return GatewayOutcome{}, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("%s refused refund %s as invalid: %v; an operator must look at the payment", g.Name(), in.Key, err), ErrTypeProviderInvalid, err)
	case errors.Is(err, payments.ErrAuth) && (in.Tried || mayHaveReached(ctx)):
		// An earlier attempt may have reached the provider and moved the
		// money: only the provider can say, once the key is fixed. Keep
		// retrying with the same key (the refund-stuck task tells agents).
		return GatewayOutcome{}, fmt.Errorf("%s refused orderdesk's API key for refund %s after an earlier attempt that may have reached it: retrying with the same key until an operator fixes the key: %w", g.Name(), in.Key, err)
	case errors.Is(err, payments.ErrAuth):
		return GatewayOutcome{}, classify(fmt.Errorf("%s refused orderdesk's API key for refund %s: %w; an operator fixes the key", g.Name(), in.Key, err))
	case err != nil:
		return GatewayOutcome{}, fmt.Errorf("%s refund %s: %w", g.Name(), in.Key, err) // temporary: retried with the same key
	}
	if _, err := m.Store.UpdateRefund(ctx, in.Key, store.RefundSucceeded, res.ProviderRef, ""); err != nil {
		return GatewayOutcome{}, err
	}
	return GatewayOutcome{Outcome: GatewaySucceeded, Gateway: g.Name(), ProviderRef: res.ProviderRef}, nil
}

// gateway returns the gateway of a payment means, if it has one.
func (m *Money) gateway(method order.PaymentMethod) (payments.Gateway, bool) {
	if m.Gateways == nil {
		return nil, false
	}
	return m.Gateways.For(method)
}

// paymentRefOf is the provider's reference of the latest payment by that
// means among an order's payments ps (oldest first): what a refund sends
// money back against.
func paymentRefOf(ps []store.Payment, method order.PaymentMethod) (string, error) {
	for i := len(ps) - 1; i >= 0; i-- {
		if ps[i].Method == string(method) && ps[i].Reference != "" {
			return ps[i].Reference, nil
		}
	}
	return "", temporal.NewNonRetryableApplicationError(
		fmt.Sprintf("order has no %s payment with a provider reference to refund against", method), ErrTypeProviderInvalid, nil)
}

// PayoutInput pays a customer back by bank transfer to their IBAN.
type PayoutInput struct {
	OrderNumber string `json:"order_number"`
	Actor       Actor  `json:"actor"`
	Key         string `json:"key"`
	Amount      int64  `json:"amount_cents"`
	IBAN        string `json:"iban"` // as typed; masked when BankAccount is set
	Name        string `json:"name"`
	// BankAccount is the reference of the IBAN kept by the server
	// (store.SaveBankAccount): the payout reads the account number there.
	BankAccount string `json:"bank_account,omitempty"`
}

// PayoutToIBAN reserves the refund and sends it as a bank transfer through
// the payout gateway (the one registered for bank transfers). Without one,
// it reports GatewayUnsupported and the transfer is made by hand.
func (m *Money) PayoutToIBAN(ctx context.Context, in PayoutInput) (GatewayOutcome, error) {
	typed := in.IBAN
	if in.BankAccount != "" {
		kept, err := m.Store.BankAccountIBAN(ctx, in.BankAccount)
		if errors.Is(err, store.ErrNotFound) {
			return GatewayOutcome{}, temporal.NewNonRetryableApplicationError(
				fmt.Sprintf("no bank account kept under %s", in.BankAccount), ErrTypeProviderInvalid, nil)
		}
		if err != nil {
			return GatewayOutcome{}, err
		}
		typed = kept
	}
	iban, err := order.CheckIBAN(typed)
	if err != nil {
		return GatewayOutcome{}, classify(err)
	}
	r, err := m.reserve(ctx, in.OrderNumber, in.Actor, in.Key, in.Amount, "bank_transfer", store.RefundPending)
	if err != nil {
		return GatewayOutcome{}, err
	}
	if r.Status == store.RefundSucceeded {
		return GatewayOutcome{Outcome: GatewaySucceeded, ProviderRef: r.ProviderRef}, nil
	}
	g, ok := m.gateway(order.PayBankTransfer)
	if !ok {
		if _, err := m.Store.UpdateRefund(ctx, in.Key, store.RefundManualPending, "", "virement à faire à la main"); err != nil {
			return GatewayOutcome{}, err
		}
		return GatewayOutcome{Outcome: GatewayUnsupported}, nil
	}
	res, err := g.Payout(ctx, payments.PayoutRequest{
		Amount: r.Amount, Currency: r.Currency, IBAN: iban, Name: in.Name, Reference: in.OrderNumber, IdempotencyKey: in.Key,
	})
	var declined *payments.DeclinedError
	switch {
	case errors.Is(err, payments.ErrUnsupported):
		if _, err := m.Store.UpdateRefund(ctx, in.Key, store.RefundManualPending, "", "virement à faire à la main"); err != nil {
			return GatewayOutcome{}, err
		}
		return GatewayOutcome{Outcome: GatewayUnsupported, Gateway: g.Name()}, nil
	case errors.As(err, &declined):
		if _, err := m.Store.UpdateRefund(ctx, in.Key, store.RefundFailed, "", declined.Error()); err != nil {
			return GatewayOutcome{}, err
		}
		return GatewayOutcome{Outcome: GatewayDeclined, Gateway: g.Name(), Code: declined.Code, Reason: declined.Error()}, nil
	case errors.Is(err, payments.ErrInvalid):
		return GatewayOutcome{}, temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeProviderInvalid, err)
	case errors.Is(err, payments.ErrAuth) && mayHaveReached(ctx):
		return GatewayOutcome{}, fmt.Errorf("%s refused orderdesk's API key for payout %s after an earlier attempt that may have reached it: retrying with the same key until an operator fixes the key: %w", g.Name(), in.Key, err)
	case errors.Is(err, payments.ErrAuth):
		// Nothing moved: the transfer is refused like a declined one, and
		// the agent agrees another way with the customer.
		reason := fmt.Sprintf("le prestataire %s refuse la clé d'API d'orderdesk (un opérateur doit la corriger)", g.Name())
		if _, err := m.Store.UpdateRefund(ctx, in.Key, store.RefundFailed, "", reason); err != nil {
			return GatewayOutcome{}, classify(err)
		}
		return GatewayOutcome{Outcome: GatewayDeclined, Gateway: g.Name(), Code: "api_key_refused", Reason: reason}, nil
	case err != nil:
		return GatewayOutcome{}, fmt.Errorf("%s payout %s: %w", g.Name(), in.Key, err)
	}
	if _, err := m.Store.UpdateRefund(ctx, in.Key, store.RefundSucceeded, res.ProviderRef, ""); err != nil {
		return GatewayOutcome{}, err
	}
	if err := m.note(ctx, r, in.Actor, in.Key+"/paid-out", said(locale.Phr("history.transfer_sent",
		amountArg(r.Amount, r.Currency), textArg(order.MaskIBAN(iban)), textArg(g.Name()), textArg(res.ProviderRef)))); err != nil {
		return GatewayOutcome{}, err
	}
	return GatewayOutcome{Outcome: GatewaySucceeded, Gateway: g.Name(), ProviderRef: res.ProviderRef}, nil
}

// line is a line of history: a phrase, or a text alone.
type line struct {
	phrase locale.Phrase
	text   string
}

// said is a line said by a phrase.
func said(ph locale.Phrase) line { return line{phrase: ph} }

// note writes one line of the order's history about a refund, once per key.
func (m *Money) note(ctx context.Context, r store.Refund, actor Actor, key string, l line) error {
	err := m.Store.AppendEvent(ctx, store.Event{
		OrderID: r.OrderID, ActorKind: store.ActorProcedure, Actor: actor.WorkflowID, WorkflowID: actor.WorkflowID,
		Kind: "refund_" + r.Method, Key: key, Phrase: l.phrase, Message: l.text,
	})
	return classify(err)
}

// reserve writes a refund row of the order once per key.
func (m *Money) reserve(ctx context.Context, number string, actor Actor, key string, amount int64, method, status string) (store.Refund, error) {
	o, err := m.Store.GetOrder(ctx, number)
	if err != nil {
		return store.Refund{}, classify(err)
	}
	return reserveRefund(ctx, m.Store, o, actor, key, amount, method, status)
}

// reserveRefund writes a refund row once per key, before any money moves:
// the store refuses it (ErrTypeRefundTooLarge) when it would exceed what
// was paid net of refunds, and a retry finds the row it wrote.
func reserveRefund(ctx context.Context, st *store.Store, o order.Order, actor Actor, key string, amount int64, method, status string) (store.Refund, error) {
	r, err := st.CreateRefund(ctx, store.Refund{
		OrderID: o.ID, IdempotencyKey: key, Amount: amount, Currency: o.Currency,
		Method: method, Status: status, WorkflowID: actor.WorkflowID, RequestedBy: actor.Agent,
	})
	return r, classify(err)
}

// StoreCreditInput pays a customer back with a voucher.
type StoreCreditInput struct {
	OrderNumber string `json:"order_number"`
	Actor       Actor  `json:"actor"`
	Key         string `json:"key"`
	Amount      int64  `json:"amount_cents"`
	Code        string `json:"code"` // the voucher code, derived from the workflow
}

// IssueStoreCredit records a voucher of the amount as the refund.
func (m *Money) IssueStoreCredit(ctx context.Context, in StoreCreditInput) error {
	r, err := m.reserve(ctx, in.OrderNumber, in.Actor, in.Key, in.Amount, "store_credit", store.RefundSucceeded)
	if err != nil {
		return err
	}
	if r.ProviderRef == "" {
		if _, err = m.Store.UpdateRefund(ctx, in.Key, store.RefundSucceeded, in.Code, ""); err != nil {
			return err
		}
	}
	return m.note(ctx, r, in.Actor, in.Key+"/voucher", said(locale.Phr("history.voucher_given", textArg(in.Code), amountArg(r.Amount, r.Currency))))
}

// ChequeInput is a refund by cheque to an address chosen with the customer.
type ChequeInput struct {
	OrderNumber string        `json:"order_number"`
	Actor       Actor         `json:"actor"`
	Key         string        `json:"key"` // the refund's key; the cheque request's is Key + "/cheque"
	Amount      int64         `json:"amount_cents"`
	Address     order.Address `json:"address"`
}

// ChequeRef names a cheque request.
type ChequeRef struct {
	ID int64 `json:"id"`
}

// RequestChequeRefund records the cheque refund request and reserves the
// refund when the customer's payment is already recorded. A cheque still in
// the post is not yet paid: its refund is reserved when the cheque is mailed.
func (m *Money) RequestChequeRefund(ctx context.Context, in ChequeInput) (ChequeRef, error) {
	o, err := m.Store.GetOrder(ctx, in.OrderNumber)
	if err != nil {
		return ChequeRef{}, classify(err)
	}
	_, err = reserveRefund(ctx, m.Store, o, in.Actor, in.Key, in.Amount, "cheque", store.RefundManualPending)
	if err != nil && !errors.Is(err, order.ErrRefundTooLarge) {
		return ChequeRef{}, err
	}
	c, err := m.Store.CreateChequeRequest(ctx, store.ChequeRequest{
		Key: in.Key + "/cheque", OrderID: o.ID, RefundKey: in.Key, Amount: in.Amount, Currency: o.Currency,
		Address: in.Address, WorkflowID: in.Actor.WorkflowID,
	})
	if err != nil {
		return ChequeRef{}, classify(err)
	}
	err = m.Store.AppendEvent(ctx, store.Event{
		OrderID: o.ID, ActorKind: store.ActorAgent, Actor: in.Actor.Agent, WorkflowID: in.Actor.WorkflowID,
		Kind: "cheque_requested", Key: in.Key + "/cheque/requested",
		Phrase: locale.Phr("history.cheque_requested", amountArg(in.Amount, o.Currency),
			textArg(in.Address.Name), textArg(in.Address.PostalCode), textArg(in.Address.City)),
	})
	return ChequeRef{ID: c.ID}, classify(err)
}

// MailedInput records that the refund cheque went out.
type MailedInput struct {
	OrderNumber  string `json:"order_number"`
	Actor        Actor  `json:"actor"`
	Key          string `json:"key"` // the refund's key
	Amount       int64  `json:"amount_cents"`
	ChequeNumber string `json:"cheque_number"`
}

// RecordChequeMailed marks the cheque mailed and the refund done. It is
// refused (not retried) while the customer's own payment is not recorded:
// a refund never exceeds what was paid. An invoiced order gets the
// refund's credit note (Collect.IssueCreditNote).
func (m *Money) RecordChequeMailed(ctx context.Context, in MailedInput) error {
	if _, err := m.reserve(ctx, in.OrderNumber, in.Actor, in.Key, in.Amount, "cheque", store.RefundManualPending); err != nil {
		return err
	}
	if _, err := m.Store.MarkChequeMailed(ctx, in.Key+"/cheque", in.ChequeNumber); err != nil {
		return classify(err)
	}
	if _, err := m.Store.UpdateRefund(ctx, in.Key, store.RefundSucceeded, "chèque "+in.ChequeNumber, ""); err != nil {
		return classify(err)
	}
	// The refund is made: an invoiced order gets its credit note, as a
	// refund through the provider or by transfer does.
	_, err := (&Collect{Store: m.Store, Shop: m.Shop}).IssueCreditNote(ctx, CreditNoteInput{
		OrderNumber: in.OrderNumber, Actor: in.Actor, RefundKey: in.Key, Amount: in.Amount, Reason: "remboursement par chèque",
	})
	return err
}

// CancelChequeRequest cancels a cheque request not mailed yet.
func (m *Money) CancelChequeRequest(ctx context.Context, key string) error {
	return m.Store.CancelChequeRequest(ctx, key+"/cheque")
}

// ResolveInput asks what became of a refund whose procedure stopped
// (cancelled by an operator, or failed) before it knew.
type ResolveInput struct {
	OrderNumber string              `json:"order_number"`
	Actor       Actor               `json:"actor"`
	Key         string              `json:"key"` // the refund's idempotency key
	Method      order.PaymentMethod `json:"method"`
	Cause       string              `json:"cause"` // why the procedure stopped, for the history
	// Why is Cause as a phrase of the catalog (history.refund.*); zero
	// from a procedure older than the phrases, whose lines are French.
	Why locale.Phrase `json:"why,omitzero"`
}

// Resolved is what became of the refund: one of the store's statuses.
type Resolved struct {
	Status      string `json:"status"`
	ProviderRef string `json:"provider_ref,omitempty"`
}

// ResolveRefund is the compensation of a refund: it never assumes that no
// money moved. A refund never handed to anyone is released (failed, its
// amount refundable again). A refund handed to the provider is settled on
// the provider's word, asked by the refund's idempotency key: it holds the
// refund (succeeded), it never received it (failed), or it cannot say now
// (unknown: the money counts as gone, reconciliation settles it later).
func (m *Money) ResolveRefund(ctx context.Context, in ResolveInput) (Resolved, error) {
	released, r, err := m.Store.ReleaseUnsentRefund(ctx, in.Key, in.Cause)
	if err != nil {
		return Resolved{}, classify(err)
	}
	if released || store.RefundFinal(r.Status) {
		if released {
			if err := m.note(ctx, r, in.Actor, in.Key+"/released", resolvedLine(in, "history.refund_not_done", r)); err != nil {
				return Resolved{}, err
			}
		}
		return Resolved{Status: r.Status, ProviderRef: r.ProviderRef}, m.squareMade(ctx, in, r.Status)
	}
	g, ok := m.gateway(in.Method)
	var found payments.Result
	err = payments.ErrUnsupported
	if ok {
		found, err = g.Find(ctx, in.Key)
	}
	status, ref := store.RefundUnknown, ""
	var l line
	switch {
	case err == nil && found.Status == payments.StatusSucceeded:
		status, ref = store.RefundSucceeded, found.ProviderRef
		l = said(locale.Phr("history.refund_found", amountArg(r.Amount, r.Currency), textArg(ref)))
	case err == nil && found.Status == payments.StatusFailed:
		status, ref = store.RefundFailed, found.ProviderRef
		l = resolvedLine(in, "history.refund_refused", r)
	case errors.Is(err, payments.ErrNotFound):
		status = store.RefundFailed
		l = resolvedLine(in, "history.refund_never_received", r)
	default:
		// pending at the provider, or the provider cannot say now.
		l = said(locale.Phr("history.refund_unknown", amountArg(r.Amount, r.Currency)))
	}
	if _, err := m.Store.UpdateRefund(ctx, in.Key, status, ref, in.Cause); err != nil {
		return Resolved{}, classify(err)
	}
	if err := m.note(ctx, r, in.Actor, in.Key+"/resolved", l); err != nil {
		return Resolved{}, err
	}
	return Resolved{Status: status, ProviderRef: ref}, m.squareMade(ctx, in, status)
}

// squareMade squares the books of a refund the compensation found made
// (Collect.squareSettled): its procedure stopped before the refund's
// credit note. A retry, which finds the refund final, squares them again:
// the credit note is found by its key.
func (m *Money) squareMade(ctx context.Context, in ResolveInput, status string) error {
	if status != store.RefundSucceeded {
		return nil
	}
	return (&Collect{Store: m.Store, Shop: m.Shop}).squareSettled(ctx, in.Actor, in.Key, in.OrderNumber)
}

// resolvedLine is a line about a refund whose procedure stopped, saying
// why. A procedure older than the phrases gave its cause in French words
// only: the line is then those words too, a text with no phrase.
func resolvedLine(in ResolveInput, key locale.Key, r store.Refund) line {
	if in.Why.IsZero() {
		return line{text: locale.Phr(key, amountArg(r.Amount, r.Currency), textArg(in.Cause)).French()}
	}
	return line{phrase: locale.Phr(key, amountArg(r.Amount, r.Currency), in.Why)}
}

// FactInput is a money fact a procedure decided (a replacement cheque
// expected, a balance due, an overpayment found), for the order's ledger.
type FactInput struct {
	OrderNumber string          `json:"order_number"`
	Actor       Actor           `json:"actor"`
	Key         string          `json:"key"` // workflow id + fact: one entry whatever the retries
	Kind        order.EntryKind `json:"kind"`
	Amount      int64           `json:"amount_cents"`
	Ref         string          `json:"ref,omitempty"` // the refunds the fact is about (their keys' prefix), if any
	Note        string          `json:"note,omitempty"`
}

// RecordFact writes a money fact in the order's ledger, once per key.
func (m *Money) RecordFact(ctx context.Context, in FactInput) error {
	o, err := m.Store.GetOrder(ctx, in.OrderNumber)
	if err != nil {
		return classify(err)
	}
	return classify(m.Store.AddLedgerEntry(ctx, store.LedgerEntry{
		OrderID: o.ID, Kind: in.Kind, Amount: in.Amount, Currency: o.Currency, Key: in.Key, Ref: in.Ref,
		Procedure: in.Actor.WorkflowID, Actor: in.Actor.Agent, Note: in.Note,
	}))
}

// mayHaveReached reports whether an earlier attempt of this step may have
// reached the provider: a refusal now says nothing of what it did then.
func mayHaveReached(ctx context.Context) bool {
	return activity.IsActivity(ctx) && activity.GetInfo(ctx).Attempt > 1
}

// RefundsAutomatically reports whether a payment provider refunds this
// means of payment through its API: false sends the refund to an agent's
// hand without a provider step.
func (m *Money) RefundsAutomatically(_ context.Context, method order.PaymentMethod) (bool, error) {
	_, ok := m.gateway(method)
	return ok, nil
}
