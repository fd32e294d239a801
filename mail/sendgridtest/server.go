// Package sendgridtest is a fake SendGrid for the tests, served over HTTP
// so that orderdesk's real SendGrid client talks to it: the mail send API
// (POST /v3/mail/send) and the Email Activity API's filter on a custom
// argument (GET /v3/messages?query=unique_args['name']="value"). A switch
// makes it accept an email and then lose its answer (the connection is
// closed before the status), as a network cut after SendGrid took it.
package sendgridtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// APIKey is the key the fake accepts.
const APIKey = "SG.test-key"

// Message is an email the fake accepted.
type Message struct {
	ID         string            // its msg_id: the X-Message-Id answered, then ".0"
	To         string            // the first recipient
	Subject    string            //
	CustomArgs map[string]string // custom_args as sent
}

// Server is the fake. Its zero value is not usable: call New.
type Server struct {
	URL string

	mu       sync.Mutex
	accepted []Message
	drop     int // answers still to lose after accepting
	queries  int
	// ActivityStatus, when not 0, is the status GET /v3/messages answers
	// (403: an account without Email Activity access).
	activityStatus int
}

// New starts the fake for the test's lifetime.
func New(t testing.TB) *Server {
	s := &Server{}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	s.URL = srv.URL
	return s
}

// DropAnswers makes the next n emails be accepted, then their answer lost:
// the connection is closed before any status is written.
func (s *Server) DropAnswers(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.drop = n
}

// SetActivityStatus makes the Email Activity API answer status (0: as
// SendGrid does for an account that has it).
func (s *Server) SetActivityStatus(status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.activityStatus = status
}

// Accepted are the emails the fake took, in order.
func (s *Server) Accepted() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.accepted...)
}

// Queries counts the Email Activity API's calls.
func (s *Server) Queries() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.queries
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer "+APIKey {
		writeError(w, http.StatusUnauthorized, "The provided authorization grant is invalid, expired, or revoked")
		return
	}
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/v3/mail/send":
		s.send(w, r)
	case r.Method == http.MethodGet && r.URL.Path == "/v3/messages":
		s.messages(w, r)
	default:
		writeError(w, http.StatusNotFound, "no such endpoint: "+r.Method+" "+r.URL.Path)
	}
}

func (s *Server) send(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Subject          string `json:"subject"`
		Personalizations []struct {
			To []struct {
				Email string `json:"email"`
			} `json:"to"`
		} `json:"personalizations"`
		CustomArgs map[string]string `json:"custom_args"`
	}
	raw, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(raw, &body); err != nil || len(body.Personalizations) == 0 || len(body.Personalizations[0].To) == 0 {
		writeError(w, http.StatusBadRequest, "bad request body")
		return
	}
	s.mu.Lock()
	id := fmt.Sprintf("fake-%d", len(s.accepted)+1)
	s.accepted = append(s.accepted, Message{ID: id + ".0", To: body.Personalizations[0].To[0].Email, Subject: body.Subject, CustomArgs: body.CustomArgs})
	drop := s.drop > 0
	if drop {
		s.drop--
	}
	s.mu.Unlock()
	if drop {
		// Accepted, and the answer never arrives.
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler)
	}
	w.Header().Set("X-Message-Id", id)
	w.WriteHeader(http.StatusAccepted)
}

// uniqueArg reads the filter unique_args['name']="value".
var uniqueArg = regexp.MustCompile(`^unique_args\['([^']+)'\]\s*=\s*"((?:[^"\\]|\\.)*)"$`)

func (s *Server) messages(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queries++
	if s.activityStatus != 0 {
		writeError(w, s.activityStatus, "access forbidden")
		return
	}
	m := uniqueArg.FindStringSubmatch(strings.TrimSpace(r.URL.Query().Get("query")))
	if m == nil {
		writeError(w, http.StatusBadRequest, "the fake knows only the filter unique_args['name']=\"value\"")
		return
	}
	name, value := m[1], strings.ReplaceAll(m[2], `\"`, `"`)
	type msg struct {
		MsgID   string `json:"msg_id"`
		ToEmail string `json:"to_email"`
		Subject string `json:"subject"`
		Status  string `json:"status"`
	}
	out := struct {
		Messages []msg `json:"messages"`
	}{Messages: []msg{}}
	for _, a := range s.accepted {
		if a.CustomArgs[name] == value {
			out.Messages = append(out.Messages, msg{MsgID: a.ID, ToEmail: a.To, Subject: a.Subject, Status: "delivered"})
		}
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": []map[string]any{{"message": msg, "field": nil}}})
}
