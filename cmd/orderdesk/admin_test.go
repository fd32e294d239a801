package main

import (
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
)

// TestProfilerOffByDefault: without ORDERDESK_ADMIN_ADDR nothing listens;
// with it, /debug/pprof/ lists the profiles on that address.
func TestProfilerOffByDefault(t *testing.T) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg, err := loadConfig(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	addr, stop, err := startAdmin(cfg.AdminAddr, quiet)
	if err != nil {
		t.Fatal(err)
	}
	stop()
	if cfg.AdminAddr != "" || addr != "" {
		t.Fatalf("by default the profiler is off, but it listens on %q (ORDERDESK_ADMIN_ADDR read as %q)", addr, cfg.AdminAddr)
	}

	cfg, err = loadConfig(env(map[string]string{"ORDERDESK_ADMIN_ADDR": "127.0.0.1:0"}))
	if err != nil {
		t.Fatal(err)
	}
	addr, stop, err = startAdmin(cfg.AdminAddr, quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	resp, err := http.Get("http://" + addr + "/debug/pprof/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "goroutine") || !strings.Contains(string(body), "heap") {
		t.Fatalf("GET /debug/pprof/ on %s: %d\n%s", addr, resp.StatusCode, body)
	}
	resp, err = http.Get("http://" + addr + "/debug/pprof/heap?debug=1")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /debug/pprof/heap: %d", resp.StatusCode)
	}

	if _, _, err := startAdmin(addr, quiet); err == nil || !strings.Contains(err.Error(), "ORDERDESK_ADMIN_ADDR") {
		t.Fatalf("a taken admin address gave %v, want an error naming ORDERDESK_ADMIN_ADDR", err)
	}
}
