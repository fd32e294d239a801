package activities

// Every line of history and every task question an activity writes is a
// phrase of the catalog (locale/history.go): a key and typed arguments,
// which the agent UI says in the agent's language; the store keeps its
// French beside it. Amounts are amounts, a payment method or a status is
// said by its own message, and what people typed (a reason, a name, a
// reference) or another system said (a provider's refusal) is a text,
// written as it is in every language.

import (
	"strconv"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
)

// amountArg is an amount in cents, in its currency.
func amountArg(cents int64, currency string) locale.Arg { return locale.Amount(cents, currency) }

// methodArg is a payment method, said by its label.
func methodArg(m order.PaymentMethod) locale.PhraseArg {
	return locale.Label("payment_method.", string(m), m.Label("fr"))
}

// statusArg is an order's status, said by its label.
func statusArg(s order.Status) locale.PhraseArg {
	return locale.Label("order_status.", string(s), s.Label("fr"))
}

// taskArg is a task's number, as "#12" writes it: no grouping.
func taskArg(id int64) locale.Arg { return locale.Text(strconv.FormatInt(id, 10)) }

// textArg is a text written as it is: data, or words of a person.
func textArg(s string) locale.Arg { return locale.Text(s) }
