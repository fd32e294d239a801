package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/workflows"

	"github.com/orderdesk/orderdesk/locale"
)

// listFlag collects a repeatable flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func cmdStart(ctx context.Context, cfg config, log *slog.Logger, args []string) error {
	if len(args) > 0 && args[0] == workflows.ProcCancelRefund {
		return cmdStartCancelRefund(ctx, cfg, log, args[1:])
	}
	if len(args) == 0 || args[0] != workflows.ProcModifyContent {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Println("Usage: orderdesk start modify-content --order NUMBER --set SKU=QTY [--set ...] --channel email|contact_form|phone --agent EMAIL\n       orderdesk start cancel-refund --order NUMBER [--cancel SKU=QTY ...] [--refund AMOUNT] --agent EMAIL")
			return nil
		}
		return fmt.Errorf("say which procedure to start: orderdesk start modify-content --help, or start cancel-refund --help")
	}
	fs := newFlags("start modify-content", "start modify-content --order NUMBER --set SKU=QTY [--set SKU=QTY ...] --channel email|contact_form|phone --agent EMAIL")
	number := fs.String("order", "", "order number, e.g. C-2026-000101")
	var sets listFlag
	fs.Var(&sets, "set", "new quantity of a product, SKU=QTY (0 removes it); repeat for several products; a line id works too")
	channel := fs.String("channel", "", "how the customer reached us: email, contact_form or phone")
	agent := fs.String("agent", "", "the agent asking, e.g. marie@boutique.fr")
	noRecalc := fs.Bool("no-recalc-shipping", false, "keep the shipping fee as it is (by default it is recalculated: free shipping can be lost)")
	noEmail := fs.Bool("no-email", false, "do not email the customer")
	var prices, names, adds listFlag
	fs.Var(&prices, "price", "new unit price of a product, SKU=12,50; repeatable")
	fs.Var(&names, "rename", "new name of a product, SKU=Name; repeatable")
	fs.Var(&adds, "add", "add a product: \"SKU;Name;unit price;quantity;VAT rate in %\", e.g. \"BOL-01;Bol breton;9,90;2;20\"; repeatable")
	preview := fs.Bool("preview", false, "show what the change would do (new total, shipping, refund or balance) and start nothing")
	rid := requestIDFlag(fs)
	wait := fs.Duration("wait", 30*time.Second, "how long to wait for the procedure to ask for an agent or end (0: do not wait)")
	if ok, err := parse(fs, args[1:]); !ok {
		return err
	}
	s, err := connect(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer s.Close()
	if !*preview {
		if done, err := alreadyDone(ctx, s, cfg, workflows.ProcModifyContent, *number, rid, *agent); done || err != nil {
			return err
		}
	}
	o, err := s.store.GetOrder(ctx, *number)
	if err != nil && *number != "" {
		// The starter says it in the words of the request.
		o = order.Order{Number: *number}
	}
	change, err := contentChange(o, sets, prices, names, adds)
	if err != nil {
		return err
	}
	change.RecalcShipping = !*noRecalc
	if *preview {
		return contentFlag(printPreview(ctx, os.Stdout, s, o, change), change)
	}
	run, err := s.starter.ModifyContent(ctx, starter.ModifyContentRequest{
		OrderNumber: *number, RequestID: rid.Value(), Agent: *agent,
		Channel: order.ContactChannel(*channel), Change: change, Notify: !*noEmail,
	})
	if err != nil {
		return contentFlag(err, change)
	}
	announce(cfg, run, "")
	if *wait > 0 {
		return followProcedure(ctx, s, run.WorkflowID, *wait)
	}
	return nil
}

// parseSets reads SKU=QTY (or LINEID=QTY) pairs into a content change.
func parseSets(o order.Order, sets []string) (order.ContentChange, error) {
	var c order.ContentChange
	for i, s := range sets {
		key, val, ok := strings.Cut(s, "=")
		if !ok {
			return c, order.Refuse("set", "refusal.flag_sku_quantity", locale.Text(s), locale.Text("--set MUG-01=0"))
		}
		qty, err := strconv.ParseInt(strings.TrimSpace(val), 10, 64)
		if err != nil {
			return c, order.Refuse("set", "refusal.flag_quantity_not_whole", locale.Text(s), locale.Text(val))
		}
		id := int64(-1 - i) // no such line: the starter names it
		if l, ok := lineByKey(o, key); ok {
			id = l.ID
		}
		if id < 0 && len(o.Lines) > 0 {
			return c, noProduct("set", s, o, key)
		}
		if l, ok := o.Line(id); ok && qty > l.Remaining() {
			q := qty // more than ordered: the shop's "modifier la quantité"
			c.Edits = append(c.Edits, order.LineEdit{LineID: id, Quantity: &q})
			continue
		}
		c.Quantities = append(c.Quantities, order.LineQuantity{LineID: id, Quantity: qty})
	}
	return c, nil
}

