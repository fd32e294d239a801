package sandbox

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orderdesk/orderdesk/carrier"
)

func post(t *testing.T, h http.Handler, key, body string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "http://carrier.test/v1/return-labels", strings.NewReader(body))
	req.Header.Set("Idempotency-Key", key)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

const labelBody = `{"key":"R-2026-000009","reference":"C-2026-000009","from":{"name":"Léa Dubois","line1":"4 place Bellecour","postal_code":"69002","city":"Lyon","country":"FR"},"items":1}`

func TestLabelsOutliveTheSandboxWhenKept(t *testing.T) {
	state := filepath.Join(t.TempDir(), "carrier.json")
	s := NewServer(Options{PublicURL: "http://127.0.0.1:8298/"})
	if err := s.Keep(state); err != nil {
		t.Fatal(err)
	}
	w := post(t, s, "R-2026-000009", labelBody)
	var first carrier.LabelReply
	if w.Code != http.StatusCreated || json.Unmarshal(w.Body.Bytes(), &first) != nil {
		t.Fatalf("POST: %d %s", w.Code, w.Body)
	}
	if want := "http://127.0.0.1:8298/labels/" + first.Tracking + ".pdf"; first.LabelURL != want {
		t.Errorf("label_url = %s, want %s (on the public address)", first.LabelURL, want)
	}

	// make dev run again: the same label for the key, and its link still opens.
	again := NewServer(Options{PublicURL: "http://127.0.0.1:8298"})
	if err := again.Keep(state); err != nil {
		t.Fatal(err)
	}
	w = post(t, again, "R-2026-000009", labelBody)
	var second carrier.LabelReply
	if w.Code != http.StatusOK || json.Unmarshal(w.Body.Bytes(), &second) != nil || second != first || w.Header().Get("Idempotent-Replayed") != "true" {
		t.Errorf("after a restart: %d %+v, want 200 replaying %+v", w.Code, second, first)
	}
	pdf := httptest.NewRecorder()
	again.ServeHTTP(pdf, httptest.NewRequest(http.MethodGet, first.LabelURL, nil))
	if pdf.Code != http.StatusOK || !bytes.HasPrefix(pdf.Body.Bytes(), []byte("%PDF-1.4")) {
		t.Errorf("the label after a restart: %d", pdf.Code)
	}
	// Léa is printed in the PDF's encoding (Latin-1 é), not as UTF-8.
	if !bytes.Contains(pdf.Body.Bytes(), []byte("L\xe9a Dubois")) {
		t.Error("the PDF does not print the sender's name in its encoding")
	}
}

func TestFaultsAreSetOverHTTP(t *testing.T) {
	s := NewServer(Options{})
	put := httptest.NewRequest(http.MethodPut, "/admin/faults", strings.NewReader(`{"fail_next":1}`))
	w := httptest.NewRecorder()
	s.ServeHTTP(w, put)
	if w.Code != http.StatusOK || s.Faults().FailNext != 1 {
		t.Fatalf("PUT /admin/faults: %d %s", w.Code, w.Body)
	}
	if w := post(t, s, "R-2026-000010", strings.Replace(labelBody, "000009", "000010", 1)); w.Code != http.StatusServiceUnavailable {
		t.Errorf("with fail_next 1: %d, want 503", w.Code)
	}
	if w := post(t, s, "R-2026-000010", strings.Replace(labelBody, "000009", "000010", 1)); w.Code != http.StatusCreated {
		t.Errorf("after the failure: %d %s, want 201", w.Code, w.Body)
	}
	bad := httptest.NewRecorder()
	s.ServeHTTP(bad, httptest.NewRequest(http.MethodPut, "/admin/faults", strings.NewReader(`{"error_rate":1}`)))
	body, _ := io.ReadAll(bad.Body)
	if bad.Code != http.StatusBadRequest || !strings.Contains(string(body), "fail_next") {
		t.Errorf("an unknown fault: %d %s, want 400 naming the fields", bad.Code, body)
	}
	if w := post(t, s, "R-2026-000011", strings.Replace(labelBody, "000009", "000012", 1)); w.Code != http.StatusBadRequest {
		t.Errorf("a body whose key is not the header's: %d, want 400", w.Code)
	}
}

func TestS10CheckDigit(t *testing.T) {
	// AA 47312482 9 GB: 4×8 + 7×6 + 3×4 + 1×2 + 2×3 + 4×5 + 8×9 + 2×7 = 200,
	// 200 mod 11 = 2, 11 − 2 = 9.
	for digits, want := range map[string]int{"47312482": 9, "00000000": 5, "00000001": 4} {
		if got := s10Check(digits); got != want {
			t.Errorf("check digit of %s = %d, want %d", digits, got, want)
		}
	}
}
