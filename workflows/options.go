package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/orderdesk/orderdesk/activities"
)

// dbActivity is for steps that touch only PostgreSQL: short, and retried
// until the database is back, since a step never gives up on an outage.
var dbActivity = workflow.ActivityOptions{
	StartToCloseTimeout: 30 * time.Second,
	RetryPolicy: &temporal.RetryPolicy{
		InitialInterval:        time.Second,
		BackoffCoefficient:     2,
		MaximumInterval:        time.Minute,
		NonRetryableErrorTypes: activities.NonRetryable,
	},
}

// mailActivity is for handing an email to the provider: longer waits
// between tries, since a provider outage can last.
var mailActivity = workflow.ActivityOptions{
	StartToCloseTimeout: time.Minute,
	RetryPolicy: &temporal.RetryPolicy{
		InitialInterval:        5 * time.Second,
		BackoffCoefficient:     2,
		MaximumInterval:        10 * time.Minute,
		NonRetryableErrorTypes: activities.NonRetryable,
	},
}

// providerActivity is for calls to a payment provider: retried with the
// same idempotency key through outages, with no end, since a provider
// outage must not lose a refund; a refund still waiting after
// Settings.RefundStuckAfter opens an agent task meanwhile. A refusal of
// the request itself (the API key, bad data) is not retried.
var providerActivity = workflow.ActivityOptions{
	StartToCloseTimeout: 30 * time.Second,
	RetryPolicy: &temporal.RetryPolicy{
		InitialInterval:        time.Second,
		BackoffCoefficient:     2,
		MaximumInterval:        5 * time.Minute,
		NonRetryableErrorTypes: activities.NonRetryable,
	},
}

// lookupActivity is for short reads that decide what a procedure accepts
// (who answers a task): a local activity, retried briefly, so an answer is
// told quickly when the database is away.
var lookupActivity = workflow.LocalActivityOptions{
	ScheduleToCloseTimeout: 30 * time.Second,
	StartToCloseTimeout:    5 * time.Second,
	RetryPolicy: &temporal.RetryPolicy{
		InitialInterval:        200 * time.Millisecond,
		BackoffCoefficient:     2,
		MaximumInterval:        2 * time.Second,
		MaximumAttempts:        5,
		NonRetryableErrorTypes: activities.NonRetryable,
	},
}
