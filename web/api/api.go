// Package api is orderdesk's HTTP for machines: the JSON API the shop's
// other systems call (the storefront hands over new orders, the warehouse
// moves their logistics status and reports parcels) and the payment
// provider's webhook. It serves the same HTTP server as the agent UI
// (package web), whose sessions, CSRF tokens and pages it has none of, and
// imports nothing of it: the command that runs the server mounts both
// (Patterns says which addresses are this package's).
//
// Every API call carries "Authorization: Bearer <ORDERDESK_API_TOKEN>"; no
// CSRF token and no session, since no browser holds the token. Answers
// are JSON; an error is
// {"error": {"code": "...", "message": "...", "field": "..."}}: a refusal
// (422) has the refusal's code and the field naming the part of the body
// at fault ("lines[1].unit_price_cents"); a service that does not answer
// (503) has the code "unavailable" and a reference, also written in the
// server's log with the cause. The message is English, for the people who
// read the calling system's logs. The webhook is signed by the provider
// instead (webhook.go).
package api

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/web/internal/request"
)

// Starter is what the API and the webhook ask of the procedures: notify
// the shop of a new order (orders.go), ship a parcel (shipments.go), give
// a collection the provider's payment (webhook.go). *starter.Collector
// implements it.
type Starter interface {
	orderNotifier
	fulfiller
	paymentReporter
	returner // returns (returns.go)
}

var (
	_ Store   = (*store.Store)(nil)
	_ Starter = (*starter.Collector)(nil)
)

// Options are the API's dependencies and settings.
type Options struct {
	Store   Store   // required; a *store.Store
	Starter Starter // required; a *starter.Collector
	// Token is the bearer token the shop's other systems send; empty
	// switches the API off (503 saying how to switch it on). The webhook
	// does not need it: the provider signs what it sends.
	Token  string
	Logger *slog.Logger // slog.Default() when nil
	// RequestTimeout bounds how long a call may wait on PostgreSQL and
	// Temporal before it answers 503 naming the one that did not answer;
	// zero is request.DefaultTimeout. Giving a collection the provider's
	// payment waits up to UpdateTimeout for it to take it (zero:
	// starter.DefaultUpdateTimeout).
	RequestTimeout time.Duration
	UpdateTimeout  time.Duration
}

// server holds what the endpoints share. It is built once by New and
// never changed afterwards.
type server struct {
	store         Store
	starter       Starter
	token         string
	log           *slog.Logger
	updateTimeout time.Duration
}

// New builds the handler of the API and the webhook. Every dependency is
// required: a missing one is an error naming it, not a 503 on the first
// call.
func New(opt Options) (http.Handler, error) {
	switch {
	case opt.Store == nil:
		return nil, errors.New("api.New: Options.Store is required")
	case opt.Starter == nil:
		return nil, errors.New("api.New: Options.Starter is required")
	}
	s := &server{store: opt.Store, starter: opt.Starter, token: opt.Token, log: opt.Logger, updateTimeout: opt.UpdateTimeout}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.updateTimeout <= 0 {
		s.updateTimeout = starter.DefaultUpdateTimeout
	}
	return request.SecureHeaders(request.CleanInput(s.refuseInput, request.WithDeadline(opt.RequestTimeout, s.routes()))), nil
}

// Patterns are the addresses the handler of New answers, as patterns of
// an http.ServeMux: the server that runs it beside the agent UI sends
// these to it and everything else to the UI.
func Patterns() []string {
	return []string{"/api/", "POST /webhooks/payments"}
}

// routes is every address of the API and the webhook, in one place.
func (s *server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /webhooks/payments", s.paymentWebhook) // signed by the provider (webhook.go)
	mux.Handle("POST /api/orders", s.handle(s.createOrder))
	mux.Handle("GET /api/orders/{number}", s.handle(s.getOrder))
	mux.Handle("POST /api/orders/{number}/logistics", s.handle(s.setLogistics))
	mux.Handle("POST /api/orders/{number}/shipments", s.handle(s.shipment))
	mux.Handle("POST /api/orders/{number}/returns", s.handle(s.startReturn)) // returns.go
	mux.Handle("POST /api/returns/{number}/receipt", s.handle(s.receiveReturn))
	mux.Handle("GET /api/returns/{number}", s.handle(s.getReturn))
	mux.Handle("/api/", s.handle(s.notFound))
	return mux
}

// maxAPIBody bounds what one API request may send: a large order is a few
// tens of kilobytes.
const maxAPIBody = 1 << 20

// apiError is an error with its HTTP status. Extra carries more members
// of the error (the holding procedure, the statuses of a refused move), so
// a machine can act on them without parsing the message; code defaults to
// a name of the status (apiCode).
type apiError struct {
	status int
	code   string
	msg    string
	field  string
	extra  map[string]any
}

func (e *apiError) Error() string { return e.msg }

