package starter_test

// The operations of the money model: what agents, customers, the provider
// and operators do to an order, each drawn with its weight. Each starts
// what the starter offers, as the web UI and the CLI do, then drives the
// procedures until they end or wait on something the model leaves waiting.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/payments/sandbox"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/workflows"
)

// modelOp is one thing done to an order. run reports false when it does
// not apply to the sequence's orders as they are (another is drawn).
type modelOp struct {
	name   string
	weight int
	faults bool // the provider may misbehave meanwhile
	run    func(m *model) bool
}

var modelOps = []modelOp{
	{"modify content", 24, true, (*model).opModifyContent},
	{"cancel/refund", 22, true, (*model).opCancelRefund},
	{"record payment", 18, true, (*model).opRecordPayment},
	{"provider payment", 6, true, (*model).opProviderPayment},
	{"edit shipping fee", 12, true, (*model).opEditShipping},
	{"operator cancel", 8, false, (*model).opOperatorCancel},
	{"return", 14, true, (*model).opReturn},
	{"create invoice", 6, false, (*model).opCreateInvoice},
}

// opCreateInvoice is an agent's « Créer une facture » on an order: the
// order's first invoice, or a supplementary one when it holds more than
// its invoices, or a refusal (nothing more to invoice). The procedures
// that follow refund and credit against it.
func (m *model) opCreateInvoice() bool {
	mo := m.pick()
	o, ok := m.get(mo)
	if !ok {
		return true
	}
	if o.Status == order.StatusCancelled {
		return false
	}
	agent := m.anyAgent()
	desc := fmt.Sprintf("create invoice %s by %s", mo.number, agent)
	before := m.footprint(mo)
	inv, err := m.env.collector.CreateInvoice(m.ctx, mo.number, m.reqID("inv"), agent)
	if err != nil {
		m.refused(mo, before, desc, err)
		return true
	}
	m.logOp("%s: %s of %d", desc, inv.Number, inv.Total)
	return true
}

// modelFault is a way the provider misbehaves during one operation. Each
// is short, so a sequence ends in seconds: a failure streak is capped, an
// outage lasts a second.
type modelFault struct {
	name   string
	weight int
	set    func(m *model)
}

var modelFaults = []modelFault{
	{"none", 70, func(*model) {}},
	{"errors 30%", 8, func(m *model) {
		m.sb.SetFaults(sandbox.Faults{ErrorRate: 0.3, MaxStreak: 1, Seed: m.rng.Uint64()})
	}},
	{"accept then drop", 8, func(m *model) { m.sb.SetFaults(sandbox.Faults{DropNext: 1}) }},
	{"drops 30%", 5, func(m *model) { m.sb.SetFaults(sandbox.Faults{DropRate: 0.3, Seed: m.rng.Uint64()}) }},
	{"outage 1s", 7, func(m *model) { m.sb.OutageFor(time.Second) }},
	{"API key revoked", 2, func(m *model) { m.sb.SetFaults(sandbox.Faults{Unauthorized: true}) }},
	{"accept then drop, then API key revoked", 3, func(m *model) {
		m.sb.SetFaults(sandbox.Faults{DropNext: 1})
		m.revokeOnCommit.Store(true)
	}},
}

func drawWeighted[T any](m *model, items []T, weight func(T) int) T {
	total := 0
	for _, it := range items {
		total += weight(it)
	}
	n := m.rng.IntN(total)
	for _, it := range items {
		if n -= weight(it); n < 0 {
			return it
		}
	}
	return items[len(items)-1]
}

