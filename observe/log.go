package observe

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"go.opentelemetry.io/otel/trace"
)

// Log formats: one JSON object a line (the default of the server
// commands, for a log collector) or slog's key=value text (make dev's, for
// a person at a terminal).
const (
	LogJSON = "json"
	LogText = "text"
)

// ParseLogLevel reads ORDERDESK_LOG_LEVEL: debug, info (""), warn or error.
func ParseLogLevel(s string) (slog.Level, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "info":
		return slog.LevelInfo, nil
	case "debug":
		return slog.LevelDebug, nil
	case "warn", "warning":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	}
	return 0, fmt.Errorf("ORDERDESK_LOG_LEVEL=%q is none of debug, info, warn, error", s)
}

// ParseLogFormat reads ORDERDESK_LOG_FORMAT: json, text, or "" (the
// command's default).
func ParseLogFormat(s string) (string, error) {
	switch f := strings.ToLower(strings.TrimSpace(s)); f {
	case "", LogJSON, LogText:
		return f, nil
	}
	return "", fmt.Errorf("ORDERDESK_LOG_FORMAT=%q is neither json nor text", s)
}

// NewLogHandler is a slog handler writing to w in format (LogJSON or
// LogText) from level on. A record logged with a context that carries a
// span gets its trace_id and span_id, to find the request's trace.
func NewLogHandler(w io.Writer, format string, level slog.Leveler) slog.Handler {
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler
	if format == LogText {
		h = slog.NewTextHandler(w, opts)
	} else {
		h = slog.NewJSONHandler(w, opts)
	}
	return traceHandler{h}
}

// traceHandler adds the trace and span ids of the record's context.
type traceHandler struct{ slog.Handler }

func (t traceHandler) Handle(ctx context.Context, r slog.Record) error {
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		r.AddAttrs(slog.String("trace_id", sc.TraceID().String()), slog.String("span_id", sc.SpanID().String()))
	}
	return t.Handler.Handle(ctx, r)
}

func (t traceHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return traceHandler{t.Handler.WithAttrs(as)}
}

func (t traceHandler) WithGroup(name string) slog.Handler {
	return traceHandler{t.Handler.WithGroup(name)}
}

// AtLeast is h without the records below level: the Temporal SDK's logger
// in the process's format, kept to warnings and errors unless the
// process logs even less.
func AtLeast(h slog.Handler, level slog.Level) slog.Handler { return floor{h, level} }

type floor struct {
	slog.Handler
	level slog.Level
}

func (f floor) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= f.level && f.Handler.Enabled(ctx, l)
}

func (f floor) WithAttrs(as []slog.Attr) slog.Handler { return floor{f.Handler.WithAttrs(as), f.level} }

func (f floor) WithGroup(name string) slog.Handler { return floor{f.Handler.WithGroup(name), f.level} }
