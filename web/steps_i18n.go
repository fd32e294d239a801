package web

import (
	"sync"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/workflows"
)

// The sentences the procedures write in their progress (step labels and
// details) are data: a key and typed arguments (workflows/texts.go). The
// agent UI says them from the catalog, where each is the message "step."
// followed by the key; steps_i18n_test.go fails when a key the procedures
// write has no message, or one whose French differs from theirs.

// stepKey is the catalog's message of a sentence of the progress.
func stepKey(k workflows.TextKey) locale.Key { return locale.Key("step." + string(k)) }

// stepText says a sentence of a procedure's progress in lang. fallback is
// the French the procedure wrote beside it: shown for a sentence without a
// key (an error's message, a worker older than the keys) or with a key
// this UI does not know (a newer worker).
func stepText(t *workflows.Text, fallback, lang string) string {
	if t == nil || t.Key == "" {
		return fallback
	}
	p := locale.For(locale.Parse(lang))
	args := make(map[string]locale.Arg, len(t.Args))
	for name, a := range t.Args {
		args[name] = stepArg(p, a)
	}
	if s, ok := p.Named(stepKey(t.Key), args); ok {
		return s
	}
	return fallback
}

// stepArg is an argument of a sentence of the progress, for the catalog:
// an amount stays an amount, a payment method is said by its label, words
// that have an English are said in English to an English reader.
func stepArg(p *locale.Printer, a workflows.Arg) locale.Arg {
	switch {
	case a.Money != nil:
		return locale.Amount(a.Money.Cents, a.Money.Currency)
	case a.Method != "":
		return locale.Text(label(p, paymentKeys, string(a.Method)))
	case p.Lang() == locale.English && a.English != "":
		return locale.Text(a.English)
	}
	return locale.Text(a.Text)
}

// stepLabels finds a step label, by its French, among the catalog's
// sentences of the progress that take no argument.
var stepLabels = sync.OnceValue(func() map[string]locale.Key {
	m := map[string]locale.Key{}
	for _, k := range workflows.TextKeys() {
		key := stepKey(k)
		if ps, ok := locale.Params(key); ok && len(ps) == 0 {
			if fr, ok := locale.Template(locale.French, key); ok {
				m[fr] = key
			}
		}
	}
	for fr, key := range earlierStepLabels {
		m[fr] = key
	}
	return m
})

// earlierStepLabels are labels whose French the catalog has reworded
// since a worker wrote them.
var earlierStepLabels = map[string]locale.Key{
	"Marquer la facture payée et la commande « Complétée »": "step.label.complete_payment",
}

// legacyStepLabel is a label a worker older than the keys wrote in French,
// in lang when the catalog has the same sentence.
func legacyStepLabel(fr, lang string) string {
	if k, ok := stepLabels()[fr]; ok {
		return tr(lang, k)
	}
	return fr
}
