package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/workflows"
)

// The return procedure from a terminal: start a return, record its parcel,
// answer its inspection, read where it is.

const returnUsage = `Usage:
  orderdesk return start --order NUMBER --line LINE=QTY [--line ...] --reason withdrawal|damaged|wrong_item|other --resolution refund|exchange --agent EMAIL [--request-id ID]
  orderdesk return receive --return R-2026-000001 --parcel ID [--proof-of-sending] [--agent EMAIL]
  orderdesk return inspect (--return R-2026-000001 | --task ID) --agent EMAIL (--accept-all | --accept LINE=QTY ... --reason TEXT | --refuse --reason TEXT)
  orderdesk return status --return R-2026-000001
LINE is the line's SKU or its id.`

// cmdReturn is `return start|receive|inspect|status`.
func cmdReturn(ctx context.Context, cfg config, log *slog.Logger, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Println(returnUsage)
		if len(args) == 0 {
			return errors.New("say what to do: return start, receive, inspect or status")
		}
		return nil
	}
	switch args[0] {
	case "start":
		return cmdReturnStart(ctx, cfg, log, args[1:])
	case "receive":
		return cmdReturnReceive(ctx, cfg, log, args[1:])
	case "inspect":
		return cmdReturnInspect(ctx, cfg, log, args[1:])
	case "status":
		return cmdReturnStatus(ctx, cfg, log, args[1:])
	}
	fmt.Println(returnUsage)
	return fmt.Errorf("unknown return command %q: start, receive, inspect or status", args[0])
}