// step draws and runs one operation, with a provider fault and, rarely, a
// worker killed while it runs.
func (m *model) step() {
	for range 8 {
		op := drawWeighted(m, modelOps, func(o modelOp) int { return o.weight })
		fault := drawWeighted(m, modelFaults, func(f modelFault) int { return f.weight })
		kill := op.faults && m.chance(0.03)
		onCommit := m.chance(0.7)
		delay := time.Duration(20+m.rng.IntN(400)) * time.Millisecond
		m.fault, m.kill, m.hangAfter = "", "", m.cfg.hangAfter
		if kill {
			m.env.ops.Lock()
			// An activity the kill cuts short is retried once its timeout
			// (a minute at most) has passed.
			m.hangAfter = 90 * time.Second
		} else {
			m.env.ops.RLock()
		}
		if op.faults {
			m.fault = fault.name
			fault.set(m)
			switch {
			case kill && onCommit:
				m.kill = "worker killed when the provider moves money"
				m.killOnCommit.Store(true)
			case kill:
				m.kill = fmt.Sprintf("worker killed after %s", delay)
				m.env.restarts.Add(1)
				go func() {
					defer m.env.restarts.Done()
					time.Sleep(delay)
					m.env.restartWorker()
				}()
			}
		}
		ran := op.run(m)
		m.sb.SetFaults(sandbox.Faults{})
		m.killOnCommit.Store(false)
		m.revokeOnCommit.Store(false)
		if kill {
			m.env.restarts.Wait()
			m.env.ops.Unlock()
		} else {
			m.env.ops.RUnlock()
		}
		if ran {
			return
		}
	}
}

// logOp records an operation with the fault and the kill in force.
func (m *model) logOp(format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	if m.fault != "" && m.fault != "none" {
		s += " [provider: " + m.fault + "]"
	}
	if m.kill != "" {
		s += " [" + m.kill + "]"
	}
	m.log("%s", s)
}

// started tracks a procedure an agent started, and who asked for the money
// its settlement may move.
func (m *model) started(id, agent string) {
	m.track(id)
	m.requester[id+"/settle"] = agent
	m.collAgent[id+"/settle/collect"] = agent
}

// outcome says how a procedure ended, or what it waits on.
func (m *model) outcome(id string) string {
	if st, ok := m.closed[id]; ok && st != "Completed" {
		return st
	}
	if _, ok := m.closed[id]; !ok {
		for wf, ts := range m.openTasks {
			if strings.HasPrefix(wf, id) && len(ts) > 0 {
				return fmt.Sprintf("waits on task #%d (%s)", ts[0].ID, ts[0].Kind)
			}
		}
		return "running"
	}
	ctx, cancel := context.WithTimeout(m.ctx, 5*time.Second)
	defer cancel()
	var res struct {
		Outcome    string `json:"outcome"`
		Settlement struct {
			Amount int64 `json:"amount_cents"`
		} `json:"settlement"`
	}
	if err := m.env.client.GetWorkflow(ctx, id, "").Get(ctx, &res); err != nil {
		return "result: " + err.Error()
	}
	if res.Settlement.Amount != 0 {
		return fmt.Sprintf("%s %d", res.Outcome, res.Settlement.Amount)
	}
	return res.Outcome
}

func (m *model) finish(id string) {
	m.drive()
	if !m.aborted {
		m.log("  -> %s", m.outcome(id))
	}
}

// checkAsked: what the customer is asked to pay is never more than they
// owe, a commercial gesture given back not counting as owed.
func (m *model) checkAsked(mo *modelOrder, asked int64, what string) {
	if m.aborted || mo.goodwill == 0 || asked <= 0 {
		return
	}
	pos, err := m.env.store.MoneyPosition(m.ctx, mo.id)
	if err != nil {
		return
	}
	owed := max(pos.Total-pos.PaidNet-mo.goodwill, 0)
	m.check()
	if asked > owed {
		m.violate("3 position", "%s: %s asks the customer for %d; total %d, paid net %d and %d given as a gesture, they owe %d: the gesture is taken back",
			mo.number, what, asked, pos.Total, pos.PaidNet, mo.goodwill, owed)
	}
}

