package starter_test

// Returns in the money model: shipped items come back (a withdrawal, a
// damaged item, a wrong item) for a refund; the warehouse receives the
// parcel (sometimes scanned twice), an agent inspects it (accepts all,
// part, or refuses), and the refund goes out as the model's other refunds
// do. The model predicts what the items of each return are worth with
// order.SettleReturn, the domain's one definition, from the order and the
// items already returned as they were when the return began; what goes
// back depends on the ledger when the return settles, which the model
// bounds: never more than the customer's money then covered beyond the
// total (the items' worth and what earlier decisions left overpaid), never
// more than they had paid net (the position invariant checks nothing is
// left owed either way).

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/workflows"
)

// modelReturnRules are the return rules of the model's shop: the law's
// (the starter's settings leave them to their defaults).
var modelReturnRules = workflows.DefaultReturnSettings().Rules

// modelReturn is a return the model started, with what its settlement is
// computed from.
type modelReturn struct {
	wf, number string
	mo         *modelOrder
	o          order.Order // as the return began
	req        order.ReturnRequest
	returned   map[int64]int64 // items of each line returned before it
	parcel     string          // received with this parcel; "": not received
	// inspected: the inspection's answer was taken; accepted is what it
	// accepted, refused says it refused everything.
	inspected bool
	accepted  []order.ReturnLine
}

// predicted is what the return settles against the ledger position paid,
// as the domain defines it.
func (r *modelReturn) predicted(paid order.Position) order.ReturnSettlement {
	return order.SettleReturn(r.o, r.req, r.accepted, r.returned, modelReturnRules, paid)
}

// modelReasons are the reasons the model's customers give.
var modelReasons = []order.ReturnReason{order.ReturnWithdrawal, order.ReturnDamaged, order.ReturnWrongItem}

// opReturn takes back shipped items of an order, shipping some first when
// nothing of it is out yet: the return starts, its parcel comes in, an
// agent inspects it, and the refund goes out.
func (m *model) opReturn() bool {
	mo := m.pick()
	o, ok := m.get(mo)
	if !ok {
		return true
	}
	returned, err := m.env.store.ReturnedQuantities(m.ctx, mo.id, "")
	if err != nil {
		m.abort("setup", "the items returned of %s: %v", mo.number, err)
		return true
	}
	returnable := func(o order.Order) []order.Line {
		var out []order.Line
		for _, l := range o.Lines {
			if order.Returnable(l, returned[l.ID]) > 0 {
				out = append(out, l)
			}
		}
		return out
	}
	lines := returnable(o)
	if len(lines) == 0 || m.chance(0.2) {
		if !m.ship(mo, o) {
			if len(lines) == 0 {
				return false
			}
		} else if o, ok = m.get(mo); !ok {
			return true
		}
		lines = returnable(o)
	}
	agent := m.anyAgent()
	var req order.ReturnRequest
	var what []string
	for i, l := range lines {
		if i > 0 && m.chance(0.4) {
			continue
		}
		q := 1 + m.rng.Int64N(order.Returnable(l, returned[l.ID]))
		req.Lines = append(req.Lines, order.ReturnLine{LineID: l.ID, Quantity: q})
		what = append(what, fmt.Sprintf("%d×%s", q, l.SKU))
	}
	req.Reason, req.Resolution = modelReasons[m.rng.IntN(len(modelReasons))], order.ReturnRefund
	if req.Reason != order.ReturnWithdrawal && m.chance(0.35) {
		// An exchange for another item, dearer or cheaper: it joins the
		// order to ship, and the difference is refunded or collected.
		price := 300 + m.rng.Int64N(6000)
		req.Resolution = order.ReturnExchange
		req.Exchange = []order.Line{{SKU: fmt.Sprintf("ECH-%d", price), Name: "Article d'échange", UnitPrice: price, Quantity: 1, VATRate: 2000, Physical: true}}
		what = append(what, fmt.Sprintf("for ECH-%d", price))
	}
	sr := starter.ReturnRequest{OrderNumber: mo.number, RequestID: m.reqID("ret"), Agent: agent, Request: req}
	desc := fmt.Sprintf("return %s: %s (%s) by %s", mo.number, strings.Join(what, " "), req.Reason, agent)
	if m.chance(0.08) {
		// More than was shipped and not returned yet: refused.
		bad := sr
		l := lines[m.rng.IntN(len(lines))]
		bad.Request.Lines = []order.ReturnLine{{LineID: l.ID, Quantity: order.Returnable(l, returned[l.ID]) + 1}}
		before := m.footprint(mo)
		_, err := m.env.starter.StartReturn(m.ctx, bad)
		m.check()
		var fe *order.FieldError
		if err == nil || !errors.As(err, &fe) || !strings.HasPrefix(fe.Field, "lines[") {
			m.violate("5 returns", "return %s: %d×%s, more than shipped and not returned: want a refusal naming the line, got %v", mo.number, bad.Request.Lines[0].Quantity, l.SKU, err)
		}
		m.check()
		if after := m.footprint(mo); after != before {
			m.violate("refusal", "return %s refused but wrote: before %+v, after %+v", mo.number, before, after)
		}
	}
	before := m.footprint(mo)
	run, err := m.env.starter.StartReturn(m.ctx, sr)
	if err != nil {
		m.refused(mo, before, desc, err)
		return true
	}
	r := &modelReturn{wf: run.WorkflowID, number: run.Number, mo: mo, o: o, req: req, returned: returned}
	m.returns[run.WorkflowID] = r
	m.env.returns.Add(1)
	m.logOp("%s (%s %s)", desc, run.WorkflowID, run.Number)
	m.started(run.WorkflowID, agent)
	m.receive(r)
	m.finish(run.WorkflowID)
	return true
}

