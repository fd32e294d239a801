package starter

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/workflows"
)

// CollectStore is what payment collection reads and writes outside the
// procedures: the order, what was paid, the invoices.
type CollectStore interface {
	GetOrder(ctx context.Context, number string) (order.Order, error)
	MoneyPosition(ctx context.Context, orderID int64) (order.Position, error)
	GetInvoice(ctx context.Context, number string) (store.Invoice, error)
	CreateInvoice(ctx context.Context, req store.InvoiceRequest) (store.Invoice, error)
	PaymentByKey(ctx context.Context, key string) (store.Payment, error)
	CollectionWorkflows(ctx context.Context, number string) ([]string, error)
	// For a provider's payment that no running collection takes.
	AddPayment(ctx context.Context, p store.Payment) (store.Payment, error)
	CreateTask(ctx context.Context, t store.Task) (store.Task, error)
	AddEvent(ctx context.Context, ev store.Event) (store.Event, error)
}

// CollectOptions are the shop's settings for payment collection.
type CollectOptions struct {
	Seller store.Seller // for invoices an agent creates by hand
	// WebhookSecret is the key the payment provider signs its webhooks with
	// (HMAC-SHA256); empty refuses every webhook.
	WebhookSecret string
	// PreviousWebhookSecret, during a rotation, is the key being retired:
	// an event it signs is accepted too until it is unset.
	PreviousWebhookSecret string
	// WebhookTolerance is how far a webhook's signed timestamp may be from
	// now (either way); zero is DefaultWebhookTolerance.
	WebhookTolerance time.Duration
	// MerchantEmail is where the shop's notifications go; empty, no
	// notification procedure is started (it would have nothing to send).
	MerchantEmail string
}

// DefaultWebhookTolerance is how old (or how far ahead) a webhook's
// signed timestamp may be when the settings do not say.
const DefaultWebhookTolerance = 5 * time.Minute

// WebhookSecret is the key the provider's webhooks are checked with.
func (c *Collector) WebhookSecret() string { return c.opt.WebhookSecret }

// WebhookSecrets are the keys a webhook's signature may verify under: the
// current one, then the one being retired during a rotation (none empty).
func (c *Collector) WebhookSecrets() []string {
	var keys []string
	for _, k := range []string{c.opt.WebhookSecret, c.opt.PreviousWebhookSecret} {
		if k != "" {
			keys = append(keys, k)
		}
	}
	return keys
}

// WebhookTolerance is how far a webhook's signed timestamp may be from now.
func (c *Collector) WebhookTolerance() time.Duration {
	if c.opt.WebhookTolerance > 0 {
		return c.opt.WebhookTolerance
	}
	return DefaultWebhookTolerance
}

// Collector starts and drives the payment collection procedure.
// It is a Starter too, so the web UI and the CLI hold one value.
type Collector struct {
	*Starter
	store CollectStore
	opt   CollectOptions
}

// NewCollector builds a Collector over a Starter and the store.
func NewCollector(s *Starter, st CollectStore, opt CollectOptions) *Collector {
	return &Collector{Starter: s, store: dbCollect{st}, opt: opt}
}

// CollectRequest asks to collect an order's payment.
type CollectRequest struct {
	OrderNumber string
	RequestID   string
	Agent       string
	Mode        string // activities.CollectManual, CollectLink or CollectTerminal
	SendInvoice bool   // terminal: email the invoice before the payment
	// BalanceDue and Reason: collect the difference of a paid order whose
	// total went up (modify content).
	BalanceDue int64
	Reason     string
}

