// Package textin is the one check of text that comes from outside (the
// JSON API and the payment webhook, the agent UI's forms and URLs, the
// command line) before anything reads or stores it: valid UTF-8, and no
// control character (NUL, the other C0 codes, DEL and the C1 codes),
// except newline, carriage return and tab in a text that may span lines (a
// note, a personal paragraph). PostgreSQL cannot store a NUL byte and
// refuses invalid UTF-8: refused here, they are a refusal naming the
// field, never a server error. The package imports nothing of the module,
// so every layer may use it.
package textin

import (
	"fmt"
	"unicode/utf8"
)

// Kind says what is wrong with a text.
type Kind int

const (
	// NotUTF8: the bytes are not UTF-8.
	NotUTF8 Kind = iota + 1
	// Control: a control character (Rune, at byte Offset).
	Control
)

// Error is a text refused by Check.
type Error struct {
	Kind   Kind
	Rune   rune // the control character (Control)
	Offset int  // its byte offset
}

func (e *Error) Error() string {
	if e.Kind == NotUTF8 {
		return fmt.Sprintf("textin: not UTF-8 at byte %d", e.Offset)
	}
	return fmt.Sprintf("textin: control character %U at byte %d", e.Rune, e.Offset)
}

// Check returns nil for a clean text, or an *Error saying what is wrong
// and where. multiline allows "\n", "\r" and "\t".
func Check(s string, multiline bool) error {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			return &Error{Kind: NotUTF8, Offset: i}
		}
		if IsControl(r) && !(multiline && (r == '\n' || r == '\r' || r == '\t')) {
			return &Error{Kind: Control, Rune: r, Offset: i}
		}
		i += size
	}
	return nil
}

// IsControl says whether r is a C0 or C1 control character or DEL.
func IsControl(r rune) bool {
	return r < 0x20 || (r >= 0x7f && r <= 0x9f)
}
