package workflows

// The settlement of a difference with the customer, which settle-difference
// (settle_difference.go) runs as a workflow of its own and a lean
// modify-content, cancel-refund or edit-details runs inside itself
// (procedure.settle): by the settlement's kind, a supervisor's approval
// above the limit, the refund through the provider or by an agent's hand,
// the payback when the means of payment cannot take the money back
// (payback.go), the cheque question, the balance due, the credit note.

import (
	"errors"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
)

// settle is one settlement under way: its input, whose steps and tasks
// these are, and the versions it runs at.
type settle struct {
	in      SettleInput
	resolve bool // version "refund-resolve": compensation asks the provider
	v1      bool // version "settlement-kinds": settled by kind
	// actor is whose tasks and records these are: the settlement's own
	// workflow, or the procedure it runs inside (a lean procedure).
	actor activities.Actor
	// base is what the settlement's keys start with: its workflow id, or
	// the procedure's + "/settle" inside a lean procedure.
	base  string
	state *State
	ask   *asker
	// credited: the refund was recorded with its credit note, one step
	// (LeanFewerSteps); execute issues none after it.
	credited bool
}

func newSettle(in SettleInput, actor activities.Actor, base string, state *State, ask *asker) *settle {
	return &settle{in: in, actor: actor, base: base, state: state, ask: ask}
}

// execute settles, then issues the credit note of a refund made after
// the order was invoiced.
func (s *settle) execute(ctx workflow.Context) (SettleResult, error) {
	res, err := s.run(ctx)
	// Version 1 issues the credit note of a refund after an invoice;
	// settlements that started before it replay without it.
	if err == nil && !s.in.NoCreditNote && !s.credited && since(ctx, "credit-note-after-refund") {
		err = s.creditNote(ctx, &res)
	}
	return res, err
}

// kind is the settlement's kind, said by the caller or read from the
// amounts: money received to give back (a reduction or an overpayment), a
// cheque expected and not recorded yet, or a balance the customer owes.
func (s *settle) kind() order.SettlementKind {
	in := s.in
	switch {
	case in.Kind != "":
		return in.Kind
	case in.Refund > 0:
		return order.SettleRefund
	case in.ChequeDifference > 0 && in.Method == order.PayCheque:
		return order.SettleReplacementCheque
	case in.BalanceDue > 0:
		return order.SettleBalanceDue
	}
	return order.SettleNothing
}

func (s *settle) run(ctx workflow.Context) (SettleResult, error) {
	// Version 1 settles by explicit kind: money already received is given
	// back (a cheque customer is asked how, never whether their cheque was
	// sent), and money leaving to an account or an address typed by an
	// agent waits for a supervisor above the limit.
	if since(ctx, "settlement-kinds") {
		return s.runByKind(ctx)
	}
	in := s.in
	switch {
	case in.Method == order.PayCheque && max(in.Refund, in.ChequeDifference) > 0:
		return s.cheque(ctx, max(in.Refund, in.ChequeDifference))
	case in.Refund > 0:
		if res, ok, err := s.approve(ctx, in.Refund); err != nil || !ok {
			return res, err
		}
		return s.refund(ctx, in.Refund)
	case in.BalanceDue > 0:
		return s.balanceDue(ctx)
	}
	return SettleResult{Outcome: activities.OutcomeNone}, nil
}

// runByKind is run for settlements of version 1 and later.
func (s *settle) runByKind(ctx workflow.Context) (SettleResult, error) {
	in := s.in
	s.v1 = true
	switch s.kind() {
	case order.SettleRefund, order.SettleOverpayment:
		if in.Refund <= 0 {
			return SettleResult{Outcome: activities.OutcomeNone}, nil
		}
		if res, ok, err := s.approve(ctx, in.Refund); err != nil || !ok {
			return res, err
		}
		if in.Gesture > 0 {
			note := "geste commercial"
			if in.GestureNote != "" {
				note = in.GestureNote
			}
			if err := s.factAbout(ctx, order.EntryGesture, min(in.Gesture, in.Refund), s.base+"/", note); err != nil {
				return SettleResult{}, err
			}
		}
		if in.Method == order.PayCheque {
			// The customer's cheque is cashed: their money goes back by
			// the means they choose with the agent.
			return s.payback(ctx, in.Refund)
		}
		return s.refund(ctx, in.Refund)
	case order.SettleReplacementCheque:
		if in.ChequeDifference <= 0 {
			return SettleResult{Outcome: activities.OutcomeNone}, nil
		}
		return s.cheque(ctx, in.ChequeDifference)
	case order.SettleBalanceDue:
		if in.BalanceDue <= 0 {
			return SettleResult{Outcome: activities.OutcomeNone}, nil
		}
		return s.balanceDue(ctx)
	}
	return SettleResult{Outcome: activities.OutcomeNone}, nil
}

