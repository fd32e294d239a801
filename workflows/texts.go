package workflows

// The sentences of the progress view (a step's label and detail) are data:
// a key naming the sentence and its typed arguments. The procedure writes
// them in French as well (Step.Label, Step.Detail) for the CLI, the
// operators and an agent UI older than the key; the agent UI says them in
// the agent's language from the key (web/steps_i18n.go holds the English
// texts of every key listed here). Amounts travel as cents and a currency,
// so each language writes them its own way: "1 234,56 €", "€1,234.56".
//
// The state is query-only: changing these texts changes no history.

import (
	"errors"
	"strings"

	"go.temporal.io/sdk/temporal"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
)

// Text is a sentence of the progress view as data: the key of its
// template and the values of its {placeholders}.
type Text struct {
	Key  TextKey        `json:"key"`
	Args map[string]Arg `json:"args,omitempty"`
}

// Arg is one value of a sentence, typed so that each language writes it
// its own way. One field is set.
type Arg struct {
	Text    string              `json:"text,omitempty"`    // as is: a name, a reference, an agent's words, an error message
	English string              `json:"english,omitempty"` // with Text: the English of words that have one (the fields edited)
	Money   *order.Money        `json:"money,omitempty"`   // an amount: "1 234,56 €", "€1,234.56"
	Method  order.PaymentMethod `json:"method,omitempty"`  // a payment method, by its label
}

// TextKey names a sentence of the progress view. Its value is stable: an
// agent UI and a worker of different versions agree on it.
type TextKey string

// Step labels.
const (
	LabelHold             TextKey = "label.hold"
	LabelChangeContent    TextKey = "label.change_content"
	LabelSettleDifference TextKey = "label.settle_difference"
	LabelEmailCustomer    TextKey = "label.email_customer"
	LabelRelease          TextKey = "label.release"
	LabelCancelItems      TextKey = "label.cancel_items"
	LabelRefundCustomer   TextKey = "label.refund_customer"
	LabelAwaitPayment     TextKey = "label.await_payment"
	LabelCreateInvoice    TextKey = "label.create_invoice"
	LabelSendInvoice      TextKey = "label.send_invoice"
	LabelWaitPayment      TextKey = "label.wait_payment"
	LabelCompletePayment  TextKey = "label.complete_payment"
	LabelSendConfirmation TextKey = "label.send_confirmation"
	LabelCancelUnpaid     TextKey = "label.cancel_unpaid"
	LabelCloseBalance     TextKey = "label.close_balance"
	LabelMailCheque       TextKey = "label.mail_cheque"
	LabelApproveRefund    TextKey = "label.approve_refund"
	LabelRefund           TextKey = "label.refund"
	LabelPayback          TextKey = "label.payback"
	LabelChequeSent       TextKey = "label.cheque_sent"
	LabelChequeRequest    TextKey = "label.cheque_request"
	LabelBalanceDue       TextKey = "label.balance_due"
	LabelRecordShipment   TextKey = "label.record_shipment" // fulfil
)

// Step details.
const (
	DetailNewTotal              TextKey = "detail.new_total"
	DetailEmailNotSent          TextKey = "detail.email_not_sent"
	DetailNoItemCancelled       TextKey = "detail.no_item_cancelled"
	DetailItemsCancelled        TextKey = "detail.items_cancelled"
	DetailAmountDue             TextKey = "detail.amount_due"
	DetailInvoice               TextKey = "detail.invoice"
	DetailInvoiceNotAsked       TextKey = "detail.invoice_not_asked"
	DetailPaymentNotReceived    TextKey = "detail.payment_not_received"
	DetailReceived              TextKey = "detail.received"
	DetailInvoicePaid           TextKey = "detail.invoice_paid"
	DetailConfirmationNotAsked  TextKey = "detail.confirmation_not_asked"
	DetailUnpaidInTime          TextKey = "detail.unpaid_in_time"
	DetailCancelledByAgent      TextKey = "detail.cancelled_by_agent"
	DetailProcedureCancelled    TextKey = "detail.procedure_cancelled"
	DetailCustomerChequeMissing TextKey = "detail.customer_cheque_missing"
	DetailChequeNumber          TextKey = "detail.cheque_number"
	DetailRejected              TextKey = "detail.rejected"
	DetailApproved              TextKey = "detail.approved"
	DetailRefundDone            TextKey = "detail.refund_done"
	DetailRefundImpossible      TextKey = "detail.refund_impossible"
	DetailVoucher               TextKey = "detail.voucher"
	DetailCheque                TextKey = "detail.cheque"
	DetailTransferDeclined      TextKey = "detail.transfer_declined"
	DetailTransferTo            TextKey = "detail.transfer_to"
	DetailChequeNotSent         TextKey = "detail.cheque_not_sent"
	DetailChequeAlreadySent     TextKey = "detail.cheque_already_sent"
	DetailChequeToMail          TextKey = "detail.cheque_to_mail"
	DetailBalanceAsked          TextKey = "detail.balance_asked"
	DetailShipped               TextKey = "detail.shipped"   // fulfil
	DetailCompleted             TextKey = "detail.completed" // fulfil
)

