package mail

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
)

// fakeSendGrid is SendGrid's /v3/mail/send as far as orderdesk uses it. It
// checks the request like SendGrid would, keeps the parsed JSON bodies and
// answers with the status the test sets.
type fakeSendGrid struct {
	t      *testing.T
	status int
	body   string // the error body for a non-2xx status

	mu       sync.Mutex
	received []any
}

func (f *fakeSendGrid) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/v3/mail/send" {
		f.t.Errorf("request %s %s, want POST /v3/mail/send", r.Method, r.URL.Path)
	}
	if got := r.Header.Get("Authorization"); got != "Bearer SG.test-key" {
		f.t.Errorf("Authorization = %q", got)
		http.Error(w, `{"errors":[{"message":"The provided authorization grant is invalid, expired, or revoked","field":null}]}`, http.StatusUnauthorized)
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		f.t.Errorf("Content-Type = %q", ct)
	}
	raw, _ := io.ReadAll(r.Body)
	var body any
	if err := json.Unmarshal(raw, &body); err != nil {
		f.t.Errorf("body is not JSON: %v\n%s", err, raw)
	}
	f.mu.Lock()
	f.received = append(f.received, body)
	f.mu.Unlock()
	if f.status != 0 && f.status != http.StatusAccepted {
		w.WriteHeader(f.status)
		io.WriteString(w, f.body)
		return
	}
	w.Header().Set("X-Message-Id", "sg-msg-42")
	w.WriteHeader(http.StatusAccepted)
}

func newFake(t *testing.T, status int, body string) (*fakeSendGrid, SendGrid) {
	f := &fakeSendGrid{t: t, status: status, body: body}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, SendGrid{APIKey: "SG.test-key", BaseURL: srv.URL, FromEmail: "service@boutique.example", FromName: "Boutique Exemple"}
}

func envelope() Envelope {
	return Envelope{
		Key:     "modify-content/C-2026-000123/req-1/email",
		ToEmail: "camille@example.fr", ToName: "Camille Martin",
		Subject: "Votre commande C-2026-000123 a été modifiée",
		Text:    "Bonjour Camille Martin,\n\n- 3 × T-shirt <b> (59,70\u00a0€)\n",
		HTML:    "<p>Bonjour Camille Martin,</p><p>3 × T-shirt &lt;b&gt;</p>",
	}
}

// parseJSON is the JSON a test expects, parsed like the fake parses the request.
func parseJSON(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("bad expected JSON: %v", err)
	}
	return v
}

func TestSendGridSends(t *testing.T) {
	f, sg := newFake(t, http.StatusAccepted, "")
	id, err := sg.Send(context.Background(), envelope())
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	if id != "sg-msg-42" {
		t.Errorf("message id = %q, want the X-Message-Id header", id)
	}
	want := parseJSON(t, `{
		"from": {"name": "Boutique Exemple", "email": "service@boutique.example"},
		"subject": "Votre commande C-2026-000123 a été modifiée",
		"personalizations": [{"to": [{"name": "Camille Martin", "email": "camille@example.fr"}]}],
		"content": [
			{"type": "text/plain", "value": "Bonjour Camille Martin,\n\n- 3 × T-shirt <b> (59,70\u00a0€)\n"},
			{"type": "text/html", "value": "<p>Bonjour Camille Martin,</p><p>3 × T-shirt &lt;b&gt;</p>"}
		],
		"custom_args": {"orderdesk_key": "modify-content/C-2026-000123/req-1/email"}
	}`)
	if len(f.received) != 1 || !reflect.DeepEqual(f.received[0], want) {
		got, _ := json.MarshalIndent(f.received, "", "  ")
		t.Errorf("SendGrid received\n%s", got)
	}
}

