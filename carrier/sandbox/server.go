// Package sandbox is the parcel carrier of `make dev` and of the tests: a
// real HTTP service that makes prepaid return labels the way a carrier's
// API does (one label per idempotency key, whatever the retries), serves
// each label as a PDF at the address it gave, and fails on demand, so the
// return procedure's label is shown and tested over the wire rather than
// through a mock. carrier.Client speaks its API.
//
// The API (JSON; errors are {"error":{"code","message"}}):
//
//	POST /v1/return-labels      {"key","reference","from","to","items"}  Idempotency-Key header
//	                            201 the label made, 200 the key's label again (Idempotent-Replayed: true)
//	GET  /v1/return-labels/{id}
//	GET  /labels/{tracking}.pdf the label to print (no key: the customer opens it)
//	GET|PUT|DELETE /admin/faults  read, set, clear the faults (see faultsJSON)
//	GET  /admin/state             every label, and the faults
//	GET  /healthz
//
// Status codes: 400 a bad request (no key, no sender), 401 a wrong API key
// (or the Unauthorized fault), 404 an unknown label, 503 an injected
// failure (temporary: nothing was made, a retry is safe).
package sandbox

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/orderdesk/orderdesk/carrier"
	"github.com/orderdesk/orderdesk/internal/sandboxhttp"
	"github.com/orderdesk/orderdesk/order"
)

// DefaultName is the carrier's name on its labels when Options.Name is
// empty.
const DefaultName = "Sandbox Post"

// Options configure a Server.
type Options struct {
	// APIKey, when set, must come as "Authorization: Bearer <key>" on /v1
	// requests, so a client misconfiguration shows up as it would in
	// production.
	APIKey string
	// Name is the carrier's name on the labels; "" is DefaultName.
	Name string
	// PublicURL is the base of the label links it gives (the address the
	// customer's browser reaches it at); "" is the address the request
	// came to.
	PublicURL string
	// Faults are in force from the start.
	Faults Faults
	// Now is the clock of the labels' creation; nil is time.Now.
	Now func() time.Time
}

// Faults are the failures the sandbox injects, settable at run time with
// SetFaults or PUT /admin/faults. They apply to /v1 requests only: a label
// already made can still be opened.
type Faults struct {
	// FailNext answers the next N requests 503 before anything happens.
	FailNext int
	// Down answers every request 503 until cleared: an outage.
	Down bool
	// Unauthorized answers every request 401, as a carrier does once the
	// shop's API key is revoked.
	Unauthorized bool
}

// Label is a label the sandbox made.
type Label struct {
	ID        string        `json:"id"`
	Key       string        `json:"key"`
	Reference string        `json:"reference,omitempty"`
	Tracking  string        `json:"tracking_number"`
	Carrier   string        `json:"carrier"`
	From      order.Address `json:"from"`
	To        order.Address `json:"to,omitzero"`
	Items     int64         `json:"items,omitempty"`
	Created   time.Time     `json:"created"`
}

// Server is the sandbox carrier: an http.Handler with its state.
type Server struct {
	opts Options
	mux  *http.ServeMux

	mu       sync.Mutex
	faults   Faults
	labels   []Label
	requests map[string]int // requests per idempotency key, failed ones included
	state    string         // the file the labels are kept in; "" in memory only

	bg sandboxhttp.Background
}

// NewServer returns a sandbox carrier with no label.
func NewServer(opts Options) *Server {
	if opts.Name == "" {
		opts.Name = DefaultName
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	opts.PublicURL = strings.TrimSuffix(opts.PublicURL, "/")
	s := &Server{opts: opts, faults: opts.Faults, requests: map[string]int{}}
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("POST /v1/return-labels", s.v1(s.createLabel))
	s.mux.HandleFunc("GET /v1/return-labels/{id}", s.v1(s.getLabel))
	s.mux.HandleFunc("GET /labels/{file}", s.labelPDF)
	s.mux.HandleFunc("GET /admin/faults", s.getFaults)
	s.mux.HandleFunc("PUT /admin/faults", s.putFaults)
	s.mux.HandleFunc("POST /admin/faults", s.putFaults)
	s.mux.HandleFunc("DELETE /admin/faults", s.deleteFaults)
	s.mux.HandleFunc("GET /admin/state", s.getState)
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	return s
}

// Keep makes the labels outlive the process: it loads those of path (a
// JSON file; none yet is no label) and writes every new label there, so
// `make dev` run again still serves the links its emails hold.
func (s *Server) Keep(path string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return fmt.Errorf("sandbox carrier: %w", err)
	default:
		var st struct{ Labels []Label }
		if err := json.Unmarshal(b, &st); err != nil {
			return fmt.Errorf("sandbox carrier: %s is not its state (%v): delete it to start again", path, err)
		}
		s.labels = st.Labels
	}
	s.state = path
	return nil
}

