package activities

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/payments"
	"github.com/orderdesk/orderdesk/store"
)

// Reconcile compares what the payment providers hold with the refunds
// orderdesk recorded: for each provider that can list its refunds and
// payouts with their idempotency keys, the transfers of a period against
// the refund rows of the methods it carries. Every disagreement gets an
// agent task (one per provider, kind of disagreement and key, so a second
// run opens none) and one line in the order's history. It only reads
// money: nothing is refunded, nothing is rewritten.
type Reconcile struct {
	Store    *store.Store
	Gateways *payments.Registry // nil: no provider to reconcile
	// Now is the clock of the grace period; nil is time.Now.
	Now func() time.Time
}

// TaskReconcileMismatch is the kind of the task a disagreement opens. No
// procedure waits on it: the agent checks the order and the provider's back
// office, and corrects by hand.
const TaskReconcileMismatch = "reconcile_mismatch"

// The kinds of disagreement between a provider and the refund rows.
const (
	// MismatchNoRow: the provider holds a transfer under a key of ours
	// that no refund row has: money left that orderdesk does not know of.
	MismatchNoRow = "no_row"
	// MismatchNotAtProvider: a row counts the money as given back
	// (succeeded with the provider's reference, or unknown: sent, its answer
	// lost), and the provider holds no such transfer.
	MismatchNotAtProvider = "not_at_provider"
	// MismatchAmount: both hold it, for different amounts (or currencies).
	MismatchAmount = "amount"
	// MismatchRowFailed: the row says failed or impossible, the provider
	// took the transfer (succeeded, or pending and about to): the customer
	// was paid back, and must not be paid twice.
	MismatchRowFailed = "row_failed"
	// MismatchRowPending: the row still waits (pending, a refund by hand
	// to do, or unknown) past the grace period, the provider settled it.
	MismatchRowPending = "row_pending"
	// MismatchProviderFailed: the row counts the money as given back
	// (succeeded, or unknown), the provider says the transfer failed: the
	// customer was not paid back.
	MismatchProviderFailed = "provider_failed"
)

// ReconcileInput is one reconciliation run.
type ReconcileInput struct {
	Actor Actor     `json:"actor"` // the run's workflow id; no agent
	Since time.Time `json:"since"` // the period: transfers created, rows created or changed, since then
	// Grace leaves a row still pending this long after its last change
	// alone when the provider settled it: its procedure may be about to
	// record the outcome.
	Grace time.Duration `json:"grace"`
}

// ReconcileReport is what a run found.
type ReconcileReport struct {
	Since      time.Time      `json:"since"`
	Gateways   []GatewayCheck `json:"gateways"`
	Mismatches []Mismatch     `json:"mismatches"`
}

// GatewayCheck is one provider's part of a run.
type GatewayCheck struct {
	Gateway string   `json:"gateway"`
	Methods []string `json:"methods"`
	Refunds int      `json:"refunds"` // refunds compared
	Payouts int      `json:"payouts"` // payouts compared
	// Outside are the provider's ids of transfers made outside orderdesk
	// (no key, no row with their reference): listed, not judged.
	Outside []string `json:"outside,omitempty"`
	// Skipped says why the provider was not checked; Failed when an
	// operator must act (credentials refused), not a limit of the provider.
	Skipped string `json:"skipped,omitempty"`
	Failed  bool   `json:"failed,omitempty"`
}

// Mismatch is one disagreement and the task it opened.
type Mismatch struct {
	Gateway      string `json:"gateway"`
	Kind         string `json:"kind"`          // Mismatch*
	TransferKind string `json:"transfer_kind"` // payments.KindRefund or KindPayout
	Key          string `json:"key"`           // the idempotency key
	OrderNumber  string `json:"order_number"`  // "" when no order could be found: no task then
	Ours         int64  `json:"ours_cents"`    // the row's amount; 0: no row
	Theirs       int64  `json:"theirs_cents"`  // the provider's amount; 0: it holds nothing (or did not say)
	Currency     string `json:"currency"`
	OurStatus    string `json:"our_status,omitempty"`
	TheirStatus  string `json:"their_status,omitempty"`
	ProviderRef  string `json:"provider_ref,omitempty"`
	Question     string `json:"question"`
	TaskID       int64  `json:"task_id,omitempty"`
	NewTask      bool   `json:"new_task,omitempty"` // false: the task was opened by an earlier run
}