// StartCollection validates the request against the order and starts the
// collect-payment procedure. Refused, naming the field, with nothing
// started: an unknown mode, an order that is not new or awaiting payment
// (a balance due: not paid), an order already paid, a balance due without
// amount or reason or above what is unpaid, a collection already running.
func (c *Collector) StartCollection(ctx context.Context, req CollectRequest) (Run, error) {
	if err := checkRequest(req.OrderNumber, req.RequestID, req.Agent); err != nil {
		return Run{}, err
	}
	id := workflows.WorkflowID(workflows.ProcCollectPayment, req.OrderNumber, req.RequestID)
	if run, ok, err := c.existing(ctx, id); err != nil || ok {
		return run, err
	}
	switch req.Mode {
	case activities.CollectManual, activities.CollectLink, activities.CollectTerminal:
	default:
		return Run{}, order.Refuse("mode", "refusal.collect_mode_unknown", locale.Text(string(req.Mode)))
	}
	o, err := c.order(ctx, req.OrderNumber)
	if err != nil {
		return Run{}, err
	}
	// What the customer still owes and has paid net: the domain's figures.
	money, err := c.store.MoneyPosition(ctx, o.ID)
	if err != nil {
		return Run{}, err
	}
	number := locale.Text(o.Number)
	if req.BalanceDue != 0 || req.Reason != "" {
		switch {
		case req.BalanceDue <= 0:
			return Run{}, order.Refuse("amount", "refusal.balance_not_positive", locale.Amount(req.BalanceDue, o.Currency))
		case strings.TrimSpace(req.Reason) == "":
			return Run{}, order.Refuse("reason", "refusal.balance_reason_missing")
		case o.Status == order.StatusCancelled:
			return Run{}, order.Refuse("order", "refusal.balance_order_cancelled", number)
		case o.Status.Unpaid():
			return Run{}, order.Refuse("order", "refusal.balance_order_unpaid", number)
		case money.Due <= 0:
			return Run{}, order.Refuse("amount", "refusal.balance_nothing_unpaid", number)
		case req.BalanceDue > money.Due:
			return Run{}, order.Refuse("amount", "refusal.balance_above_unpaid", locale.Amount(req.BalanceDue, o.Currency), locale.Amount(money.Due, o.Currency), number)
		}
	} else {
		switch {
		case o.Status != order.StatusNew && o.Status != order.StatusAwaitingPayment:
			return Run{}, order.Refuse("order", "refusal.collect_not_awaiting", number)
		case money.Due <= 0:
			return Run{}, order.Refuse("order", "refusal.collect_paid_already", number, locale.Amount(money.PaidNet, o.Currency))
		}
	}
	if running, ok, err := c.RunningCollection(ctx, o.Number); err != nil {
		return Run{}, err
	} else if ok {
		return Run{}, order.Refuse("order", "refusal.collect_running", number, locale.Text(running))
	}
	in := workflows.CollectPaymentInput{
		OrderNumber: o.Number, RequestID: req.RequestID, Agent: req.Agent, Mode: req.Mode,
		BalanceDue: req.BalanceDue, Reason: strings.TrimSpace(req.Reason), SendInvoice: req.SendInvoice,
		Settings: c.Starter.settings(),
	}
	summary := fmt.Sprintf("Encaisser le paiement de %s", o.Number)
	if req.BalanceDue > 0 {
		summary = fmt.Sprintf("Encaisser le complément de %s sur %s", order.Money{Cents: req.BalanceDue, Currency: o.Currency}.French(), o.Number)
	}
	return c.start(ctx, id, workflows.ProcCollectPayment, o, summary, in)
}

// RunningCollection returns the workflow id of the payment procedure that
// runs on an order, if one does.
func (c *Collector) RunningCollection(ctx context.Context, number string) (string, bool, error) {
	ids, err := c.store.CollectionWorkflows(ctx, number)
	if err != nil {
		return "", false, err
	}
	for _, id := range ids {
		d, err := c.c.DescribeWorkflowExecution(ctx, id, "")
		if _, down := Unavailable(err); down {
			return "", false, err // whether it runs is unknown: say why
		}
		if err != nil {
			continue // unknown to Temporal (another namespace, purged): not running
		}
		if d.GetWorkflowExecutionInfo().GetStatus() == enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
			return id, true, nil
		}
	}
	return "", false, nil
}

// RecordPaymentRequest is a payment an agent received.
type RecordPaymentRequest struct {
	OrderNumber string
	RequestID   string // the same id records the payment once
	Agent       string
	Means       order.PaymentMethod // empty at the terminal
	Amount      int64
	Reference   string
	ReceivedAt  time.Time // zero: now
	// ConfirmOverpayment says the agent knows the amount is above what is
	// due: without it such a payment is refused.
	ConfirmOverpayment bool
}

