package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/starter"
)

// orderdesk status prints a step that is tried again, from the procedure
// or a procedure it started, with its attempt, its last error and its next
// try, once per attempt, in the terminal's language.
func TestStatusPrintsEachRetryOnce(t *testing.T) {
	now := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	p := starter.Progress{Now: now, Running: []starter.RunningStep{
		{Activity: "RefundThroughGateway", Procedure: "settle-difference", Attempt: 3, LastFailure: "503 injected_error", NextAttempt: now.Add(20 * time.Second)},
		{Activity: "RecordRefund", Attempt: 1}, // running for the first time: nothing to say
	}}
	printed := map[string]string{}
	var out bytes.Buffer
	printRetries(&out, p, printed, locale.For(locale.French))
	printRetries(&out, p, printed, locale.For(locale.French)) // polled again, same attempt
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 1 {
		t.Fatalf("printed %d lines, want 1:\n%s", len(lines), out.String())
	}
	for _, want := range []string{"[retrying]", "Le prestataire de paiement ne répond pas", "20 s", "essai n° 3", "503 injected_error"} {
		if !strings.Contains(lines[0], want) {
			t.Errorf("%q lacks %q", lines[0], want)
		}
	}
	p.Running[0].Attempt = 4
	out.Reset()
	printRetries(&out, p, printed, locale.For(locale.English))
	if got := out.String(); !strings.Contains(got, "attempt 4") {
		t.Errorf("the next attempt is not printed: %q", got)
	}
	if got := out.String(); strings.Contains(got, "prestataire") {
		t.Errorf("in English the line is French: %q", got)
	}
}