// checkBalance applies checkAsked to the balance a finished change asked.
func (m *model) checkBalance(mo *modelOrder, id string) {
	if m.aborted || mo.goodwill == 0 || m.closed[id] != "Completed" {
		return
	}
	ctx, cancel := context.WithTimeout(m.ctx, 5*time.Second)
	defer cancel()
	var res struct {
		Outcome    string `json:"outcome"`
		Settlement struct {
			BalanceDue int64 `json:"balance_due_cents"`
		} `json:"settlement"`
	}
	if err := m.env.client.GetWorkflow(ctx, id, "").Get(ctx, &res); err == nil && res.Outcome == activities.OutcomeBalanceDue {
		m.checkAsked(mo, res.Settlement.BalanceDue, id)
	}
}

// opModifyContent removes, lowers, raises, adds or reprices a line.
func (m *model) opModifyContent() bool {
	mo := m.pick()
	o, ok := m.get(mo)
	if !ok {
		return true
	}
	if o.Status == order.StatusCancelled && !m.chance(0.1) {
		return false
	}
	var live, whole []order.Line
	for _, l := range o.Lines {
		if l.Remaining() > 0 {
			live = append(live, l)
			if l.QtyCancelled == 0 {
				whole = append(whole, l)
			}
		}
	}
	if len(live) == 0 {
		return false
	}
	var ch order.ContentChange
	var what string
	l := live[m.rng.IntN(len(live))]
	switch v := m.rng.IntN(5); {
	case v == 0 && len(live) > 1:
		ch.Quantities = []order.LineQuantity{{LineID: l.ID, Quantity: 0}}
		what = "remove " + l.SKU
	case v <= 1 && l.Remaining() > 1:
		q := 1 + int64(m.rng.IntN(int(l.Remaining()-1)))
		ch.Quantities = []order.LineQuantity{{LineID: l.ID, Quantity: q}}
		what = fmt.Sprintf("lower %s %d->%d", l.SKU, l.Remaining(), q)
	case v == 2 && len(whole) > 0:
		l = whole[m.rng.IntN(len(whole))]
		q := l.Quantity + 1 + int64(m.rng.IntN(2))
		ch.Edits = []order.LineEdit{{LineID: l.ID, Quantity: &q}}
		what = fmt.Sprintf("raise %s %d->%d", l.SKU, l.Quantity, q)
	case v == 3:
		p := modelCatalogue[m.rng.IntN(len(modelCatalogue))]
		if slices.ContainsFunc(o.Lines, func(x order.Line) bool { return x.SKU == p.SKU }) {
			p.SKU += "-B"
		}
		p.Quantity = 1 + int64(m.rng.IntN(2))
		ch.Add = []order.NewLine{p}
		what = fmt.Sprintf("add %d×%s", p.Quantity, p.SKU)
	default:
		price := l.UnitPrice * int64(70+m.rng.IntN(61)) / 100
		if price == l.UnitPrice {
			price++
		}
		ch.Edits = []order.LineEdit{{LineID: l.ID, UnitPrice: &price}}
		what = fmt.Sprintf("reprice %s %d->%d", l.SKU, l.UnitPrice, price)
	}
	ch.RecalcShipping = !m.chance(0.2)
	notify := m.chance(0.8)
	req := starter.ModifyContentRequest{
		OrderNumber: mo.number, RequestID: m.reqID("mc"), Agent: m.anyAgent(), Channel: order.ContactPhone,
		Change: ch, Notify: notify, ReviewEmail: notify && m.chance(0.2),
	}
	desc := fmt.Sprintf("modify content %s: %s by %s", mo.number, what, req.Agent)
	before := m.footprint(mo)
	run, err := m.env.starter.ModifyContent(m.ctx, req)
	if err != nil {
		m.refused(mo, before, desc, err)
		return true
	}
	m.logOp("%s (%s)", desc, run.WorkflowID)
	m.started(run.WorkflowID, req.Agent)
	m.finish(run.WorkflowID)
	m.checkBalance(mo, run.WorkflowID)
	return true
}

