package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/workflows"
)

// TestTaskPrintedForTheTerminal: an agent at the terminal sees the email a
// review task asks about and the commands that answer this task, not a
// refund's.
func TestTaskPrintedForTheTerminal(t *testing.T) {
	var b bytes.Buffer
	printTaskEmail(&b, &store.TaskEmail{ToEmail: "camille@example.fr", Subject: "Votre commande C-2026-000101 a été modifiée", Text: "Bonjour Camille,\n\nNous avons retiré 1 article.\n"})
	printAnswerHints(&b, 7, workflows.TaskReviewEmail, []string{workflows.AnswerSend, workflows.AnswerSendWithNote, workflows.AnswerDontSend})
	out := b.String()
	for _, want := range []string{
		"Subject: Votre commande C-2026-000101 a été modifiée",
		"To: camille@example.fr",
		"| Nous avons retiré 1 article.",
		"orderdesk answer --task 7 --agent YOU --outcome send\n",
		`--outcome send_with_note --note "..."`,
		"--outcome dont_send",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the terminal does not show %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "--done") {
		t.Errorf("a review task is offered a refund's answer:\n%s", out)
	}

	b.Reset()
	printTaskEmail(&b, nil)
	printAnswerHints(&b, 8, workflows.TaskRefundByHand, []string{workflows.AnswerRefundDone, workflows.AnswerRefundImpossible})
	if out := b.String(); !strings.Contains(out, "--task 8 --agent YOU --done") || !strings.Contains(out, "--impossible --reason") || strings.Contains(out, "Subject") {
		t.Errorf("a refund by hand:\n%s", out)
	}
}