// RecordPayment gives an agent's payment to the order's running payment
// procedure and returns where the collection stands. Refused, naming the
// field, with nothing written: an amount of zero or below, an unknown
// means, a date received in the future, a bank transfer without reference,
// an order that is not awaiting a payment, an amount above what is due
// that the agent did not confirm (ConfirmOverpayment).
func (c *Collector) RecordPayment(ctx context.Context, req RecordPaymentRequest) (workflows.PaymentAck, error) {
	if err := checkRequest(req.OrderNumber, req.RequestID, req.Agent); err != nil {
		return workflows.PaymentAck{}, err
	}
	if req.ReceivedAt.IsZero() {
		req.ReceivedAt = time.Now()
	}
	switch {
	case req.Amount <= 0:
		return workflows.PaymentAck{}, order.Refuse("amount", "refusal.payment_not_positive", locale.Amount(req.Amount, "EUR"))
	case req.Amount > order.MaxOrderTotal:
		// No order is worth more: a typing slip, and sums over the ledger
		// must stay within int64.
		return workflows.PaymentAck{}, order.Refuse("amount", "refusal.payment_above_max", locale.Amount(req.Amount, "EUR"), locale.Amount(order.MaxOrderTotal, "EUR"))
	case req.Means != "" && !req.Means.Valid():
		return workflows.PaymentAck{}, order.Refuse("means", "refusal.payment_means_manual", locale.Text(string(req.Means)))
	case req.ReceivedAt.After(time.Now().Add(time.Minute)):
		return workflows.PaymentAck{}, order.Refuse("received_at", "refusal.payment_date_future", locale.Day(req.ReceivedAt))
	case req.Means == order.PayBankTransfer && strings.TrimSpace(req.Reference) == "":
		return workflows.PaymentAck{}, order.Refuse("reference", "refusal.transfer_reference_missing")
	}
	id, err := c.collection(ctx, req.OrderNumber)
	if err != nil {
		return workflows.PaymentAck{}, err
	}
	return c.pay(ctx, id, workflows.PaymentRecord{
		ID: req.RequestID, Means: req.Means, Amount: req.Amount, Reference: strings.TrimSpace(req.Reference),
		ReceivedAt: req.ReceivedAt, Agent: req.Agent, Source: workflows.PaymentFromAgent, ConfirmOverpayment: req.ConfirmOverpayment,
	})
}

// ProviderPayment is a payment the provider reports through its webhook.
type ProviderPayment struct {
	EventID   string              `json:"event_id"` // the provider's event id: a repeated webhook records once
	Invoice   string              `json:"invoice"`  // the invoice number the payment link was for
	Amount    int64               `json:"amount_cents"`
	Reference string              `json:"reference"` // the provider's payment id
	Means     order.PaymentMethod `json:"means,omitempty"`
	PaidAt    time.Time           `json:"paid_at"`
}

// ErrDuplicatePayment says a provider's event was recorded before: the
// webhook answers it as a success.
var ErrDuplicatePayment = errors.New("payment already recorded")

// ErrUnknownInvoice says a provider's payment names an invoice that does
// not exist: nothing is recorded, and the webhook says so without failing
// (the provider would retry it forever).
var ErrUnknownInvoice = errors.New("unknown invoice: nothing recorded")

// ErrUnmatchedPayment says no running collection took a provider's
// payment (the invoice's collection has ended: paid already, cancelled);
// the payment is recorded on the order all the same, and an agent task
// opened (UnmatchedPaymentError).
var ErrUnmatchedPayment = errors.New("payment taken by no running collection: recorded for an agent")

// TaskUnmatchedPayment is the kind of the task an unmatched provider
// payment opens. No procedure waits on it: the agent checks the order and
// refunds the customer, if they paid twice or too late, with cancel/refund.
const TaskUnmatchedPayment = workflows.TaskUnmatchedPayment

// UnmatchedPaymentError is ErrUnmatchedPayment with what was done.
type UnmatchedPaymentError struct {
	OrderNumber string
	Amount      int64
	TaskID      int64
}

func (e *UnmatchedPaymentError) Error() string {
	return fmt.Sprintf("order %s: %s recorded, task #%d: %v", e.OrderNumber, order.EUR(e.Amount).French(), e.TaskID, ErrUnmatchedPayment)
}

// Is makes errors.Is(err, ErrUnmatchedPayment) true.
func (e *UnmatchedPaymentError) Is(target error) bool { return target == ErrUnmatchedPayment }

