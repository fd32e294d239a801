// Package locale says the agent UI's texts in the agent's language.
//
// Every text is a message of a catalog: a key ("order.placed_on"), the
// arguments it takes, each of a kind (a plain text, a count, an amount in
// cents and its currency, a date, a rate), and one template per language
// ("Passée le {date}", "Placed on {date}"). A Printer says messages in one
// language and writes their arguments as a reader of that language reads
// them: "1 234,56 €" or "€1,234.56", "21/11/2026 14:05" or "21 Nov 2026,
// 14:05". A template chooses between a singular and a plural by a count:
// "{n|tâche ouverte|tâches ouvertes}" (French: 0 and 1 are singular;
// English: 1 is).
//
// The catalog is checked by tests: every language has every message with
// the same placeholders as the arguments it declares (catalog_test.go),
// and every message the agent UI asks for exists and gets the arguments
// it declares (web/locale_keys_test.go).
package locale

import (
	"fmt"
	"time"
)

// Lang is a language of the catalog.
type Lang string

// The languages of the catalog. French is the reference: the UI is written
// in French first.
const (
	French  Lang = "fr"
	English Lang = "en"
)

// Langs lists the catalog's languages, French first.
var Langs = []Lang{French, English}

// Parse reads a language code ("en", "en-GB", "fr"); anything it does not
// know is French.
func Parse(code string) Lang {
	if len(code) >= 2 && (code[:2] == "en" || code[:2] == "EN") {
		return English
	}
	return French
}

// Key names a message of the catalog: "area.name", lower case.
type Key string

// Kind is the kind of a message's argument: it says how the argument is
// written in each language.
type Kind uint8

// The kinds of arguments.
const (
	KindText    Kind = iota + 1 // written as is: a name, a number of order, an already said text
	KindCount                   // a whole number: "1 234" or "1,234"; chooses singular or plural
	KindAmount                  // cents and a currency: "12,50 €" or "€12.50"
	KindDate                    // an instant, date and time: "21/11/2026 14:05" or "21 Nov 2026, 14:05"
	KindDay                     // a day: "21/11/2026" or "21 Nov 2026"
	KindPercent                 // a rate in basis points: "5,5 %" or "5.5%"
)

func (k Kind) String() string {
	switch k {
	case KindText:
		return "text"
	case KindCount:
		return "count"
	case KindAmount:
		return "amount"
	case KindDate:
		return "date"
	case KindDay:
		return "day"
	case KindPercent:
		return "percent"
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Param is an argument a message declares: its placeholder's name and its
// kind.
type Param struct {
	Name string
	Kind Kind
}

// Arg is a value given to a message, typed by its kind. Make one with
// Text, Count, Amount, Date, Day or Percent.
type Arg struct {
	kind     Kind
	text     string
	n        int64
	currency string
	t        time.Time
}

// Text is an argument written as is.
func Text(s string) Arg { return Arg{kind: KindText, text: s} }

// Count is a whole number, which also chooses a singular or a plural.
func Count(n int) Arg { return Arg{kind: KindCount, n: int64(n)} }

// Amount is an amount in the smallest unit of its currency (cents for
// EUR); an empty currency is EUR.
func Amount(cents int64, currency string) Arg {
	return Arg{kind: KindAmount, n: cents, currency: currency}
}

// Date is an instant, written as a date and a time in the printer's zone.
func Date(t time.Time) Arg { return Arg{kind: KindDate, t: t} }

// Day is a day, written without its time.
func Day(t time.Time) Arg { return Arg{kind: KindDay, t: t} }

// Percent is a rate in basis points: 550 is 5.5 %.
func Percent(basisPoints int64) Arg { return Arg{kind: KindPercent, n: basisPoints} }

// Kind is the argument's kind.
func (a Arg) Kind() Kind { return a.kind }

// Message is a message to say later, in a language not known yet: a key
// and its arguments, or a text already said (Literal).
type Message struct {
	Key     Key
	Args    []Arg
	literal string
}

// Msg is the message key with its arguments, to be said by a Printer.
func Msg(key Key, args ...Arg) Message { return Message{Key: key, Args: args} }

// Literal is a text that is said as it is, in every language: one already
// said, or data (a reason typed by an agent, an error of another system).
func Literal(s string) Message { return Message{literal: s} }

// IsZero reports whether m is no message at all.
func (m Message) IsZero() bool { return m.Key == "" && m.literal == "" }
