package starter

import (
	"fmt"
	"time"

	"github.com/orderdesk/orderdesk/locale"
)

// retryWho names, in the agent's words, what does not answer when an
// activity fails.
var retryWho = map[string]locale.Key{
	"RefundThroughGateway": "retry.payment_provider",
	"PayoutToIBAN":         "retry.transfer_service",
	"SendEmail":            "retry.email_service",
}

// RetryText says a retrying step in plain words, for the procedure's page and
// `orderdesk status`: "Le prestataire de paiement ne répond pas, nouvel
// essai automatique dans 20 s (essai n° 3 ; dernière erreur : ...)".
func (r RunningStep) RetryText(p *locale.Printer, now time.Time) string {
	who, attempt := locale.Text(p.T("retry.a_step")), locale.Count(int(r.Attempt))
	if key, ok := retryWho[r.Activity]; ok {
		who = locale.Text(p.T(key))
	}
	if r.NextAttempt.IsZero() {
		if r.LastFailure != "" {
			return p.T("retry.now_error", who, attempt, locale.Text(r.LastFailure))
		}
		return p.T("retry.now", who, attempt)
	}
	wait := locale.Text(waitText(max(r.NextAttempt.Sub(now), time.Second).Round(time.Second)))
	if r.LastFailure != "" {
		return p.T("retry.in_error", who, wait, attempt, locale.Text(r.LastFailure))
	}
	return p.T("retry.in", who, wait, attempt)
}

// waitText is a wait as both languages write it: "20 s", "3 min".
func waitText(d time.Duration) string {
	if d >= time.Minute {
		return fmt.Sprintf("%d min", int((d+time.Minute-1)/time.Minute))
	}
	return fmt.Sprintf("%d s", max(1, int(d/time.Second)))
}
