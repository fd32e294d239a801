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
