package main

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/starter"
)

// `orderdesk web` serves the agent UI, the JSON API and the payment
// webhook on one server, each at the address it always had: the shop's
// systems, the payment provider and the agents' bookmarks keep working,
// and each answers as it always did (pages for agents, JSON for machines).
func TestOneServerForTheUIAndTheAPI(t *testing.T) {
	st := devstacktest.NewStore(t)
	c, _ := devstacktest.Temporal(t)
	token := strings.Repeat("k", 32)
	cfg := config{APIToken: token, Payment: paymentConfig{WebhookSecret: "whsec_test"}}
	h, err := webHandler(&services{cfg: cfg, log: slog.New(slog.NewTextHandler(io.Discard, nil)), store: st, temporal: c, starter: starter.New(c, st)})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		method, path, token string
		body                string
		code                int
		json                bool   // a JSON answer (the API), not a page
		has                 string // in the body, or the Location of a redirect
	}{
		{"GET", "/orders", "", "", http.StatusSeeOther, false, "/signin?next=%2Forders"},
		{"GET", "/signin", "", "", http.StatusOK, false, "<form"},
		{"GET", "/healthz", "", "", http.StatusOK, false, "ok"},
		{"GET", "/static/style.css", "", "", http.StatusOK, false, ".topbar"},
		{"GET", "/api/orders/C-2026-000001", token, "", http.StatusNotFound, true, "C-2026-000001 does not exist"},
		{"GET", "/api/orders/C-2026-000001", "", "", http.StatusUnauthorized, true, "Bearer"},
		{"POST", "/api/orders", token, "{}", http.StatusUnprocessableEntity, true, `"field"`},
		{"GET", "/api/nothing-here", token, "", http.StatusNotFound, true, "no API endpoint"},
		{"POST", "/webhooks/payments", "", `{"event_id":"evt_1"}`, http.StatusUnauthorized, true, "signature does not verify"},
		{"GET", "/webhooks/payments", "", "", http.StatusSeeOther, false, "/signin"}, // only POST is the webhook
	} {
		req := httptest.NewRequest(tc.method, tc.path, strings.NewReader(tc.body))
		if tc.body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		if tc.token != "" {
			req.Header.Set("Authorization", "Bearer "+tc.token)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		where := rec.Body.String() + rec.Header().Get("Location")
		isJSON := strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json")
		if rec.Code != tc.code || isJSON != tc.json || !strings.Contains(where, tc.has) {
			t.Errorf("%s %s: %d (%s), want %d with %q, JSON %v\n%s", tc.method, tc.path, rec.Code, rec.Header().Get("Content-Type"), tc.code, tc.has, tc.json, bytes.TrimSpace(rec.Body.Bytes()))
		}
		if rec.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s %s: no X-Content-Type-Options: nosniff", tc.method, tc.path)
		}
	}
}
