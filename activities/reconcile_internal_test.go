package activities

import (
	"errors"
	"fmt"
	"testing"

	"go.temporal.io/sdk/temporal"

	"github.com/orderdesk/orderdesk/payments"
)

// TestProviderAuthIsNotRetried: a provider refusing our API key (401/403,
// payments.ErrAuth) fails the step for an operator instead of being
// retried as if the provider were down: a refund or payout step retries
// that with no end (its retry policy sets no attempt count and no
// timeout), the reconcile job 8 times.
func TestProviderAuthIsNotRetried(t *testing.T) {
	err := classify(fmt.Errorf("sandbox refund k of 100 cents on ch_1: %w: 401 api_key_invalid: invalid API key", payments.ErrAuth))
	var app *temporal.ApplicationError
	if !errors.As(err, &app) || app.Type() != ErrTypeProviderAuth || !app.NonRetryable() {
		t.Fatalf("classify(ErrAuth) = %v, want a non-retryable %s", err, ErrTypeProviderAuth)
	}
	found := false
	for _, typ := range NonRetryable {
		found = found || typ == ErrTypeProviderAuth
	}
	if !found {
		t.Errorf("NonRetryable %v lacks %s: retry policies would retry it", NonRetryable, ErrTypeProviderAuth)
	}
	if err := classify(errors.New("temporary: 503")); errors.As(err, &app) {
		t.Errorf("a temporary failure became %v", err)
	}
}