// fact records a money fact of the settlement in the order's ledger (a
// replacement cheque expected, a balance due): what the procedure decided,
// next to what the money did. Settlements before version 1 record none.
func (s *settle) fact(ctx workflow.Context, kind order.EntryKind, amount int64, note string) error {
	return s.factAbout(ctx, kind, amount, "", note)
}

// factAbout is fact about the refunds whose keys start with ref.
func (s *settle) factAbout(ctx workflow.Context, kind order.EntryKind, amount int64, ref, note string) error {
	if !s.v1 {
		return nil
	}
	var money *activities.Money
	return db(ctx, money.RecordFact, activities.FactInput{
		OrderNumber: s.in.OrderNumber, Actor: s.actor, Key: s.base + "/" + string(kind),
		Kind: kind, Amount: amount, Ref: ref, Note: note,
	}).Get(ctx, nil)
}

// approve asks a supervisor when the refund is above the limit.
func (s *settle) approve(ctx workflow.Context, amount int64) (SettleResult, bool, error) {
	return s.approveBy(ctx, amount, []string{s.in.Agent}, "approve", locale.Phr("task_question.approve_refund",
		amountOf(amount, s.in.Currency), textOf(s.in.Agent), amountOf(s.in.ApproveAbove, s.in.Currency)))
}

// approveBy asks a supervisor who is none of requesters to approve money
// leaving above the limit; key names the step, question what is approved.
func (s *settle) approveBy(ctx workflow.Context, amount int64, requesters []string, key string, question locale.Phrase) (SettleResult, bool, error) {
	if s.in.ApproveAbove <= 0 || amount <= s.in.ApproveAbove {
		return SettleResult{}, true, nil
	}
	s.ask.requesters = requesters
	defer func() { s.ask.requesters = nil }()
	step := s.state.begin(key, text(LabelApproveRefund))
	ans, err := s.ask.ask(ctx, key, TaskApproveRefund, question, amount, []string{AnswerApprove, AnswerReject})
	if err != nil {
		return SettleResult{}, false, err
	}
	if ans.Outcome == AnswerReject {
		s.state.end(step, StepDone, text(DetailRejected, textArg("reason", ans.Reason)))
		return SettleResult{Outcome: activities.OutcomeRefundRejected, Amount: amount, Reason: ans.Reason}, false, nil
	}
	s.state.end(step, StepDone, text(DetailApproved, textArg("agent", ans.Agent)))
	return SettleResult{}, true, nil
}