// save writes the labels to the state file; s.mu is held.
func (s *Server) save() error {
	if s.state == "" {
		return nil
	}
	b, err := json.MarshalIndent(struct{ Labels []Label }{s.labels}, "", "  ")
	if err != nil {
		return err
	}
	tmp := s.state + ".tmp"
	if err := os.MkdirAll(filepath.Dir(s.state), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, s.state)
}

// ServeHTTP serves the sandbox API and its labels.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Start serves the sandbox on a free port of 127.0.0.1 and returns its base
// URL (http://127.0.0.1:port). Close stops it.
func (s *Server) Start() (url string, err error) { return s.Listen("127.0.0.1:0") }

// Listen serves the sandbox on addr ("127.0.0.1:8298", ":0") in the
// background and returns its base URL. Close stops it.
func (s *Server) Listen(addr string) (url string, err error) {
	return s.bg.Listen("sandbox carrier", addr, s)
}

// Close stops a server started with Start or Listen. The state stays
// readable.
func (s *Server) Close() error { return s.bg.Close() }

// ListenAndServe serves the sandbox on addr until ctx is done.
func (s *Server) ListenAndServe(ctx context.Context, addr string) error {
	return s.bg.ListenAndServe(ctx, "sandbox carrier", addr, s)
}

// SetFaults replaces the faults in force; Faults{} clears them.
func (s *Server) SetFaults(f Faults) {
	f.FailNext = max(f.FailNext, 0)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = f
}

// Faults returns the faults in force (FailNext counts down as requests
// fail).
func (s *Server) Faults() Faults {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faults
}

// Labels returns every label the sandbox made, oldest first.
func (s *Server) Labels() []Label {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.labels)
}

// LabelCount is how many labels the sandbox made for a key: 1 after any
// number of retries.
func (s *Server) LabelCount(key string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, l := range s.labels {
		if l.Key == key {
			n++
		}
	}
	return n
}

// Requests is how many requests came with an idempotency key, failed ones
// included: proof that a caller retried.
func (s *Server) Requests(key string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[key]
}

func apiError(w http.ResponseWriter, status int, code, format string, args ...any) {
	sandboxhttp.WriteError(w, status, code, fmt.Sprintf(format, args...))
}

// v1 wraps an API handler with authentication and the injected faults.
func (s *Server) v1(h func(http.ResponseWriter, *http.Request)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		key := r.Header.Get("Idempotency-Key")
		s.mu.Lock()
		if key != "" {
			s.requests[key]++
		}
		s.mu.Unlock()
		if s.opts.APIKey != "" && r.Header.Get("Authorization") != "Bearer "+s.opts.APIKey {
			apiError(w, http.StatusUnauthorized, "api_key_invalid", "invalid API key")
			return
		}
		s.mu.Lock()
		f := s.faults
		if !f.Unauthorized && !f.Down && f.FailNext > 0 {
			s.faults.FailNext--
		}
		s.mu.Unlock()
		switch {
		case f.Unauthorized:
			apiError(w, http.StatusUnauthorized, "api_key_invalid", "invalid API key (injected: the key was revoked)")
		case f.Down || f.FailNext > 0:
			apiError(w, http.StatusServiceUnavailable, "unavailable", "the carrier is unavailable (injected): nothing was made, try again")
		default:
			h(w, r)
		}
	}
}

func (s *Server) createLabel(w http.ResponseWriter, r *http.Request) {
	key := r.Header.Get("Idempotency-Key")
	if strings.TrimSpace(key) == "" {
		apiError(w, http.StatusBadRequest, "idempotency_key_missing", "the Idempotency-Key header is required: the return's number")
		return
	}
	var b carrier.LabelBody
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		apiError(w, http.StatusBadRequest, "parameter_invalid", "body: %v", err)
		return
	}
	if b.Key != "" && b.Key != key {
		apiError(w, http.StatusBadRequest, "key_mismatch", "the body's key %q is not the Idempotency-Key %q", b.Key, key)
		return
	}
	if strings.TrimSpace(b.From.Name) == "" || strings.TrimSpace(b.From.PostalCode) == "" {
		apiError(w, http.StatusBadRequest, "from_invalid", "from needs a name and a postal code: the label is printed with them")
		return
	}
	s.mu.Lock()
	for _, l := range s.labels {
		if l.Key == key {
			s.mu.Unlock()
			w.Header().Set("Idempotent-Replayed", "true")
			sandboxhttp.WriteJSON(w, http.StatusOK, s.reply(r, l))
			return
		}
	}
	l := Label{
		ID: fmt.Sprintf("lbl_%06d", len(s.labels)+1), Key: key, Reference: b.Reference, Carrier: s.opts.Name,
		From: b.From, To: b.To, Items: b.Items, Created: s.opts.Now().UTC(),
	}
	l.Tracking = s.newTracking()
	s.labels = append(s.labels, l)
	if err := s.save(); err != nil {
		s.labels = s.labels[:len(s.labels)-1]
		s.mu.Unlock()
		apiError(w, http.StatusServiceUnavailable, "storage", "the label could not be kept: %v", err)
		return
	}
	s.mu.Unlock()
	sandboxhttp.WriteJSON(w, http.StatusCreated, s.reply(r, l))
}

