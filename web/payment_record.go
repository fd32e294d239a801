package web

import (
	"context"
	"errors"
	"time"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/workflows"
)

// Recording a payment in one step (« Enregistrer un paiement »): a cheque,
// a money order or a bank transfer the shop received is recorded from
// the payment page whether or not a collection runs. With none running,
// the collect-payment procedure is started (by hand, under the form's
// request id) and the payment recorded into it as soon as it waits for
// it. The form's request id makes a double click record it once: the
// second start finds the first's procedure, the second record is the
// same Update.

// awaitStep is how often the page asks the procedure whether it reflects
// an action yet.
const awaitStep = 100 * time.Millisecond

// awaitLimit bounds the wait after an action (within the request's own
// deadline): the page is shown as it stands after it.
const awaitLimit = 5 * time.Second

// CanRecord reports whether the page offers to record a payment in one
// step: no collection runs and the order still awaits its payment.
func (d paymentData) CanRecord() bool {
	return d.Collection == nil && d.Due > 0 && d.Order.Status.Unpaid()
}

// RecordPaymentOffered reports whether the order page offers « Enregistrer
// un paiement »: the order awaits its payment.
func (d orderPageData) RecordPaymentOffered() bool {
	return d.Money.Due > 0 && d.Order.Status.Unpaid()
}

// recordPayment records the agent's payment into the order's running
// collection, starting one first when none runs, then waits briefly for
// the procedure and the order to show it, within wctx (the request's
// deadline).
func (s *server) recordPayment(ctx, wctx context.Context, d *paymentData, req starter.RecordPaymentRequest) (workflows.PaymentAck, error) {
	ack, err := s.starter.RecordPayment(ctx, req)
	var fe *order.FieldError
	if errors.As(err, &fe) && fe.Code == "refusal.collect_none_running" {
		// The payment itself passed the starter's checks: check what the
		// procedure would refuse of it before starting one.
		if !manualMeans(req.Means) {
			return ack, order.Refuse("means", "refusal.payment_means_manual", locale.Text(string(req.Means)))
		}
		if req.Amount > d.Due && d.Due > 0 && !req.ConfirmOverpayment {
			return ack, order.Refuse("amount", "refusal.overpayment_unconfirmed", locale.Amount(req.Amount, d.Order.Currency),
				locale.Amount(req.Amount-d.Due, d.Order.Currency), locale.Amount(d.Due, d.Order.Currency))
		}
		if _, err := s.starter.StartCollection(ctx, starter.CollectRequest{
			OrderNumber: req.OrderNumber, RequestID: req.RequestID, Agent: req.Agent, Mode: activities.CollectManual,
		}); err != nil {
			return ack, err
		}
		s.awaitCollection(wctx, req.OrderNumber, func(st workflows.CollectionState, running bool) bool { return running && st.Waiting })
		ack, err = s.starter.RecordPayment(ctx, req)
	}
	if err != nil {
		return ack, err
	}
	// The page after this one reads the procedure's state and the order:
	// wait until they show the payment (the order paid once nothing is
	// left to pay).
	s.awaitCollection(wctx, req.OrderNumber, func(st workflows.CollectionState, running bool) bool {
		return !running || (ack.Balance > 0 && st.Received >= ack.Received) || (ack.Balance <= 0 && !st.Waiting)
	})
	if ack.Balance <= 0 {
		s.awaitOrder(wctx, req.OrderNumber, func(o order.Order) bool {
			return o.Status != order.StatusNew && o.Status != order.StatusAwaitingPayment
		})
	}
	return ack, nil
}

func manualMeans(m order.PaymentMethod) bool {
	return m == order.PayCheque || m == order.PayMoneyOrder || m == order.PayBankTransfer
}

// awaitCollection asks the order's payment procedure for its state until
// done says it reflects the action, within awaitLimit and ctx. Failures
// end the wait: the page then says what it can read.
func (s *server) awaitCollection(ctx context.Context, number string, done func(st workflows.CollectionState, running bool) bool) {
	ctx, cancel := context.WithTimeout(ctx, awaitLimit)
	defer cancel()
	for {
		st, id, err := s.starter.Collection(ctx, number)
		if err != nil || done(st, id != "") {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(awaitStep):
		}
	}
}

// awaitOrder reads the order until done says it reflects the action,
// within awaitLimit and ctx.
func (s *server) awaitOrder(ctx context.Context, number string, done func(order.Order) bool) {
	ctx, cancel := context.WithTimeout(ctx, awaitLimit)
	defer cancel()
	for {
		o, err := s.store.GetOrder(ctx, number)
		if err != nil || done(o) {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(awaitStep):
		}
	}
}