// ReconcileProviders runs one reconciliation over every registered
// provider. A provider that cannot list, or refuses our credentials, is
// reported and skipped; any other failure (the provider or the database
// unreachable) is returned and the activity retried: tasks and history
// lines already written are found again, not repeated.
func (a *Reconcile) ReconcileProviders(ctx context.Context, in ReconcileInput) (ReconcileReport, error) {
	if in.Since.IsZero() {
		return ReconcileReport{}, classify(order.Refuse("since", "refusal.since_missing"))
	}
	report := ReconcileReport{Since: in.Since, Gateways: []GatewayCheck{}, Mismatches: []Mismatch{}}
	if a.Gateways == nil {
		return report, nil
	}
	for _, reg := range a.Gateways.Gateways() {
		check, found, err := a.reconcileGateway(ctx, in, reg)
		if err != nil {
			return ReconcileReport{}, err
		}
		for i := range found {
			if err := a.record(ctx, in, &found[i]); err != nil {
				return ReconcileReport{}, err
			}
		}
		report.Gateways = append(report.Gateways, check)
		report.Mismatches = append(report.Mismatches, found...)
	}
	return report, nil
}

// reconcileGateway compares one provider's transfers with the rows.
func (a *Reconcile) reconcileGateway(ctx context.Context, in ReconcileInput, reg payments.Registered) (GatewayCheck, []Mismatch, error) {
	g := reg.Gateway
	check := GatewayCheck{Gateway: g.Name(), Methods: []string{}}
	methods := map[string]bool{}
	for _, m := range reg.Methods {
		check.Methods = append(check.Methods, string(m))
		methods[string(m)] = true
	}
	transfers, err := g.List(ctx, in.Since)
	if skipped, failed, ok := skip(err); ok {
		check.Skipped, check.Failed = skipped, failed
		return check, nil, nil
	}
	if err != nil {
		return check, nil, fmt.Errorf("%s: %w", g.Name(), err)
	}
	var keys, refs []string
	for _, t := range transfers {
		if t.IdempotencyKey != "" {
			keys = append(keys, t.IdempotencyKey)
		}
		refs = append(refs, t.ProviderRef)
	}
	rows, err := a.Store.RefundsToReconcile(ctx, store.ReconcileQuery{Methods: check.Methods, Since: in.Since, Keys: keys, ProviderRefs: refs})
	if err != nil {
		return check, nil, classify(err)
	}
	byKey, byRef := map[string]int{}, map[string]int{}
	for i, r := range rows {
		byKey[r.IdempotencyKey] = i
		if r.ProviderRef != "" {
			byRef[r.ProviderRef] = i
		}
	}
	c := comparer{gateway: g.Name(), grace: in.Grace, now: a.now()}
	seen := map[int]bool{}
	count := func(kind string) {
		if kind == payments.KindPayout {
			check.Payouts++
		} else {
			check.Refunds++
		}
	}
	for _, t := range transfers {
		i, ok := byKey[t.IdempotencyKey]
		if t.IdempotencyKey == "" || !ok {
			i, ok = byRef[t.ProviderRef]
		}
		switch {
		case ok:
			seen[i] = true
			count(t.Kind)
			c.compare(rows[i], &t)
		case t.IdempotencyKey != "":
			count(t.Kind)
			c.add(MismatchNoRow, nil, &t)
		default:
			check.Outside = append(check.Outside, t.ProviderRef)
		}
	}
	// Rows of the period the list did not name. A refund sent whose answer
	// was lost (unknown) is asked about by its key: the provider may have
	// taken it before the period, or never received it. Any other row with
	// the provider's reference is asked about by it (a transfer of an
	// earlier period, or one an agent made by hand and recorded). A row
	// without a reference was refunded by hand without one, or never sent:
	// there is nothing to ask.
	for i, r := range rows {
		if seen[i] || !methods[r.Method] || r.ProviderRef == "" && r.Status != store.RefundUnknown {
			continue
		}
		count(rowKind(r.Method))
		var err error
		if r.Status == store.RefundUnknown {
			err = c.byKey(ctx, g, rows[i])
		} else {
			err = c.byRef(ctx, g, rows[i])
		}
		if skipped, failed, ok := skip(err); ok {
			check.Skipped, check.Failed = skipped, failed
			return check, nil, nil
		}
		if err != nil {
			return check, nil, fmt.Errorf("%s: %w", g.Name(), err)
		}
	}
	return check, c.found, nil
}

// byKey judges a row by what the provider holds under its key.
func (c *comparer) byKey(ctx context.Context, g payments.Gateway, r store.RefundOnOrder) error {
	res, err := g.Find(ctx, r.IdempotencyKey)
	switch {
	case errors.Is(err, payments.ErrNotFound):
		c.add(MismatchNotAtProvider, &r, nil)
	case errors.Is(err, payments.ErrUnsupported):
		// The provider cannot say: nothing to judge.
	case err != nil:
		return err
	default:
		c.compare(r, &payments.Transfer{Result: res, IdempotencyKey: r.IdempotencyKey})
	}
	return nil
}

