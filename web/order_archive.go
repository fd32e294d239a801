package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/workflows"
)

// Archiving on the order page: « Archiver » / « Désarchiver », the agent's
// notes in the history and « Renvoyer » on each email of the order.

// archiver is what these actions ask of the starter (part of Starter);
// *starter.Starter implements it.
type archiver interface {
	Archive(ctx context.Context, req starter.ArchiveRequest) (starter.Run, error)
	Unarchive(ctx context.Context, req starter.ArchiveRequest) (starter.Run, error)
	AddNote(ctx context.Context, req starter.NoteRequest) (store.Event, error)
	ResendEmail(ctx context.Context, req starter.ResendRequest) (starter.Run, error)
	Result(ctx context.Context, workflowID string, out any) error
}

var _ archiver = (*starter.Starter)(nil)

// archiveView is the order page's part of archiving, notes and resending.
type archiveView struct {
	Archived bool
	// ArchiveBlocked says why the order cannot be archived now ("" when it can).
	ArchiveBlocked string
	// ArchiveExpected says whether an agent could expect to archive the
	// order now (it is finished): only then is the reason it cannot be
	// written out on the page; an open order keeps it in the greyed-out
	// button's title, so its page does not say « Archivage impossible ».
	ArchiveExpected bool
	RequestID       string // one per page: a double submit of its forms acts once
	Errors          fieldErrors
	Note            string // as typed, when the note was refused
	Channel         string
	ResendID        int64  // the email whose resend was refused
	ResendTo        string // as typed
	Channels        []order.ContactChannel
}

// archiveFormKey carries a refused form back to the order page it re-renders.
type archiveFormKey struct{}

// fillArchive sets the order page's archive actions, and refuses the other
// procedures on an archived order.
func (s *server) fillArchive(r *http.Request, d *orderPageData) {
	lang := langOf(r)
	v := archiveView{Archived: d.Order.ArchivedAt != nil, RequestID: newRequestID(), Errors: fieldErrors{}, Channels: order.ContactChannels}
	if f, ok := r.Context().Value(archiveFormKey{}).(*archiveView); ok {
		v.RequestID, v.Errors, v.Note, v.Channel, v.ResendID, v.ResendTo = f.RequestID, f.Errors, f.Note, f.Channel, f.ResendID, f.ResendTo
	}
	v.ArchiveBlocked = archiveBlocked(d.Order, len(d.Tasks), lang)
	v.ArchiveExpected = d.Order.Status.Finished()
	if v.ArchiveBlocked == "" && !v.Archived {
		v.ArchiveBlocked = runningBlocks(d.Procedures, lang)
	}
	if v.Archived && d.CancelBlocked == "" {
		d.CancelBlocked = tr(lang, "blocked.cancel_archived")
	}
	d.Archive = v
}

// archiveBlocked says why an order cannot be archived now, or "": only a
// finished order (order.Status.Finished) that no procedure works on.
func archiveBlocked(o order.Order, openTasks int, lang string) string {
	switch {
	case o.ArchivedAt != nil:
		return tr(lang, "blocked.archive_already")
	case !o.Status.Finished():
		return tr(lang, "blocked.archive_status", statusArg(lang, o.Status))
	case o.HoldBy != "":
		return tr(lang, "blocked.archive_held", procedureArg(lang, o.HoldBy))
	case openTasks > 0:
		return tr(lang, "blocked.archive_task_open")
	}
	return ""
}

// runningBlocks says which procedure still runs on the order, as Temporal
// lists it, or "": one between two steps holds nothing and waits on nobody.
func runningBlocks(procs []procedureRow, lang string) string {
	for _, p := range procs {
		if p.Status != "Running" || !workflows.WorksOnOrder(p.Type) {
			continue
		}
		return tr(lang, "blocked.archive_held", procedureArg(lang, p.Type))
	}
	return ""
}

// archiveSubmit is POST /orders/{number}/archive and /unarchive.
func (s *server) archiveSubmit(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	o, err := s.loadOrder(ctx, r.PathValue("number"))
	if err != nil {
		return err
	}
	ar := s.starter
	req := starter.ArchiveRequest{OrderNumber: o.Number, RequestID: formRequestID(r), Agent: agentOf(r).Email}
	var run starter.Run
	if strings.HasSuffix(r.URL.Path, "/unarchive") {
		run, err = ar.Unarchive(ctx, req)
	} else {
		run, err = ar.Archive(ctx, req)
	}
	var fe *order.FieldError
	switch {
	case errors.Is(err, order.ErrNotArchivable):
		tasks, terr := s.store.ListTasks(ctx, o.ID)
		if terr != nil {
			return terr
		}
		open := 0
		for _, t := range tasks {
			if t.Status == store.TaskOpen {
				open++
			}
		}
		if reason := archiveBlocked(o, open, langOf(r)); reason != "" {
			return blockedPage(reason)
		}
		// The order's own state allows it: a procedure Temporal lists as
		// running still works on it.
		return blockedPage(tr(langOf(r), "edge.archive_running"))
	case errors.As(err, &fe):
		return blockedPage(sayRefusal(fe, langOf(r)))
	case err != nil:
		return err
	}
	s.afterProcedure(w, r, ar, o.Number, run.WorkflowID)
	return nil
}

