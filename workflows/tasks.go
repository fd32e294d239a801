package workflows

import "github.com/orderdesk/orderdesk/order"

// Task kinds: what a procedure waits on a person for. Each kind has its
// own answers (the Outcome of a TaskAnswer); the Update validator refuses
// any other.
const (
	// TaskRefundByHand: the provider has no refund API (or refused for
	// good): an agent refunds in the provider's back office.
	// Answers: AnswerRefundDone, AnswerRefundImpossible (Reason required).
	TaskRefundByHand = "refund_by_hand"
	// TaskPayback: the refund was impossible; the agent records how the
	// customer wants to be paid back.
	// Answers: AnswerPaybackTransfer (IBAN, Name), AnswerPaybackCheque
	// (Address), AnswerPaybackStoreCredit.
	TaskPayback = "payback"
	// TaskChequeSent: "has the customer already sent the cheque?".
	// Answers: AnswerChequeSent (Address: where the refund cheque goes), AnswerChequeNotSent.
	TaskChequeSent = "cheque_sent"
	// TaskChequeMailed: a cheque refund waits until an agent mails it.
	// Answer: AnswerChequeMailed (Reference: the cheque number).
	TaskChequeMailed = "cheque_mailed"
	// TaskApproveRefund: a refund above the configured amount waits for a
	// supervisor, who is not the agent who asked for it.
	// Answers: AnswerApprove, AnswerReject (Reason required).
	TaskApproveRefund = "approve_refund"
	// TaskReviewEmail: the agent sees the customer email before it goes
	// (last window), the task carrying the email as rendered.
	// Answers: AnswerSend, AnswerSendWithNote (Note required), AnswerDontSend.
	TaskReviewEmail = "review_email"
	// TaskRefundStuck tells the shop that a refund has waited on its
	// provider too long while the procedure keeps retrying. A notice: no
	// procedure waits on its answer, AnswerNoted, which closes it.
	TaskRefundStuck = "refund_stuck"
)

// TaskPaymentOverdue: collect-payment's payment is late; an agent chases
// the customer, while the procedure goes on waiting for the payment.
// Answers: AnswerKeepWaiting, AnswerCancelOrder (the order is cancelled).
const (
	TaskPaymentOverdue = "payment_overdue"
	AnswerKeepWaiting  = "keep_waiting"
	AnswerCancelOrder  = "cancel_order"
)

// TaskUnmatchedPayment tells the shop of a provider payment that no
// running collection took (it came after the collection ended): it is
// recorded on the order; the agent checks it and refunds it if it is owed
// back. A notice.
const TaskUnmatchedPayment = "unmatched_payment"

// AnswerNoted closes a notice task: the agent has seen it (and acted),
// with a note saying what they did.
const AnswerNoted = "noted"

// IsNotice reports whether tasks of a kind are notices: no procedure
// waits on their answer, and answering one (AnswerNoted) closes it.
func IsNotice(kind string) bool {
	switch kind {
	case TaskRefundStuck, TaskUnmatchedPayment, TaskReconcileMismatch:
		return true
	}
	return false
}

// QuestionReviewEmail is the question of a review_email task. The email
// itself is the task's Email (store.TaskEmail), never part of the question.
const QuestionReviewEmail = "Envoyer cet e-mail au client ?"

// questionReviewEmail is the catalog's message of QuestionReviewEmail.
const questionReviewEmail = "task_question.review_email"

// Answers to tasks, by kind (see above).
const (
	AnswerRefundDone         = "refund_done"
	AnswerRefundImpossible   = "refund_impossible"
	AnswerPaybackTransfer    = string(order.PaybackBankTransfer)
	AnswerPaybackCheque      = string(order.PaybackCheque)
	AnswerPaybackStoreCredit = string(order.PaybackStoreCredit)
	AnswerChequeSent         = "cheque_sent"
	AnswerChequeNotSent      = "cheque_not_sent"
	AnswerChequeMailed       = "cheque_mailed"
	AnswerApprove            = "approve"
	AnswerReject             = "reject"
	AnswerSend               = "send"
	AnswerSendWithNote       = "send_with_note"
	AnswerDontSend           = "dont_send"
)

// TaskAnswer is an agent's answer to the task a procedure waits on, sent
// as the answer-task Update. Only the fields the answer needs are set.
type TaskAnswer struct {
	TaskID      int64  `json:"task_id"`
	Outcome     string `json:"outcome"`                // one of the task's answers
	Agent       string `json:"agent"`                  // who answers (email)
	Role        string `json:"role,omitempty"`         // their role: agent, supervisor, admin (approvals need supervisor or admin)
	ProviderRef string `json:"provider_ref,omitempty"` // refund done: the provider's reference
	Reason      string `json:"reason,omitempty"`       // refund impossible, reject: why
	Note        string `json:"note,omitempty"`         // send_with_note: the personal paragraph
	IBAN        string `json:"iban,omitempty"`         // bank_transfer payback: as typed, or masked once kept under BankAccount
	AccountName string `json:"account_name,omitempty"` // bank_transfer payback: the account holder
	// BankAccount is the reference under which the server kept the IBAN
	// the agent typed (the starter does it before the answer reaches the
	// procedure): the history and the task's stored answer hold the
	// reference and the masked IBAN, not the account number.
	BankAccount string `json:"bank_account,omitempty"`
	// Address is where a cheque goes: an order.AddressChoice, "billing",
	// "delivery", or "typed" for the address in TypedAddress.
	Address      string         `json:"address,omitempty"`
	TypedAddress *AddressAnswer `json:"typed_address,omitempty"`
	Reference    string         `json:"reference,omitempty"` // cheque_mailed: the cheque number
	// Lines is a return's inspection accepted in part: what is accepted
	// of each line (a line not given is refused whole).
	Lines []InspectedLine `json:"lines,omitempty"`
}

// AddressAnswer is a postal address typed by an agent.
type AddressAnswer struct {
	Name       string `json:"name"`
	Line1      string `json:"line1"`
	Line2      string `json:"line2,omitempty"`
	PostalCode string `json:"postal_code"`
	City       string `json:"city"`
	Country    string `json:"country"`
}

// payback is the answer to a payback task as the domain says it: the
// method (the answer's outcome) and what it needs.
func (a TaskAnswer) payback() order.Payback {
	return order.Payback{Method: order.PaybackMethod(a.Outcome), IBAN: a.IBAN, AccountName: a.AccountName, BankAccount: a.BankAccount, Cheque: a.chequeAddress()}
}

// chequeAddress is where the answer sends a cheque.
func (a TaskAnswer) chequeAddress() order.ChequeAddress {
	c := order.ChequeAddress{Choice: order.AddressChoice(a.Address)}
	if t := a.TypedAddress; t != nil {
		c.Typed = order.Address{Name: t.Name, Line1: t.Line1, Line2: t.Line2, PostalCode: t.PostalCode, City: t.City, Country: t.Country}
	}
	return c
}