// Editing an order's details.
const (
	LabelEditDetails      TextKey = "label.edit_details"
	DetailDetailsChanged  TextKey = "detail.details_changed"
	DetailDetailsNewTotal TextKey = "detail.details_new_total"
)

// Archiving and resending emails.
const (
	LabelArchive   TextKey = "label.archive"
	LabelUnarchive TextKey = "label.unarchive"
	LabelCopyEmail TextKey = "label.copy_email"
	DetailEmailTo  TextKey = "detail.email_to"
)

// How a settlement ended (the settle step of modify-content and
// cancel-refund).
const (
	OutcomeTextRefunded       TextKey = "outcome.refunded"
	OutcomeTextBankTransfer   TextKey = "outcome.bank_transfer"
	OutcomeTextStoreCredit    TextKey = "outcome.store_credit"
	OutcomeTextChequeRefund   TextKey = "outcome.cheque_refund"
	OutcomeTextChequeReplaced TextKey = "outcome.cheque_replaced"
	OutcomeTextBalanceDue     TextKey = "outcome.balance_due"
	OutcomeTextRefundRejected TextKey = "outcome.refund_rejected"
	OutcomeTextNone           TextKey = "outcome.none"
)

// A step failed with a known kind of activity failure; {message} is the
// error's own message.
const (
	FailureInvalidInput    TextKey = "failure.invalid_input"
	FailureNotFound        TextKey = "failure.not_found"
	FailureHoldRefused     TextKey = "failure.hold_refused"
	FailureNotHeld         TextKey = "failure.not_held"
	FailureRefundTooLarge  TextKey = "failure.refund_too_large"
	FailureTaskClosed      TextKey = "failure.task_closed"
	FailureEmailRejected   TextKey = "failure.email_rejected"
	FailureProviderInvalid TextKey = "failure.provider_invalid"
)

// stepMessages is what a procedure's key is in the catalog (package
// locale): the message "step.<key>", whose French is what the procedure
// writes and whose English the agent UI shows.
const stepMessages = "step."

// failureTexts says a known kind of activity failure.
var failureTexts = map[string]TextKey{
	activities.ErrTypeInvalidInput:    FailureInvalidInput,
	activities.ErrTypeNotFound:        FailureNotFound,
	activities.ErrTypeHoldRefused:     FailureHoldRefused,
	activities.ErrTypeNotHeld:         FailureNotHeld,
	activities.ErrTypeRefundTooLarge:  FailureRefundTooLarge,
	activities.ErrTypeTaskClosed:      FailureTaskClosed,
	activities.ErrTypeEmailRejected:   FailureEmailRejected,
	activities.ErrTypeProviderInvalid: FailureProviderInvalid,
}

// TextKeys lists every key a procedure can write (the catalog's step
// messages), sorted: what an agent UI must say in each of its languages.
func TextKeys() []TextKey {
	var keys []TextKey
	for _, k := range locale.Keys() {
		if rest, ok := strings.CutPrefix(string(k), stepMessages); ok {
			keys = append(keys, TextKey(rest))
		}
	}
	return keys
}

// FrenchTemplate is the French template of a key, with its {placeholders};
// false for a key this version does not know.
func FrenchTemplate(k TextKey) (string, bool) {
	return locale.Template(locale.French, locale.Key(stepMessages+string(k)))
}

