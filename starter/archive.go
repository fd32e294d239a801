package starter

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	enumspb "go.temporal.io/api/enums/v1"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/workflows"
)

// HistoryStore is what archiving, notes and resent emails read and write
// beyond Orders. *store.Store implements it; a Starter built over an Orders
// that does not refuses these requests.
type HistoryStore interface {
	OpenTaskCount(ctx context.Context, orderID int64) (int, error)
	AddEvent(ctx context.Context, ev store.Event) (store.Event, error)
	GetEmail(ctx context.Context, id int64) (store.Email, error)
}

var _ HistoryStore = (*store.Store)(nil)

func (s *Starter) history() (HistoryStore, error) {
	h, ok := s.raw.(HistoryStore)
	if !ok {
		return nil, errors.New("starter: the order store cannot write the history (not a *store.Store)")
	}
	return dbHistory{h}, nil
}

// ArchiveRequest asks to archive or unarchive an order.
type ArchiveRequest struct {
	OrderNumber string
	RequestID   string // from the caller: the same id archives once
	Agent       string
}

// Archive starts archive-order for a finished order that no procedure
// works on. A refusal says why (order.ErrNotArchivable: not finished,
// held, an open agent task, already archived), and nothing is started.
func (s *Starter) Archive(ctx context.Context, req ArchiveRequest) (Run, error) {
	id, run, done, err := s.startedAlready(ctx, workflows.ProcArchiveOrder, req.OrderNumber, req.RequestID, req.Agent)
	if done {
		return run, err
	}
	h, err := s.history()
	if err != nil {
		return Run{}, err
	}
	o, err := s.order(ctx, req.OrderNumber)
	if err != nil {
		return Run{}, err
	}
	open, err := h.OpenTaskCount(ctx, o.ID)
	if err != nil {
		return Run{}, err
	}
	if err := order.CheckArchivable(o, open); err != nil {
		return Run{}, err
	}
	if err := s.noneRunning(ctx, o.Number); err != nil {
		return Run{}, err
	}
	in := workflows.ArchiveInput{OrderNumber: o.Number, RequestID: req.RequestID, Agent: req.Agent, Lean: true}
	return s.start(ctx, id, workflows.ProcArchiveOrder, o, fmt.Sprintf("Archiver %s", o.Number), in)
}

// noneRunning refuses to archive an order a procedure still runs on, as
// Temporal knows it: one between two steps holds nothing and waits on no
// agent. Archiving, unarchiving and resending an email do not count. When
// Temporal's list cannot be read, the store's checks stand alone.
func (s *Starter) noneRunning(ctx context.Context, number string) error {
	procs, err := s.OrderProcedures(ctx, number)
	if _, down := Unavailable(err); down {
		return err // nothing could be started either
	}
	if err != nil {
		return nil
	}
	for _, p := range procs {
		if p.Status != "Running" || !workflows.WorksOnOrder(p.Type) {
			continue
		}
		// The list lags behind a procedure that just ended: its own
		// record says whether it still runs.
		d, err := s.c.DescribeWorkflowExecution(ctx, p.WorkflowID, p.RunID)
		if err == nil && d.GetWorkflowExecutionInfo().GetStatus() != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
			continue
		}
		return fmt.Errorf("order %s: procedure %s is still running: wait for it to end: %w", number, p.WorkflowID, order.ErrNotArchivable)
	}
	return nil
}

// Unarchive starts unarchive-order for an archived order; an order that is
// not archived is refused (on the field "order") and nothing is started.
func (s *Starter) Unarchive(ctx context.Context, req ArchiveRequest) (Run, error) {
	id, run, done, err := s.startedAlready(ctx, workflows.ProcUnarchiveOrder, req.OrderNumber, req.RequestID, req.Agent)
	if done {
		return run, err
	}
	o, err := s.order(ctx, req.OrderNumber)
	if err != nil {
		return Run{}, err
	}
	if err := order.CheckUnarchivable(o); err != nil {
		return Run{}, err
	}
	in := workflows.ArchiveInput{OrderNumber: o.Number, RequestID: req.RequestID, Agent: req.Agent, Lean: true}
	return s.start(ctx, id, workflows.ProcUnarchiveOrder, o, fmt.Sprintf("Désarchiver %s", o.Number), in)
}