// ReportProviderPayment gives the provider's payment to the procedure that
// sent the invoice's payment link. A repeated event returns
// ErrDuplicatePayment and records nothing. An invoice that does not exist
// is ErrUnknownInvoice. A payment that no running collection takes (the
// invoice's collection has ended, or refuses it as the order awaits no
// payment) is recorded on the order once per provider event, with its line
// of history and an agent task: an *UnmatchedPaymentError.
func (c *Collector) ReportProviderPayment(ctx context.Context, p ProviderPayment) (workflows.PaymentAck, error) {
	switch {
	case strings.TrimSpace(p.EventID) == "":
		return workflows.PaymentAck{}, order.Refuse("event_id", "refusal.provider_event_missing")
	case strings.TrimSpace(p.Invoice) == "":
		return workflows.PaymentAck{}, order.Refuse("invoice", "refusal.provider_invoice_missing")
	case p.Amount <= 0:
		return workflows.PaymentAck{}, order.Refuse("amount_cents", "refusal.payment_not_positive", locale.Amount(p.Amount, "EUR"))
	}
	inv, err := c.store.GetInvoice(ctx, p.Invoice)
	if errors.Is(err, store.ErrNotFound) {
		return workflows.PaymentAck{}, fmt.Errorf("invoice %s does not exist: %w", p.Invoice, ErrUnknownInvoice)
	}
	if err != nil {
		return workflows.PaymentAck{}, err
	}
	id := inv.WorkflowID
	if id == "" {
		if id, _, err = c.RunningCollection(ctx, inv.OrderNumber); err != nil {
			return workflows.PaymentAck{}, err
		}
	}
	if p.PaidAt.IsZero() {
		p.PaidAt = time.Now()
	}
	if id != "" {
		if _, err := c.store.PaymentByKey(ctx, id+"/payment/"+p.EventID); err == nil {
			return workflows.PaymentAck{}, ErrDuplicatePayment
		}
		ack, err := c.pay(ctx, id, workflows.PaymentRecord{
			ID: p.EventID, Means: p.Means, Amount: p.Amount, Reference: p.Reference, ReceivedAt: p.PaidAt, Source: workflows.PaymentFromProvider,
		})
		if err == nil || !c.notTaken(ctx, id, err) {
			return ack, err
		}
	}
	return workflows.PaymentAck{}, c.recordUnmatched(ctx, inv, id, p)
}

// notTaken reports whether the collection's answer to a payment means it
// will not take it: it refused it as the order awaits no payment, or it
// is no longer running. Anything else (Temporal away) is worth a retry.
func (c *Collector) notTaken(ctx context.Context, id string, err error) bool {
	var fe *order.FieldError
	if errors.As(err, &fe) && fe.Field == "order" {
		return true
	}
	d, derr := c.c.DescribeWorkflowExecution(ctx, id, "")
	var nf *serviceerror.NotFound
	if errors.As(derr, &nf) {
		return true
	}
	return derr == nil && d.GetWorkflowExecutionInfo().GetStatus() != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING
}

// recordUnmatched records a provider's payment that no collection took,
// keyed by the provider's event id (its retries record it once), with its
// line in the order's history and a task for an agent.
func (c *Collector) recordUnmatched(ctx context.Context, inv store.Invoice, collection string, p ProviderPayment) error {
	o, err := c.store.GetOrder(ctx, inv.OrderNumber)
	if err != nil {
		return err
	}
	means := p.Means
	if means == "" {
		means = order.PayCard
		if o.PaymentMethod.Direct() {
			means = o.PaymentMethod
		}
	}
	key := "provider/" + p.EventID
	paid, err := c.store.AddPayment(ctx, store.Payment{
		OrderID: o.ID, Method: string(means), Amount: p.Amount, Currency: o.Currency, Reference: strings.TrimSpace(p.Reference),
		ReceivedAt: p.PaidAt, IdempotencyKey: key, RecordedBy: "prestataire de paiement",
	})
	if err != nil {
		return err
	}
	var ref locale.PhraseArg = locale.Text(paid.Reference)
	if paid.Reference == "" {
		ref = locale.Phr("history.payment.event", locale.Text(p.EventID))
	}
	amount := locale.Amount(paid.Amount, paid.Currency)
	question := locale.Phr("task_question.unmatched_payment", amount, ref, locale.Text(inv.Number), locale.Text(o.Number))
	task, err := c.store.CreateTask(ctx, store.Task{
		Key: "unmatched-payment/" + p.EventID, OrderID: o.ID, WorkflowID: collection, Kind: TaskUnmatchedPayment,
		QuestionPhrase: question, Amount: paid.Amount, Options: []string{workflows.AnswerNoted},
	})
	if err != nil {
		return err
	}
	if _, err := c.store.AddEvent(ctx, store.Event{
		OrderID: o.ID, ActorKind: store.ActorSystem, Actor: "prestataire de paiement", WorkflowID: collection,
		Kind: "payment_unmatched", Key: key + "/unmatched",
		Phrase: locale.Phr("history.payment_unmatched", amount, locale.Label("payment_method.", string(means), means.Label("fr")),
			ref, locale.Text(inv.Number), locale.Text(strconv.FormatInt(task.ID, 10))),
	}); err != nil {
		return err
	}
	return &UnmatchedPaymentError{OrderNumber: o.Number, Amount: paid.Amount, TaskID: task.ID}
}