// refund gives money back on the means the customer paid with: through
// the gateway when there is one, else by hand; impossible -> payback.
func (s *settle) refund(ctx workflow.Context, amount int64) (SettleResult, error) {
	var orders *activities.Orders
	var money *activities.Money
	key := s.base + "/refund"
	refund := activities.RefundInput{OrderNumber: s.in.OrderNumber, Actor: s.actor, Key: key, Amount: amount, Method: s.in.Method, Status: "pending"}

	step := s.state.begin("refund", text(LabelRefund, moneyArg("amount", amount, s.in.Currency), methodArg("method", s.in.Method)))
	// Version 1: a stopped refund is resolved on the provider's word, and
	// an operator's cancel waits for the provider call in flight to end.
	s.resolve = since(ctx, "refund-resolve")
	if err := db(ctx, orders.ReserveRefund, refund).Get(ctx, nil); err != nil {
		s.state.endError(step, err)
		return SettleResult{}, err
	}
	// The reserved refund counts as given back: a collection running on
	// the order asks from now on for what the order owes with it, not
	// only once the refund (perhaps by an agent's hand) is done.
	if s.resolve && since(ctx, "tell-after-reserve") && mayCollect(ctx, s.in.NoCollection) {
		tellRunningCollection(ctx, s.in.OrderNumber, s.actor, "the reserved refund")
	}
	popts := providerActivity
	if s.resolve {
		popts.WaitForCancellation = true
	}
	// A lean procedure asks first whether a provider refunds this means:
	// without one, no provider step is scheduled only to say so. From
	// LeanOutbox on, the first try inside the workflow task says it.
	automatic := true
	if isLean(ctx) && !leanSince(ctx, LeanOutbox) {
		if err := db(ctx, money.RefundsAutomatically, s.in.Method).Get(ctx, &automatic); err != nil {
			s.compensate(ctx, refund, err)
			s.state.endError(step, err)
			return SettleResult{}, err
		}
	}
	var gw activities.GatewayOutcome
	var err error
	if !automatic {
		gw.Outcome = activities.GatewayUnsupported
	} else {
		gin := activities.GatewayRefundInput{OrderNumber: s.in.OrderNumber, Actor: s.actor, Key: key, Method: s.in.Method}
		if isLean(ctx) {
			// The step tells agents itself when it retries for long: no
			// timer for the server to keep on every refund.
			gin.Stuck = &activities.StuckNotice{
				Since: workflow.Now(ctx), After: s.in.refundStuckAfter(), Key: s.base + "/task/refund-stuck",
				Kind: TaskRefundStuck, Question: s.stuckQuestion(amount).French(), QuestionPhrase: s.stuckQuestion(amount), Amount: amount, Options: []string{AnswerNoted},
			}
		}
		settled := false
		if leanSince(ctx, LeanOutbox) {
			settled, err = s.refundAtOnce(ctx, gin, &gw)
		}
		if !settled {
			gin.Tried = leanSince(ctx, LeanOutbox)
			sent := workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, popts), money.RefundThroughGateway, gin)
			if s.resolve && !isLean(ctx) {
				err = s.awaitProvider(ctx, sent, &gw, amount)
			} else {
				err = sent.Get(ctx, &gw)
			}
		}
	}
	byHand := locale.Phr("task_question.refund_by_hand", amountOf(amount, s.in.Currency), methodOf(s.in.Method))
	if err != nil {
		if !s.resolve || !providerRefused(err) {
			s.compensate(ctx, refund, err)
			s.state.endError(step, err)
			return SettleResult{}, err
		}
		// The provider refused the request itself (our API key, bad
		// data): no money moved, and retrying cannot help; an agent does
		// it by hand while an operator looks at the provider.
		gw = activities.GatewayOutcome{Outcome: activities.GatewayUnsupported}
		byHand = locale.Phr("task_question.refund_refused", textOf(refusalMessage(err)), amountOf(amount, s.in.Currency), methodOf(s.in.Method))
	}
	var outcome, reason, ref string
	switch gw.Outcome {
	case activities.GatewaySucceeded:
		outcome, ref = AnswerRefundDone, gw.ProviderRef
	case activities.GatewayDeclined:
		outcome, reason = AnswerRefundImpossible, gw.Reason
	default: // no API: by hand
		options := []string{AnswerRefundDone, AnswerRefundImpossible}
		var ans TaskAnswer
		var err error
		if leanSince(ctx, LeanFewerSteps) {
			// The refund's record closes the task: one step fewer
			// between the agent's answer and its return.
			ans, refund.Close, err = s.ask.askClosingWith(ctx, "refund", TaskRefundByHand, byHand, amount, options)
		} else {
			ans, err = s.ask.ask(ctx, "refund", TaskRefundByHand, byHand, amount, options)
		}
		if err != nil {
			s.compensate(ctx, refund, err)
			return SettleResult{}, err
		}
		refund.Actor.Agent = ans.Agent
		outcome, reason, ref = ans.Outcome, ans.Reason, ans.ProviderRef
	}
	if outcome == AnswerRefundDone {
		refund.Status, refund.ProviderRef = "succeeded", ref
		res := SettleResult{Outcome: activities.OutcomeRefunded, Amount: amount, Means: string(s.in.Method), ProviderRef: ref}
		if err := s.recordRefundDone(ctx, refund, &res); err != nil {
			return SettleResult{}, err
		}
		s.state.end(step, StepDone, text(DetailRefundDone))
		return res, nil
	}
	refund.Status, refund.Reason = "impossible", reason
	if err := db(ctx, orders.SettleRefund, refund).Get(ctx, nil); err != nil {
		return SettleResult{}, err
	}
	s.state.end(step, StepDone, text(DetailRefundImpossible, textArg("reason", reason)))
	res, err := s.payback(ctx, amount)
	if res.Reason == "" {
		res.Reason = reason
	}
	return res, err
}