// A rendered email goes through whole, its HTML intact.
func TestSendGridSendsRenderedEmail(t *testing.T) {
	f, sg := newFake(t, http.StatusAccepted, "")
	data := removedTees()
	data.Removed[0].Name = "T-shirt <b>brodé</b>"
	m, err := Render(TemplateContentModified, "fr", data)
	if err != nil {
		t.Fatal(err)
	}
	e := Envelope{Key: "k1", ToEmail: "camille@example.fr", Subject: m.Subject, Text: m.Text, HTML: m.HTML}
	if _, err := sg.Send(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	content := f.received[0].(map[string]any)["content"].([]any)
	if got := content[0].(map[string]any)["value"]; got != m.Text {
		t.Errorf("text/plain = %q, want the rendered text", got)
	}
	if got := content[1].(map[string]any)["value"]; got != m.HTML || !strings.Contains(m.HTML, "&lt;b&gt;brodé&lt;/b&gt;") {
		t.Errorf("text/html = %q, want the rendered, escaped HTML", got)
	}
}

func TestSendGridTextOnly(t *testing.T) {
	f, sg := newFake(t, http.StatusAccepted, "")
	e := envelope()
	e.HTML, e.ToName = "", ""
	if _, err := sg.Send(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	body := f.received[0].(map[string]any)
	if got := body["content"]; !reflect.DeepEqual(got, parseJSON(t, `[{"type":"text/plain","value":"Bonjour Camille Martin,\n\n- 3 × T-shirt <b> (59,70\u00a0€)\n"}]`)) {
		t.Errorf("content = %v", got)
	}
	if got := body["personalizations"]; !reflect.DeepEqual(got, parseJSON(t, `[{"to":[{"email":"camille@example.fr"}]}]`)) {
		t.Errorf("personalizations = %v", got)
	}
}

func TestSendGridFailures(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		body      string
		permanent bool
		fragments []string
	}{
		{"bad request", http.StatusBadRequest,
			`{"errors":[{"message":"Does not contain a valid address.","field":"personalizations.0.to.0.email","help":"http://sendgrid.com/docs"}]}`,
			true, []string{"HTTP 400", "personalizations.0.to.0.email: Does not contain a valid address."}},
		{"bad key", http.StatusUnauthorized, `{"errors":[{"message":"The provided authorization grant is invalid, expired, or revoked","field":null,"help":null}]}`,
			true, []string{"HTTP 401", "authorization grant is invalid"}},
		{"forbidden sender", http.StatusForbidden, `{"errors":[{"message":"The from address does not match a verified Sender Identity."}]}`,
			true, []string{"HTTP 403", "verified Sender Identity"}},
		{"too large", http.StatusRequestEntityTooLarge, "", true, []string{"HTTP 413", "no details"}},
		{"rate limited", http.StatusTooManyRequests, `{"errors":[{"message":"too many requests"}]}`, false, []string{"HTTP 429", "too many requests"}},
		{"outage", http.StatusServiceUnavailable, "<html>Service Unavailable</html>", false, []string{"HTTP 503", "Service Unavailable"}},
		{"server error", http.StatusInternalServerError, `{"errors":[{"message":"internal error"}]}`, false, []string{"HTTP 500"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, sg := newFake(t, tt.status, tt.body)
			id, err := sg.Send(context.Background(), envelope())
			if err == nil {
				t.Fatalf("Send = %q, want an error", id)
			}
			if got := errors.Is(err, ErrPermanent); got != tt.permanent {
				t.Errorf("errors.Is(%v, ErrPermanent) = %v, want %v", err, got, tt.permanent)
			}
			for _, f := range append(tt.fragments, "modify-content/C-2026-000123/req-1/email") {
				if !strings.Contains(err.Error(), f) {
					t.Errorf("error %q does not say %q", err, f)
				}
			}
		})
	}
}

func TestSendGridNetworkFailureIsTemporary(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens there any more
	sg := SendGrid{APIKey: "SG.test-key", BaseURL: url, FromEmail: "service@boutique.example"}
	_, err := sg.Send(context.Background(), envelope())
	if err == nil || errors.Is(err, ErrPermanent) {
		t.Errorf("Send to a closed server = %v, want a temporary error", err)
	}
}

func TestSendGridCancelled(t *testing.T) {
	_, sg := newFake(t, http.StatusAccepted, "")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := sg.Send(ctx, envelope())
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrPermanent) {
		t.Errorf("Send with a cancelled context = %v", err)
	}
}

func TestSendGridRefusesBadEnvelopes(t *testing.T) {
	f, sg := newFake(t, http.StatusAccepted, "")
	tests := []struct {
		name string
		edit func(*Envelope, *SendGrid)
		want string
	}{
		{"no key", func(e *Envelope, _ *SendGrid) { e.Key = "" }, "outbox key"},
		{"no recipient", func(e *Envelope, _ *SendGrid) { e.ToEmail = "" }, "no recipient"},
		{"no subject", func(e *Envelope, _ *SendGrid) { e.Subject = "" }, "no subject"},
		{"no body", func(e *Envelope, _ *SendGrid) { e.Text, e.HTML = "", "" }, "no body"},
		{"no API key", func(_ *Envelope, s *SendGrid) { s.APIKey = "" }, "API key"},
		{"no sender address", func(_ *Envelope, s *SendGrid) { s.FromEmail = "" }, "sender address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, s := envelope(), sg
			tt.edit(&e, &s)
			_, err := s.Send(context.Background(), e)
			if !errors.Is(err, ErrPermanent) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Send = %v, want a permanent error saying %q", err, tt.want)
			}
		})
	}
	if len(f.received) != 0 {
		t.Errorf("SendGrid received %d requests for envelopes that cannot go", len(f.received))
	}
}

func TestDevSender(t *testing.T) {
	var s Sender = DevSender{}
	id, err := s.Send(context.Background(), envelope())
	if err != nil || id != "dev-modify-content/C-2026-000123/req-1/email" {
		t.Errorf("Send = %q, %v; want dev- and the key", id, err)
	}
	e := envelope()
	e.ToEmail = ""
	if _, err := s.Send(context.Background(), e); !errors.Is(err, ErrPermanent) {
		t.Errorf("Send without a recipient = %v, want ErrPermanent", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Send(ctx, envelope()); !errors.Is(err, context.Canceled) {
		t.Errorf("Send with a cancelled context = %v", err)
	}
}

// Both senders satisfy Sender.
var _ = []Sender{DevSender{}, SendGrid{}}