// byRef judges a row by what the provider holds under its reference; an
// unknown reference is a refund the provider does not hold.
func (c *comparer) byRef(ctx context.Context, g payments.Gateway, r store.RefundOnOrder) error {
	res, err := g.Status(ctx, r.ProviderRef)
	switch {
	case errors.Is(err, payments.ErrInvalid):
		if r.Status == store.RefundSucceeded {
			c.add(MismatchNotAtProvider, &r, nil)
		}
	case err != nil:
		return err
	default:
		// Status gives no amount: only the statuses are compared.
		c.compare(r, &payments.Transfer{Result: payments.Result{ProviderRef: res.ProviderRef, Status: res.Status, Kind: rowKind(r.Method)}})
	}
	return nil
}

// skip says whether a provider's error ends its check without failing the
// run: it cannot list (a limit, reported), or it refuses our credentials
// (reported as a failure an operator must fix).
func skip(err error) (why string, failed, ok bool) {
	switch {
	case errors.Is(err, payments.ErrUnsupported):
		return "ne sait pas lister ses remboursements avec leur clé : non rapproché", false, true
	case errors.Is(err, payments.ErrAuth):
		return "identifiants refusés par le prestataire (clé d'API à corriger) : " + err.Error(), true, true
	}
	return "", false, false
}

// comparer judges rows against transfers for one provider.
type comparer struct {
	gateway string
	grace   time.Duration
	now     time.Time
	found   []Mismatch
}

// compare judges a row against the transfer the provider holds for it. A
// transfer with no amount (read by Status) is judged on its status only.
func (c *comparer) compare(r store.RefundOnOrder, t *payments.Transfer) {
	kind := ""
	given := r.Status == store.RefundSucceeded || r.Status == store.RefundUnknown // the money counts as given back
	waiting := r.Status == store.RefundPending || r.Status == store.RefundManualPending || r.Status == store.RefundUnknown
	switch {
	case given && t.Status == payments.StatusFailed:
		kind = MismatchProviderFailed
	case (r.Status == store.RefundFailed || r.Status == store.RefundImpossible) &&
		(t.Status == payments.StatusSucceeded || t.Status == payments.StatusPending):
		kind = MismatchRowFailed
	case waiting && t.Status == payments.StatusSucceeded && c.now.Sub(r.UpdatedAt) >= c.grace:
		kind = MismatchRowPending
	}
	if kind == "" && t.Amount != 0 && (t.Amount != r.Amount || !strings.EqualFold(t.Currency, r.Currency)) {
		kind = MismatchAmount
	}
	if kind != "" {
		c.add(kind, &r, t)
	}
}

// add records a mismatch with its question; r or t is nil when that side
// holds nothing.
func (c *comparer) add(kind string, r *store.RefundOnOrder, t *payments.Transfer) {
	m := Mismatch{Gateway: c.gateway, Kind: kind}
	if r != nil {
		m.Key, m.OrderNumber, m.Ours, m.Currency, m.OurStatus = r.IdempotencyKey, r.OrderNumber, r.Amount, r.Currency, r.Status
		m.TransferKind, m.ProviderRef = rowKind(r.Method), r.ProviderRef
	}
	if t != nil {
		m.Theirs, m.TheirStatus, m.ProviderRef = t.Amount, t.Status, t.ProviderRef
		if t.Kind != "" {
			m.TransferKind = t.Kind
		}
		if m.Key == "" {
			m.Key = t.IdempotencyKey
		}
		if m.Currency == "" {
			m.Currency = t.Currency
		}
	}
	c.found = append(c.found, m)
}

// record opens the mismatch's task and writes its history line, once per
// provider, kind and key. A mismatch whose order cannot be found (a key
// that names none) is reported without a task.
func (a *Reconcile) record(ctx context.Context, in ReconcileInput, m *Mismatch) error {
	o, err := a.orderOf(ctx, *m)
	if errors.Is(err, store.ErrNotFound) {
		m.OrderNumber = ""
		m.Question = question(*m)
		return nil
	}
	if err != nil {
		return classify(err)
	}
	m.OrderNumber = o.Number
	m.Question = question(*m)
	key := "reconcile/" + m.Gateway + "/" + m.Kind + "/" + m.Key
	t, err := a.Store.TaskByKey(ctx, key)
	if errors.Is(err, store.ErrNotFound) {
		m.NewTask = true
		amount := m.Theirs
		if amount == 0 {
			amount = m.Ours
		}
		t, err = a.Store.CreateTask(ctx, store.Task{
			Key: key, OrderID: o.ID, WorkflowID: in.Actor.WorkflowID, Kind: TaskReconcileMismatch,
			Question: m.Question, QuestionPhrase: questionPhrase(*m), Amount: amount, Options: []string{"noted"}, // workflows.AnswerNoted: a notice
		})
	}
	if err != nil {
		return classify(err)
	}
	m.TaskID = t.ID
	_, err = a.Store.AddEvent(ctx, store.Event{
		OrderID: o.ID, ActorKind: store.ActorSystem, Actor: "reconcile", WorkflowID: t.WorkflowID,
		Kind: TaskReconcileMismatch, Key: key,
		Phrase: locale.Phr("history.reconcile_task", taskArg(t.ID), questionPhrase(*m)),
	})
	return classify(err)
}

