package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/orderdesk/orderdesk/web/api"
)

// refusingStore and refusingStarter stand for PostgreSQL and Temporal in
// the tests of input refused at the door: any call reaches a nil
// interface and panics, so a test passes only if nothing got that far.
type refusingStore struct{ api.Store }
type refusingStarter struct{ api.Starter }

func (refusingStarter) WebhookSecrets() []string        { return []string{webhookSecret} }
func (refusingStarter) WebhookTolerance() time.Duration { return 5 * time.Minute }

func doorOnlyAPI(t *testing.T) http.Handler {
	t.Helper()
	h, err := api.New(api.Options{Store: refusingStore{}, Starter: refusingStarter{}, Token: apiToken})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// newDoorAPI is the API over an in-memory store, for the intake's fuzz
// target: placing an order works, anything else panics.
func newDoorAPI(m *memStore) (http.Handler, error) {
	return api.New(api.Options{Store: m, Starter: notifyingStarter{}, Token: apiToken})
}

// stringLeaves lists the paths of a JSON document's strings, as the API
// names members ("lines[1].name").
func stringLeaves(doc any, path string, out *[]string) {
	switch d := doc.(type) {
	case string:
		*out = append(*out, path)
	case map[string]any:
		keys := make([]string, 0, len(d))
		for k := range d {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			p := k
			if path != "" {
				p = path + "." + k
			}
			stringLeaves(d[k], p, out)
		}
	case []any:
		for i, v := range d {
			stringLeaves(v, fmt.Sprintf("%s[%d]", path, i), out)
		}
	}
}

// setLeaf sets the string at path (as stringLeaves names it) to v.
func setLeaf(doc any, path, v string) any {
	var out any
	raw, _ := json.Marshal(doc)
	_ = json.Unmarshal(raw, &out)
	cur := out
	parts := strings.Split(path, ".")
	for i, part := range parts {
		name, idx := part, -1
		if j := strings.IndexByte(part, '['); j >= 0 {
			name = part[:j]
			_, _ = fmt.Sscanf(part[j:], "[%d]", &idx)
		}
		m := cur.(map[string]any)
		last := i == len(parts)-1
		switch {
		case idx >= 0 && last:
			m[name].([]any)[idx] = v
		case idx >= 0:
			cur = m[name].([]any)[idx]
		case last:
			m[name] = v
		default:
			cur = m[name]
		}
	}
	return out
}

// A NUL byte (or another control character, or bytes that are not
// UTF-8) in any text member of any API body, in a signed webhook's event,
// or in the URL, is refused at the door: 4xx in the API's error shape,
// naming the member, and neither PostgreSQL nor Temporal is asked
// anything. Before, a NUL in an order's name reached PostgreSQL and
// answered 500.
func TestNULIsRefusedAtTheAPIsDoor(t *testing.T) {
	h := doorOnlyAPI(t)
	call := func(method, path string, body any) apiReply {
		t.Helper()
		return callAPI(t, h, method, path, apiToken, body)
	}
	checkRefused := func(what string, got apiReply, status int, field string) {
		t.Helper()
		e, _ := got.body["error"].(map[string]any)
		if got.code != status || e == nil || e["code"] == "" || e["message"] == "" || (field != "" && e["field"] != field) {
			t.Errorf("%s: %d %s, want %d naming %q", what, got.code, got.raw, status, field)
		}
	}

	var leaves []string
	stringLeaves(storefrontOrder("C-2026-009001"), "", &leaves)
	if len(leaves) < 20 {
		t.Fatalf("the order has only %d text members: %v", len(leaves), leaves)
	}
	for _, bad := range []string{"Camille\x00Martin", "\x00", "bip\x07", "esc\x1b[2J", "c1\u0085"} {
		for _, leaf := range leaves {
			body := setLeaf(storefrontOrder("C-2026-009001"), leaf, bad)
			checkRefused(fmt.Sprintf("POST /api/orders with %q in %s", bad, leaf), call(http.MethodPost, "/api/orders", body), http.StatusUnprocessableEntity, leaf)
		}
	}
	checkRefused("logistics actor", call(http.MethodPost, "/api/orders/C-2026-009001/logistics", `{"status":"printing","actor":"entrep\u0000t"}`), http.StatusUnprocessableEntity, "actor")
	checkRefused("logistics status", call(http.MethodPost, "/api/orders/C-2026-009001/logistics", `{"status":"print\u0000ing"}`), http.StatusUnprocessableEntity, "status")
	for _, m := range []string{"request_id", "carrier", "tracking", "actor", "lines[0].sku"} {
		body := setLeaf(map[string]any{"request_id": "p1", "carrier": "DPD", "tracking": "T1", "actor": "entrepôt", "lines": []any{map[string]any{"sku": "MUG-01", "quantity": 1}}}, m, "x\x00")
		checkRefused("shipment "+m, call(http.MethodPost, "/api/orders/C-2026-009001/shipments", body), http.StatusUnprocessableEntity, m)
	}
	checkRefused("a body that is not UTF-8", call(http.MethodPost, "/api/orders", "{\"number\": \"C-\xff\"}"), http.StatusUnprocessableEntity, "body")

	// URL parameters.
	for _, path := range []string{"/api/orders/C-2026%00", "/api/orders/%00", "/api/orders/C%01X", "/api/orders/C%FF"} {
		checkRefused("GET "+path, call(http.MethodGet, path, nil), http.StatusNotFound, "")
	}
	checkRefused("POST logistics under a NUL number", call(http.MethodPost, "/api/orders/C%00/logistics", `{"status":"printing"}`), http.StatusNotFound, "")
	checkRefused("a query parameter", call(http.MethodGet, "/api/orders/C-2026-009001?x=a%00b", nil), http.StatusBadRequest, "x")

	// A signed webhook event with a NUL: 422 naming the member, not a
	// 503 the provider would retry for ever.
	event := []byte(`{"event_id":"evt\u0000","invoice":"F-2026-000001","amount_cents":100,"reference":"pi_1"}`)
	req := httptest.NewRequest(http.MethodPost, "/webhooks/payments", strings.NewReader(string(event)))
	req.Header.Set(api.WebhookSignatureHeader, api.SignWebhook(webhookSecret, event))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var got struct {
		Error struct{ Code, Message, Field string }
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || rec.Code != http.StatusUnprocessableEntity || got.Error.Field != "event_id" {
		t.Errorf("webhook with a NUL: %d %s", rec.Code, rec.Body.String())
	}

	// A signed payment above the most an order can be worth: 422 naming
	// the amount, nothing asked of the collection.
	event = []byte(`{"event_id":"evt_big","invoice":"F-2026-000001","amount_cents":9223372036854775807,"reference":"pi_1"}`)
	req = httptest.NewRequest(http.MethodPost, "/webhooks/payments", strings.NewReader(string(event)))
	req.Header.Set(api.WebhookSignatureHeader, api.SignWebhook(webhookSecret, event))
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || rec.Code != http.StatusUnprocessableEntity || got.Error.Field != "amount_cents" || got.Error.Code != "refusal.payment_above_max" {
		t.Errorf("webhook of an extreme amount: %d %s", rec.Code, rec.Body.String())
	}
}