// followProcedure polls the procedure's status until it asks for an agent
// or ends, printing its steps as they complete.
func followProcedure(ctx context.Context, s *services, id string, limit time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	printed := map[string]string{}
	lang := cliPrinter(os.Getenv)
	for {
		p, err := s.starter.Progress(ctx, id)
		st := p.State
		if err == nil && p.StateErr != "" {
			err = errors.New(p.StateErr)
		}
		if err == nil {
			for _, step := range st.Steps {
				if printed[step.Name] != step.Status && step.Status != workflows.StepRunning {
					printed[step.Name] = step.Status
					line := fmt.Sprintf("  [%s] %s", step.Status, step.Label)
					if step.Detail != "" {
						line += " — " + step.Detail
					}
					fmt.Println(line)
				}
			}
			printRetries(os.Stdout, p, printed, lang)
			if st.Task != nil {
				fmt.Printf("\nwaiting for an agent: task #%d\n  %s\n", st.Task.ID, st.Task.Question)
				if t, err := s.store.GetTask(ctx, st.Task.ID); err == nil {
					printTaskEmail(os.Stdout, t.Email)
				}
				printAnswerHints(os.Stdout, st.Task.ID, st.Task.Kind, st.Task.Options)
				return nil
			}
			if st.Done {
				if st.Error != "" {
					return fmt.Errorf("procedure %s failed: %s", id, st.Error)
				}
				fmt.Println("procedure finished")
				return nil
			}
		}
		select {
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				fmt.Printf("still running; follow it with: orderdesk status --workflow %s\n", id)
				return nil
			}
			return ctx.Err()
		case <-time.After(300 * time.Millisecond):
		}
	}
}

// printRetries prints each step that fails and is tried again, here or in
// a procedure it started (a refund in the settlement): its attempt, its
// last error, when it is tried next; once per attempt (printed remembers).
func printRetries(w io.Writer, p starter.Progress, printed map[string]string, lang *locale.Printer) {
	for _, r := range p.Running {
		if !r.Retrying() {
			continue
		}
		if try := fmt.Sprintf("%s#%d", r.Activity, r.Attempt); printed[r.Procedure+"/"+r.Activity] != try {
			printed[r.Procedure+"/"+r.Activity] = try
			fmt.Fprintf(w, "  [retrying] %s\n", r.RetryText(lang, p.Now))
		}
	}
}

// answerFields are the fields of an answer no flag is named after: the
// cheque mailed is --cheque-number, the approver is the agent answering,
// and the terminal types no cheque address (--address billing|delivery).
var answerFields = map[string]string{"reference": "cheque-number", "approver": "agent", "typed_address": "address"}

