package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/orderdesk/orderdesk/order"
)

// TestRefusalsSaidInTheTerminalsLanguage: a refused command says what is
// wrong in the language of ORDERDESK_LANG, or else of LANG, French when
// neither is English, naming the flag to fix.
func TestRefusalsSaidInTheTerminalsLanguage(t *testing.T) {
	const (
		french  = "--role : « boss » n'est pas un rôle : choisissez agent, supervisor ou admin."
		english = `--role: "boss" is not a role: use agent, supervisor or admin.`
	)
	for _, tt := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"nothing set", nil, french},
		{"a French LANG", map[string]string{"LANG": "fr_FR.UTF-8"}, french},
		{"the C locale", map[string]string{"LANG": "C.UTF-8"}, french},
		{"an English LANG", map[string]string{"LANG": "en_GB.UTF-8"}, english},
		{"ORDERDESK_LANG over LANG", map[string]string{"ORDERDESK_LANG": "en", "LANG": "fr_FR.UTF-8"}, english},
		{"ORDERDESK_LANG French over an English LANG", map[string]string{"ORDERDESK_LANG": "fr", "LANG": "en_US.UTF-8"}, french},
	} {
		t.Run(tt.name, func(t *testing.T) {
			getenv := func(k string) string { return tt.env[k] }
			var out bytes.Buffer
			err := run(context.Background(), []string{"agent", "add", "--email", "marie@boutique.fr", "--name", "Marie Dupont", "--role", "boss", "--password", "long enough"}, getenv, &out)
			var fe *order.FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("not a refusal: %v", err)
			}
			if got := describe(err, cliPrinter(getenv)); got != tt.want {
				t.Errorf("said %q, want %q", got, tt.want)
			}
		})
	}
}

// TestAmountsInTheTerminalsLanguage: a refusal's amounts are written as
// the reader writes them, and a refusal moved to a flag keeps its code.
func TestAmountsInTheTerminalsLanguage(t *testing.T) {
	err := asFlags(order.CheckRefund(4000, 3000), map[string]string{"amount": "refund"})
	fr := describe(err, cliPrinter(func(string) string { return "" }))
	if want := "--refund : Le remboursement (40,00\u00a0€) dépasse ce que le client a payé net (30,00\u00a0€) : remboursez au plus 30,00\u00a0€."; fr != want {
		t.Errorf("French: %q, want %q", fr, want)
	}
	en := describe(err, cliPrinter(func(k string) string { return map[string]string{"LANG": "en_US.UTF-8"}[k] }))
	if !strings.HasPrefix(en, "--refund: The refund (€40.00)") {
		t.Errorf("English: %q", en)
	}
}
