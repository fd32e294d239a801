package order

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"unicode/utf8"

	"github.com/orderdesk/orderdesk/locale"
)

// Archiving (« Archiver les commandes »): once an order is
// finished it leaves the current orders and is found under the archived
// ones. Archiving is a flag (orders.archived_at), not a status.

// ErrNotArchivable is the reason an archive is refused: the order is not
// finished, or a procedure still works on it.
var ErrNotArchivable = errors.New("the order cannot be archived")

// Finished reports whether an order's commercial life is over, so that it
// may be archived: completed (Terminée), cancelled (Annulée) or shipped
// (Expédiée, every item left the warehouse; its only move left is to
// completed, which changes nothing for the agents). New, awaiting payment,
// paid and partially shipped orders still need work: they stay current.
func (s Status) Finished() bool {
	switch s {
	case StatusCompleted, StatusCancelled, StatusShipped:
		return true
	}
	return false
}

// CheckArchivable says why an order cannot be archived now, or nil.
// openTasks is how many agent tasks are open on the order: a procedure
// waiting on a person is still running, even without the hold.
func CheckArchivable(o Order, openTasks int) error {
	switch {
	case o.ArchivedAt != nil:
		return fmt.Errorf("order %s is already archived: %w", o.Number, ErrNotArchivable)
	case !o.Status.Finished():
		return fmt.Errorf("order %s is %s (%q): only a completed, shipped or cancelled order is archived: %w",
			o.Number, o.Status, o.Status.Label("fr"), ErrNotArchivable)
	case o.HoldBy != "":
		return fmt.Errorf("order %s is held by procedure %s: wait for it to end: %w", o.Number, o.HoldBy, ErrNotArchivable)
	case openTasks > 0:
		return fmt.Errorf("order %s has %d open agent task(s): a procedure is waiting on it: %w", o.Number, openTasks, ErrNotArchivable)
	}
	return nil
}

// CheckUnarchivable refuses to unarchive an order that is not archived.
func CheckUnarchivable(o Order) error {
	if o.ArchivedAt == nil {
		return Refuse("order", "refusal.order_not_archived", locale.Text(o.Number))
	}
	return nil
}

// CheckNotArchived refuses a procedure on an archived order: it must be
// unarchived first.
func CheckNotArchived(o Order) error {
	if o.ArchivedAt != nil {
		return Refuse("order", "refusal.order_archived", locale.Text(o.Number))
	}
	return nil
}

// MaxNoteLength bounds an agent's note, in characters.
const MaxNoteLength = 2000

// Note is an agent's note in the order's history (« des notes
// personnelles, par exemple si vous avez été en contact avec le client par
// téléphone »), with the channel the customer used, if any.
type Note struct {
	Text    string         `json:"text"`
	Channel ContactChannel `json:"contact_channel,omitempty"`
}

// Validate refuses an empty or too long note and an unknown channel.
func (n Note) Validate() error {
	t := strings.TrimSpace(n.Text)
	switch {
	case t == "":
		return Refuse("text", "refusal.note_empty")
	case utf8.RuneCountInString(t) > MaxNoteLength:
		return Refuse("text", "refusal.note_too_long", locale.Count(MaxNoteLength), locale.Count(utf8.RuneCountInString(t)))
	case n.Channel != "" && !n.Channel.Valid():
		return Refuse("channel", "refusal.contact_channel_unknown", locale.Text(string(n.Channel)))
	}
	return nil
}

// CheckEmailAddress refuses a malformed email address, naming field. The
// address is a bare one (name@domain.tld), as an agent types it.
func CheckEmailAddress(field, addr string) error {
	a, err := mail.ParseAddress(addr)
	if err != nil || a.Address != addr || a.Name != "" || !strings.Contains(addr[strings.LastIndexByte(addr, '@')+1:], ".") {
		return Refuse(field, "refusal.email_invalid", locale.Text(addr))
	}
	return nil
}
