package workflows_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/testsuite"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/workflows"
)

var returnSteps *activities.Returns

// returnOrder is an order paid by card and shipped: 2 mugs at 12,90 €,
// 1 T-shirt at 19,90 €, 6,90 € of delivery.
func returnOrder() order.Order {
	o := order.Order{Number: "C-2026-000700", Currency: "EUR", PaymentMethod: order.PayCard, ShippingFee: 690,
		Lines: []order.Line{
			{ID: 1, SKU: "MUG", Name: "Mug", UnitPrice: 1290, Quantity: 2, QtyShipped: 2, VATRate: 2000, Physical: true},
			{ID: 2, SKU: "TEE", Name: "T-shirt", UnitPrice: 1990, Quantity: 1, QtyShipped: 1, VATRate: 2000, Physical: true},
		}}
	o.Totals = order.Reprice(o)
	return o
}

// requested is the request of the return the test runs (returnInput),
// which the ledger's mock settles.
var requested order.ReturnRequest

func returnInput(req order.ReturnRequest) workflows.ReturnInput {
	requested = req
	return workflows.ReturnInput{OrderNumber: "C-2026-000700", RequestID: "r1", Agent: "marie@boutique.fr", Request: req,
		Settings: workflows.Settings{Lean: true, LeanRevision: workflows.LeanLatest}}
}

// returnEnv is newEnv with the return's steps mocked: recorded within the
// withdrawal period (inWindow), emails written, statuses in statuses.
func returnEnv(t *testing.T, inWindow bool, statuses *[]string, more ...func(*testsuite.TestWorkflowEnvironment)) *testsuite.TestWorkflowEnvironment {
	return returnEnvPaid(t, inWindow, statuses, order.PaidInFull(returnOrder().Totals.Total), more...)
}

// returnEnvPaid is returnEnv on an order whose ledger says paid: the
// settlement recorded in the ledger is order.SettleReturn against it, as
// the store computes it.
func returnEnvPaid(t *testing.T, inWindow bool, statuses *[]string, paid order.Position, more ...func(*testsuite.TestWorkflowEnvironment)) *testsuite.TestWorkflowEnvironment {
	env := newEnv(t)
	for _, m := range more {
		m(env)
	}
	env.RegisterActivity(returnSteps)
	env.OnActivity(returnSteps.BeginReturn, mock.Anything, mock.Anything).Return(activities.BeginReturnOutput{
		ReturnID: 7, Number: "R-2026-000007", Order: returnOrder(), Returned: map[int64]int64{}, InWindow: inWindow,
		Deadline: time.Date(2026, 11, 16, 23, 0, 0, 0, time.UTC),
	}, nil).Once()
	env.OnActivity(returnSteps.SetReturnStatus, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.ReturnStatusInput) error {
			*statuses = append(*statuses, in.Status)
			return nil
		}).Maybe()
	env.OnActivity(returnSteps.QueueReturnEmail, mock.Anything, mock.Anything).Return(activities.EmailRef{ID: 1}, nil).Maybe()
	env.OnActivity(returnSteps.SettleReturnInLedger, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.ReturnLedgerInput) (order.ReturnSettlement, error) {
			*statuses = append(*statuses, activities.ReturnInspected)
			return order.SettleReturn(returnOrder(), requested, in.Accepted, nil, in.Rules, paid), nil
		}).Maybe()
	env.OnActivity(returnSteps.RecordReturnReceipt, mock.Anything, mock.Anything).Return(nil).Maybe()
	env.OnActivity(returnSteps.RecordReturnInspection, mock.Anything, mock.Anything).Return(nil).Maybe()
	env.OnActivity(orders.OpenTask, mock.Anything, mock.Anything).Return(activities.TaskRef{ID: 5}, nil).Maybe()
	env.OnActivity(orders.CloseTask, mock.Anything, mock.Anything).Return(nil).Maybe()
	env.OnActivity(orders.RecordEvent, mock.Anything, mock.Anything).Return(nil).Maybe()
	return env
}

func receive(env *testsuite.TestWorkflowEnvironment, after time.Duration, parcel string) {
	env.RegisterDelayedCallback(func() {
		env.UpdateWorkflow(workflows.UpdateReceiveReturn, "", &testsuite.TestUpdateCallback{
			OnAccept: func() {}, OnReject: func(error) {}, OnComplete: func(any, error) {},
		}, workflows.ReturnReceipt{ParcelID: parcel})
	}, after)
}

