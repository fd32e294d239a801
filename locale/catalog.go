package locale

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// The catalog: params (params.go) declares the arguments of the messages
// that take any; each language has its templates (fr.go, en.go). A
// template writes an argument as {name}, and chooses between a singular
// and a plural by a count as {name|singular|plural}.
//
// An area with many messages of its own (the refusals, the emails) keeps
// them in a part of its own (a file declaring a part with addPart in an
// init function): its keys, French and English templates and arguments,
// merged into the catalog as if they were written in fr.go, en.go and
// params.go, and checked the same way.
var templates = map[Lang]map[Key]string{
	French:  french,
	English: english,
}

// part is a piece of the catalog kept in a file of its own.
type part struct {
	french, english map[Key]string
	params          map[Key][]Param
}

// addPart merges a part into the catalog; it must run before the catalog
// is first used (from an init function). A key the catalog already has is
// a problem (Problems), not an overwrite.
func addPart(p part) {
	for lang, tmpls := range map[Lang]map[Key]string{French: p.french, English: p.english} {
		for k, t := range tmpls {
			if _, dup := templates[lang][k]; dup {
				partProblems = append(partProblems, fmt.Errorf("%s, %s: written twice in the catalog", lang, k))
				continue
			}
			templates[lang][k] = t
		}
	}
	for k, ps := range p.params {
		if _, dup := params[k]; dup {
			partProblems = append(partProblems, fmt.Errorf("%s: arguments declared twice in the catalog", k))
			continue
		}
		params[k] = ps
	}
}

// partProblems are the keys that parts wrote twice.
var partProblems []error

// segment is a part of a compiled template: literal text, an argument
// written by its kind, or a plural chosen by a count argument.
type segment struct {
	text        string
	arg         int // index in the message's params; -1 for literal text
	one, other  string
	pluralForms bool
}

type compiled struct {
	segments []segment
}

var (
	compileOnce sync.Once
	messages    map[Lang]map[Key]compiled
	problems    []error
)

// catalog compiles every template once, noting what is wrong with them.
func catalog() map[Lang]map[Key]compiled {
	compileOnce.Do(func() {
		messages = map[Lang]map[Key]compiled{}
		for _, lang := range Langs {
			messages[lang] = map[Key]compiled{}
			for key, tmpl := range templates[lang] {
				c, err := compile(tmpl, params[key])
				if err != nil {
					problems = append(problems, fmt.Errorf("%s, %s: %w", lang, key, err))
					continue
				}
				messages[lang][key] = c
			}
		}
		problems = append(problems, partProblems...)
		for key := range params {
			if _, ok := templates[French][key]; !ok {
				problems = append(problems, fmt.Errorf("%s: arguments declared for a message without a French text", key))
			}
		}
	})
	return messages
}

// Problems lists what is wrong with the catalog: a template that does not
// parse, names an argument the message does not declare, leaves one out,
// or makes a plural of an argument that is not a count; arguments
// declared for no message. The catalog's test wants none.
func Problems() []error {
	catalog()
	out := slices.Clone(problems)
	for _, lang := range Langs {
		for key := range templates[French] {
			if _, ok := templates[lang][key]; !ok {
				out = append(out, fmt.Errorf("%s: no %s text", key, lang))
			}
		}
		for key := range templates[lang] {
			if _, ok := templates[French][key]; !ok {
				out = append(out, fmt.Errorf("%s: a %s text for a message French does not have", key, lang))
			}
		}
	}
	return out
}

// compile parses a template against the message's params: every param is
// used, no other name is.
func compile(tmpl string, ps []Param) (compiled, error) {
	var c compiled
	used := make([]bool, len(ps))
	for tmpl != "" {
		i := strings.IndexAny(tmpl, "{}")
		if i < 0 {
			c.segments = append(c.segments, segment{text: tmpl, arg: -1})
			break
		}
		if tmpl[i] == '}' {
			return c, fmt.Errorf("a '}' without its '{' in %q", tmpl)
		}
		if i > 0 {
			c.segments = append(c.segments, segment{text: tmpl[:i], arg: -1})
		}
		j := strings.IndexByte(tmpl[i:], '}')
		if j < 0 {
			return c, fmt.Errorf("a '{' without its '}' in %q", tmpl)
		}
		inner := tmpl[i+1 : i+j]
		tmpl = tmpl[i+j+1:]
		if strings.Contains(inner, "{") {
			return c, fmt.Errorf("a '{' inside a placeholder: {%s", inner)
		}
		name, forms, plural := strings.Cut(inner, "|")
		idx := slices.IndexFunc(ps, func(p Param) bool { return p.Name == name })
		if idx < 0 {
			return c, fmt.Errorf("{%s}: the message declares no argument %q", inner, name)
		}
		used[idx] = true
		s := segment{arg: idx}
		if plural {
			if ps[idx].Kind != KindCount {
				return c, fmt.Errorf("{%s}: a plural needs a count, %s is %s", inner, name, ps[idx].Kind)
			}
			one, other, ok := strings.Cut(forms, "|")
			if !ok || strings.Contains(other, "|") {
				return c, fmt.Errorf("{%s}: a plural is {%s|singular|plural}", inner, name)
			}
			s.one, s.other, s.pluralForms = one, other, true
		}
		c.segments = append(c.segments, s)
	}
	for i, u := range used {
		if !u {
			return c, fmt.Errorf("the template does not use the argument {%s}", ps[i].Name)
		}
	}
	return c, nil
}

