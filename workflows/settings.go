package workflows

import "time"

// Settings are the shop's settings that every procedure works with: the
// approval limit, the reminders of agent tasks and of payments, and whether
// a payment's confirmation goes without an agent. A procedure takes them as
// one value and hands that value whole to the children it starts, so a
// settlement started by a payment collection waits for the same approvals
// and reminds as any other: no child is ever given its settings field by
// field, where one could be forgotten.
//
// It is embedded in each procedure's input, so its fields travel flat in
// the input's JSON, as they did before they were gathered here: recorded
// histories decode unchanged.
type Settings struct {
	// ApproveAbove: money leaving the shop above this many cents (a refund,
	// an overpayment's refund, a transfer to an IBAN, a refund cheque) waits
	// for a supervisor who did not ask for it (0: never).
	ApproveAbove int64 `json:"approve_above_cents,omitempty"`
	// Reminder and Escalation are how long an agent task may stay open
	// before a reminder, then an escalation, are written (0: never).
	Reminder   time.Duration `json:"reminder"`
	Escalation time.Duration `json:"escalation"`
	// Reminders are the delays of a payment collection's reminder email,
	// agent task and cancellation (zero: DefaultPaymentReminders).
	Reminders PaymentReminders `json:"reminders"`
	// AutoConfirm sends the payment confirmation as soon as the payment is
	// complete, without waiting for an agent.
	AutoConfirm bool `json:"auto_confirm"`
	// RefundStuckAfter is how long a refund may wait on its provider (an
	// outage, lost answers) before an agent task says so; the procedure
	// goes on retrying (zero: an hour).
	RefundStuckAfter time.Duration `json:"refund_stuck_after,omitempty"`
	// Lean runs the procedure lean (see lean.go): the starter sets it,
	// children inherit it with the settings. Procedures started before it
	// existed have it false and replay as they ran.
	Lean bool `json:"lean,omitempty"`
	// LeanRevision is the revision of the lean shape the procedure runs
	// (see lean.go): the starter sets the latest, children inherit it;
	// procedures started before a revision existed run the one their
	// input recorded.
	LeanRevision int `json:"lean_revision,omitempty"`
	// Returns are the rules and delays of the return procedure (zero
	// fields: DefaultReturnSettings').
	Returns ReturnSettings `json:"returns,omitzero"`
}

// refundStuckAfter is RefundStuckAfter, an hour when unset.
func (s Settings) refundStuckAfter() time.Duration {
	if s.RefundStuckAfter <= 0 {
		return time.Hour
	}
	return s.RefundStuckAfter
}

// paymentReminders are the collection's delays, the defaults when unset.
func (s Settings) paymentReminders() PaymentReminders {
	if s.Reminders == (PaymentReminders{}) {
		return DefaultPaymentReminders()
	}
	return s.Reminders
}