// ship records a shipment of some of the order's items, as the warehouse
// does; false when nothing can be shipped now.
func (m *model) ship(mo *modelOrder, o order.Order) bool {
	if order.CheckFulfillable(o) != nil {
		return false
	}
	var ship []order.LineQuantity
	var what []string
	for _, l := range o.Lines {
		if l.Shippable() <= 0 || len(ship) > 0 && m.chance(0.3) {
			continue
		}
		q := l.Shippable()
		if m.chance(0.3) {
			q = 1 + m.rng.Int64N(q)
		}
		ship = append(ship, order.LineQuantity{LineID: l.ID, Quantity: q})
		what = append(what, fmt.Sprintf("%d×%s", q, l.SKU))
	}
	if len(ship) == 0 {
		return false
	}
	key := "ship/" + mo.number + "/" + m.reqID("")
	_, err := m.env.store.SaveFulfil(m.ctx, mo.number, order.FulfilRequest{Ship: ship, Carrier: "Colissimo"},
		store.Event{OrderID: mo.id, ActorKind: store.ActorAgent, Actor: "entrepot", Kind: "items_shipped", Message: "Expédié", Key: key})
	var fe *order.FieldError
	switch {
	case errors.As(err, &fe):
		m.log("ship %s: %s refused: %v", mo.number, strings.Join(what, " "), err)
		return false
	case err != nil:
		m.abort("setup", "shipping %s: %v", mo.number, err)
		return false
	}
	m.log("ship %s: %s", mo.number, strings.Join(what, " "))
	return true
}

