package web

import "github.com/orderdesk/orderdesk/locale"

// An order's history lines and the agent tasks' questions are kept as
// phrases of the catalog (store.Event.Phrase, store.Task.QuestionPhrase)
// beside their French: the templates say each in the agent's language
// ({{phrase .Phrase}}), and show the French as written, marked so, for a
// line without a phrase (a row older than the phrases) or with one this UI
// cannot say (a newer worker's).

// sayPhrase says a phrase in the printer's language; "" when there is no
// phrase or it cannot be said, and the template shows the French text.
func sayPhrase(p *locale.Printer, ph locale.Phrase) string {
	if ph.IsZero() {
		return ""
	}
	s, err := p.Phrase(ph)
	if err != nil {
		return ""
	}
	return s
}
