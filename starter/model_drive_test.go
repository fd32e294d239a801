package starter_test

// Driving the money model's procedures: finding them, answering the tasks
// they open (by the right person, and first by wrong ones, who must be
// refused), pressing the buttons they offer, and telling a procedure that
// waits from one that hangs.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"

	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/payments"
	"github.com/orderdesk/orderdesk/payments/sandbox"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/workflows"
)

// leftOpen is what the model decided for a task it does not answer.
const leftOpen = "left open"

// procState is where one procedure of the sequence stands.
type procState struct {
	running  bool
	waiting  bool   // on a task left open, a customer's payment, a button left unpressed
	what     string // what it waits on, or what it is busy with
	kind     string // the workflow type
	children []string
	confirm  bool     // a collection offering its confirmation button
	pending  []string // activities in progress, for a hang report
}

// drive answers the tasks of the sequence's procedures and returns once
// every procedure has ended or waits on what the model leaves waiting. A
// procedure busy for longer than the hang bound (faults, backoffs and a
// worker restart included) stops the sequence as a violation naming it.
func (m *model) drive() {
	busySince := map[string]time.Time{}
	quiet := 0
	var discovered time.Time
	for !m.aborted {
		if time.Since(discovered) > 300*time.Millisecond || quiet >= 2 {
			m.discover()
			discovered = time.Now()
		}
		progress := m.answerOpenTasks()
		states := m.classify()
		progress = m.pressConfirmations(states) || progress
		var busy []string
		for id, s := range states {
			if s.running && !s.waiting {
				busy = append(busy, id)
			}
		}
		slices.Sort(busy)
		if len(busy) == 0 && !progress {
			if quiet++; quiet >= 3 {
				return
			}
		} else {
			quiet = 0
		}
		now := time.Now()
		for _, id := range busy {
			if busySince[id].IsZero() {
				busySince[id] = now
			}
			if d := now.Sub(busySince[id]); d > m.hangAfter {
				s := states[id]
				m.abort("procedure", "%s hangs: busy for %s with no task to answer (%s); activities: %s%s",
					id, d.Round(time.Second), s.what, strings.Join(s.pending, "; "), m.lastFailure(id))
				return
			}
		}
		for id := range busySince {
			if !slices.Contains(busy, id) {
				delete(busySince, id)
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// lastFailure is the last failed workflow task of a procedure, if any:
// what a procedure busy without any activity is stuck on.
func (m *model) lastFailure(id string) string {
	ctx, cancel := context.WithTimeout(m.ctx, 5*time.Second)
	defer cancel()
	it := m.env.client.GetWorkflowHistory(ctx, id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	last := ""
	var events []string
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			break
		}
		if a := e.GetWorkflowTaskFailedEventAttributes(); a != nil {
			last = fmt.Sprintf("; workflow task failed (%s): %s", a.GetCause(), a.GetFailure().GetMessage())
		}
		events = append(events, strings.TrimPrefix(e.GetEventType().String(), "EVENT_TYPE_"))
	}
	if len(events) > 8 {
		events = events[len(events)-8:]
	}
	return last + "; last events: " + strings.Join(events, ", ")
}

// discover adds the procedures Temporal and the store know on the
// sequence's orders: children that ended before the model saw their
// parent, collections started by a settlement.
func (m *model) discover() {
	ctx, cancel := context.WithTimeout(m.ctx, 5*time.Second)
	defer cancel()
	for _, mo := range m.orders {
		resp, err := m.env.client.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Query: fmt.Sprintf("OrderNumber = '%s'", mo.number)})
		if err == nil {
			for _, e := range resp.GetExecutions() {
				m.track(e.GetExecution().GetWorkflowId())
			}
		}
		if ids, err := m.env.store.CollectionWorkflows(ctx, mo.number); err == nil {
			for _, id := range ids {
				m.track(id)
			}
		}
	}
}

// classify describes every procedure of the sequence still running.
func (m *model) classify() map[string]*procState {
	states := map[string]*procState{}
	ids := make([]string, 0, len(m.procs))
	for id := range m.procs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		if _, done := m.closed[id]; done {
			continue
		}
		s := m.describe(id)
		if s != nil {
			states[id] = s
		}
	}
	// A procedure waits while a child of it waits.
	for changed := true; changed; {
		changed = false
		for _, s := range states {
			if s.waiting {
				continue
			}
			for _, c := range s.children {
				if cs, ok := states[c]; ok && cs.waiting {
					s.waiting, s.what, changed = true, "its child "+c+" waits on "+cs.what, true
					break
				}
			}
		}
	}
	return states
}

