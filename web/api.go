package web

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
)

// The JSON API is how the shop's other systems talk to orderdesk: the
// storefront hands over new orders, the warehouse moves their logistics
// status (api_orders.go). Every call carries "Authorization: Bearer
// <ORDERDESK_API_TOKEN>"; no CSRF token and no session, since no browser
// holds the token. Answers are JSON; an error is
// {"error": "...", "field": "..."}, the field naming the part of the body
// at fault ("lines[1].unit_price_cents") when there is one.

// maxAPIBody bounds what one API request may send: a large order is a few
// tens of kilobytes.
const maxAPIBody = 1 << 20

// apiError is a refusal with its HTTP status. Extra carries more members
// of the JSON answer (the holding procedure, the statuses of a refused
// move), so a machine can act on them without parsing the message.
type apiError struct {
	status int
	msg    string
	field  string
	extra  map[string]any
}

func (e *apiError) Error() string { return e.msg }

func apiErrorf(status int, format string, args ...any) *apiError {
	return &apiError{status: status, msg: fmt.Sprintf(format, args...)}
}

// apiHandler is an API endpoint: it writes its answer or returns an error,
// which api turns into a JSON error.
type apiHandler func(w http.ResponseWriter, r *http.Request) error

// api authenticates the caller by the bearer token, then runs h and turns
// its error into a JSON answer: an *apiError as it says, an
// *order.FieldError into 400 naming the field, store.ErrNotFound into 404,
// anything else into 500 with a reference that is logged with the detail.
func (s *server) api(h apiHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		if s.apiToken == "" {
			writeAPIError(w, apiErrorf(http.StatusServiceUnavailable,
				"the API is switched off: set ORDERDESK_API_TOKEN in orderdesk's environment and send it as \"Authorization: Bearer <token>\""))
			return
		}
		if !s.apiTokenOK(r.Header.Get("Authorization")) {
			s.log.Warn("web: API call refused: missing or wrong bearer token", "method", r.Method, "path", r.URL.Path, "remote", r.RemoteAddr)
			w.Header().Set("WWW-Authenticate", `Bearer realm="orderdesk"`)
			writeAPIError(w, apiErrorf(http.StatusUnauthorized, "missing or wrong API token: send \"Authorization: Bearer <ORDERDESK_API_TOKEN>\""))
			return
		}
		err := h(w, r)
		if err == nil {
			return
		}
		var (
			ae *apiError
			fe *order.FieldError
		)
		switch {
		case errors.As(err, &ae):
		case errors.As(err, &fe):
			ae = &apiError{status: http.StatusBadRequest, msg: fe.Message, field: fe.Field}
		case errors.Is(err, store.ErrNotFound):
			ae = apiErrorf(http.StatusNotFound, "not found")
		default:
			ref := newReference()
			s.log.Error("web: API call failed", "ref", ref, "method", r.Method, "path", r.URL.Path, "err", err)
			ae = &apiError{status: http.StatusInternalServerError, msg: "internal error, reference " + ref, extra: map[string]any{"reference": ref}}
		}
		writeAPIError(w, ae)
	})
}

// apiTokenOK compares the Authorization header with the configured token in
// constant time. Both sides are hashed first, so neither the comparison's
// time nor an early return on length says anything about the token.
func (s *server) apiTokenOK(header string) bool {
	scheme, token, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	got := sha256.Sum256([]byte(strings.TrimSpace(token)))
	want := sha256.Sum256([]byte(s.apiToken))
	return subtle.ConstantTimeCompare(got[:], want[:]) == 1
}

// apiNotFound answers an /api/ address that is no endpoint in JSON, not
// with the agents' sign-in page.
func (s *server) apiNotFound(w http.ResponseWriter, r *http.Request) error {
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

func writeAPIError(w http.ResponseWriter, e *apiError) {
	out := map[string]any{"error": e.msg}
	if e.field != "" {
		out["field"] = e.field
	}
	for k, v := range e.extra {
		out[k] = v
	}
	writeJSON(w, e.status, out)
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
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxAPIBody))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
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
		return nil
	case errors.As(err, &tooBig):
		return apiErrorf(http.StatusRequestEntityTooLarge, "the body is over %d bytes", maxAPIBody)
	case errors.As(err, &typeErr) && typeErr.Field != "":
		return order.Fieldf(typeErr.Field, "expected %s, got %s (amounts are whole cents, e.g. 1250 for 12,50 €)", jsonKind(typeErr.Type.Kind().String()), typeErr.Value)
	case errors.As(err, &syntax):
		return apiErrorf(http.StatusBadRequest, "the body is not valid JSON: %v (at byte %d)", syntax, syntax.Offset)
	case errors.Is(err, io.EOF):
		return apiErrorf(http.StatusBadRequest, "the body is empty: send a JSON object")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return order.Fieldf(name, "unknown member %q: see the API section of the README for the members an order has", name)
	default:
		return apiErrorf(http.StatusBadRequest, "the body is not a JSON object of the expected shape: %v", err)
	}
}

// jsonKind names a Go kind the way a JSON sender reads it.
func jsonKind(kind string) string {
	switch {
	case strings.HasPrefix(kind, "int"), strings.HasPrefix(kind, "uint"):
		return "a whole number"
	case kind == "string":
		return "a string"
	case kind == "bool":
		return "true or false"
	case kind == "slice":
		return "an array"
	case kind == "struct", kind == "map":
		return "an object"
	}
	return kind
}
