package main

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/orderdesk/orderdesk/store"
)

// The limits on waiting for PostgreSQL and Temporal have defaults, can be
// set, and a value that makes no sense names its variable.
func TestWaitLimitsConfig(t *testing.T) {
	c, err := loadConfig(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	want := store.Options{StatementTimeout: 30 * time.Second, LockTimeout: 10 * time.Second, ConnectTimeout: 5 * time.Second}
	if c.RequestTimeout != 2*time.Second || c.storeOptions() != want {
		t.Fatalf("defaults: request %s, store %+v; want 2s and %+v", c.RequestTimeout, c.storeOptions(), want)
	}
	c, err = loadConfig(env(map[string]string{"ORDERDESK_REQUEST_TIMEOUT": "1500ms", "ORDERDESK_PG_STATEMENT_TIMEOUT": "0", "ORDERDESK_PG_LOCK_TIMEOUT": "3s", "ORDERDESK_PG_CONNECT_TIMEOUT": "2s"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.RequestTimeout != 1500*time.Millisecond || c.storeOptions() != (store.Options{LockTimeout: 3 * time.Second, ConnectTimeout: 2 * time.Second}) {
		t.Fatalf("set: request %s, store %+v", c.RequestTimeout, c.storeOptions())
	}
	for name, value := range map[string]string{
		"ORDERDESK_REQUEST_TIMEOUT":      "0",
		"ORDERDESK_PG_STATEMENT_TIMEOUT": "soon",
		"ORDERDESK_PG_LOCK_TIMEOUT":      "-1s",
		"ORDERDESK_PG_CONNECT_TIMEOUT":   "0",
	} {
		if _, err := loadConfig(env(map[string]string{name: value})); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s=%q: got %v, want an error naming the variable", name, value, err)
		}
	}
}

// The agent UI's server bounds reading a request, writing an answer and
// keeping an idle connection, beyond the longest wait a page has.
func TestHTTPServerTimeouts(t *testing.T) {
	srv := newHTTPServer(http.NotFoundHandler())
	if srv.ReadHeaderTimeout <= 0 || srv.ReadTimeout <= 0 || srv.WriteTimeout <= 0 || srv.IdleTimeout <= 0 {
		t.Fatalf("timeouts: header %s, read %s, write %s, idle %s: each must be set", srv.ReadHeaderTimeout, srv.ReadTimeout, srv.WriteTimeout, srv.IdleTimeout)
	}
	if srv.WriteTimeout < 20*time.Second+5*time.Second {
		t.Fatalf("write timeout %s is shorter than giving a procedure an answer and waiting for it to end", srv.WriteTimeout)
	}
}