// receive gives the return its parcel as the warehouse scans it, now and
// then twice; another parcel for a return received is refused.
func (m *model) receive(r *modelReturn) {
	if r.number == "" {
		if got, err := m.env.store.ReturnByWorkflow(m.ctx, r.wf); err == nil {
			r.number = got.Number
		}
	}
	if r.number == "" {
		m.log("  return %s has no number yet: its parcel waits", r.wf)
		return
	}
	parcel := "6A-RET-" + r.mo.number + "-" + m.reqID("") // parcels are unique across the run's sequences
	agent := m.anyAgent()
	scans := 1
	if m.chance(0.3) {
		scans = 2
	}
	for i := range scans {
		ref := r.number
		if i == 1 && m.chance(0.5) {
			ref = parcel // the second scan finds the return by its parcel
		}
		ctx, cancel := context.WithTimeout(m.ctx, 30*time.Second)
		_, err := m.env.starter.Receive(ctx, starter.ReceiveRequest{Return: ref, ParcelID: parcel, Agent: agent})
		cancel()
		if err != nil {
			m.violate("5 returns", "return %s: the parcel %s scanned by %s (scan %d, as %s) was refused: %v", r.number, parcel, agent, i+1, ref, err)
			return
		}
		r.parcel = parcel
	}
	m.log("  parcel %s of %s received by %s (%d scans)", parcel, r.number, agent, scans)
	if m.chance(0.15) {
		other := "6A-RET-" + r.mo.number + "-" + m.reqID("")
		ctx, cancel := context.WithTimeout(m.ctx, 30*time.Second)
		_, err := m.env.starter.Receive(ctx, starter.ReceiveRequest{Return: r.number, ParcelID: other, Agent: agent})
		cancel()
		var fe *order.FieldError
		m.check()
		if !errors.As(err, &fe) {
			m.violate("5 returns", "return %s received with %s: another parcel %s was not refused naming a field: %v", r.number, parcel, other, err)
		}
	}
}

// answerInspection inspects a return's items: accepted in full, in part
// (each line's accepted quantity drawn, with the reason of the rest), or
// refused; a refusal without its reason is refused first now and then.
func (m *model) answerInspection(mo *modelOrder, tk store.Task) {
	r := m.returns[tk.WorkflowID]
	if r == nil {
		m.decided[tk.ID] = leftOpen
		m.log("  task #%d %s (%s): a return the model did not start: left open", tk.ID, tk.Kind, tk.WorkflowID)
		return
	}
	agent := m.anyAgent()
	var ans workflows.TaskAnswer
	var accepted []order.ReturnLine
	switch v := m.rng.IntN(10); {
	case v < 5:
		ans = workflows.TaskAnswer{Outcome: workflows.AnswerAcceptReturn, Agent: agent}
		accepted = slices.Clone(r.req.Lines)
	case v < 8:
		ans = workflows.TaskAnswer{Outcome: workflows.AnswerAcceptPart, Reason: "article abîmé", Agent: agent}
		for _, l := range r.req.Lines {
			q := m.rng.Int64N(l.Quantity + 1)
			ans.Lines = append(ans.Lines, workflows.InspectedLine{LineID: l.LineID, Accepted: q, Restocked: m.chance(0.5)})
			if q > 0 {
				accepted = append(accepted, order.ReturnLine{LineID: l.LineID, Quantity: q})
			}
		}
	default:
		if m.chance(0.3) && !m.mustRefuse(mo, tk, workflows.TaskAnswer{Outcome: workflows.AnswerRefuseReturn, Agent: agent}, "a refused return needs its reason") {
			return
		}
		ans = workflows.TaskAnswer{Outcome: workflows.AnswerRefuseReturn, Reason: "article porté", Agent: agent}
	}
	m.mustTake(mo, tk, ans, "inspection: "+ans.Outcome+" "+describeAccepted(accepted))
	if m.decided[tk.ID] == "answered" {
		r.inspected, r.accepted = true, accepted
	}
}

