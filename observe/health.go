package observe

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// A Check asks one service whether it answers, within ctx's deadline.
type Check struct {
	Name string // "PostgreSQL", "Temporal": what the answer names when it is down
	Ping func(ctx context.Context) error
}

// ReadyTimeout bounds each check of a readiness or health answer: a
// load balancer's probe gets its answer within it, never a hang.
const ReadyTimeout = time.Second

// run runs the checks at once, each within ReadyTimeout, and returns the
// names of those that failed with why, in the checks' order.
func run(ctx context.Context, checks []Check) []string {
	down := make([]string, len(checks))
	var wg sync.WaitGroup
	for i, c := range checks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cctx, cancel := context.WithTimeout(ctx, ReadyTimeout)
			defer cancel()
			if err := c.Ping(cctx); err != nil {
				if cctx.Err() != nil {
					down[i] = c.Name + ": no answer within " + ReadyTimeout.String()
				} else {
					down[i] = c.Name + ": " + err.Error()
				}
			}
		}()
	}
	wg.Wait()
	var out []string
	for _, d := range down {
		if d != "" {
			out = append(out, d)
		}
	}
	return out
}

// answer writes 200 "ok" or 503 with one line per service that is down.
func answer(w http.ResponseWriter, down []string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if len(down) > 0 {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = fmt.Fprintf(w, "not ready:\n%s\n", strings.Join(down, "\n"))
		return
	}
	_, _ = w.Write([]byte("ok\n"))
}

// Ready is GET /readyz: 200 "ok" when every check answers, 503 naming each
// that does not (PostgreSQL, Temporal) otherwise, within ReadyTimeout.
// /healthz stays the liveness check (the process answers).
func Ready(checks ...Check) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		answer(w, run(r.Context(), checks))
	})
}

// WorkerHealth is the worker's health on the admin address: 200 while its
// pollers run and it reaches PostgreSQL and Temporal, 503 otherwise
// (starting, stopping, or stopped by a fatal error).
type WorkerHealth struct {
	running atomic.Bool
	mu      sync.Mutex
	fatal   error
	checks  []Check
}

// NewWorkerHealth is a health that is down until Running(true).
func NewWorkerHealth(checks ...Check) *WorkerHealth { return &WorkerHealth{checks: checks} }

// Running says the worker's pollers run (true, after its Start) or not.
func (h *WorkerHealth) Running(on bool) { h.running.Store(on) }

// Fatal records the error that stopped the worker's pollers for good
// (the SDK's OnFatalError: a namespace that does not exist, say).
func (h *WorkerHealth) Fatal(err error) {
	h.mu.Lock()
	h.fatal = err
	h.mu.Unlock()
	h.running.Store(false)
}

// ServeHTTP is GET /healthz of the worker's admin address.
func (h *WorkerHealth) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var down []string
	h.mu.Lock()
	fatal := h.fatal
	h.mu.Unlock()
	switch {
	case fatal != nil:
		down = append(down, "worker: stopped: "+fatal.Error())
	case !h.running.Load():
		down = append(down, "worker: its pollers are not running")
	}
	answer(w, append(down, run(r.Context(), h.checks)...))
}