// Params are the arguments a message declares, in the order a caller
// gives them; false for a key the catalog does not have.
func Params(key Key) ([]Param, bool) {
	if _, ok := templates[French][key]; !ok {
		return nil, false
	}
	return params[key], true
}

// Keys lists every key of the catalog, sorted.
func Keys() []Key {
	keys := make([]Key, 0, len(templates[French]))
	for k := range templates[French] {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Template is a message's template in a language, as written in the
// catalog; false when that language does not have it.
func Template(lang Lang, key Key) (string, bool) {
	t, ok := templates[lang][key]
	return t, ok
}

// Check says whether a message takes these kinds of arguments, in this
// order; nil when it does.
func Check(key Key, kinds ...Kind) error {
	ps, ok := Params(key)
	if !ok {
		return fmt.Errorf("no message %q in the catalog", key)
	}
	if len(kinds) != len(ps) {
		return fmt.Errorf("%s takes %s, not %d argument(s)", key, describe(ps), len(kinds))
	}
	for i, k := range kinds {
		if k != ps[i].Kind {
			return fmt.Errorf("%s takes %s: argument %d ({%s}) is %s, not %s", key, describe(ps), i+1, ps[i].Name, ps[i].Kind, k)
		}
	}
	return nil
}

func describe(ps []Param) string {
	if len(ps) == 0 {
		return "no argument"
	}
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.Name + " " + p.Kind.String()
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// Printer says messages in one language, writing dates in one zone.
type Printer struct {
	lang Lang
	zone *time.Location
}

var paris = sync.OnceValue(func() *time.Location {
	if l, err := time.LoadLocation("Europe/Paris"); err == nil {
		return l
	}
	return time.UTC
})

var printers = sync.OnceValue(func() map[Lang]*Printer {
	m := map[Lang]*Printer{}
	for _, l := range Langs {
		m[l] = &Printer{lang: l, zone: paris()}
	}
	return m
})

// For is the printer of a language, writing dates in Paris time (the
// shops' and their agents' time). A language the catalog does not have
// is French.
func For(lang Lang) *Printer {
	if p, ok := printers()[lang]; ok {
		return p
	}
	return printers()[French]
}

// In is a printer of the same language writing dates in another zone.
func (p *Printer) In(zone *time.Location) *Printer {
	return &Printer{lang: p.lang, zone: zone}
}

// Lang is the printer's language.
func (p *Printer) Lang() Lang { return p.lang }

// T says a message with its arguments. A message the catalog does not
// have, or arguments it does not take, show as ⟦key⟧ so the mistake is
// seen; the test of the catalog's use finds them first.
func (p *Printer) T(key Key, args ...Arg) string {
	s, err := p.Format(key, args...)
	if err != nil {
		return "⟦" + string(key) + "⟧"
	}
	return s
}

// Format says a message with its arguments, or says why it cannot.
func (p *Printer) Format(key Key, args ...Arg) (string, error) {
	kinds := make([]Kind, len(args))
	for i, a := range args {
		kinds[i] = a.kind
	}
	if err := Check(key, kinds...); err != nil {
		return "", err
	}
	c, ok := catalog()[p.lang][key]
	if !ok {
		return "", fmt.Errorf("%s: no %s text that compiles", key, p.lang)
	}
	return p.render(c, args), nil
}

// Named says a message whose arguments are given by name (the sentences
// of a procedure's progress carry them so); false when the catalog does
// not have the message or the arguments do not fit it.
func (p *Printer) Named(key Key, named map[string]Arg) (string, bool) {
	ps, ok := Params(key)
	if !ok || len(named) < len(ps) {
		return "", false
	}
	args := make([]Arg, len(ps))
	for i, prm := range ps {
		a, ok := named[prm.Name]
		if !ok || a.kind != prm.Kind {
			return "", false
		}
		args[i] = a
	}
	s, err := p.Format(key, args...)
	return s, err == nil
}

// Say says a message made earlier (Msg, Literal).
func (p *Printer) Say(m Message) string {
	if m.Key == "" {
		return m.literal
	}
	return p.T(m.Key, m.Args...)
}

func (p *Printer) render(c compiled, args []Arg) string {
	var b strings.Builder
	for _, s := range c.segments {
		switch {
		case s.arg < 0:
			b.WriteString(s.text)
		case s.pluralForms:
			if p.singular(args[s.arg].n) {
				b.WriteString(s.one)
			} else {
				b.WriteString(s.other)
			}
		default:
			b.WriteString(p.write(args[s.arg]))
		}
	}
	return b.String()
}

// singular is the language's plural rule: French says 0 and 1 in the
// singular ("0 commande"), English only 1 ("0 orders").
func (p *Printer) singular(n int64) bool {
	if p.lang == English {
		return n == 1
	}
	return n == 0 || n == 1
}

// write writes an argument by its kind.
func (p *Printer) write(a Arg) string {
	switch a.kind {
	case KindCount:
		return p.Number(a.n)
	case KindAmount:
		return p.Amount(a.n, a.currency)
	case KindDate:
		return p.Date(a.t)
	case KindDay:
		return p.Day(a.t)
	case KindPercent:
		return p.Percent(a.n)
	}
	return a.text
}
