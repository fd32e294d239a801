package web

import (
	"context"
	"net/http"
	"time"
)

// healthz is GET /healthz for load balancers and `make dev`: 200 "ok" when
// the database answers, 503 otherwise (the detail goes to the log).
func (s *server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := s.store.Ping(ctx); err != nil {
		s.log.ErrorContext(ctx, "web: health check: database unreachable", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("database unreachable\n"))
		return
	}
	_, _ = w.Write([]byte("ok"))
}
