package web

import (
	"slices"
	"strings"
	"testing"

	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/workflows"
)

// TestEveryStepTextHasBothLanguages: every sentence a procedure can write
// in its progress (the registry of the workflows package) has a French and
// an English text, with the same placeholders; the English texts name no
// key the procedures no longer write.
func TestEveryStepTextHasBothLanguages(t *testing.T) {
	keys := workflows.TextKeys()
	if len(keys) == 0 {
		t.Fatal("the workflows package lists no text key")
	}
	for _, k := range keys {
		fr, ok := workflows.FrenchTemplate(k)
		if !ok || strings.TrimSpace(fr) == "" {
			t.Errorf("%s has no French text", k)
		}
		en, ok := englishSteps[k]
		if !ok || strings.TrimSpace(en) == "" {
			t.Errorf("%s has no English text in web/steps_i18n.go (French: %q)", k, fr)
			continue
		}
		frNames, enNames := workflows.Placeholders(fr), workflows.Placeholders(en)
		slices.Sort(frNames)
		slices.Sort(enNames)
		if !slices.Equal(frNames, enNames) {
			t.Errorf("%s: the English text %q has placeholders %v, the French %q has %v", k, en, enNames, fr, frNames)
		}
	}
	for k := range englishSteps {
		if !slices.Contains(keys, k) {
			t.Errorf("web/steps_i18n.go translates %s, which no procedure writes", k)
		}
	}
}

// TestStepTextFallsBack: a detail without a key, or with a key this UI
// does not know (a newer worker), is shown as the procedure wrote it.
func TestStepTextFallsBack(t *testing.T) {
	m := order.EUR(123456)
	known := &workflows.Text{Key: workflows.DetailNewTotal, Args: map[string]workflows.Arg{"total": {Money: &m}}}
	unknown := &workflows.Text{Key: "detail.from_the_future"}
	for _, c := range []struct {
		name     string
		text     *workflows.Text
		lang     string
		fallback string
		want     string
	}{
		{"English", known, "en", "Nouveau total 1\u202f234,56\u00a0€", "New total €1,234.56"},
		{"French", known, "fr", "ignored", "Nouveau total 1\u202f234,56\u00a0€"},
		{"no key", nil, "en", "card declined: expired", "card declined: expired"},
		{"unknown key", unknown, "en", "Détail d'un worker plus récent", "Détail d'un worker plus récent"},
		{"unknown key, French", unknown, "fr", "Détail d'un worker plus récent", "Détail d'un worker plus récent"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := stepText(c.text, c.fallback, c.lang); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

// TestEveryProcedureHasAName: each procedure the worker runs is named for
// the agent in both languages, not shown by its workflow type.
func TestEveryProcedureHasAName(t *testing.T) {
	for _, p := range workflows.Procedures() {
		fr, ok := procedureLabels[p.Name]
		if !ok {
			t.Errorf("procedure %s has no French name in procedureLabels", p.Name)
			continue
		}
		if _, ok := englishTexts[fr]; !ok {
			t.Errorf("procedure %s (%q) has no English name in englishTexts", p.Name, fr)
		}
	}
}
