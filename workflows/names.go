package workflows

import (
	"fmt"

	"go.temporal.io/sdk/temporal"
)

// TaskQueue is the queue every orderdesk worker polls.
const TaskQueue = "orderdesk"

// Procedure names: the workflow types, also the first part of workflow ids
// and the value of the OrderProcedure search attribute.
const (
	ProcModifyContent = "modify-content"
)

// Update and query names.
const (
	// UpdateAnswerTask carries an agent's answer to the task a procedure waits on.
	UpdateAnswerTask = "answer-task"
	// QueryStatus returns the procedure's State, for the UI and the CLI.
	QueryStatus = "status"
)

// Search attributes set by every procedure so an operator finds it in the
// Temporal Web UI: OrderNumber = "C-2026-000123" AND OrderProcedure =
// "modify-content". Search attributes are stored and shown in clear (the
// payload codec does not reach them), so none carries personal data: the
// customer is found from the order number.
//
// The procedure's attribute is OrderProcedure, not Procedure: "Procedure"
// is a reserved word of Temporal's list filter, which refused a plain
// Procedure = "modify-content". Procedures started by earlier versions
// carry Procedure and CustomerEmail; a Temporal server that has them keeps
// them registered, and WorkflowType = "modify-content" finds those too.
var (
	AttrOrderNumber    = temporal.NewSearchAttributeKeyKeyword("OrderNumber")
	AttrOrderProcedure = temporal.NewSearchAttributeKeyKeyword("OrderProcedure")
	AttrAwaitingAgent  = temporal.NewSearchAttributeKeyBool("AwaitingAgent")
)

// SearchAttributes declares the search attributes above, for registering
// them with a Temporal server (dev server, tests). Only keys and types count.
func SearchAttributes() temporal.SearchAttributes {
	return temporal.NewSearchAttributes(
		AttrOrderNumber.ValueSet(""),
		AttrOrderProcedure.ValueSet(""),
		AttrAwaitingAgent.ValueSet(false),
	)
}

// WorkflowID builds a procedure's workflow id from the procedure, the order
// and the caller's request id, so a double click or a retried request starts
// one procedure, not two: modify-content/C-2026-000123/<request id>.
func WorkflowID(procedure, orderNumber, requestID string) string {
	return fmt.Sprintf("%s/%s/%s", procedure, orderNumber, requestID)
}

// Child procedures.
const (
	// ProcSettleDifference settles a change of total with the customer; a
	// child of modify-content and cancel-refund.
	ProcSettleDifference = "settle-difference"
	// ProcMailCheque tracks a refund cheque until an agent mails it.
	ProcMailCheque = "mail-cheque"
)

// ProcCancelRefund cancels items and/or refunds an amount.
const ProcCancelRefund = "cancel-refund"

// Archiving and resending emails.
const (
	// ProcArchiveOrder archives a finished order.
	ProcArchiveOrder = "archive-order"
	// ProcUnarchiveOrder puts an archived order back among the current ones.
	ProcUnarchiveOrder = "unarchive-order"
	// ProcResendEmail sends again an email of the order.
	ProcResendEmail = "resend-email"
)

// WorksOnOrder says whether a running procedure of this type works on its
// order, so that the order cannot be archived meanwhile: every procedure
// but archiving, unarchiving and resending an email.
func WorksOnOrder(procedure string) bool {
	switch procedure {
	case ProcArchiveOrder, ProcUnarchiveOrder, ProcResendEmail:
		return false
	}
	return true
}

// ProcFulfil marks items shipped (with carrier and tracking) or completed.
const ProcFulfil = "fulfil"

// ProcEditDetails corrects the customer's details, the addresses, the
// method names, the shipping fee or the discount.
const ProcEditDetails = "edit-details"

// Payment collection: the procedure, its updates and query.
const (
	// ProcCollectPayment waits for an order's payment (or a balance due).
	ProcCollectPayment = "collect-payment"
	// ProcNotifyNewOrder tells the shop an order arrived.
	ProcNotifyNewOrder = "notify-new-order"
	// UpdateRecordPayment records a payment received (agent or provider webhook).
	UpdateRecordPayment = "record-payment"
	// UpdateSendInvoice emails the invoice to the customer.
	UpdateSendInvoice = "send-invoice"
	// UpdateConfirmPayment sends the payment confirmation once the order is paid.
	UpdateConfirmPayment = "send-payment-confirmation"
	// QueryCollection returns the collection's CollectionState.
	QueryCollection = "collection"
)

// The return procedure: shipped items coming back, and its Update.
const (
	// ProcReturn takes back shipped items for a refund or an exchange.
	ProcReturn = "return"
	// UpdateReceiveReturn tells a return its parcel (or its proof of
	// sending) has arrived.
	UpdateReceiveReturn = "receive-return"
)
