package locale

import "fmt"

// Part is a piece of a said message: the catalog's own text (Arg is -1,
// a plural's chosen form included), or an argument as the printer writes
// it (Arg is its index in the arguments given).
type Part struct {
	Text string
	Arg  int
}

// Parts says a message as Format does, in pieces, so that a caller
// writing HTML can escape the catalog's text and the arguments each their
// own way and mark an argument up (an amount in <strong>, a link). The
// pieces' texts, joined, are what Format says.
func (p *Printer) Parts(key Key, args ...Arg) ([]Part, error) {
	kinds := make([]Kind, len(args))
	for i, a := range args {
		kinds[i] = a.kind
	}
	if err := Check(key, kinds...); err != nil {
		return nil, err
	}
	c, ok := catalog()[p.lang][key]
	if !ok {
		return nil, fmt.Errorf("%s: no %s text that compiles", key, p.lang)
	}
	parts := make([]Part, 0, len(c.segments))
	for _, s := range c.segments {
		switch {
		case s.arg < 0:
			parts = append(parts, Part{Text: s.text, Arg: -1})
		case s.pluralForms:
			form := s.other
			if p.singular(args[s.arg].n) {
				form = s.one
			}
			parts = append(parts, Part{Text: form, Arg: -1})
		default:
			parts = append(parts, Part{Text: p.write(args[s.arg]), Arg: s.arg})
		}
	}
	return parts, nil
}
