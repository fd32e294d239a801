// Package sandboxhttp is the HTTP plumbing that the fakes of internet
// services (the payment provider's sandbox, the carrier's) and their
// clients share: a server run in the background, and one JSON round trip
// with an idempotency key whose failures say whether retrying may help.
package sandboxhttp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// Background serves a handler in the background (Listen) until Close, or
// until a context is done (ListenAndServe). The zero value is ready.
type Background struct {
	srv  *http.Server
	done chan struct{}
}

// Listen serves h on addr ("127.0.0.1:0" for a free port) in the
// background and returns its base URL (http://host:port); name says whose
// listener failed.
func (b *Background) Listen(name, addr string, h http.Handler) (url string, err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("%s: listen on %s: %w", name, addr, err)
	}
	b.srv = &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	b.done = make(chan struct{})
	go func() {
		defer close(b.done)
		_ = b.srv.Serve(ln) // returns http.ErrServerClosed on Close
	}()
	return "http://" + ln.Addr().String(), nil
}

// Close stops a server started with Listen, cutting open connections.
func (b *Background) Close() error {
	if b.srv == nil {
		return nil
	}
	err := b.srv.Close()
	<-b.done
	return err
}

// ListenAndServe serves h on addr until ctx is done, then shuts down
// gracefully (in-flight requests get 5 seconds).
func (b *Background) ListenAndServe(ctx context.Context, name, addr string, h http.Handler) error {
	if _, err := b.Listen(name, addr, h); err != nil {
		return err
	}
	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := b.srv.Shutdown(sctx)
	<-b.done
	return err
}

// Client is what a JSON round trip needs: the API's base URL, its bearer
// key (none when empty) and the HTTP client (nil: one with Timeout).
type Client struct {
	BaseURL string
	APIKey  string
	HTTP    *http.Client
	Timeout time.Duration
}

// StatusError is an answer of status 300 or more, with the error code and
// message its body gives ({"error": {"code": ..., "message": ...}}), or
// the status's text and the raw body when it gives none.
type StatusError struct {
	Status  int
	Code    string
	Message string
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message)
}

// Do sends in as JSON (nil: no body) with the idempotency key key (none
// when empty) and decodes a 2xx answer into out. An answer of 300 or more
// is a *StatusError for the caller to classify; a transport error, or an
// answer cut halfway or unreadable, is an error that says "temporary": the
// service may have acted before the answer was lost, and only a retry with
// the same key can tell.
func (c Client) Do(ctx context.Context, method, path, key string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimSuffix(c.BaseURL, "/")+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	if c.APIKey != "" {
		req.Header.Set("Authorization", "Bearer "+c.APIKey)
	}
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: c.Timeout}
	}
	res, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("temporary: %w", err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("temporary: response cut after %s %d: %w", method, res.StatusCode, err)
	}
	if res.StatusCode < 300 {
		if err := json.Unmarshal(raw, out); err != nil {
			return fmt.Errorf("temporary: unreadable %d response: %w", res.StatusCode, err)
		}
		return nil
	}
	var eb struct {
		Error *struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	_ = json.Unmarshal(raw, &eb) // a body that is not the API's leaves eb.Error nil
	if eb.Error == nil {
		return &StatusError{Status: res.StatusCode, Code: http.StatusText(res.StatusCode), Message: strings.TrimSpace(string(raw))}
	}
	return &StatusError{Status: res.StatusCode, Code: eb.Error.Code, Message: eb.Error.Message}
}

// WriteJSON writes v as the JSON answer of status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	body, _ := json.Marshal(v) // the sandboxes' own types always marshal
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}

// WriteError writes the error answer a Client reads into a *StatusError:
// {"error": {"code": code, "message": message}}.
func WriteError(w http.ResponseWriter, status int, code, message string) {
	WriteJSON(w, status, map[string]map[string]string{"error": {"code": code, "message": message}})
}
