package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// adminRoute is one more page of the admin address: a pattern and its
// handler (/metrics, the worker's /healthz).
type adminRoute struct {
	pattern string
	handler http.Handler
}

// startAdmin serves Go's profiler (net/http/pprof, under /debug/pprof/) on
// ORDERDESK_ADMIN_ADDR, with the routes given (/metrics, /healthz), on a
// listener of its own so the profiles never reach the agents' address. An
// empty address leaves it off: nothing listens and addr is "". stop closes
// it.
func startAdmin(addr string, log *slog.Logger, routes ...adminRoute) (listening string, stop func(), err error) {
	if addr == "" {
		return "", func() {}, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, fmt.Errorf("the admin address (profiler) cannot listen on %s: %w (set ORDERDESK_ADMIN_ADDR to a free address, or empty to switch it off)", addr, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index) // also serves heap, goroutine, allocs...
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	for _, r := range routes {
		mux.Handle(r.pattern, r.handler)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("admin address (profiler) stopped", "addr", ln.Addr().String(), "err", err)
		}
	}()
	log.Info("profiler listening", "url", "http://"+ln.Addr().String()+"/debug/pprof/")
	return ln.Addr().String(), func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}, nil
}
