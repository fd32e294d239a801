package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// A NUL byte (or another control character) in an agent UI address, a
// query parameter or a form field is refused before anything reads it:
// 404 for an address, 400 naming the field for a form, in the agent's
// French, and nothing is written. Before, PostgreSQL refused the NUL and
// the agent got a 500. A note of several lines (newline, tab) still goes.
func TestNULInTheAgentUIIsRefusedNotA500(t *testing.T) {
	a := newPaymentApp(t)
	o := newAwaitingOrder(t, a.store, "C-2026-000931")
	for _, path := range []string{"/orders/C-2026%00", "/orders/" + o.Number + "%00", "/credit-notes/A-2026-000001%00.pdf", "/orders/C%01X/edit", "/procedures/x%00y"} {
		if code, body := a.get(path); code != http.StatusNotFound || !strings.Contains(body, "Page introuvable") {
			t.Errorf("GET %s: %d, want the 404 page", path, code)
		}
	}
	if code, body := a.get("/orders?q=mug%00"); code != http.StatusBadRequest || !strings.Contains(body, "caractère de contrôle") || !strings.Contains(body, "q") {
		t.Errorf("a search with a NUL: %d\n%s", code, body)
	}
	notes := func() int {
		events, err := a.store.ListEvents(context.Background(), o.ID)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range events {
			if e.Kind == "note" {
				n++
			}
		}
		return n
	}
	for _, text := range []string{"Cliente\x00 appelée", "bip\x07", "\x1b[2J"} {
		rec := a.post("/orders/"+o.Number+"/notes", url.Values{"text": {text}, "channel": {"phone"}, "request_id": {"n1"}})
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "Champ refusé : text") {
			t.Errorf("a note %q: %d\n%s", text, rec.Code, rec.Body.String())
		}
	}
	if n := notes(); n != 0 {
		t.Fatalf("a refused note was written: %d notes", n)
	}
	rec := a.post("/orders/"+o.Number+"/notes", url.Values{"text": {"Cliente appelée :\r\n\t- colis reçu"}, "channel": {"phone"}, "request_id": {"n2"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("a note of two lines: %d\n%s", rec.Code, rec.Body.String())
	}
	if n := notes(); n != 1 {
		t.Fatalf("notes after a note of two lines: %d", n)
	}
}
