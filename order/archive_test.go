package order

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestCheckArchivable(t *testing.T) {
	at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	base := Order{Number: "C-2026-000123", Status: StatusCompleted}
	tests := []struct {
		name   string
		change func(*Order)
		tasks  int
		want   string // "" allowed; else part of the refusal
	}{
		{"completed", func(*Order) {}, 0, ""},
		{"shipped", func(o *Order) { o.Status = StatusShipped }, 0, ""},
		{"cancelled", func(o *Order) { o.Status = StatusCancelled }, 0, ""},
		{"paid", func(o *Order) { o.Status = StatusPaid }, 0, "only a completed, shipped or cancelled order"},
		{"partially shipped", func(o *Order) { o.Status = StatusPartiallyShipped }, 0, "Expédiée partiellement"},
		{"awaiting payment", func(o *Order) { o.Status = StatusAwaitingPayment }, 0, "awaiting_payment"},
		{"held", func(o *Order) { o.HoldBy = "cancel-refund/C-2026-000123/r1" }, 0, "held by procedure cancel-refund/C-2026-000123/r1"},
		{"open task", func(*Order) {}, 1, "1 open agent task"},
		{"archived", func(o *Order) { o.ArchivedAt = &at }, 0, "already archived"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := base
			tt.change(&o)
			err := CheckArchivable(o, tt.tasks)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil || !errors.Is(err, ErrNotArchivable) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want a refusal saying %q", err, tt.want)
			}
		})
	}
}

func TestArchivedOrderRefusesProceduresAndUnarchives(t *testing.T) {
	at := time.Now()
	o := Order{Number: "C-2026-000124", Status: StatusCompleted, Logistics: LogisticsAwaitingPrinting}
	if err := CheckUnarchivable(o); err == nil {
		t.Fatal("a current order cannot be unarchived")
	}
	if err := CheckNotArchived(o); err != nil {
		t.Fatal(err)
	}
	o.ArchivedAt = &at
	if err := CheckUnarchivable(o); err != nil {
		t.Fatal(err)
	}
	var fe *FieldError
	if err := CheckNotArchived(o); !errors.As(err, &fe) || fe.Field != "order" || !strings.Contains(fe.Message, "archived") {
		t.Fatalf("got %v", err)
	}
	if err := CheckModifiable(o); !errors.Is(err, ErrNotModifiable) {
		t.Fatalf("a content change on an archived order: %v", err)
	}
}

func TestNoteValidate(t *testing.T) {
	tests := []struct {
		name  string
		note  Note
		field string
	}{
		{"ok", Note{Text: "Cliente appelée, colis reçu", Channel: ContactPhone}, ""},
		{"no channel", Note{Text: "à rappeler"}, ""},
		{"empty", Note{Text: "  "}, "text"},
		{"too long", Note{Text: strings.Repeat("é", MaxNoteLength+1)}, "text"},
		{"longest", Note{Text: strings.Repeat("é", MaxNoteLength)}, ""},
		{"bad channel", Note{Text: "x", Channel: "fax"}, "channel"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.note.Validate()
			var fe *FieldError
			switch {
			case tt.field == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.field != "" && (!errors.As(err, &fe) || fe.Field != tt.field):
				t.Fatalf("got %v, want a refusal of %s", err, tt.field)
			}
		})
	}
}

func TestCheckEmailAddress(t *testing.T) {
	for _, ok := range []string{"camille@example.fr", "c.martin+cmd@mail.example.com"} {
		if err := CheckEmailAddress("to", ok); err != nil {
			t.Errorf("%s refused: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "camille", "camille@", "camille@example", "Camille <c@example.fr>", "c@example.fr ", "a b@example.fr"} {
		var fe *FieldError
		if err := CheckEmailAddress("to", bad); !errors.As(err, &fe) || fe.Field != "to" {
			t.Errorf("%q: got %v, want a refusal of to", bad, err)
		}
	}
}
