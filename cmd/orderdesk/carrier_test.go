package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/orderdesk/orderdesk/activities"
	carriersandbox "github.com/orderdesk/orderdesk/carrier/sandbox"
	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/mail"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/worker"
	"github.com/orderdesk/orderdesk/workflows"
)

func TestTheCarrierIsConfiguredFromTheEnvironment(t *testing.T) {
	c, err := loadConfig(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Carrier.URL != "" || c.Carrier.Port != 8298 || c.Carrier.carrier(nil) != nil {
		t.Errorf("unset: %+v, want no carrier (instructions without a label)", c.Carrier)
	}
	c, err = loadConfig(env(map[string]string{"ORDERDESK_CARRIER_URL": "https://labels.example/api/", "ORDERDESK_CARRIER_KEY": "ck_live_1"}))
	if err != nil || c.Carrier.carrier(nil) == nil || c.Carrier.URL != "https://labels.example/api" || c.Carrier.Key != "ck_live_1" {
		t.Errorf("set: %+v (%v)", c.Carrier, err)
	}
	for name, value := range map[string]string{"ORDERDESK_CARRIER_URL": "labels.example", "ORDERDESK_CARRIER_PORT": "port"} {
		if _, err := loadConfig(env(map[string]string{name: value})); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s=%s: %v, want an error naming it", name, value, err)
		}
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"--help"}, env(nil), &out); err != nil {
		t.Fatal(err)
	}
	for _, v := range carrierEnvVars {
		if !strings.Contains(out.String(), v[0]) {
			t.Errorf("--help does not list %s", v[0])
		}
	}
}

// make dev's sandbox carrier moves off its default port when another has
// it, and says which variable to set when the port was chosen.
func TestTheDevCarrierTakesAFreePortWhenTheDefaultIsTaken(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	taken := ln.Addr().(*net.TCPAddr).Port
	var out bytes.Buffer
	cfg := config{Carrier: carrierConfig{Port: taken}}
	stop, err := startDevCarrier(&cfg, t.TempDir(), &out)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	if cfg.Carrier.URL == "" || strings.HasSuffix(cfg.Carrier.URL, fmt.Sprintf(":%d", taken)) || cfg.Carrier.Key != carrierSandboxKey ||
		!strings.Contains(out.String(), cfg.Carrier.URL) {
		t.Errorf("with port %d taken: %+v, printed %q", taken, cfg.Carrier, out.String())
	}
	chosen := config{Carrier: carrierConfig{Port: taken, PortSet: true}}
	if _, err := startDevCarrier(&chosen, t.TempDir(), &out); err == nil || !strings.Contains(err.Error(), "ORDERDESK_CARRIER_PORT") {
		t.Errorf("ORDERDESK_CARRIER_PORT=%d taken: %v, want an error naming the variable", taken, err)
	}
	configured := config{Carrier: carrierConfig{URL: "https://labels.example"}}
	if _, err := startDevCarrier(&configured, t.TempDir(), &out); err != nil || configured.Carrier.URL != "https://labels.example" {
		t.Errorf("a carrier configured: %+v %v, want it kept and no sandbox", configured.Carrier, err)
	}
}

// TestReturnStatusShowsTheLabel: a return started from the terminal with a
// carrier gets its prepaid label, and `orderdesk return status` prints
// its link and tracking number.
func TestReturnStatusShowsTheLabel(t *testing.T) {
	s := newCLIStack(t)
	ctx := context.Background()
	cs := carriersandbox.NewServer(carriersandbox.Options{APIKey: carrierSandboxKey})
	url, err := cs.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cs.Close() })
	cc := carrierConfig{URL: url, Key: carrierSandboxKey}
	w := worker.New(s.client, worker.Deps{Store: s.store, Sender: mail.DevSender{}, Shop: activities.Shop{}, Carrier: cc.carrier(nil)},
		worker.Options{TaskQueue: workflows.TaskQueue})
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	devstacktest.AddAgents(t, s.store)
	o := insertPaidOrder(t, s.store, "C-2026-000972")
	var ship []order.LineQuantity
	for _, l := range o.Lines {
		ship = append(ship, order.LineQuantity{LineID: l.ID, Quantity: l.Quantity})
	}
	if _, err := s.store.SaveFulfil(ctx, o.Number, order.FulfilRequest{Ship: ship, Carrier: "Colissimo"},
		store.Event{ActorKind: store.ActorAgent, Actor: "entrepot", Kind: "items_shipped", Message: "Expédié", Key: "ship/" + o.Number}); err != nil {
		t.Fatal(err)
	}
	out, err := s.orderdesk("return", "start", "--order", o.Number, "--line", "MUG-01=1", "--reason", "damaged", "--resolution", "refund", "--agent", "marie@boutique.fr", "--request-id", "cli-label-1")
	if err != nil {
		t.Fatalf("return start: %v\n%s", err, out)
	}
	var rs []store.Return
	var l store.ReturnLabel
	deadline := time.Now().Add(20 * time.Second)
	for ok := false; !ok; {
		if time.Now().After(deadline) {
			t.Fatalf("no label after 20 s; the carrier made %v", cs.Labels())
		}
		time.Sleep(100 * time.Millisecond)
		if rs, err = s.store.ListReturns(ctx, o.ID); err != nil || len(rs) != 1 {
			continue
		}
		if l, ok, err = s.store.GetReturnLabel(ctx, rs[0].Number); err != nil {
			t.Fatal(err)
		}
	}
	out, err = s.orderdesk("return", "status", "--return", rs[0].Number)
	if err != nil {
		t.Fatalf("return status: %v\n%s", err, out)
	}
	if !strings.Contains(out, "  label     "+l.URL+"\n") || !strings.Contains(out, "  tracking  "+l.Tracking+" ("+carriersandbox.DefaultName+")\n") {
		t.Errorf("return status does not show the label %+v:\n%s", l, out)
	}
}
