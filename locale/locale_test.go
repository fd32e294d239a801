package locale

import (
	"strings"
	"testing"
	"time"
)

// TestCatalogIsWhole: every language has every message, each template
// parses and uses exactly the arguments its message declares, plurals
// choose by counts.
func TestCatalogIsWhole(t *testing.T) {
	if len(Keys()) == 0 {
		t.Fatal("the catalog is empty")
	}
	for _, err := range Problems() {
		t.Error(err)
	}
	for _, k := range Keys() {
		for _, lang := range Langs {
			if s, _ := Template(lang, k); strings.TrimSpace(s) == "" {
				t.Errorf("%s: the %s text is empty", k, lang)
			}
		}
	}
}

// say renders a template made for the test, as Format does.
func say(t *testing.T, lang Lang, tmpl string, ps []Param, args ...Arg) string {
	t.Helper()
	c, err := compile(tmpl, ps)
	if err != nil {
		t.Fatalf("compile %q: %v", tmpl, err)
	}
	return For(lang).render(c, args)
}

func TestPluralForms(t *testing.T) {
	ps := []Param{{"n", KindCount}}
	fr, en := "{n} {n|tâche ouverte|tâches ouvertes}", "{n} open {n|task|tasks}"
	for _, c := range []struct {
		n      int
		fr, en string
	}{
		{0, "0 tâche ouverte", "0 open tasks"},
		{1, "1 tâche ouverte", "1 open task"},
		{2, "2 tâches ouvertes", "2 open tasks"},
		{1234, "1\u202f234 tâches ouvertes", "1,234 open tasks"},
	} {
		if got := say(t, French, fr, ps, Count(c.n)); got != c.fr {
			t.Errorf("French, %d: %q, want %q", c.n, got, c.fr)
		}
		if got := say(t, English, en, ps, Count(c.n)); got != c.en {
			t.Errorf("English, %d: %q, want %q", c.n, got, c.en)
		}
	}
}