// opCancelRefund cancels all or some items with the refund they free (or
// less, or none), or refunds without cancelling (a commercial gesture).
func (m *model) opCancelRefund() bool {
	mo := m.pick()
	o, ok := m.get(mo)
	if !ok {
		return true
	}
	paid, err := m.env.store.PaidNet(m.ctx, mo.id)
	if err != nil {
		m.abort("setup", "paid net of %s: %v", mo.number, err)
		return true
	}
	var cancellable []order.Line
	for _, l := range o.Lines {
		if l.Cancellable() > 0 {
			cancellable = append(cancellable, l)
		}
	}
	req := starter.CancelRefundRequest{OrderNumber: mo.number, RequestID: m.reqID("cr"), Agent: m.anyAgent(), Notify: m.chance(0.7)}
	req.ReviewEmail = req.Notify && m.chance(0.15)
	var what string
	partial := func() {
		l := cancellable[m.rng.IntN(len(cancellable))]
		q := 1 + int64(m.rng.IntN(int(l.Cancellable())))
		req.Cancel = []order.LineQuantity{{LineID: l.ID, Quantity: q}}
		what = fmt.Sprintf("cancel %d×%s", q, l.SKU)
	}
	v := m.rng.IntN(6)
	if len(cancellable) == 0 {
		v = 4 + m.rng.IntN(2)
	}
	switch v {
	case 0:
		req.Cancel, req.RefundDefault, req.RefundShipping = order.DefaultCancel(o), true, m.chance(0.3)
		what = "cancel everything, refund what it frees"
	case 1, 2, 3:
		partial()
		req.RefundShipping = m.chance(0.15)
		// What the cancellation frees, at most what was paid.
		var freed int64
		if res, err := order.ApplyCancel(o, order.CancelRequest{Cancel: req.Cancel, RefundShipping: req.RefundShipping}); err == nil {
			freed = min(res.Before.Total-res.After.Total, max(paid, 0))
		}
		switch {
		case v == 1:
			req.RefundDefault = true
			what += ", refund what it frees"
		case v == 2 && freed > 1:
			req.Refund = 1 + m.rng.Int64N(freed-1)
			what += fmt.Sprintf(", refund %d of the %d it frees", req.Refund, freed)
			mo.kept = fmt.Sprintf("an agent refunded %d of the %d a cancellation freed", req.Refund, freed)
		default:
			what += ", refund nothing"
			if freed > 0 {
				mo.kept = fmt.Sprintf("an agent cancelled items worth %d without refunding them", freed)
			}
		}
	default:
		switch {
		case paid <= 0 || m.chance(0.1):
			req.Refund = max(paid, 0) + 100 // more than was paid: refused
		case v == 5 && paid > modelApproveAbove:
			req.Refund = modelApproveAbove + 1 + m.rng.Int64N(paid-modelApproveAbove)
		default:
			req.Refund = 1 + m.rng.Int64N(paid)
		}
		req.Reason = "geste commercial"
		what = fmt.Sprintf("refund %d without cancelling (gesture)", req.Refund)
		if m.chance(0.1) {
			req.Reason = "" // a gesture without its reason: refused
			what += " without a reason"
		}
	}
	desc := fmt.Sprintf("cancel/refund %s: %s by %s (paid net %d)", mo.number, what, req.Agent, paid)
	before := m.footprint(mo)
	run, err := m.env.starter.CancelRefund(m.ctx, req)
	if err != nil {
		m.refused(mo, before, desc, err)
		return true
	}
	if len(req.Cancel) == 0 {
		mo.shownDue = fmt.Sprintf("a gesture of %d was refunded on an order whose total did not change", req.Refund)
	}
	m.logOp("%s (%s)", desc, run.WorkflowID)
	m.started(run.WorkflowID, req.Agent)
	m.finish(run.WorkflowID)
	if len(req.Cancel) == 0 && m.closed[run.WorkflowID] == "Completed" && !strings.HasPrefix(m.outcome(run.WorkflowID), activities.OutcomeRefundRejected) {
		mo.goodwill += req.Refund
	}
	return true
}

