package web

import "github.com/orderdesk/orderdesk/workflows"

// englishSteps are the English texts of the sentences the procedures write
// in their progress (step labels and details), by key; the French ones are
// the procedures' own registry (workflows/texts.go). Placeholders are the
// same in both: {amount} is written "€1,234.56" here, "1 234,56 €" in
// French. steps_i18n_test.go fails when a key of the registry has no text
// here.
var englishSteps = map[workflows.TextKey]string{
	workflows.LabelHold:             "Take the order out of the warehouse flow (Mod ON → OFF)",
	workflows.LabelChangeContent:    "Change the order's content",
	workflows.LabelSettleDifference: "Settle the difference with the customer",
	workflows.LabelEmailCustomer:    "Send the email to the customer",
	workflows.LabelRelease:          "Give the order back to the warehouse flow (Mod OFF → ON)",
	workflows.LabelCancelItems:      "Cancel the items",
	workflows.LabelRefundCustomer:   "Refund the customer",
	workflows.LabelAwaitPayment:     "Set the order to “Awaiting payment”",
	workflows.LabelCreateInvoice:    "Create the invoice",
	workflows.LabelSendInvoice:      "Send the invoice to the customer",
	workflows.LabelWaitPayment:      "Wait for the payment",
	workflows.LabelCompletePayment:  "Mark the invoice paid and the order “Completed”",
	workflows.LabelSendConfirmation: "Send the payment confirmation",
	workflows.LabelCancelUnpaid:     "Cancel the unpaid order",
	workflows.LabelCloseBalance:     "Close the balance request",
	workflows.LabelMailCheque:       "Mail the refund cheque",
	workflows.LabelApproveRefund:    "Refund approval by a supervisor",
	workflows.LabelRefund:           "Refund {amount} by {method}",
	workflows.LabelPayback:          "Refund another way (transfer, cheque or store credit)",
	workflows.LabelChequeSent:       "Has the customer sent the cheque?",
	workflows.LabelChequeRequest:    "Cheque refund request",
	workflows.LabelBalanceDue:       "Still to pay by the customer",
	workflows.LabelRecordShipment:   "Mark the items shipped",

	workflows.DetailNewTotal:              "New total {total}",
	workflows.DetailEmailNotSent:          "Email not sent, as {agent} asked",
	workflows.DetailNoItemCancelled:       "No item cancelled",
	workflows.DetailItemsCancelled:        "{items}; new total {total}",
	workflows.DetailAmountDue:             "Amount due: {amount}",
	workflows.DetailInvoice:               "Invoice {invoice}",
	workflows.DetailInvoiceNotAsked:       "Not asked for",
	workflows.DetailPaymentNotReceived:    "Payment not received",
	workflows.DetailReceived:              "Received: {amount}",
	workflows.DetailInvoicePaid:           "Invoice {invoice} paid",
	workflows.DetailConfirmationNotAsked:  "Not asked for",
	workflows.DetailUnpaidInTime:          "Payment not received in time",
	workflows.DetailCancelledByAgent:      "Cancelled by {agent} for non-payment",
	workflows.DetailProcedureCancelled:    "Procedure cancelled",
	workflows.DetailCustomerChequeMissing: "The customer's payment is not recorded yet",
	workflows.DetailChequeNumber:          "Cheque no. {number}",
	workflows.DetailRejected:              "Rejected: {reason}",
	workflows.DetailApproved:              "Approved by {agent}",
	workflows.DetailRefundDone:            "Refund done",
	workflows.DetailRefundImpossible:      "Refund impossible: {reason}",
	workflows.DetailVoucher:               "Store credit {voucher}",
	workflows.DetailCheque:                "Cheque",
	workflows.DetailTransferDeclined:      "Transfer declined: {reason}",
	workflows.DetailTransferTo:            "Transfer to {iban}",
	workflows.DetailChequeNotSent:         "Cheque not sent yet: it will be replaced",
	workflows.DetailChequeAlreadySent:     "Cheque already sent",
	workflows.DetailChequeToMail:          "Cheque of {amount} to send to {name}, {city}",
	workflows.DetailBalanceAsked:          "{amount} asked of the customer ({procedure})",
	workflows.DetailShipped:               "Shipped with {carrier}: {items}",
	workflows.DetailCompleted:             "Completed: {items}",

	workflows.LabelArchive:   "Archive the order",
	workflows.LabelUnarchive: "Unarchive the order",
	workflows.LabelCopyEmail: "Copy the email to the outbox",
	workflows.DetailEmailTo:  "“{subject}” to {to}",

	workflows.LabelEditDetails:      "Edit the order's details",
	workflows.DetailDetailsChanged:  "Changed: {fields}",
	workflows.DetailDetailsNewTotal: "Changed: {fields}; new total {total}",

	workflows.OutcomeTextRefunded:       "Refunded: {amount}",
	workflows.OutcomeTextBankTransfer:   "Refunded by bank transfer: {amount}",
	workflows.OutcomeTextStoreCredit:    "Store credit {voucher}: {amount}",
	workflows.OutcomeTextChequeRefund:   "Refund cheque requested: {amount}",
	workflows.OutcomeTextChequeReplaced: "The first cheque is cancelled and replaced",
	workflows.OutcomeTextBalanceDue:     "Still to pay: {amount}",
	workflows.OutcomeTextRefundRejected: "Refund rejected by the supervisor: {reason}",
	workflows.OutcomeTextNone:           "Nothing to settle",

	workflows.FailureInvalidInput:    "Request refused: {message}",
	workflows.FailureNotFound:        "Not found: {message}",
	workflows.FailureHoldRefused:     "The order cannot be taken out of the warehouse flow: {message}",
	workflows.FailureNotHeld:         "The procedure no longer holds the order: {message}",
	workflows.FailureRefundTooLarge:  "Refund above what the customer paid: {message}",
	workflows.FailureTaskClosed:      "The task was closed otherwise: {message}",
	workflows.FailureEmailRejected:   "Email refused by the sending service: {message}",
	workflows.FailureProviderInvalid: "Request refused by the payment provider, to be looked into: {message}",
}

// stepText says a sentence of a procedure's progress in lang. fallback is
// the French the procedure wrote beside it: shown for a sentence without a
// key (an error's message, a worker older than the keys) or with a key
// this UI does not know (a newer worker).
func stepText(t *workflows.Text, fallback, lang string) string {
	if t == nil || t.Key == "" {
		return fallback
	}
	template, ok := workflows.FrenchTemplate(t.Key)
	if lang == "en" {
		template, ok = englishSteps[t.Key]
	}
	if !ok {
		return fallback
	}
	return t.Render(template, lang)
}
