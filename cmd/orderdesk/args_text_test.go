package main

import (
	"context"
	"errors"
	"testing"

	"github.com/orderdesk/orderdesk/order"
)

// A control character typed or pasted into a command's argument is refused
// naming its flag, before the command connects to anything; a note of
// several lines is not.
func TestCommandLineRefusesControlCharacters(t *testing.T) {
	for _, c := range []struct {
		args  []string
		field string
	}{
		{[]string{"note", "--order", "C-2026-000123", "--text", "Cliente\x1b[2J appelée", "--agent", "agent@orderdesk.test"}, "--text"},
		{[]string{"note", "--order=C-2026\x07", "--text", "x"}, "--order"},
		{[]string{"archive", "--order", "C-2026-000123", "--agent", "a\x7f@orderdesk.test"}, "--agent"},
		{[]string{"note", "--order", "C-2026-000123", "\xff"}, "argument 3"},
	} {
		err := run(context.Background(), c.args, env(nil), &discard{})
		var fe *order.FieldError
		if !errors.As(err, &fe) || fe.Field != c.field {
			t.Errorf("%q: %v, want a refusal naming %s", c.args, err, c.field)
		}
	}
	if err := checkArgs([]string{"--text", "Cliente appelée :\n\t- colis reçu\r\n"}); err != nil {
		t.Errorf("a note of two lines: %v", err)
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