func cmdReturnStart(ctx context.Context, cfg config, log *slog.Logger, args []string) error {
	fs := newFlags("return start", "return start --order NUMBER --line LINE=QTY [--line ...] --reason withdrawal|damaged|wrong_item|other --resolution refund|exchange --agent EMAIL [--request-id ID]")
	number := fs.String("order", "", "order number, e.g. C-2026-000101")
	var lines listFlag
	fs.Var(&lines, "line", "items coming back, LINE=QTY (LINE: the SKU or the line id); repeat for several lines")
	reason := fs.String("reason", "", "why: withdrawal, damaged, wrong_item or other")
	resolution := fs.String("resolution", "refund", "what the customer gets: refund or exchange")
	agent := fs.String("agent", "", "the agent asking")
	rid := requestIDFlag(fs)
	if ok, err := parse(fs, args); !ok {
		return err
	}
	s, err := connect(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer s.Close()
	o, err := s.store.GetOrder(ctx, *number)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	req := order.ReturnRequest{Reason: order.ReturnReason(*reason), Resolution: order.ReturnResolution(*resolution)}
	if err == nil {
		if req.Lines, err = parseReturnLines(o, lines); err != nil {
			return err
		}
	}
	run, err := s.starter.StartReturn(ctx, starter.ReturnRequest{OrderNumber: *number, RequestID: rid.Value(), Agent: *agent, Request: req})
	if err != nil {
		return returnFlag(err)
	}
	announce(cfg, run.Run, "")
	if run.Number == "" {
		fmt.Printf("the return is not numbered yet; follow it with: orderdesk status --workflow %s\n", run.WorkflowID)
		return nil
	}
	fmt.Printf("return %s\n", run.Number)
	if err := printReturnSteps(ctx, os.Stdout, s, run.WorkflowID); err != nil {
		return err
	}
	fmt.Printf("when the parcel is in: orderdesk return receive --return %s --parcel PARCEL-ID\n", run.Number)
	return nil
}

// parseReturnLines reads --line LINE=QTY pairs (LINE: a SKU or a line id).
func parseReturnLines(o order.Order, specs []string) ([]order.ReturnLine, error) {
	lq, err := parseLineQuantities(o, "line", "--line MUG-01=1", specs)
	out := make([]order.ReturnLine, len(lq))
	for i, l := range lq {
		out[i] = order.ReturnLine(l)
	}
	return out, err
}

func cmdReturnReceive(ctx context.Context, cfg config, log *slog.Logger, args []string) error {
	fs := newFlags("return receive", "return receive --return R-2026-000001 --parcel ID [--proof-of-sending] [--agent EMAIL]")
	ref := fs.String("return", "", "the return's number, e.g. R-2026-000001")
	parcel := fs.String("parcel", "", "the parcel's id (its tracking number)")
	proof := fs.Bool("proof-of-sending", false, "a withdrawal: the customer proved the parcel sent (the refund does not wait for it)")
	agent := fs.String("agent", "", "the agent recording it (optional)")
	if ok, err := parse(fs, args); !ok {
		return err
	}
	s, err := connect(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer s.Close()
	r, err := s.starter.Receive(ctx, starter.ReceiveRequest{Return: *ref, ParcelID: strings.TrimSpace(*parcel), ProofOfSending: *proof, Agent: *agent})
	if err != nil {
		return returnFlag(err)
	}
	fmt.Printf("return %s: parcel %s received\n", r.Number, strings.TrimSpace(*parcel))
	return followProcedure(ctx, s, r.WorkflowID, 10*time.Second)
}

// returnFields name the flags of `return inspect` after the answer's fields.
var returnFields = map[string]string{"approver": "agent"}

func cmdReturnInspect(ctx context.Context, cfg config, log *slog.Logger, args []string) error {
	fs := newFlags("return inspect", "return inspect (--return R-2026-000001 | --task ID) --agent EMAIL (--accept-all | --accept LINE=QTY ... --reason TEXT | --refuse --reason TEXT)")
	ref := fs.String("return", "", "the return's number, e.g. R-2026-000001")
	taskID := fs.Int64("task", 0, "the inspection task's number, as `orderdesk tasks` lists it")
	agent := fs.String("agent", "", "the agent inspecting")
	all := fs.Bool("accept-all", false, "every item is accepted (and restocked)")
	var accepts listFlag
	fs.Var(&accepts, "accept", "items accepted of a line, LINE=QTY (LINE: the SKU or the line id); a line not given is refused")
	refuse := fs.Bool("refuse", false, "nothing is accepted (with --reason)")
	reason := fs.String("reason", "", "why items are refused")
	restock := fs.Bool("restock", true, "with --accept: the accepted items go back to stock")
	if ok, err := parse(fs, args); !ok {
		return err
	}
	ans := workflows.TaskAnswer{Agent: *agent, Reason: *reason}
	switch {
	case btoi(*all)+btoi(len(accepts) > 0)+btoi(*refuse) != 1:
		return order.Refuse("outcome", "refusal.answer_missing")
	case *all:
		ans.Outcome = workflows.AnswerAcceptReturn
	case *refuse:
		ans.Outcome = workflows.AnswerRefuseReturn
	default:
		ans.Outcome = workflows.AnswerAcceptPart
	}
	s, err := connect(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer s.Close()
	var wf string
	if *ref != "" {
		r, err := s.starter.FindReturn(ctx, *ref)
		if err != nil {
			return err
		}
		wf = r.WorkflowID
		p, err := s.starter.Progress(ctx, wf)
		if err != nil {
			return err
		}
		if p.State.Task == nil || p.State.Task.Kind != workflows.TaskInspectReturn {
			return order.Refuse("return", "refusal.return_not_inspecting", locale.Text(r.Number))
		}
		ans.TaskID = p.State.Task.ID
	} else {
		ans.TaskID = *taskID
	}
	if ans.TaskID == 0 {
		return order.Refuse("return", "refusal.return_not_found", locale.Text(*ref))
	}
	t, err := s.store.GetTask(ctx, ans.TaskID)
	if err != nil {
		return err
	}
	if wf == "" {
		wf = parentOf(t.WorkflowID)
	}
	if len(accepts) > 0 {
		o, err := s.store.GetOrder(ctx, t.OrderNumber)
		if err != nil {
			return err
		}
		ls, err := parseReturnLines(o, accepts)
		if err != nil {
			return onFlagOf(err, "accept")
		}
		for _, l := range ls {
			ans.Lines = append(ans.Lines, workflows.InspectedLine{LineID: l.LineID, Accepted: l.Quantity, Restocked: *restock})
		}
	}
	if err := s.starter.AnswerTask(ctx, ans); err != nil {
		var fe *order.FieldError
		if errors.As(err, &fe) && strings.HasPrefix(fe.Field, "lines") {
			return onFlag(fe, "accept")
		}
		return asFlags(err, returnFields)
	}
	fmt.Printf("task #%d answered\n", ans.TaskID)
	return followProcedure(ctx, s, wf, 30*time.Second)
}

// returnFlag names the flag of a return command that sets the field a
// refusal names: the lines are --line, the parcel --parcel.
func returnFlag(err error) error {
	var fe *order.FieldError
	if !errors.As(err, &fe) {
		return err
	}
	switch {
	case strings.HasPrefix(fe.Field, "lines"):
		return onFlag(fe, "line")
	case fe.Field == "parcel_id":
		return onFlag(fe, "parcel")
	case fe.Field == "proof_of_sending":
		return onFlag(fe, "proof-of-sending")
	}
	return err
}

// onFlagOf says a refusal of --line as one of flag.
func onFlagOf(err error, flag string) error {
	var fe *order.FieldError
	if errors.As(err, &fe) && fe.Field == "line" {
		return onFlag(fe, flag)
	}
	return err
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func cmdReturnStatus(ctx context.Context, cfg config, log *slog.Logger, args []string) error {
	fs := newFlags("return status", "return status --return R-2026-000001")
	ref := fs.String("return", "", "the return's number (or its parcel's id)")
	if ok, err := parse(fs, args); !ok {
		return err
	}
	s, err := connect(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer s.Close()
	r, err := s.starter.FindReturn(ctx, *ref)
	if err != nil {
		return err
	}
	o, err := s.store.GetOrder(ctx, r.OrderNumber)
	if err != nil {
		return err
	}
	printReturn(os.Stdout, o, r)
	if err := printReturnLabel(ctx, os.Stdout, s.store, r.Number); err != nil {
		return err
	}
	if err := printReturnSteps(ctx, os.Stdout, s, r.WorkflowID); err != nil {
		return err
	}
	fmt.Printf("  Temporal Web UI: %s\n", temporalLink(cfg, r.WorkflowID))
	return nil
}

// printReturn shows a return as an agent reads it.
func printReturn(w io.Writer, o order.Order, r store.Return) {
	m := func(cents int64) string { return order.Money{Cents: cents, Currency: o.Currency}.French() }
	fmt.Fprintf(w, "return %s of %s: %s (%s, %s)\n", r.Number, r.OrderNumber, r.Status, r.Reason, r.Resolution)
	for _, l := range r.Lines {
		name := strconv.FormatInt(l.LineID, 10)
		if ol, ok := o.Line(l.LineID); ok {
			name = ol.SKU + " " + ol.Name
		}
		line := fmt.Sprintf("  %d × %s", l.Quantity, name)
		if l.Accepted != nil {
			line += fmt.Sprintf(" — %d accepted", *l.Accepted)
			if l.RefusalReason != "" && *l.Accepted < l.Quantity {
				line += " (" + l.RefusalReason + ")"
			}
		}
		fmt.Fprintln(w, line)
	}
	fmt.Fprintf(w, "  told      %s\n", r.ToldAt.In(paris()).Format("02/01/2006 15:04"))
	if r.ReceivedAt != nil {
		what := "parcel"
		if r.ProofOfSending {
			what = "proof of sending"
		}
		parcel := ""
		if r.ParcelID != nil {
			parcel = *r.ParcelID
		}
		fmt.Fprintf(w, "  received  %s, %s %s\n", r.ReceivedAt.In(paris()).Format("02/01/2006 15:04"), what, parcel)
	}
	if st := r.Settlement; st != nil {
		if st.BalanceDue > 0 {
			fmt.Fprintf(w, "  balance due  %s\n", m(st.BalanceDue))
		} else {
			fmt.Fprintf(w, "  refund    %s (items %s, delivery %s, return cost %s)\n", m(st.Refund), m(st.Items), m(st.Delivery), m(st.Cost))
		}
	}
}

func paris() *time.Location {
	if loc, err := time.LoadLocation("Europe/Paris"); err == nil {
		return loc
	}
	return time.UTC
}

// printReturnSteps shows the steps of the return's procedure so far, and
// the task it waits on with how to answer it.
func printReturnSteps(ctx context.Context, w io.Writer, s *services, workflowID string) error {
	var p starter.Progress
	var err error
	// The procedure may still be on its first steps: give it a moment.
	for range 20 {
		if p, err = s.starter.Progress(ctx, workflowID); err != nil {
			return err
		}
		if p.State.Done || p.State.Task != nil || slices.ContainsFunc(p.State.Steps, func(st workflows.Step) bool { return st.Name == "parcel" }) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, step := range p.State.Steps {
		line := fmt.Sprintf("  [%s] %s", step.Status, step.Label)
		if step.Detail != "" {
			line += " — " + step.Detail
		}
		fmt.Fprintln(w, line)
	}
	if t := p.State.Task; t != nil {
		fmt.Fprintf(w, "waiting for an agent: task #%d\n  %s\n", t.ID, t.Question)
		printAnswerHints(w, t.ID, t.Kind, t.Options)
	}
	return nil
}

// printInspectHints says how to answer a return's inspection.
func printInspectHints(w io.Writer, id int64) {
	fmt.Fprintf(w, "  orderdesk return inspect --task %d --agent YOU --accept-all\n", id)
	fmt.Fprintf(w, "  orderdesk return inspect --task %d --agent YOU --accept LINE=QTY [--accept ...] --reason \"...\"\n", id)
	fmt.Fprintf(w, "  orderdesk return inspect --task %d --agent YOU --refuse --reason \"...\"\n", id)
}