func apiErrorf(status int, format string, args ...any) *apiError {
	return &apiError{status: status, msg: fmt.Sprintf(format, args...)}
}

// handlerFunc is an API endpoint: it writes its answer or returns an
// error, which handle turns into a JSON error.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// handle authenticates the caller by the bearer token, then runs h and
// turns its error into a JSON answer, by its type: an *apiError as it
// says, an *order.FieldError into 422 naming the field, store.ErrNotFound
// into 404, a service that did not answer into 503 with a reference,
// anything else into 500 with a reference. The last two are logged with
// the cause.
func (s *server) handle(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		if s.token == "" {
			writeAPIError(w, apiErrorf(http.StatusServiceUnavailable,
				"the API is switched off: set ORDERDESK_API_TOKEN in orderdesk's environment and send it as \"Authorization: Bearer <token>\""))
			return
		}
		if !s.tokenOK(r.Header.Get("Authorization")) {
			s.log.Warn("api: call refused: missing or wrong bearer token", "method", r.Method, "path", r.URL.Path, "remote", r.RemoteAddr)
			w.Header().Set("WWW-Authenticate", `Bearer realm="orderdesk"`)
			writeAPIError(w, apiErrorf(http.StatusUnauthorized, "missing or wrong API token: send \"Authorization: Bearer <ORDERDESK_API_TOKEN>\""))
			return
		}
		err := h(w, r)
		if err == nil {
			return
		}
		writeAPIError(w, s.errorOf(r, err))
	})
}

// errorOf is the JSON error of a failed call (see handle).
func (s *server) errorOf(r *http.Request, err error) *apiError {
	var (
		ae *apiError
		fe *order.FieldError
	)
	switch {
	case errors.As(err, &ae):
		return ae
	case errors.As(err, &fe):
		code := string(fe.Code)
		if code == "" {
			code = "invalid"
		}
		return &apiError{status: http.StatusUnprocessableEntity, code: code, msg: fe.Message, field: fe.Field}
	case errors.Is(err, store.ErrNotFound), errors.Is(err, starter.ErrNotFound):
		return apiErrorf(http.StatusNotFound, "not found")
	}
	ref := request.NewReference()
	if service, ok := request.Unavailable(err); ok {
		s.log.WarnContext(r.Context(), "api: a service did not answer an API call",
			"ref", ref, "service", string(service), "method", r.Method, "path", r.URL.Path, "err", err)
		en := locale.For(locale.English)
		return &apiError{status: http.StatusServiceUnavailable, code: "unavailable",
			msg:   en.Say(request.NotAnswering(service)) + " " + en.T("unavailable.nothing_done") + " Try again in a minute; if it lasts, tell orderdesk's operator, quoting the reference.",
			extra: map[string]any{"reference": ref, "service": string(service)}}
	}
	s.log.ErrorContext(r.Context(), "api: call failed", "ref", ref, "method", r.Method, "path", r.URL.Path, "err", err)
	return &apiError{status: http.StatusInternalServerError, code: "internal", msg: "internal error, reference " + ref, extra: map[string]any{"reference": ref}}
}

// apiCode names an error status, for an *apiError that names no code.
func apiCode(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "bad_request"
	case http.StatusUnauthorized:
		return "unauthorized"
	case http.StatusNotFound:
		return "not_found"
	case http.StatusConflict:
		return "conflict"
	case http.StatusRequestEntityTooLarge:
		return "too_large"
	case http.StatusUnsupportedMediaType:
		return "unsupported_media_type"
	case http.StatusUnprocessableEntity:
		return "invalid"
	case http.StatusServiceUnavailable:
		return "unavailable"
	}
	return "internal"
}

// tokenOK compares the Authorization header with the configured token in
// constant time. Both sides are hashed first, so neither the comparison's
// time nor an early return on length says anything about the token.
func (s *server) tokenOK(header string) bool {
	scheme, token, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	got := sha256.Sum256([]byte(strings.TrimSpace(token)))
	want := sha256.Sum256([]byte(s.token))
	return subtle.ConstantTimeCompare(got[:], want[:]) == 1
}

// notFound answers an /api/ address that is no endpoint in JSON, not
// with the agents' sign-in page.
func (s *server) notFound(w http.ResponseWriter, r *http.Request) error {
	return apiErrorf(http.StatusNotFound, "no API endpoint %s %s: see the API section of the README", r.Method, r.URL.Path)
}

// writeJSON writes v as the JSON answer, rendered before the status is sent.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status, body = http.StatusInternalServerError, []byte(`{"error":"internal error: the answer could not be encoded"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}

// writeAPIError writes {"error": {"code", "message", "field"?, extra...}}.
func writeAPIError(w http.ResponseWriter, e *apiError) {
	body := map[string]any{"code": e.code, "message": e.msg}
	if e.code == "" {
		body["code"] = apiCode(e.status)
	}
	if e.field != "" {
		body["field"] = e.field
	}
	for k, v := range e.extra {
		body[k] = v
	}
	writeJSON(w, e.status, map[string]any{"error": body})
}

