package locale

import (
	"encoding/json"
	"fmt"
	"time"
)

// An argument crosses process boundaries (a refusal carried by Temporal as
// a failure's details, an API's answer) as JSON: its kind and its value,
// {"kind":"amount","value":4000,"currency":"EUR"}, {"kind":"text","value":
// "CMD-1042"}, {"kind":"day","value":"2026-11-21T00:00:00+01:00"}. A count,
// an amount and a percent carry a whole number (cents, basis points), a
// date and a day an RFC 3339 instant.
type argJSON struct {
	Kind     string          `json:"kind"`
	Value    json.RawMessage `json:"value"`
	Currency string          `json:"currency,omitempty"`
}

// MarshalJSON writes the argument as its kind and its value.
func (a Arg) MarshalJSON() ([]byte, error) {
	var v any
	switch a.kind {
	case KindText:
		v = a.text
	case KindCount, KindPercent, KindAmount:
		v = a.n
	case KindDate, KindDay:
		v = a.t.Format(time.RFC3339Nano)
	default:
		return nil, fmt.Errorf("locale: an argument of no kind (%s) cannot be written", a.kind)
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return json.Marshal(argJSON{Kind: a.kind.String(), Value: raw, Currency: a.currency})
}

// UnmarshalJSON reads an argument MarshalJSON wrote; a kind it does not
// know, or a value that is not of its kind, is an error.
func (a *Arg) UnmarshalJSON(b []byte) error {
	var j argJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	if len(j.Value) == 0 {
		return fmt.Errorf("locale: an argument of kind %q without its value", j.Kind)
	}
	var err error
	switch j.Kind {
	case "text":
		var s string
		err = json.Unmarshal(j.Value, &s)
		*a = Text(s)
	case "count", "amount", "percent":
		var n int64
		err = json.Unmarshal(j.Value, &n)
		switch j.Kind {
		case "count":
			*a = Arg{kind: KindCount, n: n}
		case "amount":
			*a = Amount(n, j.Currency)
		default:
			*a = Percent(n)
		}
	case "date", "day":
		var s string
		if err = json.Unmarshal(j.Value, &s); err != nil {
			break
		}
		var t time.Time
		if t, err = time.Parse(time.RFC3339Nano, s); err != nil {
			break
		}
		if j.Kind == "date" {
			*a = Date(t)
		} else {
			*a = Day(t)
		}
	default:
		return fmt.Errorf("locale: an argument of unknown kind %q", j.Kind)
	}
	if err != nil {
		return fmt.Errorf("locale: the value of a %s argument: %w", j.Kind, err)
	}
	return nil
}