// describe says where one procedure stands; nil once it has ended (its
// status is then in m.closed).
func (m *model) describe(id string) *procState {
	ctx, cancel := context.WithTimeout(m.ctx, 5*time.Second)
	defer cancel()
	d, err := m.env.client.DescribeWorkflowExecution(ctx, id, "")
	var nf *serviceerror.NotFound
	switch {
	case errors.As(err, &nf):
		m.closed[id] = "NotFound"
		return nil
	case err != nil:
		return &procState{running: true, what: "describe: " + err.Error()}
	}
	info := d.GetWorkflowExecutionInfo()
	if info.GetStatus() != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
		m.closed[id] = statusName(info.GetStatus())
		return nil
	}
	s := &procState{running: true, kind: info.GetType().GetName(), what: "running"}
	for _, c := range d.GetPendingChildren() {
		s.children = append(s.children, c.GetWorkflowId())
		m.track(c.GetWorkflowId())
	}
	if wt := d.GetPendingWorkflowTask(); wt != nil && wt.GetAttempt() > 1 {
		s.pending = append(s.pending, fmt.Sprintf("workflow task attempt %d", wt.GetAttempt()))
	}
	for _, a := range d.GetPendingActivities() {
		p := fmt.Sprintf("%s attempt %d", a.GetActivityType().GetName(), a.GetAttempt())
		if f := a.GetLastFailure(); f != nil {
			p += ": " + f.GetMessage()
		}
		s.pending = append(s.pending, p)
		s.what = "activity " + p
	}
	if ts := m.openTasks[id]; len(ts) > 0 {
		s.waiting, s.what = true, fmt.Sprintf("task #%d %s", ts[0].ID, ts[0].Kind)
		return s
	}
	if r := m.returns[id]; r != nil && r.parcel == "" && len(d.GetPendingActivities()) == 0 {
		s.waiting, s.what = true, "its parcel"
		return s
	}
	if s.kind == workflows.ProcCollectPayment {
		var c workflows.CollectionState
		qctx, qcancel := context.WithTimeout(m.ctx, 3*time.Second)
		defer qcancel()
		v, err := m.env.client.QueryWorkflow(qctx, id, "", workflows.QueryCollection)
		if err == nil && v.Get(&c) == nil {
			switch {
			case c.Waiting && c.Balance > 0:
				s.waiting, s.what = true, fmt.Sprintf("a payment of %d", c.Balance)
			case c.ConfirmationOffered:
				s.confirm, s.what = true, "its confirmation button"
				s.waiting = m.confirmSeen[id] == leftOpen
			}
		}
	}
	return s
}

func statusName(s enumspb.WorkflowExecutionStatus) string {
	name := strings.TrimPrefix(s.String(), "WORKFLOW_EXECUTION_STATUS_")
	return strings.ToUpper(name[:1]) + strings.ToLower(name[1:])
}

// answerOpenTasks decides on every open task of the sequence's orders not
// decided yet, and notes the tasks left open.
func (m *model) answerOpenTasks() bool {
	m.openTasks = map[string][]store.Task{}
	progress := false
	for _, mo := range m.orders {
		ts, err := m.env.store.ListTasks(m.ctx, mo.id)
		if err != nil {
			continue
		}
		for _, tk := range ts {
			if tk.Status != store.TaskOpen {
				continue
			}
			if _, seen := m.decided[tk.ID]; !seen {
				if tk.WorkflowID != "" {
					m.track(tk.WorkflowID)
				}
				m.answerTask(mo, tk)
				progress = true
			}
			if m.decided[tk.ID] == leftOpen {
				m.openTasks[tk.WorkflowID] = append(m.openTasks[tk.WorkflowID], tk)
			}
		}
	}
	return progress
}