func cmdAnswer(ctx context.Context, cfg config, log *slog.Logger, args []string) error {
	fs := newFlags("answer", "answer --task ID --agent EMAIL (--done [--ref REF] | --impossible --reason TEXT | --outcome ANSWER [...])")
	task := fs.Int64("task", 0, "the task number, as `orderdesk tasks` lists it")
	agent := fs.String("agent", "", "the agent answering: an account of `orderdesk agent add`, whose role (approvals need a supervisor) is the one recorded there")
	done := fs.Bool("done", false, "shortcut for --outcome refund_done: the refund was made by hand")
	impossible := fs.Bool("impossible", false, "shortcut for --outcome refund_impossible (with --reason)")
	outcome := fs.String("outcome", "", "the answer, one of the task's: refund_done, refund_impossible, bank_transfer, cheque, store_credit, cheque_sent, cheque_not_sent, cheque_mailed, approve, reject, send, send_with_note, dont_send")
	ref := fs.String("ref", "", "refund_done: the payment provider's refund reference")
	reason := fs.String("reason", "", "refund_impossible, reject: why")
	note := fs.String("note", "", "send_with_note: the personal paragraph")
	iban := fs.String("iban", "", "bank_transfer: the customer's IBAN")
	holder := fs.String("account-name", "", "bank_transfer: the account holder")
	address := fs.String("address", "", "cheque, cheque_sent: where the cheque goes, billing or delivery")
	cheque := fs.String("cheque-number", "", "cheque_mailed: the number of the cheque mailed")
	if ok, err := parse(fs, args); !ok {
		return err
	}
	ans := workflows.TaskAnswer{
		TaskID: *task, Agent: *agent, Outcome: *outcome, ProviderRef: *ref, Reason: *reason, Note: *note,
		IBAN: *iban, AccountName: *holder, Address: *address, Reference: *cheque,
	}
	switch {
	case *done && *impossible:
		return order.Refuse("done", "refusal.answer_done_or_impossible")
	case *done:
		ans.Outcome = workflows.AnswerRefundDone
	case *impossible:
		ans.Outcome = workflows.AnswerRefundImpossible
	case ans.Outcome == "":
		return order.Refuse("outcome", "refusal.answer_missing")
	}
	s, err := connect(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.starter.AnswerTask(ctx, ans); err != nil {
		return asFlags(err, answerFields)
	}
	fmt.Printf("task #%d answered\n", *task)
	t, err := s.store.GetTask(ctx, *task)
	if err != nil {
		return err
	}
	return followProcedure(ctx, s, parentOf(t.WorkflowID), 30*time.Second)
}

// parentOf is the top-level procedure of a child's workflow id (a
// settlement is "<procedure>/settle").
func parentOf(id string) string {
	if i := strings.Index(id, "/settle"); i > 0 {
		return id[:i]
	}
	return id
}

func cmdTasks(ctx context.Context, cfg config, log *slog.Logger, args []string) error {
	if ok, err := parse(newFlags("tasks", "tasks"), args); !ok {
		return err
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	tasks, err := st.ListOpenTasks(ctx)
	if err != nil {
		return err
	}
	if len(tasks) == 0 {
		fmt.Println("no open task")
	}
	for _, t := range tasks {
		fmt.Printf("#%-5d %-16s %s  (open %s)\n       %s\n", t.ID, t.OrderNumber, t.Kind, time.Since(t.CreatedAt).Round(time.Second), t.Question)
		if t.Email != nil {
			fmt.Printf("       e-mail: %s (to %s)\n", t.Email.Subject, t.Email.ToEmail)
		}
	}
	return nil
}

func cmdStatus(ctx context.Context, cfg config, log *slog.Logger, args []string) error {
	fs := newFlags("status", "status --workflow ID")
	id := fs.String("workflow", "", "the procedure's workflow id, as `start` printed it")
	if ok, err := parse(fs, args); !ok {
		return err
	}
	if *id == "" {
		return order.Refuse("workflow", "refusal.workflow_id_missing")
	}
	s, err := connect(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer s.Close()
	return followProcedure(ctx, s, *id, time.Second)
}

// requestID is the --request-id flag: the id a caller gives, so that a
// command run again starts nothing new, or a fresh one.
type requestID struct{ id string }

func (r *requestID) String() string     { return r.id }
func (r *requestID) Set(v string) error { r.id = v; return nil }

// Value is the id given, or a new one, kept so that every use of it in one
// command names the same request.
func (r *requestID) Value() string {
	if r.id == "" {
		r.id = newRequestID()
	}
	return r.id
}

// requestIDFlag declares --request-id on fs.
func requestIDFlag(fs *flag.FlagSet) *requestID {
	r := &requestID{}
	fs.Var(r, "request-id", "request id; the same id never starts a second procedure (default: a new one)")
	return r
}

// newRequestID is a fresh request id for a CLI call.
func newRequestID() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on Linux
	return hex.EncodeToString(b)
}

// temporalLink is the procedure's page in the Temporal Web UI.
func temporalLink(cfg config, workflowID string) string {
	return fmt.Sprintf("%s/namespaces/%s/workflows/%s", cfg.TemporalUIURL, url.PathEscape(cfg.TemporalNamespace), url.PathEscape(workflowID))
}

// printTaskEmail shows the email a review task asks about, as the
// customer will read it (its text version).
func printTaskEmail(w io.Writer, e *store.TaskEmail) {
	if e == nil {
		return
	}
	fmt.Fprintf(w, "\n  To: %s\n  Subject: %s\n\n", e.ToEmail, e.Subject)
	for _, line := range strings.Split(strings.TrimRight(e.Text, "\n"), "\n") {
		fmt.Fprintf(w, "  | %s\n", line)
	}
	fmt.Fprintln(w)
}

// printAnswerHints says how to answer a task from the terminal, with the
// answers this task accepts.
func printAnswerHints(w io.Writer, id int64, kind string, options []string) {
	fmt.Fprintln(w, "answer with:")
	if kind == workflows.TaskRefundByHand {
		fmt.Fprintf(w, "  orderdesk answer --task %d --agent YOU --done [--ref PROVIDER-REF]\n", id)
		fmt.Fprintf(w, "  orderdesk answer --task %d --agent YOU --impossible --reason \"carte expirée\"\n", id)
		return
	}
	if kind == workflows.TaskInspectReturn {
		printInspectHints(w, id) // returns.go: the inspection takes quantities per line
		return
	}
	for _, o := range options {
		fmt.Fprintf(w, "  orderdesk answer --task %d --agent YOU --outcome %s%s\n", id, o, answerFlags[o])
	}
}

// answerFlags are the flags each answer needs, as `orderdesk answer -h`
// lists them.
var answerFlags = map[string]string{
	workflows.AnswerRefundDone:       " [--ref PROVIDER-REF]",
	workflows.AnswerRefundImpossible: ` --reason "..."`,
	workflows.AnswerPaybackTransfer:  " --iban IBAN --account-name NAME",
	workflows.AnswerPaybackCheque:    " --address billing|delivery",
	workflows.AnswerChequeSent:       " --address billing|delivery",
	workflows.AnswerChequeMailed:     " --cheque-number N",
	workflows.AnswerReject:           ` --reason "..."`,
	workflows.AnswerSendWithNote:     ` --note "..."`,
}

// announce says which procedure a command started, or found started
// already by the same request id, and where the Temporal Web UI shows it.
func announce(cfg config, run starter.Run, note string) {
	if run.Existing {
		fmt.Printf("already started by this request id: %s\n", run.WorkflowID)
	} else {
		fmt.Printf("started %s%s\n", run.WorkflowID, note)
	}
	fmt.Printf("  Temporal Web UI: %s\n", temporalLink(cfg, run.WorkflowID))
}
