package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/orderdesk/orderdesk/order"
)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestConfigDefaults(t *testing.T) {
	c, err := loadConfig(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.TemporalAddress != "127.0.0.1:7233" || c.WebAddr != ":8080" || c.PostgresPort != 15432 || c.TemporalPort != 7243 {
		t.Errorf("defaults: %+v", c)
	}
	if c.TaskReminder != 4*time.Hour || c.Money.ApproveAbove != 20000 || c.Money.SandboxPort != 8299 {
		t.Errorf("defaults: reminder %s, approve above %d, sandbox port %d", c.TaskReminder, c.Money.ApproveAbove, c.Money.SandboxPort)
	}
	if c.WorkerPollers != 32 || c.WorkerActivities != 200 {
		t.Errorf("worker defaults: %d pollers, %d activities", c.WorkerPollers, c.WorkerActivities)
	}
	c, err = loadConfig(env(map[string]string{"ORDERDESK_WORKER_POLLERS": "16"}))
	if err != nil || c.WorkerPollers != 16 {
		t.Errorf("ORDERDESK_WORKER_POLLERS=16 read as %d (%v)", c.WorkerPollers, err)
	}
}

func TestConfigErrorsNameTheVariable(t *testing.T) {
	for _, tc := range []struct{ name, value string }{
		{"ORDERDESK_PG_PORT", "fifty"},
		{"ORDERDESK_TEMPORAL_PORT", "70000"},
		{"ORDERDESK_TASK_REMINDER", "tomorrow"},
		{"ORDERDESK_APPROVE_ABOVE", "200 euros"},
		{"ORDERDESK_SANDBOX_PORT", "-1"},
		{"ORDERDESK_WORKER_POLLERS", "0"},
		{"ORDERDESK_WORKER_ACTIVITIES", "many"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := loadConfig(env(map[string]string{tc.name: tc.value}))
			if err == nil || !strings.Contains(err.Error(), tc.name) {
				t.Fatalf("%s=%q: got %v, want an error naming %s", tc.name, tc.value, err, tc.name)
			}
		})
	}
	c, err := loadConfig(env(map[string]string{"ORDERDESK_APPROVE_ABOVE": "149,90"}))
	if err != nil || c.Money.ApproveAbove != 14990 {
		t.Fatalf("149,90 € read as %d cents (%v)", c.Money.ApproveAbove, err)
	}
}

func TestHelpListsEveryCommandAndVariable(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"--help"}, env(nil), &out); err != nil {
		t.Fatal(err)
	}
	for _, c := range commands() {
		if !strings.Contains(out.String(), "  "+c.name) {
			t.Errorf("--help does not list the command %s", c.name)
		}
	}
	for _, v := range append(envVars, moneyEnvVars...) {
		if !strings.Contains(out.String(), v[0]) {
			t.Errorf("--help does not list %s", v[0])
		}
	}
	if err := run(context.Background(), []string{"frobnicate"}, env(nil), &out); err == nil || !strings.Contains(err.Error(), `"frobnicate"`) {
		t.Errorf("an unknown command gave %v", err)
	}
}

func TestSetFlagsNameTheProblem(t *testing.T) {
	o := order.Order{Number: "C-2026-000101", Lines: []order.Line{
		{ID: 7, SKU: "MUG-01", Quantity: 2}, {ID: 8, SKU: "TSH-M", Quantity: 1},
	}}
	c, err := parseSets(o, []string{"MUG-01=1", "TSH-M=3"})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Quantities) != 1 || c.Quantities[0] != (order.LineQuantity{LineID: 7, Quantity: 1}) {
		t.Errorf("lowering MUG-01: %+v", c.Quantities)
	}
	if len(c.Edits) != 1 || c.Edits[0].LineID != 8 || *c.Edits[0].Quantity != 3 {
		t.Errorf("raising TSH-M is an edit: %+v", c.Edits)
	}
	for spec, want := range map[string]string{
		"MUG-01":    "write SKU=QTY",
		"MUG-01=un": "not a whole number",
		"BOL-01=1":  "has no product BOL-01 (its products: MUG-01, TSH-M)",
	} {
		if _, err := parseSets(o, []string{spec}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("--set %s: got %v, want %q", spec, err, want)
		}
	}
	if got := describe(order.Fieldf("request_id", "x"), en); !strings.HasPrefix(got, "--request-id:") {
		t.Errorf("a field error is shown as the flag to fix, got %q", got)
	}
}

func TestAddAndPriceFlags(t *testing.T) {
	o := order.Order{Number: "C-2026-000101", Lines: []order.Line{{ID: 7, SKU: "MUG-01", Quantity: 2}}}
	var c order.ContentChange
	if err := parseEdits(o, &c, []string{"MUG-01=15,00"}, nil, []string{"BOL-01;Bol breton;9,90;2;5,5"}); err != nil {
		t.Fatal(err)
	}
	if len(c.Edits) != 1 || *c.Edits[0].UnitPrice != 1500 {
		t.Errorf("--price: %+v", c.Edits)
	}
	if len(c.Add) != 1 || c.Add[0].UnitPrice != 990 || c.Add[0].Quantity != 2 || c.Add[0].VATRate != 550 {
		t.Errorf("--add: %+v", c.Add)
	}
	if err := parseEdits(o, &c, nil, nil, []string{"BOL-01;Bol"}); err == nil || !strings.Contains(err.Error(), "SKU;Name;unit price;quantity;VAT rate") {
		t.Errorf("a short --add gave %v", err)
	}
}