// Placeholders lists the {names} of a template, in order.
func Placeholders(template string) []string {
	var names []string
	for {
		i := strings.IndexByte(template, '{')
		if i < 0 {
			return names
		}
		j := strings.IndexByte(template[i:], '}')
		if j < 0 {
			return names
		}
		names = append(names, template[i+1:i+j])
		template = template[i+j+1:]
	}
}

// French is the sentence in French, as the procedure writes it in
// Step.Label and Step.Detail.
func (t Text) French() string {
	fr, _ := FrenchTemplate(t.Key)
	return t.Render(fr, "fr")
}

// Render fills a template of t's key (in lang: "fr" or "en") with t's
// arguments written in that language. A placeholder without an argument
// is left as it is written, so a mistake shows.
func (t Text) Render(template, lang string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(template, '{')
		j := strings.IndexByte(template[max(i, 0):], '}')
		if i < 0 || j < 0 {
			b.WriteString(template)
			return b.String()
		}
		b.WriteString(template[:i])
		name := template[i+1 : i+j]
		if a, ok := t.Args[name]; ok {
			b.WriteString(a.In(lang))
		} else {
			b.WriteString(template[i : i+j+1])
		}
		template = template[i+j+1:]
	}
}

// In writes the argument in a language: "fr" or "en".
func (a Arg) In(lang string) string {
	switch {
	case a.Money != nil:
		return a.Money.Format(lang)
	case a.Method != "":
		return a.Method.Label(lang)
	case lang == "en" && a.English != "":
		return a.English
	}
	return a.Text
}

// namedArg is an argument with its placeholder's name, for text.
type namedArg struct {
	name string
	arg  Arg
}

// text builds a sentence: text(DetailNewTotal, moneyArg("total", m)).
func text(k TextKey, args ...namedArg) Text {
	t := Text{Key: k}
	if len(args) > 0 {
		t.Args = make(map[string]Arg, len(args))
		for _, a := range args {
			t.Args[a.name] = a.arg
		}
	}
	return t
}

// textArg is a value written as is in every language.
func textArg(name, v string) namedArg { return namedArg{name, Arg{Text: v}} }

// wordsArg is a value with its words in each language.
func wordsArg(name, french, english string) namedArg {
	return namedArg{name, Arg{Text: french, English: english}}
}

// moneyArg is an amount, written the way each language writes money.
func moneyArg(name string, cents int64, currency string) namedArg {
	return namedArg{name, Arg{Money: &order.Money{Cents: cents, Currency: currency}}}
}

// methodArg is a payment method, written as its label.
func methodArg(name string, m order.PaymentMethod) namedArg {
	return namedArg{name, Arg{Method: m}}
}

// failureText says a failure of a known kind around its message; nil for
// any other failure, which the UI shows as its message alone.
func failureText(msg string, err error) *Text {
	var app *temporal.ApplicationError
	if !errors.As(err, &app) {
		return nil
	}
	k, ok := failureTexts[app.Type()]
	if !ok {
		return nil
	}
	t := text(k, textArg("message", msg))
	return &t
}

// outcomeText says how a settlement ended, for the settle step.
func outcomeText(s SettleResult, currency string) Text {
	switch s.Outcome {
	case activities.OutcomeRefunded:
		return text(OutcomeTextRefunded, moneyArg("amount", s.Amount, currency))
	case activities.OutcomeBankTransfer:
		return text(OutcomeTextBankTransfer, moneyArg("amount", s.Amount, currency))
	case activities.OutcomeStoreCredit:
		return text(OutcomeTextStoreCredit, textArg("voucher", s.Voucher), moneyArg("amount", s.Amount, currency))
	case activities.OutcomeChequeRefund:
		return text(OutcomeTextChequeRefund, moneyArg("amount", s.Amount, currency))
	case activities.OutcomeChequeReplaced:
		return text(OutcomeTextChequeReplaced)
	case activities.OutcomeBalanceDue:
		return text(OutcomeTextBalanceDue, moneyArg("amount", s.BalanceDue, currency))
	case activities.OutcomeRefundRejected:
		return text(OutcomeTextRefundRejected, textArg("reason", s.Reason))
	}
	return text(OutcomeTextNone)
}