// opEditShipping changes the order's shipping fee.
func (m *model) opEditShipping() bool {
	mo := m.pick()
	o, ok := m.get(mo)
	if !ok {
		return true
	}
	if o.Status == order.StatusCancelled && !m.chance(0.1) {
		return false
	}
	fees := []int64{0, 290, 690, 1290, 2490}
	fee := fees[m.rng.IntN(len(fees))]
	if fee == o.ShippingFee {
		fee += 100
	}
	req := starter.EditDetailsRequest{OrderNumber: mo.number, RequestID: m.reqID("ed"), Agent: m.anyAgent(), Channel: order.ContactEmail, Edit: order.DetailsEdit{ShippingFee: &fee}}
	desc := fmt.Sprintf("edit shipping fee %s: %d->%d by %s", mo.number, o.ShippingFee, fee, req.Agent)
	before := m.footprint(mo)
	run, err := m.env.starter.EditDetails(m.ctx, req)
	if err != nil {
		m.refused(mo, before, desc, err)
		return true
	}
	m.logOp("%s (%s)", desc, run.WorkflowID)
	m.started(run.WorkflowID, req.Agent)
	m.finish(run.WorkflowID)
	m.checkBalance(mo, run.WorkflowID)
	return true
}

// collection returns the running payment collection of an order and where
// it stands, once it waits for a payment (or has all it waited for).
// started names a collection just started, which the store may not list
// yet.
func (m *model) collection(mo *modelOrder, started string) (string, workflows.CollectionState, bool) {
	deadline := time.Now().Add(10 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(m.ctx, 5*time.Second)
		st, id, err := m.env.collector.Collection(ctx, mo.number)
		cancel()
		switch {
		case err == nil && id != "" && (st.Waiting || st.Due > 0 && st.Balance <= 0):
			return id, st, true
		case err == nil && id == "" && started == "":
			return "", st, false // none runs
		case time.Now().After(deadline):
			m.abort("procedure", "the collection of %s (%s) never waited for a payment: %v", mo.number, started+id, err)
			return id, st, false
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// opRecordPayment records a payment an agent received for an order paid by
// a manual means: less than due, what is due, or more (which the agent
// must confirm); on an unpaid order it starts the collection first.
func (m *model) opRecordPayment() bool {
	var manual []*modelOrder
	for _, mo := range m.orders {
		if mo.pay == payChequePaid || mo.pay == payChequeUnpaid || mo.pay == payTransferUnpaid {
			manual = append(manual, mo)
		}
	}
	if len(manual) == 0 {
		return false
	}
	mo := manual[m.rng.IntN(len(manual))]
	id, st, running := m.collection(mo, "")
	if m.aborted {
		return true
	}
	if !running {
		o, ok := m.get(mo)
		if !ok {
			return true
		}
		if o.Status != order.StatusNew && o.Status != order.StatusAwaitingPayment {
			return false
		}
		agent := m.anyAgent()
		before := m.footprint(mo)
		run, err := m.env.collector.StartCollection(m.ctx, starter.CollectRequest{OrderNumber: mo.number, RequestID: m.reqID("col"), Agent: agent, Mode: activities.CollectManual})
		desc := fmt.Sprintf("collect payment %s by %s", mo.number, agent)
		if err != nil {
			m.refused(mo, before, desc, err)
			return true
		}
		m.logOp("%s (%s)", desc, run.WorkflowID)
		m.track(run.WorkflowID)
		m.collAgent[run.WorkflowID] = agent
		if id, st, running = m.collection(mo, run.WorkflowID); !running {
			return true
		}
	}
	if st.Mode != activities.CollectManual || st.Balance <= 0 {
		return false
	}
	m.track(id)
	m.checkAsked(mo, st.Balance, id)
	means, ref := order.PayCheque, "CHQ "+m.reqID("")
	switch {
	case mo.pay == payTransferUnpaid:
		means, ref = order.PayBankTransfer, "VIR-"+mo.number+"-"+m.reqID("")
	case m.chance(0.2):
		means, ref = order.PayMoneyOrder, "MDT "+m.reqID("")
	}
	amount, how := st.Balance, "exact"
	switch r := m.rng.IntN(20); {
	case r < 7 && st.Balance > 1:
		amount, how = 1+m.rng.Int64N(st.Balance-1), "under"
	case r < 12:
		extra := 1 + m.rng.Int64N(3000)
		if m.chance(0.3) {
			extra += modelApproveAbove
		}
		amount, how = st.Balance+extra, "over"
	}
	agent := m.anyAgent()
	req := starter.RecordPaymentRequest{OrderNumber: mo.number, RequestID: m.reqID("pay"), Agent: agent, Means: means, Amount: amount, Reference: ref}
	desc := fmt.Sprintf("record payment %s: %s %d of the %d due (%s) by %s", mo.number, means, amount, st.Balance, how, agent)
	if how == "over" && m.chance(0.7) {
		before := m.footprint(mo)
		_, err := m.env.collector.RecordPayment(m.ctx, req)
		m.check()
		var fe *order.FieldError
		if err == nil || !errors.As(err, &fe) || fe.Field != "amount" {
			m.violate("refusal", "%s without confirming the overpayment: want a refusal naming the amount, got %v", desc, err)
		}
		m.check()
		if after := m.footprint(mo); after != before {
			m.violate("refusal", "%s refused but wrote: before %+v, after %+v", desc, before, after)
		}
		req.RequestID = m.reqID("pay")
	}
	req.ConfirmOverpayment = how == "over"
	if means == order.PayBankTransfer {
		m.sb.AddPayment(ref, amount) // a refund of it goes back through the provider
	}
	m.requester[id+"/overpayment"] = agent
	ack, err := m.env.collector.RecordPayment(m.ctx, req)
	if err != nil {
		m.violate("refusal", "%s: a valid payment was refused: %v", desc, err)
		return true
	}
	m.logOp("%s -> received %d, balance %d, overpaid %d (%s)", desc, ack.Received, ack.Balance, ack.Overpaid, id)
	m.finish(id)
	return true
}

// opProviderPayment is the provider's webhook for a payment by link: the
// balance a card or PayPal order owes after its total went up.
func (m *model) opProviderPayment() bool {
	var direct []*modelOrder
	for _, mo := range m.orders {
		if mo.pay == payCard || mo.pay == payCardExpired || mo.pay == payPayPal {
			direct = append(direct, mo)
		}
	}
	if len(direct) == 0 {
		return false
	}
	mo := direct[m.rng.IntN(len(direct))]
	id, st, running := m.collection(mo, "")
	if m.aborted {
		return true
	}
	if !running || st.Mode != activities.CollectLink || st.Balance <= 0 || st.Invoice == "" {
		return false
	}
	m.track(id)
	m.checkAsked(mo, st.Balance, id)
	amount, how := st.Balance, "exact"
	switch r := m.rng.IntN(10); {
	case r < 3 && st.Balance > 1:
		amount, how = 1+m.rng.Int64N(st.Balance-1), "under"
	case r < 5:
		amount, how = st.Balance+1+m.rng.Int64N(2000), "over"
	}
	ev := starter.ProviderPayment{EventID: m.reqID("evt_"), Invoice: st.Invoice, Amount: amount, Reference: "pi_" + mo.number + "_" + m.reqID("")}
	m.sb.AddPayment(ev.Reference, amount)
	if agent, ok := m.collAgent[id]; ok {
		m.requester[id+"/overpayment"] = agent
	}
	desc := fmt.Sprintf("provider payment %s: %d of the %d due (%s), invoice %s", mo.number, amount, st.Balance, how, st.Invoice)
	ack, err := m.env.collector.ReportProviderPayment(m.ctx, ev)
	var unmatched *starter.UnmatchedPaymentError
	switch {
	case errors.As(err, &unmatched):
		m.logOp("%s -> taken by no collection: task #%d", desc, unmatched.TaskID)
	case err != nil:
		m.violate("refusal", "%s: the provider's payment was refused: %v", desc, err)
		return true
	default:
		m.logOp("%s -> received %d, balance %d, overpaid %d (%s)", desc, ack.Received, ack.Balance, ack.Overpaid, id)
	}
	if m.chance(0.2) {
		before := m.footprint(mo)
		_, err := m.env.collector.ReportProviderPayment(m.ctx, ev)
		m.check()
		if err != nil && !errors.Is(err, starter.ErrDuplicatePayment) {
			m.violate("refusal", "the provider's event %s sent again: %v", ev.EventID, err)
		}
		m.check()
		if after := m.footprint(mo); after.payments != before.payments || after.ledger != before.ledger {
			m.violate("refusal", "the provider's event %s sent again was recorded again: before %+v, after %+v", ev.EventID, before, after)
		}
		m.log("  provider event %s sent again: %v", ev.EventID, err)
	}
	m.finish(id)
	return true
}

// opOperatorCancel is an operator cancelling a procedure in Temporal: one
// the model left waiting on a task, or a refund whose provider answer was
// lost and whose retries look stuck.
func (m *model) opOperatorCancel() bool {
	states := m.classify()
	var waiting []string
	for id, s := range states {
		if s.running && s.waiting {
			waiting = append(waiting, id)
		}
	}
	slices.Sort(waiting)
	if len(waiting) > 0 && m.chance(0.6) {
		id := waiting[m.rng.IntN(len(waiting))]
		m.logOp("operator cancels %s (waiting on %s)", id, states[id].what)
		m.operatorCancel(id)
		return true
	}
	// A refund caught by a provider that took it and lost the answer.
	var cards []*modelOrder
	for _, mo := range m.orders {
		if mo.pay == payCard {
			cards = append(cards, mo)
		}
	}
	if len(cards) == 0 {
		return false
	}
	mo := cards[m.rng.IntN(len(cards))]
	paid, err := m.env.store.PaidNet(m.ctx, mo.id)
	if err != nil || paid <= 0 {
		return false
	}
	amount := 1 + m.rng.Int64N(min(paid, modelApproveAbove))
	wait := time.Duration(300+m.rng.IntN(1200)) * time.Millisecond
	req := starter.CancelRefundRequest{OrderNumber: mo.number, RequestID: m.reqID("cr"), Agent: m.anyAgent(), Refund: amount, Reason: "geste commercial"}
	before := m.footprint(mo)
	held := len(m.sb.Refunds())
	m.sb.SetFaults(sandbox.Faults{DropNext: 1})
	run, err := m.env.starter.CancelRefund(m.ctx, req)
	desc := fmt.Sprintf("cancel/refund %s: gesture %d by %s, the provider drops its answer then goes down, an operator cancels after %s", mo.number, amount, req.Agent, wait)
	if err != nil {
		m.refused(mo, before, desc, err)
		return true
	}
	mo.shownDue = fmt.Sprintf("a gesture of %d was refunded on an order whose total did not change", amount)
	m.logOp("%s (%s)", desc, run.WorkflowID)
	m.started(run.WorkflowID, req.Agent)
	deadline := time.Now().Add(5 * time.Second)
	for len(m.sb.Refunds()) == held && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	m.sb.SetFaults(sandbox.Faults{OutageUntil: time.Now().Add(time.Hour)})
	time.Sleep(wait)
	m.sb.SetFaults(sandbox.Faults{}) // back for the compensation's question
	m.operatorCancel(run.WorkflowID)
	return true
}

// operatorCancel cancels a procedure as the Temporal Web UI's Cancel does;
// its ancestors may fail of it, and its order's money may stay where the
// procedure left it.
func (m *model) operatorCancel(id string) {
	if err := m.env.client.CancelWorkflow(m.ctx, id, ""); err != nil {
		m.log("  cancel %s: %v", id, err)
	}
	for p := range m.procs {
		if strings.HasPrefix(id, p) {
			m.expectFail[p] = "an operator cancelled " + id
		}
	}
	if mo := m.orderByNumber(orderOfKey(id)); mo != nil {
		mo.stopped = "an operator cancelled " + id
	}
	m.finish(id)
}
