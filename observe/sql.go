package observe

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// sqlTracer makes a client span of each statement pgx runs, child of the
// span in the statement's context: under an activity's span, the SQL of
// that step. The statement's text is kept (its parameters are not: they
// hold customers' names and addresses).
type sqlTracer struct{ tracer trace.Tracer }

type sqlSpanKey struct{}

// maxStatement bounds the statement text kept on a span.
const maxStatement = 2000

func (t sqlTracer) TraceQueryStart(ctx context.Context, conn *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	stmt := strings.Join(strings.Fields(data.SQL), " ")
	if len(stmt) > maxStatement {
		stmt = stmt[:maxStatement]
	}
	ctx, span := t.tracer.Start(ctx, sqlSpanName(stmt), trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attribute.String("db.system", "postgresql"), attribute.String("db.statement", stmt)))
	return context.WithValue(ctx, sqlSpanKey{}, span)
}

func (t sqlTracer) TraceQueryEnd(ctx context.Context, conn *pgx.Conn, data pgx.TraceQueryEndData) {
	span, ok := ctx.Value(sqlSpanKey{}).(trace.Span)
	if !ok {
		return
	}
	if data.Err != nil {
		span.RecordError(data.Err)
		span.SetStatus(codes.Error, data.Err.Error())
	} else {
		span.SetAttributes(attribute.Int64("db.rows_affected", data.CommandTag.RowsAffected()))
	}
	span.End()
}

// sqlSpanName is "SQL SELECT", "SQL INSERT"...: the statement's first
// word, so spans group by kind of statement, never by their values.
func sqlSpanName(stmt string) string {
	verb, _, _ := strings.Cut(stmt, " ")
	if verb == "" {
		return "SQL"
	}
	return "SQL " + strings.ToUpper(verb)
}