// expectRefund expects one refund of amount through the provider.
func expectRefund(env *testsuite.TestWorkflowEnvironment, amount int64) {
	env.OnActivity(orders.ReserveRefund, mock.Anything, mock.MatchedBy(func(in activities.RefundInput) bool { return in.Amount == amount })).Return(nil).Once()
	env.OnActivity(money.RefundThroughGateway, mock.Anything, mock.Anything).Return(activities.GatewayOutcome{Outcome: activities.GatewaySucceeded, ProviderRef: "re_1"}, nil).Once()
	env.OnActivity(orders.SettleRefund, mock.Anything, mock.Anything).Return(nil).Once()
}

// expectReturnCreditNote expects the return's credit note, for items
// (and delivery) worth amount.
func expectReturnCreditNote(env *testsuite.TestWorkflowEnvironment, amount int64) {
	env.OnActivity(collect.IssueReturnCreditNote, mock.Anything, mock.MatchedBy(func(in activities.ReturnCreditNoteInput) bool {
		var items int64
		o := returnOrder()
		for _, a := range in.Accepted {
			l, _ := o.Line(a.LineID)
			items += l.UnitPrice * a.Quantity
		}
		return items+in.Delivery-in.Cost == amount && in.ReturnNumber == "R-2026-000007"
	})).Return(activities.CreditNoteRef{Number: "AV-2026-000001"}, nil).Once()
}

func TestAReturnOnAnOrderNotAllPaidForRefundsOnlyWhatWasPaidBeyondWhatIsKept(t *testing.T) {
	// 58,60 € ordered, 30 € paid: the T-shirt (19,90 €) comes back. The
	// customer keeps 32,70 € of the order and paid 30 €: nothing goes
	// back (a refund of 19,90 € was the bug), the credit note still
	// credits the T-shirt, and nothing more is asked of them by the return.
	var statuses []string
	o := returnOrder()
	paid := order.PositionOf([]order.Entry{{Kind: order.EntryPayment, Amount: 3000, Ref: "p"}}, o.Totals.Total)
	env := returnEnvPaid(t, true, &statuses, paid)
	expectReturnCreditNote(env, 1990)
	receive(env, time.Hour, "6A-RET-6")
	var rejected error
	answer(env, 2*time.Hour, workflows.TaskAnswer{TaskID: 5, Outcome: workflows.AnswerAcceptReturn, Agent: "luc@boutique.fr"}, &rejected)
	env.ExecuteWorkflow(workflows.Return, returnInput(order.ReturnRequest{
		Lines: []order.ReturnLine{{LineID: 2, Quantity: 1}}, Reason: order.ReturnDamaged, Resolution: order.ReturnRefund}))
	var res workflows.ReturnResult
	if err := env.GetWorkflowResult(&res); err != nil || rejected != nil {
		t.Fatal(err, rejected)
	}
	if res.Settlement.Credit != 1990 || res.Settlement.Refund != 0 || res.Settlement.BalanceDue != 0 || res.Settled.Amount != 0 {
		t.Errorf("settled %+v, paid %+v: want the T-shirt credited, nothing refunded, nothing asked", res.Settlement, res.Settled)
	}
	if res.Settled.CreditNote != "AV-2026-000001" {
		t.Errorf("credit note %q, want the return's", res.Settled.CreditNote)
	}
}

func TestAFullWithdrawalIsRefundedWithTheDeliveryCost(t *testing.T) {
	var statuses []string
	env := returnEnv(t, true, &statuses)
	o := returnOrder()
	expectRefund(env, o.Totals.Total) // 12,90 × 2 + 19,90 + 6,90
	expectReturnCreditNote(env, o.Totals.Total)
	receive(env, 48*time.Hour, "6A-RET-1")
	var rejected error
	answer(env, 72*time.Hour, workflows.TaskAnswer{TaskID: 5, Outcome: workflows.AnswerAcceptReturn, Agent: "luc@boutique.fr"}, &rejected)
	env.ExecuteWorkflow(workflows.Return, returnInput(order.ReturnRequest{
		Lines: []order.ReturnLine{{LineID: 1, Quantity: 2}, {LineID: 2, Quantity: 1}}, Reason: order.ReturnWithdrawal, Resolution: order.ReturnRefund}))
	var res workflows.ReturnResult
	if err := env.GetWorkflowResult(&res); err != nil || rejected != nil {
		t.Fatal(err, rejected)
	}
	if res.Settlement.Refund != o.Totals.Total || res.Settlement.Delivery != 690 || res.Status != activities.ReturnRefunded {
		t.Errorf("settled %+v (%s), want %d with the 6,90 € of delivery, refunded", res.Settlement, res.Status, o.Totals.Total)
	}
	if want := []string{"authorised", "inspected", "refunded"}; len(statuses) != 3 || statuses[0] != want[0] || statuses[2] != want[2] {
		t.Errorf("statuses %v, want %v", statuses, want)
	}
}

