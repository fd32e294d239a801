package workflows

import (
	"strings"
	"testing"
	"time"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
)

// TestAnswersSaidInEachLanguage: the history says every answer a task
// takes in French as it always did and in English with none of those
// French words; the review question is the same sentence as the
// constant older code compares with; a wait reads "4 h", "1 h 30 min".
func TestAnswersSaidInEachLanguage(t *testing.T) {
	answers := []TaskAnswer{
		{Outcome: AnswerRefundDone}, {Outcome: AnswerRefundDone, ProviderRef: "re_1"},
		{Outcome: AnswerRefundImpossible, Reason: "carte expirée"},
		{Outcome: AnswerPaybackTransfer, IBAN: "FR7630006000011234567890189"}, {Outcome: AnswerPaybackCheque},
		{Outcome: AnswerPaybackStoreCredit}, {Outcome: AnswerChequeSent}, {Outcome: AnswerChequeNotSent},
		{Outcome: AnswerChequeMailed, Reference: "0001234"}, {Outcome: AnswerApprove, Agent: "luc@boutique.fr"},
		{Outcome: AnswerReject, Agent: "luc@boutique.fr", Reason: "trop élevé"}, {Outcome: AnswerSend},
		{Outcome: AnswerSendWithNote}, {Outcome: AnswerDontSend}, {Outcome: AnswerKeepWaiting}, {Outcome: AnswerCancelOrder},
	}
	seen := map[string]bool{}
	for _, a := range answers {
		ph := summarize(a)
		fr, en := ph.French(), say(t, ph)
		if fr == "" || strings.HasPrefix(fr, "⟦") || seen[fr] {
			t.Errorf("%s: French %q", a.Outcome, fr)
		}
		seen[fr] = true
		for _, w := range []string{"remboursement", "rembourser", "chèque", "e-mail", "envoyé", "annuler", "attendre"} {
			if strings.Contains(strings.ToLower(en), w) {
				t.Errorf("%s: in English %q says %q", a.Outcome, en, w)
			}
		}
	}
	if got := summarize(TaskAnswer{Outcome: AnswerRefundImpossible, Reason: "carte expirée"}).French(); got != "remboursement impossible : carte expirée" {
		t.Errorf("French of a refund impossible: %q", got)
	}
	if got := locale.Phr(questionReviewEmail).French(); got != QuestionReviewEmail {
		t.Errorf("the review question says %q, the constant %q", got, QuestionReviewEmail)
	}
	for d, want := range map[time.Duration]string{4 * time.Hour: "4 h", 90 * time.Minute: "1 h 30 min", 45 * time.Minute: "45 min"} {
		if got := waitOf(d).French(); got != want {
			t.Errorf("wait of %s: %q, want %q", d, got, want)
		}
	}
}

// TestStuckQuestionSaidInEachLanguage: the refund-stuck notice names the
// amount and the means in each language's words.
func TestStuckQuestionSaidInEachLanguage(t *testing.T) {
	s := newSettle(SettleInput{Currency: "EUR", Method: order.PayCard}, activities.Actor{WorkflowID: "wf"}, "wf", &State{}, nil)
	q := s.stuckQuestion(1250)
	if fr := q.French(); !strings.Contains(fr, "12,50\u00a0€ par Carte bancaire") || !strings.Contains(fr, "même clé") {
		t.Errorf("French: %q", fr)
	}
	if en := say(t, q); !strings.Contains(en, "€12.50 by Card") || strings.Contains(en, "Carte") {
		t.Errorf("English: %q", en)
	}
}

func say(t *testing.T, ph locale.Phrase) string {
	t.Helper()
	s, err := locale.For(locale.English).Phrase(ph)
	if err != nil {
		t.Fatalf("%s in English: %v", ph.Key, err)
	}
	return s
}