// pressConfirmations decides on each collection's confirmation button:
// mostly pressed, sometimes left for later.
func (m *model) pressConfirmations(states map[string]*procState) bool {
	var ids []string
	for id, s := range states {
		if s.confirm && m.confirmSeen[id] == "" {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	for _, id := range ids {
		number := orderOfKey(id)
		if !m.chance(0.8) {
			m.confirmSeen[id] = leftOpen
			m.log("  %s: confirmation button left unpressed", id)
			continue
		}
		m.confirmSeen[id] = "pressed"
		agent := m.anyAgent()
		if err := m.env.collector.ConfirmPayment(m.ctx, number, m.reqID("conf"), agent); err != nil {
			m.violate("answer", "%s: the payment confirmation by %s was refused: %v", id, agent, err)
		} else {
			m.log("  %s: confirmation sent by %s", id, agent)
		}
	}
	return len(ids) > 0
}

// answer gives an answer to a task as an agent's form does.
func (m *model) answer(tk store.Task, ans workflows.TaskAnswer) error {
	ans.TaskID = tk.ID
	ctx, cancel := context.WithTimeout(m.ctx, 20*time.Second)
	defer cancel()
	return m.env.starter.AnswerTask(ctx, ans)
}

// mustTake gives an answer that must be taken.
func (m *model) mustTake(mo *modelOrder, tk store.Task, ans workflows.TaskAnswer, what string) {
	m.decided[tk.ID] = "answered"
	if err := m.answer(tk, ans); err != nil {
		for p, why := range m.expectFail {
			if strings.HasPrefix(tk.WorkflowID, p) {
				// The operator's cancel raced the answer: refusing it is right.
				m.log("  task #%d %s: %s by %s refused, %s: %v", tk.ID, tk.Kind, what, ans.Agent, why, err)
				m.decided[tk.ID] = leftOpen
				return
			}
		}
		m.violate("answer", "task #%d (%s, %s) on %s: %s by %s was refused: %v", tk.ID, tk.Kind, tk.WorkflowID, mo.number, what, ans.Agent, err)
		m.decided[tk.ID] = leftOpen
		return
	}
	m.log("  task #%d %s (%s, %d): %s by %s", tk.ID, tk.Kind, tk.WorkflowID, tk.Amount, what, ans.Agent)
}

// mustRefuse gives an answer that must be refused, and leaves the task
// open; it reports whether it was refused.
func (m *model) mustRefuse(mo *modelOrder, tk store.Task, ans workflows.TaskAnswer, why string) bool {
	label := "refusal"
	if tk.Kind == workflows.TaskApproveRefund {
		label = "approval"
	}
	err := m.answer(tk, ans)
	m.check()
	if err == nil {
		m.violate(label, "task #%d (%s, %s) on %s: %s by %s was taken, though %s", tk.ID, tk.Kind, tk.WorkflowID, mo.number, ans.Outcome, ans.Agent, why)
		m.decided[tk.ID] = "answered (wrongly)"
		return false
	}
	m.check()
	if got, gerr := m.env.store.GetTask(m.ctx, tk.ID); gerr == nil && got.Status != store.TaskOpen {
		m.violate(label, "task #%d: the refused answer by %s closed it (%s)", tk.ID, ans.Agent, got.Status)
	}
	return true
}

// modelIBAN is the customer's account; modelBadIBAN has a wrong check digit.
const (
	modelIBAN    = "FR76 3000 6000 0112 3456 7890 189"
	modelBadIBAN = "FR76 3000 6000 0112 3456 7890 188"
)

// answerTask decides on one task: left open now and then, else answered
// by the right person, sometimes after a wrong one was refused.
func (m *model) answerTask(mo *modelOrder, tk store.Task) {
	known := []string{workflows.TaskApproveRefund, workflows.TaskRefundByHand, workflows.TaskPayback, workflows.TaskChequeSent, workflows.TaskChequeMailed, workflows.TaskReviewEmail, workflows.TaskInspectReturn}
	if !slices.Contains(known, tk.Kind) || m.chance(0.08) {
		m.decided[tk.ID] = leftOpen
		m.log("  task #%d %s (%s, %d): left open", tk.ID, tk.Kind, tk.WorkflowID, tk.Amount)
		return
	}
	if m.chance(0.15) {
		m.mustRefuse(mo, tk, workflows.TaskAnswer{Outcome: tk.Options[0], Agent: modelStranger, Reason: "x", IBAN: modelIBAN, AccountName: "x", Address: "billing", Reference: "1"},
			modelStranger+" is no agent of the shop")
		if m.decided[tk.ID] != "" {
			return
		}
	}
	switch tk.Kind {
	case workflows.TaskApproveRefund:
		m.answerApproval(mo, tk)
	case workflows.TaskRefundByHand:
		agent := m.anyAgent()
		if m.chance(0.7) {
			ref, err := m.refundByHand(mo, tk)
			if err == nil {
				m.mustTake(mo, tk, workflows.TaskAnswer{Outcome: workflows.AnswerRefundDone, ProviderRef: ref, Agent: agent}, "refund done ("+ref+")")
				return
			}
			m.log("  task #%d: the refund by hand failed at the provider: %v", tk.ID, err)
		}
		if m.chance(0.3) && !m.mustRefuse(mo, tk, workflows.TaskAnswer{Outcome: workflows.AnswerRefundImpossible, Agent: agent}, "a refund impossible needs its reason") {
			return
		}
		m.mustTake(mo, tk, workflows.TaskAnswer{Outcome: workflows.AnswerRefundImpossible, Reason: "compte PayPal fermé", Agent: agent}, "refund impossible")
	case workflows.TaskPayback:
		typer := m.plainAgent()
		if m.chance(0.3) {
			typer = m.anyAgent()
		}
		m.typer[settlementOf(tk)] = typer
		switch r := m.rng.IntN(10); {
		case r < 4:
			if m.chance(0.2) && !m.mustRefuse(mo, tk, workflows.TaskAnswer{Outcome: workflows.AnswerPaybackTransfer, IBAN: modelBadIBAN, AccountName: "Camille Martin", Agent: typer}, "the IBAN is mistyped") {
				return
			}
			name := "Camille Martin"
			if m.chance(0.1) {
				name = "Camille Martin (compte closed)" // the bank declines: asked again
			}
			m.mustTake(mo, tk, workflows.TaskAnswer{Outcome: workflows.AnswerPaybackTransfer, IBAN: modelIBAN, AccountName: name, Agent: typer}, "pay back by transfer to "+name)
		case r < 7:
			m.mustTake(mo, tk, workflows.TaskAnswer{Outcome: workflows.AnswerPaybackCheque, Address: "billing", Agent: typer}, "pay back by cheque")
		default:
			m.mustTake(mo, tk, workflows.TaskAnswer{Outcome: workflows.AnswerPaybackStoreCredit, Agent: typer}, "pay back by store credit")
		}
	case workflows.TaskChequeSent:
		if m.chance(0.6) {
			m.mustTake(mo, tk, workflows.TaskAnswer{Outcome: workflows.AnswerChequeSent, Address: "billing", Agent: m.anyAgent()}, "the cheque was sent")
		} else {
			m.mustTake(mo, tk, workflows.TaskAnswer{Outcome: workflows.AnswerChequeNotSent, Agent: m.anyAgent()}, "the cheque was not sent")
		}
	case workflows.TaskChequeMailed:
		if m.mailAsked[tk.WorkflowID]++; m.mailAsked[tk.WorkflowID] > 1 {
			m.decided[tk.ID] = leftOpen
			m.log("  task #%d %s (%s, %d): asked again, left open", tk.ID, tk.Kind, tk.WorkflowID, tk.Amount)
			return
		}
		m.mustTake(mo, tk, workflows.TaskAnswer{Outcome: workflows.AnswerChequeMailed, Reference: "00" + m.reqID(""), Agent: m.anyAgent()}, "cheque mailed")
	case workflows.TaskInspectReturn:
		m.answerInspection(mo, tk)
	case workflows.TaskReviewEmail:
		switch r := m.rng.IntN(10); {
		case r < 5:
			m.mustTake(mo, tk, workflows.TaskAnswer{Outcome: workflows.AnswerSend, Agent: m.anyAgent()}, "send the email")
		case r < 8:
			m.mustTake(mo, tk, workflows.TaskAnswer{Outcome: workflows.AnswerSendWithNote, Note: "Merci de votre patience.", Agent: m.anyAgent()}, "send the email with a note")
		default:
			m.mustTake(mo, tk, workflows.TaskAnswer{Outcome: workflows.AnswerDontSend, Agent: m.anyAgent()}, "do not send the email")
		}
	}
}

// refundByHand is what the agent does before answering "refund done":
// refund in the provider's back office, which has no idempotency key of
// ours. A PayPal refund is outside the model's provider: its reference is
// the agent's word.
func (m *model) refundByHand(mo *modelOrder, tk store.Task) (string, error) {
	if mo.pay == payPayPal {
		return "PP-" + m.reqID(""), nil
	}
	ps, err := m.env.store.ListPayments(m.ctx, mo.id)
	if err != nil {
		return "", err
	}
	paymentRef := ""
	for i := len(ps) - 1; i >= 0 && paymentRef == ""; i-- {
		if (ps[i].Method == string(order.PayCard) || ps[i].Method == string(order.PayBankTransfer)) && ps[i].Reference != "" {
			paymentRef = ps[i].Reference
		}
	}
	if paymentRef == "" {
		return "", errors.New("no payment at the provider to refund")
	}
	// The back office works whatever the API's faults.
	saved := m.sb.Faults()
	m.sb.SetFaults(sandbox.Faults{Seed: saved.Seed})
	defer m.sb.SetFaults(saved)
	ctx, cancel := context.WithTimeout(m.ctx, 10*time.Second)
	defer cancel()
	res, err := m.client.Refund(ctx, payments.RefundRequest{
		Amount: tk.Amount, Currency: "EUR", PaymentRef: paymentRef, Reference: mo.number,
		IdempotencyKey: fmt.Sprintf("dashboard/%s/%d", mo.number, tk.ID), Reason: "remboursement à la main",
	})
	return res.ProviderRef, err
}

// answerApproval has wrong people try to approve first (the requester, an
// agent, a stranger), each of whom must be refused, then a supervisor who
// did not ask approves or rejects.
func (m *model) answerApproval(mo *modelOrder, tk store.Task) {
	settle := settlementOf(tk)
	payback := strings.Contains(tk.Key, "/task/approve-payback-")
	requester := m.requester[settle]
	// Where a payback goes is approved by neither who typed it nor who
	// asked for the refund.
	var asked string
	if payback {
		requester, asked = m.typer[settle], requester
	}
	approve := func(agent string) workflows.TaskAnswer {
		return workflows.TaskAnswer{Outcome: workflows.AnswerApprove, Agent: agent}
	}
	var wrong []string
	if requester != "" && m.chance(0.6) {
		wrong = append(wrong, requester)
	}
	if m.chance(0.5) {
		wrong = append(wrong, m.plainAgent())
	}
	if m.chance(0.3) {
		wrong = append(wrong, modelStranger)
	}
	if asked != "" && asked != requester && m.chance(0.5) {
		wrong = append(wrong, asked)
	}
	for _, w := range compactStrings(wrong) {
		why := "only a supervisor who did not ask may approve"
		switch w {
		case requester:
			why = w + " asked for it"
		case asked:
			why = w + " asked for the refund whose payback this approves"
		}
		if !m.mustRefuse(mo, tk, approve(w), why) {
			return
		}
	}
	var approvers []string
	for _, a := range modelAgents {
		if supervisor(m.roleOf(a)) && a != requester && a != asked {
			approvers = append(approvers, a)
		}
	}
	if requester == "" {
		m.log("  task #%d %s (%s): the model does not know who asked", tk.ID, tk.Kind, settle)
	}
	if len(approvers) == 0 {
		m.decided[tk.ID] = leftOpen
		m.log("  task #%d %s (%s, %d): no supervisor but %s may approve: left open", tk.ID, tk.Kind, settle, tk.Amount, requester)
		return
	}
	approver := approvers[m.rng.IntN(len(approvers))]
	if m.chance(0.25) {
		m.mustTake(mo, tk, workflows.TaskAnswer{Outcome: workflows.AnswerReject, Reason: "montant trop élevé", Agent: approver}, "reject")
		mo.kept = fmt.Sprintf("%s rejected the refund of %d (%s)", approver, tk.Amount, settle)
		return
	}
	m.mustTake(mo, tk, approve(approver), fmt.Sprintf("approve (asked by %s)", requester))
}

func compactStrings(s []string) []string {
	var out []string
	for _, x := range s {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}