// NoteRequest is an agent's note for the order's history.
type NoteRequest struct {
	OrderNumber string
	RequestID   string // from the caller: a double submit adds one note
	Agent       string
	Note        order.Note
}

// AddNote writes an agent's note to the order's history. A note changes
// nothing but the history, so it is no procedure: one keyed insert, which
// a double submit (the same request id) finds instead of adding a second
// note. An archived order takes notes too. Bad input names its field and
// writes nothing.
func (s *Starter) AddNote(ctx context.Context, req NoteRequest) (store.Event, error) {
	if err := checkRequest(req.OrderNumber, req.RequestID, req.Agent); err != nil {
		return store.Event{}, err
	}
	if err := req.Note.Validate(); err != nil {
		return store.Event{}, err
	}
	h, err := s.history()
	if err != nil {
		return store.Event{}, err
	}
	o, err := s.order(ctx, req.OrderNumber)
	if err != nil {
		return store.Event{}, err
	}
	return h.AddEvent(ctx, store.Event{
		OrderID: o.ID, ActorKind: store.ActorAgent, Actor: req.Agent, Kind: store.EventNote,
		Message: strings.TrimSpace(req.Note.Text), ContactChannel: string(req.Note.Channel),
		Key: "note/" + o.Number + "/" + req.RequestID,
	})
}

// ResendRequest asks to send an email of the order again.
type ResendRequest struct {
	OrderNumber string
	RequestID   string // from the caller: a double click sends once
	Agent       string
	EmailID     int64
	To          string // a corrected address; "" sends to the same one
}

// ResendEmail starts resend-email for one of the order's emails. An email
// of another order, a missing one or a malformed address is refused naming
// its field (email_id, to), and nothing is started or written.
func (s *Starter) ResendEmail(ctx context.Context, req ResendRequest) (Run, error) {
	if err := checkRequest(req.OrderNumber, req.RequestID, req.Agent); err != nil {
		return Run{}, err
	}
	req.To = strings.TrimSpace(req.To)
	if req.EmailID <= 0 {
		return Run{}, order.Refuse("email_id", "refusal.email_id_missing")
	}
	if req.To != "" {
		if err := order.CheckEmailAddress("to", req.To); err != nil {
			return Run{}, err
		}
	}
	id := workflows.WorkflowID(workflows.ProcResendEmail, req.OrderNumber, req.RequestID)
	if run, ok, err := s.existing(ctx, id); err != nil || ok {
		return run, err
	}
	h, err := s.history()
	if err != nil {
		return Run{}, err
	}
	o, err := s.order(ctx, req.OrderNumber)
	if err != nil {
		return Run{}, err
	}
	e, err := h.GetEmail(ctx, req.EmailID)
	if errors.Is(err, store.ErrNotFound) {
		return Run{}, order.Refuse("email_id", "refusal.email_not_found", locale.Text(strconv.FormatInt(req.EmailID, 10)))
	}
	if err != nil {
		return Run{}, err
	}
	if e.OrderID != o.ID {
		return Run{}, order.Refuse("email_id", "refusal.email_not_of_order", locale.Text(strconv.FormatInt(req.EmailID, 10)))
	}
	in := workflows.ResendEmailInput{OrderNumber: o.Number, RequestID: req.RequestID, Agent: req.Agent, EmailID: e.ID, To: req.To, Lean: true}
	return s.start(ctx, id, workflows.ProcResendEmail, o, fmt.Sprintf("Renvoyer « %s » (%s)", e.Subject, o.Number), in)
}