func TestTemplatesThatDoNotFitTheirArguments(t *testing.T) {
	ps := []Param{{"n", KindCount}, {"who", KindText}}
	for tmpl, want := range map[string]string{
		"{n} par {who}":           "",
		"{n} par {qui}":           "declares no argument",
		"{n} seul":                "does not use the argument {who}",
		"{who|un|des} {n}":        "a plural needs a count",
		"{n|un} {who}":            "a plural is",
		"{n} {who":                "without its '}'",
		"{n}} {who}":              "without its '{'",
		"{n|une|des|trois} {who}": "a plural is",
	} {
		_, err := compile(tmpl, ps)
		switch {
		case want == "" && err != nil:
			t.Errorf("%q: %v", tmpl, err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
			t.Errorf("%q: error %v, want one saying %q", tmpl, err, want)
		}
	}
}

func TestAmounts(t *testing.T) {
	fr, en := For(French), For(English)
	for _, c := range []struct {
		cents    int64
		currency string
		fr, en   string
	}{
		{1250, "EUR", "12,50\u00a0€", "€12.50"},
		{123456, "", "1\u202f234,56\u00a0€", "€1,234.56"},
		{-500, "EUR", "-5,00\u00a0€", "-€5.00"},
		{0, "EUR", "0,00\u00a0€", "€0.00"},
		{1250, "USD", "12,50\u00a0USD", "12.50 USD"},
	} {
		if got := fr.Amount(c.cents, c.currency); got != c.fr {
			t.Errorf("French %d %s: %q, want %q", c.cents, c.currency, got, c.fr)
		}
		if got := en.Amount(c.cents, c.currency); got != c.en {
			t.Errorf("English %d %s: %q, want %q", c.cents, c.currency, got, c.en)
		}
	}
	if got := fr.AmountInput(123456); got != "1234,56" {
		t.Errorf("French input: %q", got)
	}
	if got := en.AmountInput(500); got != "5.00" {
		t.Errorf("English input: %q", got)
	}
}

// TestParseAmount: both marks are read as decimal marks, whatever the
// reader's language; each reads its own way of grouping thousands; what
// the input fields show is read back.
func TestParseAmount(t *testing.T) {
	for _, c := range []struct {
		lang Lang
		in   string
		want int64 // -1: refused
	}{
		{French, "5,00", 500}, {French, "5.00", 500}, {English, "5,00", 500}, {English, "5.00", 500},
		{French, "12", 1200}, {French, "12,5", 1250}, {English, ".5", 50},
		{French, "1 234,56 €", 123456}, {French, "1\u202f234,56\u00a0€", 123456}, {English, "€1,234.56", 123456},
		{English, "1,234", 123400}, {English, "1,234,567.89", 123456789},
		{French, "1,234", -1}, {French, "1.234,56", -1}, {English, "1.234,56", -1}, {English, "12,34,5", -1},
		{French, "12,345", -1}, {French, "", -1}, {French, "-5", -1}, {French, "+5", -1}, {French, "abc", -1},
		{French, "12.", -1}, {English, "1,23,456.00", -1}, {French, "9999999999999999", -1},
	} {
		got, err := For(c.lang).ParseAmount(c.in)
		switch {
		case c.want < 0 && err == nil:
			t.Errorf("%s %q: read as %d, want refused", c.lang, c.in, got)
		case c.want >= 0 && (err != nil || got != c.want):
			t.Errorf("%s %q: %d, %v; want %d", c.lang, c.in, got, err, c.want)
		}
	}
	for _, lang := range Langs {
		p := For(lang)
		for _, cents := range []int64{0, 5, 500, 123456} {
			if got, err := p.ParseAmount(p.AmountInput(cents)); err != nil || got != cents {
				t.Errorf("%s: %q read back as %d, %v", lang, p.AmountInput(cents), got, err)
			}
		}
	}
}

func TestDatesInTheReadersFormatAndParisTime(t *testing.T) {
	winter := time.Date(2026, 11, 21, 13, 5, 0, 0, time.UTC) // UTC+1 in Paris
	summer := time.Date(2026, 7, 14, 22, 30, 0, 0, time.UTC) // UTC+2: the next day
	for _, c := range []struct {
		lang      Lang
		at        time.Time
		date, day string
	}{
		{French, winter, "21/11/2026 14:05", "21/11/2026"},
		{French, summer, "15/07/2026 00:30", "15/07/2026"},
		{English, winter, "21 Nov 2026, 14:05", "21 Nov 2026"},
		{English, summer, "15 Jul 2026, 00:30", "15 Jul 2026"},
	} {
		p := For(c.lang)
		if got := p.Date(c.at); got != c.date {
			t.Errorf("%s date %s: %q, want %q", c.lang, c.at, got, c.date)
		}
		if got := p.Day(c.at); got != c.day {
			t.Errorf("%s day %s: %q, want %q", c.lang, c.at, got, c.day)
		}
	}
	if For(French).Date(time.Time{}) != "" || For(English).Day(time.Time{}) != "" {
		t.Error("a zero time should be written empty")
	}
}

func TestPercents(t *testing.T) {
	for bp, want := range map[int64][2]string{
		2000: {"20\u00a0%", "20%"}, 550: {"5,5\u00a0%", "5.5%"}, 210: {"2,1\u00a0%", "2.1%"},
		1234: {"12,34\u00a0%", "12.34%"}, 0: {"0\u00a0%", "0%"},
	} {
		if got := For(French).Percent(bp); got != want[0] {
			t.Errorf("French %d: %q, want %q", bp, got, want[0])
		}
		if got := For(English).Percent(bp); got != want[1] {
			t.Errorf("English %d: %q, want %q", bp, got, want[1])
		}
	}
}

// TestFormatRefusesWrongArguments: a key the catalog lacks, too few or
// too many arguments, or one of the wrong kind is an error, and T shows
// the key rather than a sentence with a hole.
func TestFormatRefusesWrongArguments(t *testing.T) {
	var withArgs Key
	var ps []Param
	for _, k := range Keys() {
		if p, _ := Params(k); len(p) > 0 {
			withArgs, ps = k, p
			break
		}
	}
	if withArgs == "" {
		t.Fatal("no message of the catalog takes arguments")
	}
	good := make([]Arg, len(ps))
	for i, p := range ps {
		good[i] = Arg{kind: p.Kind}
	}
	if _, err := For(English).Format(withArgs, good...); err != nil {
		t.Fatalf("%s with %v: %v", withArgs, ps, err)
	}
	wrong := append([]Arg(nil), good...)
	if wrong[0].kind == KindText {
		wrong[0] = Count(1)
	} else {
		wrong[0] = Text("x")
	}
	for name, args := range map[string][]Arg{
		"none":       nil,
		"one more":   append(append([]Arg(nil), good...), Text("x")),
		"wrong kind": wrong,
	} {
		if _, err := For(French).Format(withArgs, args...); err == nil {
			t.Errorf("%s, %s: no error", withArgs, name)
		}
	}
	if _, err := For(French).Format("no.such_key"); err == nil {
		t.Error("an unknown key: no error")
	}
	if got := For(English).T("no.such_key"); got != "⟦no.such_key⟧" {
		t.Errorf("T of an unknown key: %q", got)
	}
	if got := For(English).Say(Literal("as typed")); got != "as typed" {
		t.Errorf("a literal: %q", got)
	}
}

func TestParseLanguage(t *testing.T) {
	for in, want := range map[string]Lang{"en": English, "en-GB": English, "fr": French, "": French, "de": French} {
		if got := Parse(in); got != want {
			t.Errorf("Parse(%q) = %s, want %s", in, got, want)
		}
	}
}