// afterProcedure waits a little for a short procedure: once it ended well
// the agent is back on the order page, which shows its effect; otherwise
// (still running, failed) on the procedure's page, which says where it is.
func (s *server) afterProcedure(w http.ResponseWriter, r *http.Request, ar archiver, number, workflowID string) {
	wctx, cancel := updateContext(r, 5*time.Second)
	defer cancel()
	if err := ar.Result(wctx, workflowID, nil); err != nil {
		http.Redirect(w, r, procedureURL(workflowID), http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/orders/"+url.PathEscape(number), http.StatusSeeOther)
}

// noteSubmit is POST /orders/{number}/notes: an agent's note in the
// history. A refused note re-renders the order page with the message next
// to its field.
func (s *server) noteSubmit(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	o, err := s.loadOrder(ctx, r.PathValue("number"))
	if err != nil {
		return err
	}
	ar := s.starter
	form := &archiveView{RequestID: formRequestID(r), Errors: fieldErrors{},
		Note: r.PostFormValue("text"), Channel: r.PostFormValue("channel")}
	_, err = ar.AddNote(ctx, starter.NoteRequest{OrderNumber: o.Number, RequestID: form.RequestID, Agent: agentOf(r).Email,
		Note: order.Note{Text: form.Note, Channel: order.ContactChannel(form.Channel)}})
	var fe *order.FieldError
	switch {
	case errors.As(err, &fe):
		form.Errors["note_"+fe.Field] = noteMessage(fe, langOf(r))
		return s.reRenderOrder(w, r, form)
	case err != nil:
		return err
	}
	http.Redirect(w, r, "/orders/"+url.PathEscape(o.Number)+"#history", http.StatusSeeOther)
	return nil
}

// noteMessage says a refused note in the agent's language.
func noteMessage(fe *order.FieldError, lang string) string {
	return sayRefusal(fe, lang)
}

// resendSubmit is POST /orders/{number}/emails/{id}/resend: send one of the
// order's emails again, to the same or a corrected address.
func (s *server) resendSubmit(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	o, err := s.loadOrder(ctx, r.PathValue("number"))
	if err != nil {
		return err
	}
	ar := s.starter
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return badRequest(locale.Msg("error.no_email_here"))
	}
	form := &archiveView{RequestID: formRequestID(r), Errors: fieldErrors{}, ResendID: id, ResendTo: strings.TrimSpace(r.PostFormValue("to"))}
	// One request id per page: each email's resend has its own.
	run, err := ar.ResendEmail(ctx, starter.ResendRequest{OrderNumber: o.Number, RequestID: form.RequestID + "-e" + strconv.FormatInt(id, 10),
		Agent: agentOf(r).Email, EmailID: id, To: form.ResendTo})
	var fe *order.FieldError
	switch {
	case errors.As(err, &fe) && fe.Field == "to":
		form.Errors["resend_to"] = tr(langOf(r), "form.bad_email")
		return s.reRenderOrder(w, r, form)
	case errors.As(err, &fe) && fe.Field == "email_id":
		return notFound(locale.Msg("error.email_not_found"), locale.Msg("error.email_not_of_order", locale.Text(o.Number)))
	case err != nil:
		return err
	}
	s.afterProcedure(w, r, ar, o.Number, run.WorkflowID)
	return nil
}

// reRenderOrder shows the order page again with a refused form, as 422.
func (s *server) reRenderOrder(w http.ResponseWriter, r *http.Request, form *archiveView) error {
	ctx := context.WithValue(r.Context(), archiveFormKey{}, form)
	if nw, ok := w.(*navWriter); ok {
		// Keep the session's writer on top, so the page carries the
		// session (its forms' CSRF token, the language).
		sw := *nw.sessionWriter
		sw.ResponseWriter = statusWriter{ResponseWriter: sw.ResponseWriter, status: http.StatusUnprocessableEntity}
		return s.orderPage(&navWriter{sessionWriter: &sw, ctx: nw.ctx}, r.WithContext(ctx))
	}
	return s.orderPage(statusWriter{ResponseWriter: w, status: http.StatusUnprocessableEntity}, r.WithContext(ctx))
}

// statusWriter writes its status instead of the one asked: a page rendered
// as 200 by its handler is sent as a refusal.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w statusWriter) WriteHeader(int) { w.ResponseWriter.WriteHeader(w.status) }
