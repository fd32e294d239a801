package workflows

// Procedure is a workflow and the name it is registered under.
type Procedure struct {
	Name string
	Func any
}

// Procedures lists every workflow of orderdesk, for the worker and for the
// replay test: one list, so a procedure cannot be run and not replayed.
func Procedures() []Procedure {
	return []Procedure{
		{ProcModifyContent, ModifyContent},
		{ProcCancelRefund, CancelRefund},
		{ProcFulfil, Fulfil},
		{ProcSettleDifference, SettleDifference},
		{ProcMailCheque, MailCheque},
		{ProcCollectPayment, CollectPayment},
		{ProcNotifyNewOrder, NotifyNewOrder},
		{ProcArchiveOrder, ArchiveOrder},
		{ProcUnarchiveOrder, UnarchiveOrder},
		{ProcResendEmail, ResendEmail},
		{ProcEditDetails, EditDetails},
	}
}

// Jobs lists the workflows that are not procedures on an order (no agent
// starts them from an order page; a schedule does): the worker registers
// them with the procedures.
func Jobs() []Procedure {
	return []Procedure{
		{ProcReconcile, Reconcile},
	}
}
