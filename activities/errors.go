// Package activities holds the Temporal activities of orderdesk: thin steps
// over the store, the payment gateways and the mail senders. Each is safe to
// run twice: writes are keyed so a retry finds its own earlier write, and
// every failure is classified once, here, as permanent or worth retrying.
package activities

import (
	"errors"

	"go.temporal.io/sdk/temporal"

	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/payments"
	"github.com/orderdesk/orderdesk/store"
)

// Failure types that retrying cannot fix. Activity options list them as
// NonRetryableErrorTypes; workflows branch on them.
const (
	ErrTypeInvalidInput    = "InvalidInput"    // the request names something wrong (field, quantity, line)
	ErrTypeNotFound        = "NotFound"        // the order or row does not exist
	ErrTypeHoldRefused     = "HoldRefused"     // the order cannot be held: wrong logistics status, or held by another procedure
	ErrTypeNotHeld         = "NotHeld"         // the procedure lost its hold on the order
	ErrTypeRefundTooLarge  = "RefundTooLarge"  // the refund would exceed what was paid net of refunds
	ErrTypeTaskClosed      = "TaskClosed"      // the task was closed otherwise
	ErrTypeEmailRejected   = "EmailRejected"   // the mail provider refused the message for good
	ErrTypeProviderInvalid = "ProviderInvalid" // the payment provider refused the request as malformed: an operator must look
	ErrTypeProviderAuth    = "ProviderAuth"    // the payment provider refused our API key (401/403): an operator fixes the configuration
	ErrTypeRefundFinal     = "RefundFinal"     // the refund is confirmed or failed already: its outcome does not change
)

// NonRetryable lists every permanent failure type, for retry policies.
var NonRetryable = []string{
	ErrTypeInvalidInput, ErrTypeNotFound, ErrTypeHoldRefused, ErrTypeNotHeld,
	ErrTypeRefundTooLarge, ErrTypeTaskClosed, ErrTypeEmailRejected, ErrTypeProviderInvalid, ErrTypeProviderAuth, ErrTypeRefundFinal,
}

// classify turns a store or domain error into a non-retryable application
// error when retrying cannot help; anything else (a lost connection, a
// timeout) is returned as is and retried.
func classify(err error) error {
	if err == nil {
		return nil
	}
	var fe *order.FieldError
	var nm *order.NotModifiableError
	switch {
	case errors.As(err, &fe):
		return temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeInvalidInput, err, fe)
	case errors.Is(err, store.ErrNotHeld):
		return temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeNotHeld, err)
	case errors.As(err, &nm), errors.Is(err, order.ErrNotModifiable):
		return temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeHoldRefused, err)
	case errors.Is(err, store.ErrNotFound):
		return temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeNotFound, err)
	case errors.Is(err, order.ErrRefundTooLarge):
		return temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeRefundTooLarge, err)
	case errors.Is(err, store.ErrTaskClosed):
		return temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeTaskClosed, err)
	case errors.Is(err, order.ErrRefundFinal):
		return temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeRefundFinal, err)
	case errors.Is(err, payments.ErrAuth):
		return temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeProviderAuth, err)
	}
	return err
}