// orderOf finds the mismatch's order: the row's, or the one its key names
// (a key is the procedure's workflow id, procedure/order/request, then
// the step).
func (a *Reconcile) orderOf(ctx context.Context, m Mismatch) (order.Order, error) {
	if m.OrderNumber != "" {
		return a.Store.GetOrder(ctx, m.OrderNumber)
	}
	parts := strings.Split(m.Key, "/")
	if len(parts) > 1 {
		parts = append([]string{parts[1], parts[0]}, parts[2:]...)
	}
	for _, p := range parts {
		if p == "" {
			continue
		}
		o, err := a.Store.GetOrder(ctx, p)
		if !errors.Is(err, store.ErrNotFound) {
			return o, err
		}
	}
	return order.Order{}, fmt.Errorf("no order named in key %q: %w", m.Key, store.ErrNotFound)
}

func (a *Reconcile) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

// rowKind is the kind of transfer a refund row of this method is.
func rowKind(method string) string {
	if method == string(order.PayBankTransfer) {
		return payments.KindPayout
	}
	return payments.KindRefund
}

// question is the task's question, in French.
func question(m Mismatch) string { return questionPhrase(m).French() }

// questionPhrase is the task's question: the order, the key, both amounts
// with their statuses, and what the disagreement means.
func questionPhrase(m Mismatch) locale.Phrase {
	noun := locale.Phr("history.reconcile.refund")
	if m.TransferKind == payments.KindPayout {
		noun = locale.Phr("history.reconcile.transfer")
	}
	var number locale.PhraseArg = textArg(m.OrderNumber)
	if m.OrderNumber == "" {
		number = locale.Phr("history.reconcile.order_not_found")
	}
	gateway, ref := textArg(m.Gateway), textArg(m.ProviderRef)
	ours := locale.Phr("task_question.reconcile.ours_none")
	if m.Kind != MismatchNoRow {
		ours = locale.Phr("task_question.reconcile.ours", amountArg(m.Ours, m.Currency), statusPhrase(m.OurStatus))
	}
	var theirs locale.Phrase
	switch {
	case m.Kind == MismatchNotAtProvider && m.ProviderRef == "":
		theirs = locale.Phr("task_question.reconcile.no_key", gateway, noun)
	case m.Kind == MismatchNotAtProvider:
		theirs = locale.Phr("task_question.reconcile.no_ref", gateway, noun, ref)
	case m.Theirs == 0:
		theirs = locale.Phr("task_question.reconcile.no_amount", gateway, statusPhrase(m.TheirStatus), ref)
	default:
		theirs = locale.Phr("task_question.reconcile.theirs", amountArg(m.Theirs, m.Currency), gateway, statusPhrase(m.TheirStatus), ref)
	}
	var why locale.Phrase
	switch m.Kind {
	case MismatchNoRow:
		why = locale.Phr("task_question.reconcile.no_row")
	case MismatchNotAtProvider:
		why = locale.Phr("task_question.reconcile.not_there", noun)
	case MismatchAmount:
		why = locale.Phr("task_question.reconcile.amount")
	case MismatchRowFailed:
		why = locale.Phr("task_question.reconcile.row_failed", noun)
	case MismatchRowPending:
		why = locale.Phr("task_question.reconcile.row_pending", noun)
	case MismatchProviderFailed:
		why = locale.Phr("task_question.reconcile.provider_failed", noun)
	}
	var whyArg locale.PhraseArg = why
	if why.IsZero() {
		whyArg = textArg("")
	}
	return locale.Phr("task_question.reconcile", gateway, number, noun, textArg(m.Key), ours, theirs, whyArg)
}

// statusPhrase is a refund's status, ours or the provider's (the same
// words: en cours, effectué, échoué…), or the status as it is written.
func statusPhrase(status string) locale.PhraseArg {
	return locale.Label("task_question.reconcile.", status, status)
}
