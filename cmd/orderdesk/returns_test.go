package main

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/mail"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/payments"
	"github.com/orderdesk/orderdesk/payments/sandbox"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/worker"
	"github.com/orderdesk/orderdesk/workflows"

	"github.com/orderdesk/orderdesk/locale"
)

// TestReturnFromTheTerminal: an agent starts a return of a shipped mug,
// records its parcel (twice: once), answers the inspection the hint names,
// and reads the return refunded; a quantity above what was shipped is
// refused naming --line, and starts nothing.
func TestReturnFromTheTerminal(t *testing.T) {
	s := newCLIStack(t)
	ctx := context.Background()
	sb := sandbox.NewServer(sandbox.Options{APIKey: "sk_test"})
	url, err := sb.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sb.Close() })
	reg := payments.NewRegistry()
	reg.Set(order.PayCard, &sandbox.Client{BaseURL: url, APIKey: "sk_test"})
	// The CLI starts procedures on orderdesk's own task queue.
	w := worker.New(s.client, worker.Deps{Store: s.store, Sender: mail.DevSender{}, Payments: reg, Shop: activities.Shop{}}, worker.Options{TaskQueue: workflows.TaskQueue})
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	devstacktest.AddAgents(t, s.store)

	o := insertPaidOrder(t, s.store, "C-2026-000971")
	var ship []order.LineQuantity
	for _, l := range o.Lines {
		ship = append(ship, order.LineQuantity{LineID: l.ID, Quantity: l.Quantity})
	}
	if _, err := s.store.SaveFulfil(ctx, o.Number, order.FulfilRequest{Ship: ship, Carrier: "Colissimo"},
		store.Event{ActorKind: store.ActorAgent, Actor: "entrepot", Kind: "items_shipped", Message: "Expédié", Key: "ship/" + o.Number}); err != nil {
		t.Fatal(err)
	}

	_, err = s.orderdesk("return", "start", "--order", o.Number, "--line", "MUG-01=3", "--reason", "withdrawal", "--resolution", "refund", "--agent", "marie@boutique.fr")
	if said := describe(err, locale.For(locale.French)); err == nil || !strings.HasPrefix(said, "--line : ") {
		t.Fatalf("3 mugs of 2 shipped: %v", said)
	}
	if rs, _ := s.store.ListReturns(ctx, o.ID); len(rs) != 0 {
		t.Fatalf("a refused return recorded %d returns", len(rs))
	}

	out, err := s.orderdesk("return", "start", "--order", o.Number, "--line", "MUG-01=1", "--reason", "withdrawal", "--resolution", "refund", "--agent", "marie@boutique.fr", "--request-id", "cli-ret-1")
	if err != nil {
		t.Fatalf("return start: %v\n%s", err, out)
	}
	number := regexp.MustCompile(`return (R-\d{4}-\d{6})`).FindStringSubmatch(out)
	if number == nil || !strings.Contains(out, "orderdesk return receive --return "+number[1]+" --parcel") {
		t.Fatalf("return start printed:\n%s", out)
	}
	again, err := s.orderdesk("return", "start", "--order", o.Number, "--line", "MUG-01=1", "--reason", "withdrawal", "--resolution", "refund", "--agent", "marie@boutique.fr", "--request-id", "cli-ret-1")
	if err != nil || !strings.Contains(again, "already started by this request id") || !strings.Contains(again, "return "+number[1]) {
		t.Fatalf("the same request id again: %v\n%s", err, again)
	}

	out, err = s.orderdesk("return", "receive", "--return", number[1], "--parcel", "6A-RET-971")
	task := regexp.MustCompile(`orderdesk return inspect --task (\d+) --agent YOU --accept-all`).FindStringSubmatch(out)
	if err != nil || task == nil {
		t.Fatalf("return receive: %v\n%s", err, out)
	}
	if out, err := s.orderdesk("return", "receive", "--return", number[1], "--parcel", "6A-RET-971"); err != nil {
		t.Fatalf("the same parcel again: %v\n%s", err, out)
	}
	_, err = s.orderdesk("return", "receive", "--return", number[1], "--parcel", "6A-OTHER")
	var fe *order.FieldError
	if !errors.As(err, &fe) || fe.Field != "parcel" {
		t.Fatalf("another parcel: %v", err)
	}

	_, err = s.orderdesk("return", "inspect", "--task", task[1], "--agent", "luc@boutique.fr", "--accept", "MUG-01=0")
	if !errors.As(err, &fe) || fe.Field != "reason" {
		t.Fatalf("nothing accepted without a reason: %v", err)
	}
	out, err = s.orderdesk("return", "inspect", "--task", task[1], "--agent", "luc@boutique.fr", "--accept-all")
	if err != nil || !strings.Contains(out, "procedure finished") {
		t.Fatalf("return inspect: %v\n%s", err, out)
	}
	// The mug is worth 12,50 €; the customer still owed the 5 € refunded
	// earlier (not a gesture), so 7,50 € go back.
	out, err = s.orderdesk("return", "status", "--return", number[1])
	if err != nil || !strings.Contains(out, "return "+number[1]+" of "+o.Number+": refunded") || !strings.Contains(out, "refund    7,50") {
		t.Fatalf("return status: %v\n%s", err, out)
	}
	r, err := s.store.GetReturn(ctx, number[1])
	if err != nil || r.ParcelID == nil || *r.ParcelID != "6A-RET-971" || r.Status != store.ReturnRefunded {
		t.Fatalf("the return: %+v %v", r, err)
	}
}
