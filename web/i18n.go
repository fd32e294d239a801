package web

// The agent UI says every text through the catalog of package locale: the
// templates with {{t "key" args...}}, the handlers with tr(lang, "key",
// args...), error pages with locale.Msg. locale_keys_test.go checks that
// every key used exists in each language and gets its arguments.

import (
	"net/http"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
)

// langOf is the language of the signed-in agent: "en" for those who chose
// English, "fr" otherwise; without an agent, the browser's last agent's.
func langOf(r *http.Request) string {
	if a := agentOf(r); a != nil {
		if a.Locale == "en" {
			return "en"
		}
		return "fr"
	}
	return signInLang(r)
}

// tr says a message of the catalog in lang ("fr" or "en").
func tr(lang string, key locale.Key, args ...locale.Arg) string {
	return locale.For(locale.Parse(lang)).T(key, args...)
}

// statusArg is an order's status, said in lang, as a message's argument.
func statusArg(lang string, s order.Status) locale.Arg {
	return locale.Text(label(locale.For(locale.Parse(lang)), statusKeys, string(s)))
}

// procedureArg is a procedure's name, from its type or a workflow id, said
// in lang, as a message's argument.
func procedureArg(lang, typeOrID string) locale.Arg {
	return locale.Text(procedureLabel(locale.For(locale.Parse(lang)), typeOrID))
}

// logisticsArg is an order's logistics status, said in lang, as a
// message's argument.
func logisticsArg(lang string, s order.LogisticsStatus) locale.Arg {
	return locale.Text(label(locale.For(locale.Parse(lang)), logisticsKeys, string(s)))
}
