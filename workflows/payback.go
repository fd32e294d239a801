package workflows

// The payback step of the settlement (settle.go): when the money cannot go
// back on the means the customer paid with, an agent records how the
// customer wants it (order.Payback: a transfer to an IBAN, a cheque to an
// address, a voucher), a supervisor approves it above the limit, and it is
// done.

import (
	"fmt"

	"go.temporal.io/sdk/workflow"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
)

// payback asks how the customer wants to be paid back when the refund on
// their means of payment is impossible, and does it.
func (s *settle) payback(ctx workflow.Context, amount int64) (SettleResult, error) {
	var money *activities.Money
	key := s.base + "/payback"
	question := locale.Phr("task_question.payback", amountOf(amount, s.in.Currency))
	if s.v1 && s.in.Method == order.PayCheque {
		question = locale.Phr("task_question.payback_cheque", amountOf(amount, s.in.Currency))
	}
	for attempt := 1; ; attempt++ {
		step := s.state.begin("payback", text(LabelPayback))
		ans, err := s.ask.ask(ctx, fmt.Sprintf("payback-%d", attempt), TaskPayback, question,
			amount, []string{AnswerPaybackTransfer, AnswerPaybackCheque, AnswerPaybackStoreCredit})
		if err != nil {
			return SettleResult{}, err
		}
		pb := ans.payback()
		if res, ok, err := s.approvePayback(ctx, attempt, amount, pb, ans.Agent); err != nil || !ok {
			return res, err
		}
		switch pb.Method {
		case order.PaybackStoreCredit:
			code := order.VoucherCode(s.base)
			if err := db(ctx, money.IssueStoreCredit, activities.StoreCreditInput{
				OrderNumber: s.in.OrderNumber, Actor: s.actor, Key: key, Amount: amount, Code: code,
			}).Get(ctx, nil); err != nil {
				return SettleResult{}, err
			}
			s.state.end(step, StepDone, text(DetailVoucher, textArg("voucher", code)))
			return SettleResult{Outcome: activities.OutcomeStoreCredit, Amount: amount, Means: string(pb.Method), Voucher: code}, nil
		case order.PaybackCheque:
			addr, err := pb.Cheque.Resolve(s.in.Billing, s.in.Delivery)
			if err != nil {
				return SettleResult{}, err
			}
			s.state.end(step, StepDone, text(DetailCheque))
			return s.chequeRefund(ctx, key, amount, addr)
		}
		// A transfer to the customer's IBAN.
		var gw activities.GatewayOutcome
		k := fmt.Sprintf("%s-%d", key, attempt) // a declined IBAN gets a new try with another key
		if err := workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, providerActivity), money.PayoutToIBAN, activities.PayoutInput{
			OrderNumber: s.in.OrderNumber, Actor: s.actor, Key: k, Amount: amount, IBAN: pb.IBAN, BankAccount: pb.BankAccount, Name: pb.AccountName,
		}).Get(ctx, &gw); err != nil {
			return SettleResult{}, err
		}
		if gw.Outcome == activities.GatewayDeclined {
			s.state.end(step, StepFailed, text(DetailTransferDeclined, textArg("reason", gw.Reason)))
			continue
		}
		s.state.end(step, StepDone, text(DetailTransferTo, textArg("iban", order.MaskIBAN(pb.IBAN))))
		return SettleResult{Outcome: activities.OutcomeBankTransfer, Amount: amount, Means: string(pb.Method), IBAN: order.MaskIBAN(pb.IBAN), ProviderRef: gw.ProviderRef}, nil
	}
}

// approvePayback asks a supervisor, above the limit, to approve money
// leaving to an account or an address an agent typed: one who is neither
// the agent who asked for the refund nor the one who typed where it goes.
// A voucher moves no money out of the shop. Before version 1, none. by is
// the agent who recorded the payback.
func (s *settle) approvePayback(ctx workflow.Context, attempt int, amount int64, pb order.Payback, by string) (SettleResult, bool, error) {
	if !s.v1 {
		return SettleResult{}, true, nil
	}
	money, limit := amountOf(amount, s.in.Currency), amountOf(s.in.ApproveAbove, s.in.Currency)
	var question locale.Phrase
	switch pb.Method {
	case order.PaybackBankTransfer:
		question = locale.Phr("task_question.approve_transfer", money, textOf(order.MaskIBAN(pb.IBAN)), textOf(pb.AccountName), textOf(by), limit)
	case order.PaybackCheque:
		addr, err := pb.Cheque.Resolve(s.in.Billing, s.in.Delivery)
		if err != nil {
			return SettleResult{}, false, err
		}
		question = locale.Phr("task_question.approve_cheque", money, textOf(addr.Name), textOf(addr.PostalCode), textOf(addr.City), textOf(by), limit)
	default:
		return SettleResult{}, true, nil
	}
	return s.approveBy(ctx, amount, []string{s.in.Agent, by}, fmt.Sprintf("approve-payback-%d", attempt), question)
}