// reply is a label as the API answers it, its link on the address the
// customer reaches the sandbox at.
func (s *Server) reply(r *http.Request, l Label) carrier.LabelReply {
	base := s.opts.PublicURL
	if base == "" {
		base = "http://" + r.Host
	}
	return carrier.LabelReply{ID: l.ID, Key: l.Key, Tracking: l.Tracking, LabelURL: base + "/labels/" + l.Tracking + ".pdf",
		Carrier: l.Carrier, Created: l.Created}
}

// newTracking is a tracking number of the UPU's S10 form (two letters,
// eight digits, a check digit, the country: LR123456785FR) that no label
// of this sandbox has; s.mu is held.
func (s *Server) newTracking() string {
	for {
		n, err := rand.Int(rand.Reader, big.NewInt(100_000_000))
		if err != nil {
			n = big.NewInt(int64(len(s.labels) + 1))
		}
		t := fmt.Sprintf("LR%08d%dFR", n.Int64(), s10Check(fmt.Sprintf("%08d", n.Int64())))
		if !slices.ContainsFunc(s.labels, func(l Label) bool { return l.Tracking == t }) {
			return t
		}
	}
}

// s10Check is the check digit of an S10 tracking number's eight digits.
func s10Check(digits string) int {
	weights := []int{8, 6, 4, 2, 3, 5, 9, 7}
	sum := 0
	for i, d := range digits {
		sum += int(d-'0') * weights[i]
	}
	c := 11 - sum%11
	switch c {
	case 10:
		return 0
	case 11:
		return 5
	}
	return c
}

func (s *Server) byID(id string) (Label, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, l := range s.labels {
		if l.ID == id || l.Tracking == id {
			return l, true
		}
	}
	return Label{}, false
}

func (s *Server) getLabel(w http.ResponseWriter, r *http.Request) {
	l, ok := s.byID(r.PathValue("id"))
	if !ok {
		apiError(w, http.StatusNotFound, "resource_missing", "no label %q", r.PathValue("id"))
		return
	}
	sandboxhttp.WriteJSON(w, http.StatusOK, s.reply(r, l))
}

// labelPDF serves a label to print.
func (s *Server) labelPDF(w http.ResponseWriter, r *http.Request) {
	tracking, ok := strings.CutSuffix(r.PathValue("file"), ".pdf")
	l, found := s.byID(tracking)
	if !ok || !found {
		http.Error(w, "no such label", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="`+l.Tracking+`.pdf"`)
	_, _ = w.Write(labelDocument(l))
}

// faultsJSON is the admin endpoint's view of Faults.
type faultsJSON struct {
	FailNext     int  `json:"fail_next"`
	Down         bool `json:"down"`
	Unauthorized bool `json:"unauthorized,omitempty"`
}

func (s *Server) getFaults(w http.ResponseWriter, _ *http.Request) {
	f := s.Faults()
	sandboxhttp.WriteJSON(w, http.StatusOK, faultsJSON(f))
}

// putFaults replaces the faults: curl -X PUT -d '{"fail_next":3}' .../admin/faults
func (s *Server) putFaults(w http.ResponseWriter, r *http.Request) {
	var in faultsJSON
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<12))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		apiError(w, http.StatusBadRequest, "parameter_invalid", "body: %v (fields: fail_next, down, unauthorized)", err)
		return
	}
	if in.FailNext < 0 {
		apiError(w, http.StatusBadRequest, "fail_next_invalid", "fail_next is a count of requests, 0 or more")
		return
	}
	s.SetFaults(Faults(in))
	s.getFaults(w, r)
}

func (s *Server) deleteFaults(w http.ResponseWriter, r *http.Request) {
	s.SetFaults(Faults{})
	s.getFaults(w, r)
}

func (s *Server) getState(w http.ResponseWriter, r *http.Request) {
	f := s.Faults()
	sandboxhttp.WriteJSON(w, http.StatusOK, map[string]any{"labels": s.Labels(), "faults": faultsJSON(f)})
}