// refundAtOnce is the first try of a provider refund, inside the workflow
// task (LeanOutbox): it reports whether that try settled the step, with
// the provider's outcome in gw (done, declined, or no provider for this
// means) or the provider's refusal of the request itself in err. Anything
// else (an outage, a timeout, an answer lost) leaves the refund to the
// regular activity, with the same idempotency key: the provider makes it
// once whatever the tries.
func (s *settle) refundAtOnce(ctx workflow.Context, in activities.GatewayRefundInput, gw *activities.GatewayOutcome) (bool, error) {
	var money *activities.Money
	err := workflow.ExecuteLocalActivity(workflow.WithLocalActivityOptions(ctx, providerLocal), money.RefundThroughGateway, in).Get(ctx, gw)
	switch {
	case err == nil:
		return true, nil
	case providerRefused(err):
		return true, err
	default:
		*gw = activities.GatewayOutcome{}
		return false, nil
	}
}

// awaitProvider waits for the provider's answer to a refund. When it is
// still retrying after Settings.RefundStuckAfter (a provider down, answers
// lost), an agent task "refund stuck" tells the shop while the step goes on
// retrying with the same key; the task closes itself once the provider
// answers. No procedure waits on that task's answer.
func (s *settle) awaitProvider(ctx workflow.Context, sent workflow.Future, out *activities.GatewayOutcome, amount int64) error {
	var orders *activities.Orders
	answered := false
	tctx, stopTimer := workflow.WithCancel(ctx)
	sel := workflow.NewSelector(ctx)
	sel.AddFuture(sent, func(workflow.Future) { answered = true })
	sel.AddFuture(workflow.NewTimer(tctx, s.in.refundStuckAfter()), func(workflow.Future) {})
	sel.Select(ctx)
	stopTimer()
	if answered {
		return sent.Get(ctx, out)
	}
	key := s.base + "/task/refund-stuck"
	question := s.stuckQuestion(amount)
	if err := db(ctx, orders.OpenTask, activities.TaskInput{
		OrderNumber: s.in.OrderNumber, Actor: s.actor, Key: key, Kind: TaskRefundStuck,
		Question: question.French(), QuestionPhrase: question, Amount: amount, Options: []string{AnswerNoted},
	}).Get(ctx, nil); err != nil {
		return err
	}
	setDetails(ctx, s.in.OrderNumber, "Remboursement bloqué chez le prestataire : une tâche prévient les agents")
	err := sent.Get(ctx, out)
	dctx, _ := workflow.NewDisconnectedContext(ctx)
	_ = db(dctx, orders.CloseTask, activities.CloseTaskInput{
		OrderNumber: s.in.OrderNumber, Actor: s.actor, Key: key, Status: "cancelled", Summary: "le prestataire a répondu",
		Said: locale.Phr("history.closed.provider_answered"),
	}).Get(dctx, nil)
	return err
}

// stuckQuestion is what agents read of a refund still waiting on its
// provider after Settings.RefundStuckAfter.
func (s *settle) stuckQuestion(amount int64) locale.Phrase {
	return locale.Phr("task_question.refund_stuck", amountOf(amount, s.in.Currency), methodOf(s.in.Method), waitOf(s.in.refundStuckAfter()))
}

// providerRefused reports whether a provider step failed because the
// provider refused the request itself (our API key, the request's data):
// retrying cannot help, and no money moved.
func providerRefused(err error) bool {
	var app *temporal.ApplicationError
	return errors.As(err, &app) && (app.Type() == activities.ErrTypeProviderAuth || app.Type() == activities.ErrTypeProviderInvalid)
}

// refusalMessage is the provider's refusal in its own words.
func refusalMessage(err error) string {
	var app *temporal.ApplicationError
	if errors.As(err, &app) {
		return app.Message()
	}
	return err.Error()
}

// cheque is the shop's cheque branch: has the customer already sent it?
func (s *settle) cheque(ctx workflow.Context, amount int64) (SettleResult, error) {
	step := s.state.begin("cheque", text(LabelChequeSent))
	ans, err := s.ask.ask(ctx, "cheque", TaskChequeSent, locale.Phr("task_question.cheque_sent", amountOf(amount, s.in.Currency)),
		amount, []string{AnswerChequeSent, AnswerChequeNotSent})
	if err != nil {
		return SettleResult{}, err
	}
	if ans.Outcome == AnswerChequeNotSent {
		if err := s.fact(ctx, order.EntryReplacementCheque, amount, "le premier chèque est annulé ; un chèque du nouveau montant le remplace"); err != nil {
			return SettleResult{}, err
		}
		s.state.end(step, StepDone, text(DetailChequeNotSent))
		return SettleResult{Outcome: activities.OutcomeChequeReplaced}, nil
	}
	s.state.end(step, StepDone, text(DetailChequeAlreadySent))
	if res, ok, err := s.approve(ctx, amount); err != nil || !ok {
		return res, err
	}
	addr, err := ans.chequeAddress().Resolve(s.in.Billing, s.in.Delivery)
	if err != nil {
		return SettleResult{}, err
	}
	return s.chequeRefund(ctx, s.base+"/refund", amount, addr)
}

