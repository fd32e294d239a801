package locale

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestPhraseSaidInEachLanguage: a phrase whose arguments are an amount, a
// label said by its own key and a list of phrases says each of them in
// the reader's language, and keeps saying so once through JSON (Temporal,
// the database).
func TestPhraseSaidInEachLanguage(t *testing.T) {
	ph := Phr("history.content_changed",
		Join("",
			Phr("history.content.removed", Text("1 × Mug (MUG-01)")),
			Phr("history.content.edited", Join(", ",
				Phr("history.content.edit", Text("TEE-01"), Join(", ",
					Phr("history.edit.price", Amount(1250, "EUR"), Amount(1500, "EUR")),
					Phr("history.edit.quantity", Count(2), Count(3)),
					Phr("history.edit.vat", Percent(2000), Percent(550)))))),
		),
		Amount(4480, "EUR"), Amount(2500, "EUR"),
		Join("", Phr("history.shipping.free_lost", Amount(690, "EUR"))),
	)
	wantFR := "Produits retirés : 1 × Mug (MUG-01). Produits modifiés : TEE-01 (prix unitaire 12,50\u00a0€ → 15,00\u00a0€, quantité 2 → 3, TVA 20\u00a0% → 5,5\u00a0%). Total 44,80\u00a0€ → 25,00\u00a0€ (livraison gratuite perdue : +6,90\u00a0€)"
	wantEN := "Products removed: 1 × Mug (MUG-01). Products changed: TEE-01 (unit price €12.50 → €15.00, quantity 2 → 3, VAT 20% → 5.5%). Total €44.80 → €25.00 (free shipping lost: +€6.90)"
	raw, err := json.Marshal(ph)
	if err != nil {
		t.Fatal(err)
	}
	var back Phrase
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatalf("reading %s: %v", raw, err)
	}
	for _, p := range []Phrase{ph, back} {
		if got := p.French(); got != wantFR {
			t.Errorf("French:\n got %q\nwant %q", got, wantFR)
		}
		if got, err := For(English).Phrase(p); err != nil || got != wantEN {
			t.Errorf("English:\n got %q (%v)\nwant %q", got, err, wantEN)
		}
	}

	method := Phr("history.refund_reserved", Amount(1000, "EUR"), Label("payment_method.", "card", "Carte bancaire"))
	if got := For(English).T("history.refund_reserved", Amount(1000, "EUR"), Text("Card")); mustSay(t, English, method) != got {
		t.Errorf("a label is said by its key: %q, want %q", mustSay(t, English, method), got)
	}
	unknown := Phr("history.refund_reserved", Amount(1000, "EUR"), Label("payment_method.", "barter", "Troc"))
	if got := mustSay(t, English, unknown); !strings.HasSuffix(got, "(Troc)") {
		t.Errorf("a code the catalog does not know is said by its fallback: %q", got)
	}
}

func mustSay(t *testing.T, lang Lang, ph Phrase) string {
	t.Helper()
	s, err := For(lang).Phrase(ph)
	if err != nil {
		t.Fatalf("%s: %v", ph.Key, err)
	}
	return s
}

// TestPhraseArgumentsKeepTheirKinds: every kind of argument comes back
// from JSON as it went, dates in their instant.
func TestPhraseArgumentsKeepTheirKinds(t *testing.T) {
	at := time.Date(2026, 11, 21, 14, 5, 0, 0, time.UTC)
	args := []PhraseArg{Text("a"), Count(3), Amount(-1250, "USD"), Date(at), Day(at), Percent(550),
		Phr("history.outcome.done"), Join(" ; ", Phr("history.outcome.done"), Phr("history.outcome.failed")), Join(", ")}
	raw, err := MarshalPhraseArgs(args)
	if err != nil {
		t.Fatal(err)
	}
	back, err := UnmarshalPhraseArgs(raw)
	if err != nil {
		t.Fatalf("reading %s: %v", raw, err)
	}
	again, _ := MarshalPhraseArgs(back)
	if string(again) != string(raw) {
		t.Errorf("arguments changed through JSON:\n%s\n%s", raw, again)
	}
	if l, ok := back[7].(List); !ok || len(l.Items) != 2 || l.Sep != " ; " {
		t.Errorf("the list came back as %#v", back[7])
	}
	if none, err := UnmarshalPhraseArgs(nil); err != nil || none != nil {
		t.Errorf("no arguments: %v %v", none, err)
	}
}

// TestPhraseThatCannotBeSaid: a key the catalog lacks, or an argument of
// the wrong kind (a nested phrase is a text), is an error, and its French
// shows the key.
func TestPhraseThatCannotBeSaid(t *testing.T) {
	for _, ph := range []Phrase{
		Phr("history.no_such_line"),
		Phr("history.refund_done", Text("12,50 €")),
		Phr("history.task_closed", Text("7"), Phr("history.no_such_summary")),
		Phr("history.refund_done", Phr("history.outcome.done")),
	} {
		if _, err := For(English).Phrase(ph); err == nil {
			t.Errorf("%s %v: said", ph.Key, ph.Args)
		}
		if got := ph.French(); got != "⟦"+string(ph.Key)+"⟧" {
			t.Errorf("%s: French %q", ph.Key, got)
		}
	}
	var zero Phrase
	if err := json.Unmarshal([]byte(`{}`), &zero); err != nil || !zero.IsZero() {
		t.Errorf("{} is no phrase: %#v %v", zero, err)
	}
	if err := json.Unmarshal([]byte(`{"kind":"list"}`), &zero); err == nil {
		t.Errorf("a list read as a phrase")
	}
	if _, err := UnmarshalPhraseArgs([]byte(`[{"kind":"colour","value":"red"}]`)); err == nil {
		t.Errorf("an argument of an unknown kind read")
	}
}