func TestAReturnAcceptedInPartRefundsTheAcceptedItemsOnly(t *testing.T) {
	var statuses []string
	env := returnEnv(t, true, &statuses)
	expectRefund(env, 1290)
	expectReturnCreditNote(env, 1290)
	receive(env, time.Hour, "6A-RET-2")
	var rejected, refused error
	// More mugs accepted than returned is refused; then one mug of two.
	answer(env, 2*time.Hour, workflows.TaskAnswer{TaskID: 5, Outcome: workflows.AnswerAcceptPart, Agent: "luc@boutique.fr",
		Lines: []workflows.InspectedLine{{LineID: 1, Accepted: 3}}, Reason: "ébréché"}, &refused)
	answer(env, 3*time.Hour, workflows.TaskAnswer{TaskID: 5, Outcome: workflows.AnswerAcceptPart, Agent: "luc@boutique.fr",
		Lines: []workflows.InspectedLine{{LineID: 1, Accepted: 1, Restocked: true}}, Reason: "un mug ébréché"}, &rejected)
	env.ExecuteWorkflow(workflows.Return, returnInput(order.ReturnRequest{
		Lines: []order.ReturnLine{{LineID: 1, Quantity: 2}}, Reason: order.ReturnDamaged, Resolution: order.ReturnRefund}))
	var res workflows.ReturnResult
	if err := env.GetWorkflowResult(&res); err != nil || rejected != nil {
		t.Fatal(err, rejected)
	}
	if refused == nil {
		t.Error("3 mugs accepted of 2 returned were taken")
	}
	if res.Settlement.Refund != 1290 || res.Settlement.Delivery != 0 {
		t.Errorf("settled %+v, want one mug, no delivery", res.Settlement)
	}
}

func TestARefusedReturnRefundsNothing(t *testing.T) {
	var statuses []string
	env := returnEnv(t, true, &statuses)
	receive(env, time.Hour, "6A-RET-3")
	var rejected error
	answer(env, 2*time.Hour, workflows.TaskAnswer{TaskID: 5, Outcome: workflows.AnswerRefuseReturn, Agent: "luc@boutique.fr", Reason: "porté"}, &rejected)
	env.ExecuteWorkflow(workflows.Return, returnInput(order.ReturnRequest{
		Lines: []order.ReturnLine{{LineID: 2, Quantity: 1}}, Reason: order.ReturnWithdrawal, Resolution: order.ReturnRefund}))
	var res workflows.ReturnResult
	if err := env.GetWorkflowResult(&res); err != nil || rejected != nil {
		t.Fatal(err, rejected)
	}
	if res.Status != activities.ReturnRefused || res.Settled.Outcome != "" {
		t.Errorf("ended %s, settled %+v; want refused, nothing settled", res.Status, res.Settled)
	}
}

func TestAReturnExpiresAfterItsLastReminder(t *testing.T) {
	var statuses []string
	env := returnEnv(t, true, &statuses, func(env *testsuite.TestWorkflowEnvironment) {
		env.RegisterActivity(returnSteps)
		env.OnActivity(returnSteps.QueueReturnEmail, mock.Anything, mock.MatchedBy(func(in activities.ReturnEmailInput) bool { return in.Reminder })).
			Return(activities.EmailRef{ID: 2}, nil).Twice()
	})
	env.ExecuteWorkflow(workflows.Return, returnInput(order.ReturnRequest{
		Lines: []order.ReturnLine{{LineID: 2, Quantity: 1}}, Reason: order.ReturnWithdrawal, Resolution: order.ReturnRefund}))
	var res workflows.ReturnResult
	if err := env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}
	if res.Status != activities.ReturnExpired || statuses[len(statuses)-1] != activities.ReturnExpired {
		t.Errorf("ended %s (%v), want expired", res.Status, statuses)
	}
}