func describeAccepted(ls []order.ReturnLine) string {
	var parts []string
	for _, l := range ls {
		parts = append(parts, fmt.Sprintf("%d of line %d", l.Quantity, l.LineID))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// invReturns (7): no two returns take back more items of a line than were
// shipped; a return settled says the items are worth what
// order.SettleReturn says of the items the model's inspection accepted,
// from the order as the return began, and refunds no more than the
// customer's money then covered beyond the total, nor than they had paid
// net; what its refunds give back is
// never more than its settlement's refund, and is that once the return is
// refunded with no refund failed; one inspection per return.
func (m *model) invReturns(snaps []orderSnap) {
	const inv = "7 returns"
	for _, s := range snaps {
		back := map[int64]int64{}
		for _, r := range s.returns {
			if !r.Counts() {
				continue
			}
			for _, l := range r.Lines {
				q := l.Quantity
				if l.Accepted != nil {
					q = *l.Accepted
				}
				back[l.LineID] += q
			}
		}
		for _, l := range s.o.Lines {
			m.check()
			if back[l.ID] > l.Delivered() {
				m.violate(inv, "%s: returns take back %d of %s, of which %d were shipped", s.mo.number, back[l.ID], l.SKU, l.Delivered())
			}
		}
		for _, r := range s.returns {
			mr := m.returns[r.WorkflowID]
			inspections := 0
			for _, t := range s.tasks {
				if t.WorkflowID == r.WorkflowID && t.Kind == workflows.TaskInspectReturn {
					inspections++
				}
			}
			m.check()
			if inspections > 1 {
				m.violate(inv, "%s: return %s opened %d inspection tasks", s.mo.number, r.Number, inspections)
			}
			var given int64
			failed := false
			for _, f := range s.refunds {
				if !strings.HasPrefix(f.IdempotencyKey, r.WorkflowID+"/") {
					continue
				}
				switch st := s.pos.Refunds[f.IdempotencyKey]; {
				case st == order.RefundFailed || f.Status == store.RefundImpossible:
					failed = true
				default:
					given += f.Amount
				}
			}
			var want int64
			if r.Settlement != nil {
				want = r.Settlement.Refund
				if mr != nil && mr.inspected {
					got := *r.Settlement
					before := positionBefore(s.ledger, r.WorkflowID+"/returned", s.o.Totals.Total)
					p := mr.predicted(before)
					m.check()
					if got.Items != p.Items || got.Delivery != p.Delivery || got.Cost != p.Cost || got.Credit != p.Credit || got.FullWithdrawal != p.FullWithdrawal {
						m.violate(inv, "%s: return %s settled %+v; order.SettleReturn of what was accepted (%s) says the items are worth %+v",
							s.mo.number, r.Number, got, describeAccepted(mr.accepted), p)
					}
					m.check()
					// What goes back is what the customer's money then covers
					// beyond the total: the items' worth, and what an earlier
					// decision left overpaid (a partial refund, a refund a
					// supervisor rejected), never more than was paid net.
					if got.Refund > before.Refundable || got.Refund > max(before.Covered+got.Credit-got.Total, 0) {
						m.violate(inv, "%s: return %s refunds %d for items worth %d, when the customer had paid net %d and covered %d of %d",
							s.mo.number, r.Number, got.Refund, got.Credit, before.Refundable, before.Covered, got.Total)
					}
				} else {
					m.check()
					m.violate(inv, "%s: return %s settled (%+v) though the model never answered its inspection", s.mo.number, r.Number, *r.Settlement)
				}
			}
			m.check()
			if given > want {
				m.violate(inv, "%s: return %s gives back %d through its refunds; it settles %d", s.mo.number, r.Number, given, want)
			}
			if r.Status == store.ReturnRefunded && !failed {
				m.check()
				if given != want {
					m.violate(inv, "%s: return %s is refunded with %d given back; it settles %d", s.mo.number, r.Number, given, want)
				}
			}
			if mr != nil && mr.inspected && len(mr.accepted) == 0 {
				m.check()
				if r.Status != store.ReturnRefused && r.Status != store.ReturnCancelled {
					m.violate(inv, "%s: return %s was refused at inspection, its status is %s", s.mo.number, r.Number, r.Status)
				}
			}
		}
	}
}

// positionBefore is the order's position from the ledger entries written
// before the one keyed key (all of them when there is none), against
// total: what a step that wrote that entry saw, or a looser bound of it (an
// entry written just before and committed just after counts here).
func positionBefore(ledger []store.LedgerEntry, key string, total int64) order.Position {
	var facts []order.Entry
	for _, e := range ledger {
		if e.Key == key {
			break
		}
		facts = append(facts, order.Entry{Kind: e.Kind, Amount: e.Amount, Ref: e.Ref})
	}
	return order.PositionOf(facts, total)
}
