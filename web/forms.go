package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/workflows"
)

// fieldErrors are the messages a form shows next to its fields, by field
// name; "form" is a message for the whole form.
type fieldErrors map[string]string

// fieldErrorOf is the template's access to a message: {{fieldError .Errors "email"}}.
func fieldErrorOf(e fieldErrors, field string) string {
	if e == nil {
		return ""
	}
	return e[field]
}

// amountInput writes cents for an input field as an agent of lang types
// them: 4456 → "44,56" in French, "44.56" in English.
func amountInput(lang string, cents int64) string {
	return locale.For(locale.Parse(lang)).AmountInput(cents)
}

// parseAmount reads an amount typed by an agent: "44,56" or "44.56"
// whatever their language, "44", "1 234,56 €", and "1,234.56" in English.
func parseAmount(lang, s string) (int64, error) {
	return locale.For(locale.Parse(lang)).ParseAmount(s)
}

// dict builds a map for passing several values to a template.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, errors.New("dict: odd number of arguments")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}

// has reports whether list holds v.
func has(list []string, v string) bool { return slices.Contains(list, v) }

// jsonText renders a stored JSON document for reading.
func jsonText(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return string(raw)
	}
	b, _ := json.MarshalIndent(v, "", "  ")
	return string(b)
}

// formInt64 reads a whole number from a form value.
func formInt64(s string) (int64, error) {
	return strconv.ParseInt(strings.TrimSpace(s), 10, 64)
}

// sayRefusal says a refusal in the agent's language: the catalog's
// message its code names, with its arguments (order.FieldError.Say).
func sayRefusal(fe *order.FieldError, lang string) string {
	return fe.Say(locale.For(locale.Parse(lang)))
}

// startedBefore sends a form submitted again (a double click, the back
// button) to the procedure its first submission started, and says so; a
// form of several steps asks it of its last. The order has changed since
// that submission, so checking the form against it again would refuse
// what was done. A form without a request id, or whose procedure does not
// exist, is not sent anywhere. Temporal not answering is the request's
// error: whether the form started something is unknown, and starting it
// would not get an answer either.
func (s *server) startedBefore(w http.ResponseWriter, r *http.Request, proc, number string) (bool, error) {
	requestID := strings.TrimSpace(r.PostFormValue("request_id"))
	if requestID == "" {
		return false, nil
	}
	id := workflows.WorkflowID(proc, number, requestID)
	if _, err := s.starter.Progress(r.Context(), id); err != nil {
		if _, down := starter.Unavailable(err); down {
			return false, err
		}
		return false, nil
	}
	http.Redirect(w, r, procedureURL(id), http.StatusSeeOther)
	return true, nil
}

// tickedLines is the set of line ids whose "line" box a form ticked.
func tickedLines(r *http.Request) map[string]bool {
	ticked := map[string]bool{}
	for _, id := range r.PostForm["line"] {
		ticked[id] = true
	}
	return ticked
}

// typedQuantity reads a quantity typed in a form: a whole number from 0 to
// most. It returns the quantity, or the message to show next to the field;
// tooMany says why not above most.
func typedQuantity(lang, typed string, most int64, tooMany string) (int64, string) {
	q, err := formInt64(typed)
	switch {
	case err != nil:
		return 0, tr(lang, "form.whole_number")
	case q < 0:
		return 0, tr(lang, "form.quantity_negative")
	case q > most:
		return 0, tooMany
	}
	return q, ""
}