func (c *Collector) pay(ctx context.Context, workflowID string, r workflows.PaymentRecord) (workflows.PaymentAck, error) {
	var ack workflows.PaymentAck
	h, err := c.c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: workflowID, UpdateID: "payment/" + r.ID, UpdateName: workflows.UpdateRecordPayment,
		Args: []any{r}, WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err == nil {
		err = h.Get(ctx, &ack)
	}
	return ack, fieldError(err)
}

// SendInvoice has the order's running payment procedure email the
// invoice (issued first if it has none) and returns its number.
func (c *Collector) SendInvoice(ctx context.Context, orderNumber, requestID, agent string) (string, error) {
	if err := checkRequest(orderNumber, requestID, agent); err != nil {
		return "", err
	}
	id, err := c.collection(ctx, orderNumber)
	if err != nil {
		return "", err
	}
	var number string
	h, err := c.c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: id, UpdateID: "send-invoice/" + requestID, UpdateName: workflows.UpdateSendInvoice,
		Args: []any{workflows.AgentRequest{ID: requestID, Agent: agent}}, WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err == nil {
		err = h.Get(ctx, &number)
	}
	return number, fieldError(err)
}

// ConfirmPayment has the procedure send the payment confirmation
// (« Envoyer la confirmation de paiement »).
func (c *Collector) ConfirmPayment(ctx context.Context, orderNumber, requestID, agent string) error {
	if err := checkRequest(orderNumber, requestID, agent); err != nil {
		return err
	}
	id, err := c.collection(ctx, orderNumber)
	if err != nil {
		return err
	}
	h, err := c.c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: id, UpdateID: "confirm/" + requestID, UpdateName: workflows.UpdateConfirmPayment,
		Args: []any{workflows.AgentRequest{ID: requestID, Agent: agent}}, WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err == nil {
		err = h.Get(ctx, nil)
	}
	return fieldError(err)
}

// CreateInvoice issues the invoice of an order as it stands, from the
// order page (the payment procedure « Créer une facture »), outside any procedure. A
// second invoice for the same content is refused (field "invoice").
func (c *Collector) CreateInvoice(ctx context.Context, orderNumber, requestID, agent string) (store.Invoice, error) {
	if err := checkRequest(orderNumber, requestID, agent); err != nil {
		return store.Invoice{}, err
	}
	if _, err := c.order(ctx, orderNumber); err != nil {
		return store.Invoice{}, err
	}
	return c.store.CreateInvoice(ctx, store.InvoiceRequest{Key: "agent/" + orderNumber + "/" + requestID, OrderNumber: orderNumber, Seller: c.opt.Seller})
}

// Collection returns the state of the order's running payment procedure.
func (c *Collector) Collection(ctx context.Context, orderNumber string) (workflows.CollectionState, string, error) {
	var st workflows.CollectionState
	id, ok, err := c.RunningCollection(ctx, orderNumber)
	if err != nil || !ok {
		return st, "", err
	}
	v, err := c.c.QueryWorkflow(ctx, id, "", workflows.QueryCollection)
	if err != nil {
		return st, id, fmt.Errorf("collection of %s: %w", orderNumber, err)
	}
	return st, id, v.Get(&st)
}

// NotifyNewOrder tells the shop an order arrived, once per order; with no
// merchant address configured it starts nothing and returns a zero Run.
func (c *Collector) NotifyNewOrder(ctx context.Context, orderNumber string) (Run, error) {
	o, err := c.order(ctx, orderNumber)
	if err != nil {
		return Run{}, err
	}
	if c.opt.MerchantEmail == "" {
		return Run{}, nil
	}
	id := workflows.WorkflowID(workflows.ProcNotifyNewOrder, o.Number, "arrival")
	return c.start(ctx, id, workflows.ProcNotifyNewOrder, o, "Prévenir la boutique de la commande "+o.Number, workflows.NotifyNewOrderInput{OrderNumber: o.Number, Lean: true})
}

// collection finds the order's running payment procedure, or says the
// order does not exist, or is not awaiting a payment.
func (c *Collector) collection(ctx context.Context, number string) (string, error) {
	id, ok, err := c.RunningCollection(ctx, number)
	if err != nil {
		return "", err
	}
	if !ok {
		if _, err := c.order(ctx, number); err != nil {
			return "", err // no such order: say so, not that it awaits no payment
		}
		return "", order.Refuse("order", "refusal.collect_none_running", locale.Text(number))
	}
	return id, nil
}

// fieldError turns the procedure's refusal back into the *order.FieldError
// its validator gave (carried in the failure's details), so the UI puts it
// next to the field.
func fieldError(err error) error { return cleanError(err) }
