package workflows

// The questions of the agent tasks, and the lines of history a procedure
// writes itself (a reminder, how a task or a procedure ended, why), are
// phrases of the catalog (locale/history.go): a key and typed arguments,
// which the agent UI says in the agent's language. The procedure gives the
// phrase with its French (Question, Summary, Message): only the activities'
// inputs carry them, so the commands, and the replay, are the same.

import (
	"strconv"
	"time"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
)

// amountOf is an amount in cents, in its currency.
func amountOf(cents int64, currency string) locale.Arg { return locale.Amount(cents, currency) }

// methodOf is a payment method, said by its label.
func methodOf(m order.PaymentMethod) locale.PhraseArg {
	return locale.Label("payment_method.", string(m), m.Label("fr"))
}

// textOf is a text written as it is: data, or words of a person.
func textOf(s string) locale.Arg { return locale.Text(s) }

// taskNumber is a task's number, as "#12" writes it.
func taskNumber(id int64) locale.Arg { return locale.Text(strconv.FormatInt(id, 10)) }

// waitOf is a wait as an agent reads it: "4 h", "1 h 30 min", "45 min".
func waitOf(d time.Duration) locale.Phrase {
	h, m := int(d.Hours()), int(d.Minutes())%60
	switch {
	case h > 0 && m > 0:
		return locale.Phr("history.wait.hours_minutes", locale.Count(h), locale.Count(m))
	case h > 0:
		return locale.Phr("history.wait.hours", locale.Count(h))
	default:
		return locale.Phr("history.wait.minutes", locale.Count(m))
	}
}
