package web

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/store"
)

// orderPageData is the data of the order page.
type orderPageData struct {
	Layout
	Order    order.Order
	Payments []store.Payment
	Refunds  []store.Refund
	Tasks    []store.Task // open ones, oldest first
	AllTasks []store.Task // open ones and the recent others, newest first (the « Tâches » section)
	Events   []store.Event
	Emails   []store.Email
	// Procedures that ran or run on the order, newest first.
	Procedures []procedureRow
	// ProceduresNote says why the procedures come from the history rather
	// than from Temporal; empty when Temporal answered.
	ProceduresNote string
	// Money is what the order's ledger says: received, given back or
	// being given back, due, overpaid (order.PositionOf).
	Money order.Position
	// Actions: why each is not possible now ("" when it is).
	ModifyBlocked, CancelBlocked string
	// Archive is archiving, notes and resending emails (order_archive.go).
	Archive archiveView
	// FulfilBlocked: why items cannot be marked shipped now ("" when they
	// can); Shipments: the parcels sent, oldest first (order_fulfil.go).
	FulfilBlocked string
	Shipments     []store.Shipment
	// EditBlocked: why the details cannot be edited now ("" when they can);
	// PaymentName: the name the shop gave the payment method, "" for its
	// own (order_edit.go).
	EditBlocked, PaymentName string
	// Returns: the order's returns, oldest first (order_return.go).
	Returns []returnRow
}

// procedureRow is one procedure on the order page.
type procedureRow struct {
	WorkflowID    string
	Type          string
	Status        string // Temporal's status (Running, Completed...), empty when unknown
	AwaitingAgent bool
	Start, End    time.Time
	Holds         bool // it holds the order right now
	// FromHistory: Temporal did not list it; Start and End are its first
	// and last events, and its state is unknown.
	FromHistory bool
}

// Paid is what the customer paid, all payments received.
func (d orderPageData) Paid() int64 { return d.Money.Received }

// Refunded is what was given back or is being given back.
func (d orderPageData) Refunded() int64 { return d.Money.Refunded + d.Money.InFlight }

// PaidNet is what the customer paid net of refunds.
func (d orderPageData) PaidNet() int64 { return d.Money.PaidNet }

// BalanceDue is what the customer still owes (the total went up after a
// change). None on a cancelled order.
func (d orderPageData) BalanceDue() int64 {
	if d.Order.Status == order.StatusCancelled {
		return 0
	}
	return d.Money.Due
}

// Overpaid is what the customer paid beyond the total: money to give back.
func (d orderPageData) Overpaid() int64 { return d.Money.Overpayment }

// orderPage is GET /orders/{number}: everything an agent checks about one
// order, on one page.
func (s *server) orderPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	number := r.PathValue("number")
	o, err := s.loadOrder(ctx, number)
	if err != nil {
		return err
	}

	// Temporal is asked while the store is read: it is the slowest source,
	// and the page must not wait for it longer than procTimeout.
	type procResult struct {
		list []starter.Procedure
		err  error
	}
	procs := make(chan procResult, 1)
	pctx, cancel := context.WithTimeout(ctx, s.procTimeout)
	defer cancel()
	go func() {
		l, err := s.procedures.OrderProcedures(pctx, o.Number)
		procs <- procResult{l, err}
	}()

	lang := langOf(r)
	d := orderPageData{Layout: Layout{Title: tr(lang, "common.order_number", locale.Text(o.Number)), Nav: "orders"}, Order: o}
	if d.Payments, err = s.store.ListPayments(ctx, o.ID); err != nil {
		return err
	}
	if d.Refunds, err = s.store.ListRefunds(ctx, o.ID); err != nil {
		return err
	}
	tasks, err := s.store.ListTasks(ctx, o.ID)
	if err != nil {
		return err
	}
	for _, t := range tasks {
		if t.Status == store.TaskOpen {
			d.Tasks = append(d.Tasks, t)
		}
	}
	d.AllTasks = orderTasks(tasks, s.now())
	slices.SortStableFunc(d.Tasks, func(a, b store.Task) int { return a.CreatedAt.Compare(b.CreatedAt) })
	if d.Events, err = s.store.ListEvents(ctx, o.ID); err != nil {
		return err
	}
	if d.Emails, err = s.store.ListEmails(ctx, o.ID); err != nil {
		return err
	}
	if d.Money, err = s.store.MoneyPosition(ctx, o.ID); err != nil {
		return err
	}

	d.ModifyBlocked, d.CancelBlocked = modifyBlocked(o, lang), cancelBlocked(o, lang)
	d.FulfilBlocked = s.fulfilBlockedFor(o, lang)
	d.EditBlocked = s.editBlocked(o, lang)
	d.PaymentName = o.PaymentLabel
	if d.Shipments, err = s.shipmentsOf(ctx, o.ID); err != nil {
		return err
	}
	if d.Returns, err = s.returnsOf(ctx, lang, o); err != nil {
		return err
	}
	if res := <-procs; res.err != nil {
		s.log.WarnContext(ctx, "web: listing the order's procedures failed; showing those of its history",
			"order", o.Number, "err", res.err)
		d.Procedures = proceduresFromHistory(d.Events, o.HoldBy)
		d.ProceduresNote = tr(lang, "order.procedures_temporal_down")
	} else {
		d.Procedures = proceduresFromTemporal(res.list, d.Events, o.HoldBy)
	}
	s.fillArchive(r, &d)
	return s.render(w, http.StatusOK, "order_page", d)
}

// proceduresFromTemporal lists what Temporal knows, newest first, plus any
// procedure of the history Temporal no longer lists (its retention is
// shorter than the order's life).
func proceduresFromTemporal(list []starter.Procedure, events []store.Event, holdBy string) []procedureRow {
	rows := make([]procedureRow, 0, len(list))
	seen := map[string]bool{}
	for _, p := range list {
		seen[p.WorkflowID] = true
		rows = append(rows, procedureRow{
			WorkflowID:    p.WorkflowID,
			Type:          p.Type,
			Status:        p.Status,
			AwaitingAgent: p.AwaitingAgent,
			Start:         p.StartTime,
			End:           p.CloseTime,
			Holds:         p.WorkflowID == holdBy,
		})
	}
	for _, h := range proceduresFromHistory(events, holdBy) {
		if !seen[h.WorkflowID] {
			rows = append(rows, h)
		}
	}
	slices.SortStableFunc(rows, func(a, b procedureRow) int { return b.Start.Compare(a.Start) })
	return rows
}

// proceduresFromHistory finds the procedures named in the order's history
// (and the one holding the order), with the time of their first and last
// event. Their state is unknown: only Temporal knows it.
func proceduresFromHistory(events []store.Event, holdBy string) []procedureRow {
	var rows []procedureRow
	index := map[string]int{}
	add := func(id string, at time.Time) {
		if id == "" {
			return
		}
		i, ok := index[id]
		if !ok {
			typ, _, _ := strings.Cut(id, "/")
			index[id] = len(rows)
			rows = append(rows, procedureRow{WorkflowID: id, Type: typ, Start: at, End: at, Holds: id == holdBy, FromHistory: true})
			return
		}
		if !at.IsZero() && (rows[i].Start.IsZero() || at.Before(rows[i].Start)) {
			rows[i].Start = at
		}
		if at.After(rows[i].End) {
			rows[i].End = at
		}
	}
	for _, e := range events {
		add(e.WorkflowID, e.At)
	}
	add(holdBy, time.Time{})
	slices.SortStableFunc(rows, func(a, b procedureRow) int { return b.Start.Compare(a.Start) })
	return rows
}
