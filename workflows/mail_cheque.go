package workflows

// MailCheque tracks a refund cheque until an agent mails it ("une
// demande de remboursement par chèque est en cours").
//
// Steps: WAIT FOR AN AGENT to mail the cheque and give its number
// (cheque_mailed); record the refund as done. While the customer's own
// cheque is not recorded as a payment, the refund cannot be recorded (never
// more than was paid): the agent is told and asked again.
// Compensation: cancelled while waiting, the cheque request is cancelled
// and its refund, never mailed, is released (it no longer counts as given
// back; procedures that started before this replay without the release).

import (
	"errors"
	"fmt"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
)

// MailChequeInput is the cheque to mail.
type MailChequeInput struct {
	OrderNumber string        `json:"order_number"`
	Agent       string        `json:"agent"`
	RefundKey   string        `json:"refund_key"`
	Amount      int64         `json:"amount_cents"`
	Currency    string        `json:"currency"`
	Address     order.Address `json:"address"`
	Settings
}

// MailCheque runs the tracking; see the top of this file.
func MailCheque(ctx workflow.Context, in MailChequeInput) (string, error) {
	ctx = beginLeanSettings(ctx, in.Settings)
	actor := activities.Actor{WorkflowID: workflow.GetInfo(ctx).WorkflowExecution.ID, Agent: in.Agent}
	state := State{Procedure: ProcMailCheque, OrderNumber: in.OrderNumber}
	ask := asker{number: in.OrderNumber, actor: actor, state: &state, reminder: in.Reminder, escalation: in.Escalation, lean: isLean(ctx)}
	if err := workflow.SetQueryHandler(ctx, QueryStatus, func() (State, error) { return state, nil }); err != nil {
		return "", err
	}
	if err := ask.register(ctx); err != nil {
		return "", err
	}
	ctx = workflow.WithActivityOptions(ctx, dbActivity)
	var money *activities.Money
	amount := amountOf(in.Amount, in.Currency)
	a := in.Address
	question := locale.Phr("task_question.mail_cheque", amount, textOf(a.Name), textOf(a.Line1), textOf(a.Line2), textOf(a.PostalCode), textOf(a.City))
	for attempt := 1; ; attempt++ {
		step := state.begin("mail", text(LabelMailCheque))
		ans, err := ask.ask(ctx, fmt.Sprintf("mailed-%d", attempt), TaskChequeMailed, question, in.Amount, []string{AnswerChequeMailed})
		if err != nil {
			dctx, _ := workflow.NewDisconnectedContext(ctx)
			_ = db(dctx, money.CancelChequeRequest, in.RefundKey).Get(dctx, nil)
			if since(dctx, "mail-cheque-release") {
				// No refund row yet (the customer's cheque not recorded) is
				// nothing to release: the error is left.
				_ = workflow.ExecuteActivity(dctx, money.ResolveRefund, activities.ResolveInput{
					OrderNumber: in.OrderNumber, Actor: actor, Key: in.RefundKey, Method: order.PayCheque,
					Cause: "chèque de remboursement non envoyé : procédure annulée", Why: locale.Phr("history.refund.cheque_not_mailed"),
				}).Get(dctx, nil)
			}
			state.end(step, StepFailed, text(DetailProcedureCancelled))
			return "", err
		}
		err = db(ctx, money.RecordChequeMailed, activities.MailedInput{
			OrderNumber: in.OrderNumber, Actor: activities.Actor{WorkflowID: actor.WorkflowID, Agent: ans.Agent},
			Key: in.RefundKey, Amount: in.Amount, ChequeNumber: ans.Reference,
		}).Get(ctx, nil)
		var app *temporal.ApplicationError
		if errors.As(err, &app) && app.Type() == activities.ErrTypeRefundTooLarge {
			question = locale.Phr("task_question.mail_cheque_unpaid", amount, textOf(a.Name), textOf(a.PostalCode), textOf(a.City))
			state.end(step, StepFailed, text(DetailCustomerChequeMissing))
			continue
		}
		if err != nil {
			state.endError(step, err)
			return "", err
		}
		state.end(step, StepDone, text(DetailChequeNumber, textArg("number", ans.Reference)))
		state.Done = true
		return ans.Reference, nil
	}
}
