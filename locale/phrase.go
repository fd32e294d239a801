package locale

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// A Phrase is a message kept as data, to be said later in the language of
// whoever reads it: a line of an order's history, the question of an agent
// task. It is a key of the catalog and its arguments, in the order the
// message declares them. An argument is a typed value (an Arg), or a
// phrase said first, in the same language, and given to the message as a
// text (a payment method's label, the question a history line quotes), or
// a list of phrases said one after the other (the changes of a content
// change). A phrase crosses Temporal and sits in the database as JSON.
type Phrase struct {
	Key  Key
	Args []PhraseArg
}

// PhraseArg is an argument of a phrase: an Arg, a Phrase or a List. To
// the message it is given to, a phrase or a list is a text.
type PhraseArg interface{ phraseArg() }

func (Arg) phraseArg()    {}
func (Phrase) phraseArg() {}
func (List) phraseArg()   {}

// List is phrases said one after the other, joined by Sep: a list of
// changes (", "), or the parts of a sentence that are there or not ("").
type List struct {
	Sep   string
	Items []Phrase
}

// Phr is the phrase of a message with its arguments.
func Phr(key Key, args ...PhraseArg) Phrase { return Phrase{Key: key, Args: args} }

// Join is a list of phrases joined by sep; an empty list says nothing.
func Join(sep string, items ...Phrase) List { return List{Sep: sep, Items: items} }

// IsZero reports whether the phrase is no phrase at all.
func (ph Phrase) IsZero() bool { return ph.Key == "" }

// Label is the catalog's message prefix+code said as the argument of a
// phrase (Label("payment_method.", "card"): « Carte bancaire », "Card"),
// or fallback as a text when the catalog has no such message.
func Label(prefix, code, fallback string) PhraseArg {
	k := Key(prefix + code)
	if ps, ok := Params(k); ok && len(ps) == 0 {
		return Phr(k)
	}
	return Text(fallback)
}

// Phrase says a phrase in the printer's language, or says why it cannot:
// a key the catalog does not have (a phrase of a newer version), or
// arguments that do not fit its message.
func (p *Printer) Phrase(ph Phrase) (string, error) {
	if ph.IsZero() {
		return "", fmt.Errorf("locale: no phrase to say")
	}
	args := make([]Arg, len(ph.Args))
	for i, a := range ph.Args {
		switch a := a.(type) {
		case Arg:
			args[i] = a
		case Phrase:
			s, err := p.Phrase(a)
			if err != nil {
				return "", err
			}
			args[i] = Text(s)
		case List:
			parts := make([]string, len(a.Items))
			for j, it := range a.Items {
				s, err := p.Phrase(it)
				if err != nil {
					return "", err
				}
				parts[j] = s
			}
			args[i] = Text(strings.Join(parts, a.Sep))
		default:
			return "", fmt.Errorf("locale: %s: argument %d is of no kind", ph.Key, i+1)
		}
	}
	return p.Format(ph.Key, args...)
}

// French is the phrase in French: the text kept beside it for what reads
// no key (an export, the command line, an older agent UI); no phrase is
// no text. A phrase the catalog cannot say is written ⟦key⟧, so the
// mistake is seen; the tests of the catalog's use find it first.
func (ph Phrase) French() string {
	if ph.IsZero() {
		return ""
	}
	s, err := For(French).Phrase(ph)
	if err != nil {
		return "⟦" + string(ph.Key) + "⟧"
	}
	return s
}

// A phrase is written {"kind":"phrase","key":"history.hold_taken","args":
// [...]}; its arguments as an Arg writes itself ({"kind":"amount",...}),
// a phrase as above, a list as {"kind":"list","sep":", ","items":[...]}.
type phraseJSON struct {
	Kind  string            `json:"kind"`
	Key   Key               `json:"key,omitempty"`
	Args  []json.RawMessage `json:"args,omitempty"`
	Sep   string            `json:"sep,omitempty"`
	Items []Phrase          `json:"items,omitempty"`
}

// MarshalJSON writes the phrase, its arguments with it.
func (ph Phrase) MarshalJSON() ([]byte, error) {
	raw := make([]json.RawMessage, len(ph.Args))
	for i, a := range ph.Args {
		b, err := json.Marshal(a)
		if err != nil {
			return nil, fmt.Errorf("locale: phrase %s, argument %d: %w", ph.Key, i+1, err)
		}
		raw[i] = b
	}
	return json.Marshal(phraseJSON{Kind: "phrase", Key: ph.Key, Args: raw})
}

// UnmarshalJSON reads a phrase MarshalJSON wrote; {} and null are no
// phrase.
func (ph *Phrase) UnmarshalJSON(b []byte) error {
	var j phraseJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	if j.Kind != "" && j.Kind != "phrase" {
		return fmt.Errorf("locale: a %q where a phrase is expected", j.Kind)
	}
	args, err := phraseArgs(j.Args)
	if err != nil {
		return fmt.Errorf("locale: phrase %s: %w", j.Key, err)
	}
	*ph = Phrase{Key: j.Key, Args: args}
	return nil
}

// MarshalJSON writes the list.
func (l List) MarshalJSON() ([]byte, error) {
	items := l.Items
	if items == nil {
		items = []Phrase{}
	}
	return json.Marshal(struct {
		Kind  string   `json:"kind"`
		Sep   string   `json:"sep"`
		Items []Phrase `json:"items"`
	}{"list", l.Sep, items})
}

// MarshalPhraseArgs writes a phrase's arguments as a JSON array (the
// database keeps them beside the phrase's key).
func MarshalPhraseArgs(args []PhraseArg) ([]byte, error) {
	if len(args) == 0 {
		return []byte("[]"), nil
	}
	return json.Marshal(args)
}

// UnmarshalPhraseArgs reads the arguments MarshalPhraseArgs wrote.
func UnmarshalPhraseArgs(b []byte) ([]PhraseArg, error) {
	if len(bytes.TrimSpace(b)) == 0 || bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		return nil, nil
	}
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, err
	}
	return phraseArgs(raw)
}

// phraseArgs reads each argument by its kind.
func phraseArgs(raw []json.RawMessage) ([]PhraseArg, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	out := make([]PhraseArg, len(raw))
	for i, r := range raw {
		var head struct {
			Kind string `json:"kind"`
		}
		if err := json.Unmarshal(r, &head); err != nil {
			return nil, fmt.Errorf("argument %d: %w", i+1, err)
		}
		switch head.Kind {
		case "phrase":
			var ph Phrase
			if err := json.Unmarshal(r, &ph); err != nil {
				return nil, fmt.Errorf("argument %d: %w", i+1, err)
			}
			out[i] = ph
		case "list":
			var j phraseJSON
			if err := json.Unmarshal(r, &j); err != nil {
				return nil, fmt.Errorf("argument %d: %w", i+1, err)
			}
			out[i] = List{Sep: j.Sep, Items: j.Items}
		default:
			var a Arg
			if err := json.Unmarshal(r, &a); err != nil {
				return nil, fmt.Errorf("argument %d: %w", i+1, err)
			}
			out[i] = a
		}
	}
	return out, nil
}
