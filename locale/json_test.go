package locale

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestArgJSONRoundTrip: every kind of argument comes back from JSON of the
// same kind and said the same in every language, a foreign currency and a
// date's instant included.
func TestArgJSONRoundTrip(t *testing.T) {
	at := time.Date(2026, 11, 21, 13, 5, 0, 0, time.UTC)
	args := []Arg{
		Text("CMD-1042 « urgent »"), Count(1234), Count(-2), Amount(-4000, "EUR"), Amount(1250, "USD"), Amount(99, ""),
		Date(at), Day(at), Date(time.Time{}), Percent(550),
	}
	b, err := json.Marshal(args)
	if err != nil {
		t.Fatal(err)
	}
	var back []Arg
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	if len(back) != len(args) {
		t.Fatalf("%d arguments back from %s, want %d", len(back), b, len(args))
	}
	for i, a := range args {
		if back[i].Kind() != a.Kind() {
			t.Errorf("argument %d: kind %s back, want %s", i, back[i].Kind(), a.Kind())
		}
		for _, lang := range Langs {
			p := For(lang)
			if got, want := p.write(back[i]), p.write(a); got != want {
				t.Errorf("argument %d in %s: %q back, want %q (JSON %s)", i, lang, got, want, b)
			}
		}
	}
	if got := For(French).write(back[3]); got != "-40,00\u00a0€" {
		t.Errorf("the amount back says %q", got)
	}
	if !strings.Contains(string(b), `{"kind":"amount","value":1250,"currency":"USD"}`) {
		t.Errorf("an amount is not written as its kind, cents and currency: %s", b)
	}
}

func TestArgJSONRefusesWhatItCannotRead(t *testing.T) {
	for _, in := range []string{
		`{"kind":"colour","value":"red"}`,
		`{"kind":"amount","value":"40.00 EUR"}`,
		`{"kind":"text","value":12}`,
		`{"kind":"day","value":"21/11/2026"}`,
		`{"kind":"count"}`,
		`"12"`,
	} {
		var a Arg
		if err := json.Unmarshal([]byte(in), &a); err == nil {
			t.Errorf("%s read as a %s argument", in, a.Kind())
		}
	}
	if _, err := json.Marshal(Arg{}); err == nil {
		t.Error("an argument of no kind was written")
	}
}
