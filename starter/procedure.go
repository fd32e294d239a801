package starter

import "time"

// Procedure is one run of a procedure on an order, as Temporal knows it:
// what the order page lists and links to the Temporal Web UI.
type Procedure struct {
	WorkflowID    string    `json:"workflow_id"`
	RunID         string    `json:"run_id"`
	Type          string    `json:"type"`   // the procedure name, e.g. modify-content
	Status        string    `json:"status"` // Running, Completed, Failed, Canceled, Terminated, TimedOut
	StartTime     time.Time `json:"start_time"`
	CloseTime     time.Time `json:"close_time,omitzero"`
	AwaitingAgent bool      `json:"awaiting_agent"`
}