// chequeRefund records the cheque refund request and starts mail-cheque,
// which tracks it until an agent mails the cheque; the settlement does not
// wait for the post.
func (s *settle) chequeRefund(ctx workflow.Context, key string, amount int64, addr order.Address) (SettleResult, error) {
	var money *activities.Money
	step := s.state.begin("cheque-request", text(LabelChequeRequest))
	in := activities.ChequeInput{OrderNumber: s.in.OrderNumber, Actor: s.actor, Key: key, Amount: amount, Address: addr}
	if err := db(ctx, money.RequestChequeRefund, in).Get(ctx, nil); err != nil {
		return SettleResult{}, err
	}
	cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID:        key + "/mail-cheque",
		ParentClosePolicy: enumspb.PARENT_CLOSE_POLICY_ABANDON,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			AttrOrderNumber.ValueSet(s.in.OrderNumber), AttrOrderProcedure.ValueSet(ProcMailCheque), AttrAwaitingAgent.ValueSet(true),
		),
	})
	child := workflow.ExecuteChildWorkflow(cctx, ProcMailCheque, MailChequeInput{
		OrderNumber: s.in.OrderNumber, Agent: s.in.Agent, RefundKey: key, Amount: amount, Currency: s.in.Currency, Address: addr,
		Settings: s.in.Settings,
	})
	if err := child.GetChildWorkflowExecution().Get(ctx, nil); err != nil {
		var started *temporal.ChildWorkflowExecutionAlreadyStartedError
		if !errors.As(err, &started) {
			return SettleResult{}, err
		}
	}
	s.state.end(step, StepDone, text(DetailChequeToMail, moneyArg("amount", amount, s.in.Currency), textArg("name", addr.Name), textArg("city", addr.City)))
	return SettleResult{Outcome: activities.OutcomeChequeRefund, Amount: amount, Means: string(order.PaybackCheque), ChequeAddress: &addr}, nil
}

// balanceDue hands the difference to collect-payment, which asks the customer for it and waits for the payment on its own
// timers; the settlement does not wait for the customer.
func (s *settle) balanceDue(ctx workflow.Context) (SettleResult, error) {
	step := s.state.begin("balance", text(LabelBalanceDue))
	if err := s.fact(ctx, order.EntryBalanceDue, s.in.BalanceDue, "reste à payer après la modification de la commande"); err != nil {
		s.state.endError(step, err)
		return SettleResult{}, err
	}
	if s.v1 {
		// A collection already running on the order is told of the new
		// total: the customer is never asked twice at once. If telling
		// fails, asking twice is better than not asking: a collection of
		// its own.
		if told := tellRunningCollection(ctx, s.in.OrderNumber, s.actor, "the balance"); len(told) > 0 {
			s.state.end(step, StepDone, text(DetailBalanceAsked, moneyArg("amount", s.in.BalanceDue, s.in.Currency), textArg("procedure", told[0])))
			return SettleResult{Outcome: activities.OutcomeBalanceDue, BalanceDue: s.in.BalanceDue}, nil
		}
	}
	mode := activities.CollectManual
	if s.in.Method.Direct() {
		mode = activities.CollectLink
	}
	id := s.base + "/collect"
	cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID:        id,
		ParentClosePolicy: enumspb.PARENT_CLOSE_POLICY_ABANDON,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			AttrOrderNumber.ValueSet(s.in.OrderNumber), AttrOrderProcedure.ValueSet(ProcCollectPayment), AttrAwaitingAgent.ValueSet(false),
		),
	})
	child := workflow.ExecuteChildWorkflow(cctx, ProcCollectPayment, CollectPaymentInput{
		OrderNumber: s.in.OrderNumber, RequestID: "balance", Agent: s.in.Agent, Mode: mode,
		BalanceDue: s.in.BalanceDue, Reason: activities.BalanceReasonChange, Settings: s.in.Settings,
	})
	if err := child.GetChildWorkflowExecution().Get(ctx, nil); err != nil {
		var started *temporal.ChildWorkflowExecutionAlreadyStartedError
		if !errors.As(err, &started) {
			s.state.endError(step, err)
			return SettleResult{}, err
		}
	}
	s.state.end(step, StepDone, text(DetailBalanceAsked, moneyArg("amount", s.in.BalanceDue, s.in.Currency), textArg("procedure", id)))
	return SettleResult{Outcome: activities.OutcomeBalanceDue, BalanceDue: s.in.BalanceDue}, nil
}

