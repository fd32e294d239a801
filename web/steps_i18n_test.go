package web

import (
	"slices"
	"strings"
	"testing"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/workflows"
)

// TestEveryStepTextHasBothLanguages: every sentence a procedure can write
// in its progress (the registry of the workflows package) is a message of
// the catalog, whose French is the procedures' own and whose arguments are
// the placeholders they fill; the catalog says no sentence the procedures
// no longer write. (The catalog's own test checks that English has each
// message with the same arguments.)
func TestEveryStepTextHasBothLanguages(t *testing.T) {
	t.Parallel()
	keys := workflows.TextKeys()
	if len(keys) == 0 {
		t.Fatal("the workflows package lists no text key")
	}
	written := map[locale.Key]bool{}
	for _, k := range keys {
		written[stepKey(k)] = true
		fr, ok := workflows.FrenchTemplate(k)
		if !ok || strings.TrimSpace(fr) == "" {
			t.Errorf("%s has no French text", k)
		}
		catalogFR, ok := locale.Template(locale.French, stepKey(k))
		if !ok {
			t.Errorf("%s has no message %s in the catalog (French: %q)", k, stepKey(k), fr)
			continue
		}
		if catalogFR != fr {
			t.Errorf("%s: the catalog's French %q is not the procedures' %q", k, catalogFR, fr)
		}
		ps, _ := locale.Params(stepKey(k))
		var names []string
		for _, p := range ps {
			names = append(names, p.Name)
		}
		want := slices.Compact(slices.Sorted(slices.Values(workflows.Placeholders(fr))))
		if slices.Sort(names); !slices.Equal(names, want) {
			t.Errorf("%s: the catalog declares the arguments %v, the procedures fill %v", k, names, want)
		}
	}
	for _, k := range locale.Keys() {
		if strings.HasPrefix(string(k), "step.") && !written[k] {
			t.Errorf("the catalog has %s, which no procedure writes", k)
		}
	}
}

// TestStepTextFallsBack: a detail without a key, or with a key this UI
// does not know (a newer worker), is shown as the procedure wrote it.
func TestStepTextFallsBack(t *testing.T) {
	t.Parallel()
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
	t.Parallel()
	for _, p := range append(workflows.Procedures(), workflows.Jobs()...) {
		for _, lang := range locale.Langs {
			if got := procedureLabel(locale.For(lang), p.Name+"/C-1/x"); got == p.Name {
				t.Errorf("procedure %s has no %s name", p.Name, lang)
			}
		}
	}
}

// A label a worker wrote before the catalog reworded it is still said in
// the reader's language.
func TestAnEarlierStepLabelIsStillTranslated(t *testing.T) {
	t.Parallel()
	for fr, key := range earlierStepLabels {
		if got, want := legacyStepLabel(fr, "en"), tr("en", key); got != want {
			t.Errorf("%q in English = %q, want %q", fr, got, want)
		}
	}
}
