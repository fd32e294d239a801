package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/starter"
)

// Archiving at the terminal: archive or unarchive an order, add a note to
// its history, send one of its emails again.

// cmdArchive is `archive --order N`: archive a finished order.
func cmdArchive(ctx context.Context, cfg config, log *slog.Logger, args []string) error {
	return archiveCommand(ctx, cfg, log, args, "archive", func(s *starter.Starter) func(context.Context, starter.ArchiveRequest) (starter.Run, error) {
		return s.Archive
	})
}

// cmdUnarchive is `unarchive --order N`: bring an archived order back among the current ones.
func cmdUnarchive(ctx context.Context, cfg config, log *slog.Logger, args []string) error {
	return archiveCommand(ctx, cfg, log, args, "unarchive", func(s *starter.Starter) func(context.Context, starter.ArchiveRequest) (starter.Run, error) {
		return s.Unarchive
	})
}

func archiveCommand(ctx context.Context, cfg config, log *slog.Logger, args []string, name string,
	pick func(*starter.Starter) func(context.Context, starter.ArchiveRequest) (starter.Run, error)) error {
	fs := newFlags(name, name+" --order NUMBER --agent EMAIL")
	number := fs.String("order", "", "order number, e.g. C-2026-000101")
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
	run, err := pick(s.starter)(ctx, starter.ArchiveRequest{OrderNumber: *number, RequestID: rid.Value(), Agent: *agent})
	if err != nil {
		return err
	}
	announce(cfg, run, "")
	return followProcedure(ctx, s, run.WorkflowID, 30*time.Second)
}

// cmdNote is `note --order N --text ... [--channel phone]`: an agent's note in the order's history.
func cmdNote(ctx context.Context, cfg config, log *slog.Logger, args []string) error {
	fs := newFlags("note", `note --order NUMBER --text "..." [--channel email|phone|contact_form] --agent EMAIL`)
	number := fs.String("order", "", "order number, e.g. C-2026-000101")
	text := fs.String("text", "", fmt.Sprintf("the note (at most %d characters)", order.MaxNoteLength))
	channel := fs.String("channel", "", "how the customer reached you, if they did: email, phone or contact_form")
	agent := fs.String("agent", "", "the agent writing the note")
	rid := requestIDFlag(fs)
	if ok, err := parse(fs, args); !ok {
		return err
	}
	s, err := connect(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer s.Close()
	ev, err := s.starter.AddNote(ctx, starter.NoteRequest{OrderNumber: *number, RequestID: rid.Value(), Agent: *agent,
		Note: order.Note{Text: *text, Channel: order.ContactChannel(*channel)}})
	if err != nil {
		return err
	}
	fmt.Printf("note #%d added to the history of %s\n", ev.ID, *number)
	return nil
}

// cmdResend is `resend --order N --email-id ID [--to ADDRESS]`: send one of the order's emails again.
func cmdResend(ctx context.Context, cfg config, log *slog.Logger, args []string) error {
	fs := newFlags("resend", "resend --order NUMBER --email-id ID [--to ADDRESS] --agent EMAIL")
	number := fs.String("order", "", "order number, e.g. C-2026-000101")
	id := fs.Int64("email-id", 0, "the email to send again (its number on the order page or in the outbox)")
	to := fs.String("to", "", "a corrected address (default: the address it was sent to)")
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
	run, err := s.starter.ResendEmail(ctx, starter.ResendRequest{OrderNumber: *number, RequestID: rid.Value(), Agent: *agent, EmailID: *id, To: *to})
	if err != nil {
		return err
	}
	announce(cfg, run, "")
	return followProcedure(ctx, s, run.WorkflowID, 30*time.Second)
}

// printArchiveRun names the procedure, saying when the request id had started
// it already (a retried command: nothing new was started).