// decodeJSON reads the request's JSON body into v. Unknown members are
// refused: a misspelt "unit_price" would otherwise silently be a price of
// zero. A member of the wrong type is refused naming it.
func decodeJSON(r *http.Request, w http.ResponseWriter, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
			return apiErrorf(http.StatusUnsupportedMediaType, "send the body as application/json, not %q", ct)
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxAPIBody))
	if err == nil && len(bytes.TrimSpace(body)) == 0 {
		err = io.EOF
	}
	if err == nil && !utf8.Valid(body) {
		return order.Refuse("body", "refusal.intake_text_utf8")
	}
	if err == nil {
		if name, ok := unknownMember(body, reflect.TypeOf(v)); ok {
			return order.Refuse(name, "refusal.json_member_unknown", locale.Text(name))
		}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields() // what unknownMember did not name is still refused
	if err == nil {
		err = dec.Decode(v)
	}
	if err == nil {
		if _, extra := dec.Token(); extra != io.EOF {
			err = errors.New("one JSON object is expected, found more after it")
		}
	}
	var (
		typeErr *json.UnmarshalTypeError
		syntax  *json.SyntaxError
		tooBig  *http.MaxBytesError
	)
	switch {
	case err == nil:
		return checkTexts(reflect.ValueOf(v), "")
	case errors.As(err, &tooBig):
		return apiErrorf(http.StatusRequestEntityTooLarge, "the body is over %d bytes", maxAPIBody)
	case errors.As(err, &typeErr) && typeErr.Field != "":
		return wrongType(typeErr)
	case errors.As(err, &syntax):
		return apiErrorf(http.StatusBadRequest, "the body is not valid JSON: %v (at byte %d)", syntax, syntax.Offset)
	case errors.Is(err, io.EOF):
		return apiErrorf(http.StatusBadRequest, "the body is empty: send a JSON object")
	default:
		return apiErrorf(http.StatusBadRequest, "the body is not a JSON object of the expected shape: %v", err)
	}
}

// unknownMember finds, in a JSON body, the first member (in the order of
// the body's keys, sorted) that the Go type it decodes into does not have,
// and names it as the type's json tags do ("lines[1].colour"). It reads
// the structure of the body, not the decoder's error text; a body that is
// not JSON has no unknown member (the decoder then says what is wrong).
func unknownMember(body []byte, t reflect.Type) (string, bool) {
	var doc any
	if json.Unmarshal(body, &doc) != nil {
		return "", false
	}
	return unknownIn(doc, t, "")
}

func unknownIn(doc any, t reflect.Type, path string) (string, bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	unmarshaler := reflect.TypeFor[json.Unmarshaler]()
	if t.Implements(unmarshaler) || reflect.PointerTo(t).Implements(unmarshaler) {
		return "", false // it reads its own members
	}
	switch d := doc.(type) {
	case map[string]any:
		if t.Kind() == reflect.Map {
			for k, v := range d {
				if name, ok := unknownIn(v, t.Elem(), join(path, k)); ok {
					return name, true
				}
			}
			return "", false
		}
		if t.Kind() != reflect.Struct {
			return "", false
		}
		fields := jsonFields(t)
		keys := make([]string, 0, len(d))
		for k := range d {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			ft, ok := fields[strings.ToLower(k)]
			if !ok {
				return join(path, k), true
			}
			if name, ok := unknownIn(d[k], ft, join(path, k)); ok {
				return name, true
			}
		}
	case []any:
		if t.Kind() != reflect.Slice && t.Kind() != reflect.Array {
			return "", false
		}
		for i, v := range d {
			if name, ok := unknownIn(v, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); ok {
				return name, true
			}
		}
	}
	return "", false
}

// jsonFields are the members a struct decodes, by lower-cased name (the
// decoder matches names without case), embedded structs' included.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			et := f.Type
			for et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				for k, v := range jsonFields(et) {
					if _, ok := out[k]; !ok {
						out[k] = v
					}
				}
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[strings.ToLower(name)] = f.Type
	}
	return out
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// wrongType refuses a member of the wrong type, saying what the member
// takes the way a JSON sender reads it, and what came (the decoder's
// word: string, number, bool, array, object).
func wrongType(e *json.UnmarshalTypeError) error {
	got := locale.Text(e.Value)
	switch e.Type.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return order.Refuse(e.Field, "refusal.json_whole_number_expected", got)
	case reflect.String:
		return order.Refuse(e.Field, "refusal.json_text_expected", got)
	case reflect.Bool:
		return order.Refuse(e.Field, "refusal.json_bool_expected", got)
	case reflect.Slice, reflect.Array:
		return order.Refuse(e.Field, "refusal.json_array_expected", got)
	}
	// A struct or a map: the API's bodies have no member of another kind.
	return order.Refuse(e.Field, "refusal.json_object_expected", got)
}