func TestAnExchangeSettlesItsDifference(t *testing.T) {
	t.Run("dearer: a balance due", func(t *testing.T) {
		var statuses []string
		env := returnEnv(t, true, &statuses)
		expectFact(env, order.EntryBalanceDue, 710)
		expectReturnCreditNote(env, 1290) // the mug back, whatever replaces it
		env.OnActivity(collect.TellCollection, mock.Anything, mock.Anything).Return([]string(nil), nil).Maybe()
		env.OnWorkflow(workflows.ProcCollectPayment, mock.Anything, mock.Anything).Return(workflows.CollectPaymentResult{}, nil).Maybe()
		receive(env, time.Hour, "6A-RET-4")
		var rejected error
		answer(env, 2*time.Hour, workflows.TaskAnswer{TaskID: 5, Outcome: workflows.AnswerAcceptReturn, Agent: "luc@boutique.fr"}, &rejected)
		env.ExecuteWorkflow(workflows.Return, returnInput(order.ReturnRequest{
			Lines: []order.ReturnLine{{LineID: 1, Quantity: 1}}, Reason: order.ReturnWrongItem, Resolution: order.ReturnExchange,
			Exchange: []order.Line{{SKU: "BOL", Name: "Bol", UnitPrice: 2000, Quantity: 1, VATRate: 2000, Physical: true}}}))
		var res workflows.ReturnResult
		if err := env.GetWorkflowResult(&res); err != nil || rejected != nil {
			t.Fatal(err, rejected)
		}
		if res.Settlement.BalanceDue != 710 || res.Status != activities.ReturnExchanged {
			t.Errorf("settled %+v (%s), want 7,10 € due, exchanged", res.Settlement, res.Status)
		}
	})
	t.Run("cheaper: a refund", func(t *testing.T) {
		var statuses []string
		env := returnEnv(t, true, &statuses)
		expectRefund(env, 290)
		expectReturnCreditNote(env, 1290)
		receive(env, time.Hour, "6A-RET-5")
		var rejected error
		answer(env, 2*time.Hour, workflows.TaskAnswer{TaskID: 5, Outcome: workflows.AnswerAcceptReturn, Agent: "luc@boutique.fr"}, &rejected)
		env.ExecuteWorkflow(workflows.Return, returnInput(order.ReturnRequest{
			Lines: []order.ReturnLine{{LineID: 1, Quantity: 1}}, Reason: order.ReturnWrongItem, Resolution: order.ReturnExchange,
			Exchange: []order.Line{{SKU: "BOL", Name: "Bol", UnitPrice: 1000, Quantity: 1, VATRate: 2000, Physical: true}}}))
		var res workflows.ReturnResult
		if err := env.GetWorkflowResult(&res); err != nil || rejected != nil {
			t.Fatal(err, rejected)
		}
		if res.Settlement.Refund != 290 {
			t.Errorf("settled %+v, want 2,90 € back", res.Settlement)
		}
	})
}

func TestAWithdrawalNotInspectedIsEscalatedBeforeItsRefundIsLate(t *testing.T) {
	// Told on day 0, the parcel in on day 2: the refund is due by day 14.
	// Nobody inspects it: the history says by when, the task is escalated
	// to a supervisor before day 13, and the refund still goes out when
	// someone answers on day 13.
	var statuses []string
	type line struct {
		kind string
		at   time.Time
	}
	var lines []line
	var env *testsuite.TestWorkflowEnvironment
	env = returnEnv(t, true, &statuses, func(e *testsuite.TestWorkflowEnvironment) {
		e.OnActivity(orders.RecordEvent, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.NoteInput) error {
			lines = append(lines, line{in.Kind, env.Now()})
			return nil
		}).Maybe()
	})
	start := env.Now()
	expectRefund(env, 1990)
	expectReturnCreditNote(env, 1990)
	receive(env, 48*time.Hour, "6A-RET-7")
	var rejected error
	answer(env, 13*24*time.Hour, workflows.TaskAnswer{TaskID: 5, Outcome: workflows.AnswerAcceptReturn, Agent: "luc@boutique.fr"}, &rejected)
	in := returnInput(order.ReturnRequest{Lines: []order.ReturnLine{{LineID: 2, Quantity: 1}}, Reason: order.ReturnWithdrawal, Resolution: order.ReturnRefund})
	in.Reminder, in.Escalation = 4*24*time.Hour, 30*24*time.Hour // the shop's usual delays: far too late here
	env.ExecuteWorkflow(workflows.Return, in)
	var res workflows.ReturnResult
	if err := env.GetWorkflowResult(&res); err != nil || rejected != nil {
		t.Fatal(err, rejected)
	}
	var due, escalated time.Time
	for _, l := range lines {
		switch l.kind {
		case "return_refund_due":
			due = l.at
		case "task_escalated":
			escalated = l.at
		}
	}
	if due.IsZero() || escalated.IsZero() {
		t.Fatalf("history kinds %v: want the refund's deadline and an escalation", lines)
	}
	if deadline := start.Add(14 * 24 * time.Hour); !escalated.Before(deadline.Add(-23 * time.Hour)) {
		t.Errorf("escalated on %s, the refund being due on %s: want a day before at the latest", escalated, deadline)
	}
	if res.Settlement.Refund != 1990 || res.Status != activities.ReturnRefunded {
		t.Errorf("settled %+v (%s)", res.Settlement, res.Status)
	}
}
