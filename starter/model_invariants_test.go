package starter_test

// The invariants of the money model, checked after every operation of a
// sequence, once its procedures have ended or wait on something left
// waiting. Each is one function; each comparison counts as one check.

import (
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/workflows"
)

// orderSnap is what the database holds of one order of the sequence.
type orderSnap struct {
	mo       *modelOrder
	o        order.Order
	pos      order.Position
	payments []store.Payment
	refunds  []store.Refund
	tasks    []store.Task
	emails   []store.Email
	ledger   []store.LedgerEntry
	returns  []store.Return
}

func (m *model) snapshot() ([]orderSnap, bool) {
	var out []orderSnap
	for _, mo := range m.orders {
		s := orderSnap{mo: mo}
		var err error
		read := func(what string, f func() error) bool {
			if err = f(); err != nil {
				m.abort("setup", "reading the %s of %s: %v", what, mo.number, err)
				return false
			}
			return true
		}
		st := m.env.store
		if !read("order", func() (e error) { s.o, e = st.GetOrder(m.ctx, mo.number); return }) ||
			!read("position", func() (e error) { s.pos, e = st.MoneyPosition(m.ctx, mo.id); return }) ||
			!read("payments", func() (e error) { s.payments, e = st.ListPayments(m.ctx, mo.id); return }) ||
			!read("refunds", func() (e error) { s.refunds, e = st.ListRefunds(m.ctx, mo.id); return }) ||
			!read("tasks", func() (e error) { s.tasks, e = st.ListTasks(m.ctx, mo.id); return }) ||
			!read("emails", func() (e error) { s.emails, e = st.ListEmails(m.ctx, mo.id); return }) ||
			!read("ledger", func() (e error) { s.ledger, e = st.Ledger(m.ctx, mo.id); return }) ||
			!read("returns", func() (e error) { s.returns, e = st.ListReturns(m.ctx, mo.id); return }) {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

// checkInvariants checks every invariant on the sequence as it stands.
func (m *model) checkInvariants() {
	if m.aborted {
		return
	}
	m.discover()
	m.answerOpenTasks() // notes the tasks left open; a new one would be answered, as drive does
	states := m.classify()
	for _, st := range states {
		if st.running && !st.waiting { // something moved since the last drive: let it settle
			m.drive()
			states = m.classify()
			break
		}
	}
	snaps, ok := m.snapshot()
	if !ok {
		return
	}
	m.invProviderIsLedger(snaps)
	m.invPaidNet(snaps)
	m.invPosition(snaps, states)
	m.invApprovals(snaps)
	m.invProcedures(states, snaps)
	m.invOneEmailPerStep(snaps)
	m.invReturns(snaps)
	m.invCreditNotes(snaps)
}

// invCreditNotes (8): an order's credit notes never credit more than its
// invoices, neither in all nor at any VAT rate: what a refund credits
// after a change of content goes to the rates the invoices hold.
func (m *model) invCreditNotes(snaps []orderSnap) {
	const inv = "8 credit notes"
	for _, s := range snaps {
		invs, err := m.env.store.ListInvoices(m.ctx, s.mo.id)
		if err != nil {
			m.abort("setup", "reading the invoices of %s: %v", s.mo.number, err)
			return
		}
		notes, err := m.env.store.ListCreditNotes(m.ctx, s.mo.id)
		if err != nil {
			m.abort("setup", "reading the credit notes of %s: %v", s.mo.number, err)
			return
		}
		var invoiced, credited []order.VATLine
		for _, i := range invs {
			if i.Status != store.InvoiceCancelled {
				invoiced = order.SumVAT(invoiced, i.VAT)
			}
		}
		for _, c := range notes {
			credited = order.SumVAT(credited, c.VAT)
		}
		for _, v := range order.SubtractVAT(invoiced, credited) {
			m.check()
			if v.Gross < 0 {
				m.violate(inv, "%s: credit notes credit %d more than its invoices at %d bp (invoiced %v, credited %v)",
					s.mo.number, -v.Gross, v.Rate, invoiced, credited)
			}
		}
		m.invBooks(s, len(invs) > 0, order.VATGross(invoiced)-order.VATGross(credited))
	}
}

// invBooks (9): an invoiced order that owes nothing is billed, by its
// invoices net of credit notes, exactly what it bills
// (order.Position.Billed): what the customer paid for what they keep is
// invoiced, an overpayment still owed back or not, and, once nothing is
// owed back, nothing they were given back or sent back is (a credit note
// comes with the refund of an overpayment). An order that still owes is
// left to its collection, which invoices the balance.
func (m *model) invBooks(s orderSnap, invoiced bool, net int64) {
	if !invoiced || s.pos.Due > 0 {
		return
	}
	m.check()
	switch billed := s.pos.Billed(); {
	case net < billed:
		m.violate("9 books", "%s: its invoices net of credit notes bill %d, less than the %d the order bills with nothing due (%+v)", s.mo.number, net, billed, s.pos)
	case net > billed && s.pos.Overpayment == 0 && s.pos.InFlight == 0:
		m.violate("9 books", "%s: its invoices net of credit notes bill %d, more than the %d the order bills with nothing due (%+v)", s.mo.number, net, billed, s.pos)
	}
}

// throughProvider reports whether a refund's money goes through the
// model's provider: card refunds (by the procedure with its key, or by an
// agent in the provider's back office) and refunds and payouts by bank
// transfer. PayPal refunds by hand, cheques and vouchers are outside it.
func throughProvider(r store.Refund) bool { return r.Method == "card" || r.Method == "bank_transfer" }

// providerTransfer is a refund or payout the provider holds.
type providerTransfer struct {
	kind, id, key string
	amount        int64
}

// invProviderIsLedger (1): each refund and payout the provider holds is
// one refunds row of its amount (by idempotency key, or by the reference
// an agent gave for a refund made by hand) that the ledger counts as given
// back, and no row is paid twice; each row the ledger confirms through the
// provider is held by it; per order, the provider's sum lies between what
// the ledger confirms through it and that plus what is in flight.
func (m *model) invProviderIsLedger(snaps []orderSnap) {
	const inv = "1 provider=ledger"
	rows := map[string]store.Refund{}
	byRef := map[string]string{}
	states := map[string]order.RefundState{}
	for _, s := range snaps {
		for _, r := range s.refunds {
			rows[r.IdempotencyKey], states[r.IdempotencyKey] = r, s.pos.Refunds[r.IdempotencyKey]
			if r.ProviderRef != "" {
				byRef[r.ProviderRef] = r.IdempotencyKey
			}
		}
	}
	var held []providerTransfer
	for _, r := range m.sb.Refunds() {
		held = append(held, providerTransfer{"refund", r.ID, r.IdempotencyKey, r.Amount})
	}
	for _, p := range m.sb.Payouts() {
		held = append(held, providerTransfer{"payout", p.ID, p.IdempotencyKey, p.Amount})
	}
	paidBy := map[string][]string{} // refunds row key -> the provider's transfers paying it
	for _, h := range held {
		m.check()
		if n := m.sb.KeyCount(h.key); n != 1 {
			m.violate(inv, "the provider holds %d transfers under key %s: the money moved %d times", n, h.key, n)
		}
		key := h.key
		if _, ok := rows[key]; !ok {
			key = byRef[h.id] // made by hand in the provider's back office
		}
		r, ok := rows[key]
		m.check()
		if !ok {
			m.violate(inv, "the provider holds %s %s of %d (key %s), which no refunds row has, by key or by reference", h.kind, h.id, h.amount, h.key)
			continue
		}
		paidBy[key] = append(paidBy[key], h.id)
		m.check()
		if r.Amount != h.amount {
			m.violate(inv, "the provider holds %s %s of %d (key %s) for refunds row %s of %d", h.kind, h.id, h.amount, h.key, key, r.Amount)
		}
		m.check()
		if st := states[key]; st == "" || st == order.RefundFailed {
			m.violate(inv, "the provider holds %s %s of %d (key %s) but the ledger counts refund %s as %q (row %s): the customer has the money and it counts as refundable again",
				h.kind, h.id, h.amount, h.key, key, st, r.Status)
		}
	}
	for _, s := range snaps {
		var confirmed, inFlight, sum int64
		for _, r := range s.refunds {
			key := r.IdempotencyKey
			m.check()
			if n := len(paidBy[key]); n > 1 {
				m.violate(inv, "%s: refund %s of %d was paid %d times at the provider: %v", s.mo.number, key, r.Amount, n, paidBy[key])
			}
			if !throughProvider(r) {
				continue
			}
			switch states[key] {
			case order.RefundConfirmed:
				confirmed += r.Amount
				m.check()
				if len(paidBy[key]) == 0 {
					m.violate(inv, "%s: the ledger counts the %s refund %s of %d as confirmed (reference %q), the provider holds nothing under its key or reference",
						s.mo.number, r.Method, key, r.Amount, r.ProviderRef)
				}
			case order.RefundFailed:
			default:
				inFlight += r.Amount
			}
		}
		for _, h := range held {
			if orderOfKey(h.key) == s.mo.number {
				sum += h.amount
			}
		}
		m.check()
		if sum < confirmed || sum > confirmed+inFlight {
			m.violate(inv, "%s: the provider holds %d of refunds and payouts, the ledger confirms %d through it and has %d more in flight", s.mo.number, sum, confirmed, inFlight)
		}
	}
}

// invPaidNet (2): the ledger's figures are the tables' (payments received,
// refunds made, refunds under way) and paid net = received - refunded - in
// flight, never below 0.
func (m *model) invPaidNet(snaps []orderSnap) {
	const inv = "2 paid net"
	for _, s := range snaps {
		var received, refunded, inFlight int64
		for _, p := range s.payments {
			received += p.Amount
		}
		for _, r := range s.refunds {
			switch r.Status {
			case store.RefundSucceeded:
				refunded += r.Amount
			case store.RefundFailed, store.RefundImpossible:
			default:
				inFlight += r.Amount
			}
		}
		p := s.pos
		for _, c := range []struct {
			what         string
			ledger, rows int64
		}{{"received", p.Received, received}, {"refunded", p.Refunded, refunded}, {"in flight", p.InFlight, inFlight}} {
			m.check()
			if c.ledger != c.rows {
				m.violate(inv, "%s: the ledger says %d %s, the payments and refunds tables %d", s.mo.number, c.ledger, c.what, c.rows)
			}
		}
		m.check()
		if p.PaidNet != p.Received-p.Refunded-p.InFlight {
			m.violate(inv, "%s: paid net %d is not received %d - refunded %d - in flight %d", s.mo.number, p.PaidNet, p.Received, p.Refunded, p.InFlight)
		}
		m.check()
		if p.PaidNet < 0 {
			m.violate(inv, "%s: paid net %d is below 0: %d given back (or under way) of the %d received", s.mo.number, p.PaidNet, p.Refunded+p.InFlight, p.Received)
		}
	}
}

// entryGesture is the ledger's fact of a commercial gesture, money given
// back that the customer does not owe when the total changes later.
const entryGesture order.EntryKind = "gesture"

// invPosition (3): paid net - total = overpayment - due; and what the
// customer is owed or owes is 0, or visible (an open task, a procedure
// waiting, an order awaiting its payment), or left so by a decision the
// model took (a partial refund, a rejected refund, a gesture, an operator's
// cancel).
func (m *model) invPosition(snaps []orderSnap, states map[string]*procState) {
	const inv = "3 position"
	for _, s := range snaps {
		p := s.pos
		m.check()
		if !slices.ContainsFunc(s.ledger, func(e store.LedgerEntry) bool { return e.Kind == entryGesture || e.Kind == order.EntryReturned }) {
			if p.PaidNet-p.Total != p.Overpayment-p.Due {
				m.violate(inv, "%s: paid net %d - total %d is not overpayment %d - due %d", s.mo.number, p.PaidNet, p.Total, p.Overpayment, p.Due)
			}
		} else if p.Due > 0 && p.Overpayment > 0 || p.Overpayment-p.Due < p.PaidNet-p.Total {
			// A commercial gesture is money the customer does not owe, and
			// items sent back are worth what they cost: they add to what
			// the customer's money covers, never take from it.
			m.violate(inv, "%s: with gestures, paid net %d - total %d is more than overpayment %d - due %d", s.mo.number, p.PaidNet, p.Total, p.Overpayment, p.Due)
		}
		var collections, asking []string
		for id, st := range states {
			if st.running && st.kind == workflows.ProcCollectPayment && orderOfKey(id) == s.mo.number {
				collections = append(collections, id)
			}
		}
		slices.Sort(collections)
		for _, id := range collections {
			asking = append(asking, id+" ("+states[id].what+")")
		}
		m.check()
		if len(collections) > 1 {
			m.violateOnce("collections "+strings.Join(collections, " "), inv, "%s: %d collections ask the customer at once (total %d, paid net %d): %s",
				s.mo.number, len(collections), p.Total, p.PaidNet, strings.Join(asking, ", "))
		}
		var visible []string
		for _, t := range s.tasks {
			if t.Status == store.TaskOpen {
				visible = append(visible, fmt.Sprintf("task #%d %s", t.ID, t.Kind))
			}
		}
		for id, st := range states {
			if st.running && orderOfKey(id) == s.mo.number {
				visible = append(visible, id+" waits on "+st.what)
			}
		}
		if p.Overpayment > 0 {
			m.check()
			if len(visible) == 0 && s.mo.kept == "" && s.mo.stopped == "" {
				m.violate(inv, "%s (%s): the customer paid %d more than the total %d (paid net %d) and nothing shows it: no open task, no procedure waiting",
					s.mo.number, s.o.Status, p.Overpayment, p.Total, p.PaidNet)
			}
		}
		if p.Due > 0 {
			m.check()
			unpaid := s.o.Status == order.StatusNew || s.o.Status == order.StatusAwaitingPayment
			if len(visible) == 0 && !unpaid && s.mo.shownDue == "" && s.mo.stopped == "" {
				m.violate(inv, "%s (%s): the customer owes %d of the total %d (paid net %d) and nothing asks for it: no collection, no open task",
					s.mo.number, s.o.Status, p.Due, p.Total, p.PaidNet)
			}
		}
	}
}

// invApprovals (4): no money leaves above the limit (a refund, a payout, a
// refund cheque) without an approve_refund task of its settlement answered
// "approve" by a supervisor (as the agents table says) who did not ask for
// it; a payback to an account or an address also needs where it goes
// approved by someone other than who typed it.
func (m *model) invApprovals(snaps []orderSnap) {
	const inv = "4 approval"
	for _, s := range snaps {
		for _, r := range s.refunds {
			if r.Amount <= modelApproveAbove || r.Method == "store_credit" || s.pos.Refunds[r.IdempotencyKey] == order.RefundFailed {
				continue
			}
			settle := path.Dir(r.IdempotencyKey)
			requester := m.requester[settle]
			var approvals []string
			var refund, payback bool
			for _, t := range s.tasks {
				if settlementOf(t) != settle || t.Kind != workflows.TaskApproveRefund || t.Status != store.TaskAnswered {
					continue
				}
				var a workflows.TaskAnswer
				if json.Unmarshal(t.Answer, &a) != nil || a.Outcome != workflows.AnswerApprove {
					continue
				}
				role := m.tableRole(t.AnsweredBy)
				approvals = append(approvals, fmt.Sprintf("#%d by %s (%s)", t.ID, t.AnsweredBy, role))
				if !supervisor(role) {
					continue
				}
				switch {
				case strings.HasSuffix(t.Key, "/task/approve") && !strings.EqualFold(t.AnsweredBy, requester):
					refund = true
				case strings.Contains(t.Key, "/task/approve-payback-") && !strings.EqualFold(t.AnsweredBy, m.typer[settle]):
					payback = true
				}
			}
			m.check()
			if !refund {
				m.violate(inv, "%s: %s refund %s of %d (%s) went above the %d limit without a supervisor's approval other than its requester %q; approvals: %v",
					s.mo.number, r.Method, r.IdempotencyKey, r.Amount, r.Status, modelApproveAbove, requester, approvals)
			}
			if strings.Contains(path.Base(r.IdempotencyKey), "payback") {
				m.check()
				if !payback {
					m.violate(inv, "%s: payback %s of %d by %s went above the %d limit without its destination approved by a supervisor other than %q; approvals: %v",
						s.mo.number, r.IdempotencyKey, r.Amount, r.Method, modelApproveAbove, m.typer[settle], approvals)
				}
			}
		}
	}
}

// tableRole is an agent's role as the agents table says.
func (m *model) tableRole(email string) string {
	a, err := m.env.store.AgentByEmail(m.ctx, email)
	if err != nil {
		return "not an agent"
	}
	return a.Role
}

// invProcedures (5): every procedure ended well (or as the model expects
// after an operator's cancel), or waits on an open task, a payment or a
// button: none is busy, none stuck retrying; and no refund is left
// reserved with no procedure alive to settle it (a refund whose outcome is
// unknown is reconciliation's).
func (m *model) invProcedures(states map[string]*procState, snaps []orderSnap) {
	const inv = "5 procedures"
	ids := make([]string, 0, len(m.procs))
	for id := range m.procs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		m.check()
		if s, ok := states[id]; ok {
			if !s.waiting {
				m.violate(inv, "%s neither ended nor waits on a task: %s; activities: %s", id, s.what, strings.Join(s.pending, "; "))
			}
			continue
		}
		switch st := m.closed[id]; st {
		case "Completed", "Canceled", "NotFound":
		case "Failed":
			if _, ok := m.expectFail[id]; ok {
				continue
			}
			err := m.env.client.GetWorkflow(m.ctx, id, "").Get(m.ctx, nil)
			m.violate(inv, "%s failed: %v%s", id, err, m.invoices(id, err))
			m.expectFail[id] = "reported"
			if mo := m.orderByNumber(orderOfKey(id)); mo != nil && mo.stopped == "" {
				mo.stopped = id + " failed"
			}
		default:
			m.violate(inv, "%s ended %s", id, st)
			m.expectFail[id] = "reported"
		}
	}
	for _, s := range snaps {
		for _, r := range s.refunds {
			if r.Status != store.RefundPending && r.Status != store.RefundManualPending {
				continue
			}
			// The settlement that holds the refund: a child workflow whose
			// id starts with the key's settle part, or a lean procedure
			// settling inside itself, whose id the settle part starts with.
			settle := path.Dir(r.IdempotencyKey)
			alive := false
			for id, st := range states {
				alive = alive || (st.running && (strings.HasPrefix(id, settle) || strings.HasPrefix(settle, id+"/")))
			}
			m.check()
			if !alive {
				m.violate(inv, "%s: %s refund %s of %d is %s, counted as given back, and no procedure is left to settle it",
					s.mo.number, r.Method, r.IdempotencyKey, r.Amount, r.Status)
			}
		}
	}
}

// invoices lists an order's invoices and credit notes when a procedure
// failed on them, for the report.
func (m *model) invoices(id string, err error) string {
	mo := m.orderByNumber(orderOfKey(id))
	if mo == nil || err == nil || !strings.Contains(err.Error(), "Invoice") && !strings.Contains(err.Error(), "CreditNote") {
		return ""
	}
	var parts []string
	if invs, err := m.env.store.ListInvoices(m.ctx, mo.id); err == nil {
		for _, i := range invs {
			parts = append(parts, fmt.Sprintf("invoice %s %d %s (supplementary %t, by %s)", i.Number, i.Total, i.Status, i.Supplementary, i.WorkflowID))
		}
	}
	if cns, err := m.env.store.ListCreditNotes(m.ctx, mo.id); err == nil {
		for _, c := range cns {
			parts = append(parts, fmt.Sprintf("credit note %s %d on %s", c.Number, c.Total, c.InvoiceNumber))
		}
	}
	if o, err := m.env.store.GetOrder(m.ctx, mo.number); err == nil {
		parts = append(parts, fmt.Sprintf("order total %d", o.Totals.Total))
	}
	return "; " + strings.Join(parts, "; ")
}

// invOneEmailPerStep (6): one customer email per procedure step and
// template (the outbox's key is unique; two keys for one step is a second
// email).
func (m *model) invOneEmailPerStep(snaps []orderSnap) {
	const inv = "6 one email"
	for _, s := range snaps {
		groups := map[string][]string{}
		var order []string
		for _, e := range s.emails {
			if !strings.EqualFold(e.ToEmail, s.o.Customer.Email) {
				continue
			}
			step := e.Key
			if i := strings.Index(step, "/email"); i >= 0 {
				step = step[:i]
			}
			g := step + " " + e.Template
			if _, ok := groups[g]; !ok {
				order = append(order, g)
			}
			groups[g] = append(groups[g], e.Key)
		}
		for _, g := range order {
			m.check()
			if keys := groups[g]; len(keys) > 1 {
				m.violate(inv, "%s: %d customer emails for one step (%s): %v", s.mo.number, len(keys), g, keys)
			}
		}
	}
}

// settlementOf is the settlement a task of a settlement belongs to, as its
// refunds' keys name it: a settlement of its own (an overpayment's
// refund, or a child of a procedure started before lean procedures), or
// the one a procedure runs inside itself, whose keys go under "/settle".
func settlementOf(t store.Task) string {
	if strings.HasSuffix(t.WorkflowID, "/settle") || strings.HasSuffix(t.WorkflowID, "/overpayment") {
		return t.WorkflowID
	}
	return t.WorkflowID + "/settle"
}