// recordRefundDone records a refund made (its row and history line), and
// from LeanFewerSteps on its credit note in the same step
// (activities.Collect.SettleRefundCredited).
func (s *settle) recordRefundDone(ctx workflow.Context, refund activities.RefundInput, res *SettleResult) error {
	if !leanSince(ctx, LeanFewerSteps) || s.in.NoCreditNote || !s.creditNoteDue(res.Outcome) {
		var orders *activities.Orders
		return db(ctx, orders.SettleRefund, refund).Get(ctx, nil)
	}
	var collect *activities.Collect
	var ref activities.CreditNoteRef
	if err := db(ctx, collect.SettleRefundCredited, refund).Get(ctx, &ref); err != nil {
		return err
	}
	s.credited, res.CreditNote = true, ref.Number
	return nil
}

// creditNoteDue says whether a settlement that ended with outcome issues
// a credit note when the order was invoiced.
func (s *settle) creditNoteDue(outcome string) bool {
	if s.v1 && s.kind() == order.SettleOverpayment {
		return false // money paid beyond the invoice: no invoiced amount to credit
	}
	switch outcome {
	case activities.OutcomeRefunded, activities.OutcomeBankTransfer, activities.OutcomeStoreCredit:
		return true
	}
	return false
}

// creditNote issues the credit note of a refund made after the order was
// invoiced ("un avoir"). A cheque refund gets its note when
// the cheque is mailed.
func (s *settle) creditNote(ctx workflow.Context, res *SettleResult) error {
	if !s.creditNoteDue(res.Outcome) {
		return nil
	}
	var collect *activities.Collect
	key := s.base + "/refund"
	if res.Outcome != activities.OutcomeRefunded {
		key = s.base + "/payback"
	}
	var ref activities.CreditNoteRef
	if err := db(ctx, collect.IssueCreditNote, activities.CreditNoteInput{
		OrderNumber: s.in.OrderNumber, Actor: s.actor, RefundKey: key, Amount: res.Amount, Reason: "remboursement",
	}).Get(ctx, &ref); err != nil {
		return err
	}
	res.CreditNote = ref.Number
	return nil
}

// compensate settles a reserved refund when the procedure stops before it
// knew the outcome (cancelled by an operator, or failed for good). It never
// assumes that no money moved: a refund handed to the provider is settled
// on the provider's word, asked by its key (activities.ResolveRefund).
func (s *settle) compensate(ctx workflow.Context, refund activities.RefundInput, cause error) {
	var orders *activities.Orders
	var money *activities.Money
	dctx, _ := workflow.NewDisconnectedContext(ctx)
	why := locale.Phr("history.refund.stopped", textOf(cause.Error()))
	var canceled *temporal.CanceledError
	if errors.As(cause, &canceled) {
		why = locale.Phr("history.refund.cancelled")
	}
	reason := why.French()
	if s.resolve {
		_ = workflow.ExecuteActivity(dctx, money.ResolveRefund, activities.ResolveInput{
			OrderNumber: s.in.OrderNumber, Actor: s.actor, Key: refund.Key, Method: s.in.Method, Cause: reason, Why: why,
		}).Get(dctx, nil)
		return
	}
	refund.Status, refund.Reason, refund.Why = "failed", reason, why
	_ = db(dctx, orders.SettleRefund, refund).Get(dctx, nil)
}

// settlementOf is the settlement of a change as the domain said it
// (order.SettleChange); a change step recorded before the domain said so
// is read again with the figures it recorded.
func settlementOf(s order.Settlement, method order.PaymentMethod, before, after int64) order.Settlement {
	if s.Kind != "" {
		return s
	}
	return order.SettleChange(method, order.PaidOnly(s.PaidNet), before, after)
}
