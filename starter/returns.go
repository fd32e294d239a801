package starter

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/workflows"
)

// ReturnStore is what returns read beside the order: the returns and
// the items already returned. *store.Store implements it.
type ReturnStore interface {
	ReturnedQuantities(ctx context.Context, orderID int64, except string) (map[int64]int64, error)
	GetReturn(ctx context.Context, number string) (store.Return, error)
	ReturnByParcel(ctx context.Context, parcelID string) (store.Return, error)
	ReturnByWorkflow(ctx context.Context, workflowID string) (store.Return, error)
}

// ReturnRequest asks to take shipped items of an order back.
type ReturnRequest struct {
	OrderNumber string
	RequestID   string // the same id starts one return, not two
	Agent       string // checked against the agents table
	Request     order.ReturnRequest
	ToldAt      time.Time // when the shop was told; zero: now
}

// ReturnRun is the return procedure started, with the return's number
// once the procedure recorded it.
type ReturnRun struct {
	Run
	Number string `json:"number,omitempty"`
}

func (s *Starter) returns() (ReturnStore, error) {
	rs, ok := s.raw.(ReturnStore)
	if !ok {
		return nil, errors.New("starter: the order store keeps no returns")
	}
	return rs, nil
}

// StartReturn validates the request against the order and the items
// already returned (order.ValidateReturn) and starts the return procedure
// (return/<order>/<request id>). Bad input is refused naming the field,
// and nothing is started or written; the same request id again gives the
// return it started.
func (s *Starter) StartReturn(ctx context.Context, req ReturnRequest) (ReturnRun, error) {
	rs, err := s.returns()
	if err != nil {
		return ReturnRun{}, err
	}
	id, run, done, err := s.startedAlready(ctx, workflows.ProcReturn, req.OrderNumber, req.RequestID, req.Agent)
	if !done {
		if err = s.checkAgent(ctx, req.Agent); err != nil {
			return ReturnRun{}, err
		}
		o, oerr := s.order(ctx, req.OrderNumber)
		if oerr != nil {
			return ReturnRun{}, oerr
		}
		returned, rerr := rs.ReturnedQuantities(ctx, o.ID, "")
		if rerr != nil {
			return ReturnRun{}, dbErr(rerr)
		}
		if verr := order.ValidateReturn(o, req.Request, returned); verr != nil {
			return ReturnRun{}, verr
		}
		told := req.ToldAt
		if told.IsZero() {
			told = time.Now()
		}
		in := workflows.ReturnInput{OrderNumber: o.Number, RequestID: req.RequestID, Agent: req.Agent,
			Request: req.Request, ToldAt: told, Settings: s.settings()}
		run, err = s.start(ctx, id, workflows.ProcReturn, o, fmt.Sprintf("Retour sur %s", o.Number), in)
	}
	if err != nil {
		return ReturnRun{}, err
	}
	out := ReturnRun{Run: run}
	// The procedure numbers the return in its first step: wait a moment
	// for it, so the caller can name it.
	deadline := time.Now().Add(5 * time.Second)
	for {
		r, err := rs.ReturnByWorkflow(ctx, run.WorkflowID)
		if err == nil {
			out.Number = r.Number
			return out, nil
		}
		if !errors.Is(err, store.ErrNotFound) || time.Now().After(deadline) {
			return out, nil
		}
		select {
		case <-ctx.Done():
			return out, nil
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// FindReturn is the return with this number, or the return a parcel was
// received for; an unknown one is refused naming the field.
func (s *Starter) FindReturn(ctx context.Context, ref string) (store.Return, error) {
	rs, err := s.returns()
	if err != nil {
		return store.Return{}, err
	}
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return store.Return{}, order.Refuse("return", "refusal.return_not_found", locale.Text(ref))
	}
	r, err := rs.GetReturn(ctx, ref)
	if errors.Is(err, store.ErrNotFound) {
		r, err = rs.ReturnByParcel(ctx, ref)
	}
	if errors.Is(err, store.ErrNotFound) {
		return store.Return{}, &missing{order.Refuse("return", "refusal.return_not_found", locale.Text(ref))}
	}
	return r, dbErr(err)
}

// ReceiveRequest says a return's parcel arrived (or the customer proved
// they sent it).
type ReceiveRequest struct {
	Return         string // the return's number, or a parcel id already received
	ParcelID       string
	ProofOfSending bool
	Agent          string
}

// Receive gives the return its parcel. The same parcel twice is recorded
// once; an unknown return, or a return that waits for no parcel, is
// refused naming the field.
func (s *Starter) Receive(ctx context.Context, req ReceiveRequest) (store.Return, error) {
	r, err := s.FindReturn(ctx, req.Return)
	if err != nil {
		return r, err
	}
	if strings.TrimSpace(req.ParcelID) == "" {
		return r, order.Refuse("parcel_id", "refusal.return_parcel_missing")
	}
	if r.ParcelID != nil && *r.ParcelID == req.ParcelID {
		return r, nil // received already
	}
	if req.Agent != "" {
		if err := s.checkAgent(ctx, req.Agent); err != nil {
			return r, err
		}
	}
	h, err := s.c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: r.WorkflowID, UpdateID: "receive/" + req.ParcelID, UpdateName: workflows.UpdateReceiveReturn,
		Args:         []any{workflows.ReturnReceipt{ParcelID: req.ParcelID, ProofOfSending: req.ProofOfSending, Agent: req.Agent}},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err == nil {
		err = h.Get(ctx, nil)
	}
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		return r, order.Refuse("return", "refusal.return_ended", locale.Text(r.Number))
	}
	if err != nil {
		return r, cleanError(err)
	}
	return r, nil
}
