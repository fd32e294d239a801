package starter_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/starter"
)

// refusedInFrench checks that err is a refusal of field, made by the
// catalog's message code, and that the French UI says each fragment: what
// an agent reads next to the field.
func refusedInFrench(t *testing.T, err error, field string, code locale.Key, french ...string) {
	t.Helper()
	var fe *order.FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("error %v (%T) is not a refusal (*order.FieldError)", err, err)
	}
	if fe.Field != field || fe.Code != code {
		t.Errorf("refusal of %q by %q, want of %q by %q (%v)", fe.Field, fe.Code, field, code, fe)
	}
	said := fe.Say(locale.For(locale.French))
	for _, f := range french {
		if !strings.Contains(said, f) {
			t.Errorf("the French UI says %q, not %q", said, f)
		}
	}
}

// TestABalanceDueTheOrderDoesNotOweIsRefusedInFrench: a balance due that
// cannot be asked is refused before anything starts, saying why in the
// French UI with the amounts written the French way.
func TestABalanceDueTheOrderDoesNotOweIsRefusedInFrench(t *testing.T) {
	t.Parallel()
	s := newCollectStack(t, starter.CollectOptions{})
	ctx := context.Background()
	agent := "marie@boutique.fr"
	unpaid := insertChequeOrder(t, s.store, "C-2026-000970", order.PayCheque)
	paid := insertOrderOf(t, s.store, "C-2026-000971", order.PayCheque, "CHQ 7",
		order.Line{SKU: "MUG-01", Name: "Mug Tour Eiffel", UnitPrice: 1250, Quantity: 2, VATRate: 2000, Physical: true})
	ask := func(o order.Order, id string, cents int64, reason string) error {
		_, err := s.collector.StartCollection(ctx, starter.CollectRequest{OrderNumber: o.Number, RequestID: id, Agent: agent,
			Mode: activities.CollectManual, BalanceDue: cents, Reason: reason})
		return err
	}
	refusedInFrench(t, ask(paid, "b1", -500, "port offert perdu"), "amount", "refusal.balance_not_positive",
		"Un complément doit être supérieur à 0 (saisi : -5,00\u00a0€)")
	refusedInFrench(t, ask(paid, "b2", 500, " "), "reason", "refusal.balance_reason_missing", "Dites pourquoi le client doit un complément")
	refusedInFrench(t, ask(unpaid, "b3", 500, "port offert perdu"), "order", "refusal.balance_order_unpaid",
		"La commande C-2026-000970 attend encore son paiement")
	refusedInFrench(t, ask(paid, "b4", 500, "port offert perdu"), "amount", "refusal.balance_nothing_unpaid",
		"Il ne reste rien à payer sur la commande C-2026-000971")
	refusedInFrench(t, ask(paid, "b5", 0, ""), "order", "refusal.collect_not_awaiting",
		"La commande C-2026-000971 n'attend pas de paiement")
	for _, o := range []order.Order{unpaid, paid} {
		if _, ok, err := s.collector.RunningCollection(ctx, o.Number); err != nil || ok {
			t.Errorf("%s: a refused request started a collection (%v)", o.Number, err)
		}
	}
}
