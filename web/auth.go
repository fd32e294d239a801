package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/store"
)

// Cookie names. The session cookie holds a random token (the database
// keeps only its hash); the pre-session cookie protects the sign-in form
// itself against cross-site posts (double-submit).
const (
	sessionCookie    = "orderdesk_session"
	preSessionCookie = "orderdesk_pre"
	csrfField        = "csrf"
)

// bcryptCost is the work factor of new password hashes.
const bcryptCost = 11

// hashCost is the work factor HashPassword uses: bcryptCost, lowered only
// by this package's tests (hashcost_test.go), where hashing the test
// agents' passwords at bcryptCost took a quarter of a second each.
var hashCost = bcryptCost

// HashPassword hashes an agent's password for the agents table (bcrypt).
// `orderdesk agent add` and make dev's demo accounts use it.
func HashPassword(password string) (string, error) {
	if len(password) < 8 {
		return "", errors.New("a password needs at least 8 characters")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), hashCost)
	return string(h), err
}

// dummyHash is compared against when the email is unknown, so a sign-in
// takes as long whether the account exists or not.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("no such agent, no such password"), bcryptCost)

// signedIn is the agent of the request, and what the pages need of the
// session.
type signedIn struct {
	ID     int64
	Email  string
	Name   string
	Role   string // agent, supervisor, admin
	Locale string // fr, en
	CSRF   string
}

// signInStore is what signing in, the sessions and the audit log need of
// the store.
type signInStore interface {
	AgentByEmail(ctx context.Context, email string) (store.Agent, error)
	CreateSession(ctx context.Context, token string, agentID int64, csrf string, expires time.Time) error
	SessionByToken(ctx context.Context, token string) (store.Session, error)
	DeleteSession(ctx context.Context, token string) error
	DeleteAgentSessions(ctx context.Context, agentID int64) (int64, error)
	SetAgentLocale(ctx context.Context, agentID int64, locale string) error
	ReserveSignin(ctx context.Context, at store.SigninAttempt, now time.Time, l store.SigninLimits) (bool, time.Time, error)
	SigninSucceeded(ctx context.Context, at store.SigninAttempt, now time.Time, l store.SigninLimits) error
	RecordAudit(ctx context.Context, e store.AuditEntry) error
	ListAudit(ctx context.Context, f store.AuditFilter) ([]store.AuditEntry, error)
}

// Administers reports whether the agent may read the audit log.
func (a *signedIn) Administers() bool {
	return a != nil && a.Role == store.RoleAdmin
}

// Supervises reports whether the agent may approve refunds.
func (a *signedIn) Supervises() bool {
	return a != nil && (a.Role == store.RoleSupervisor || a.Role == store.RoleAdmin)
}

type agentKey struct{}

// agentOf is the signed-in agent of a request that went through
// requireAgent (nil otherwise).
func agentOf(r *http.Request) *signedIn {
	a, _ := r.Context().Value(agentKey{}).(*signedIn)
	return a
}

// sessionWriter carries the session to render, which fills the layout
// (agent, CSRF token, language) without every handler passing them.
type sessionWriter struct {
	http.ResponseWriter
	agent *signedIn
	path  string // the page's address, to come back to after switching language
}

func (w *sessionWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// requireAgent lets a request through only with a valid session: GETs
// without one go to the sign-in page (and come back afterwards), POSTs are
// refused. Every POST must carry the session's CSRF token.
func (s *server) requireAgent(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, err := s.session(r)
		if err != nil {
			s.handle(func(http.ResponseWriter, *http.Request) error { return err }).ServeHTTP(w, r)
			return
		}
		if a == nil {
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			s.renderError(w, r, &pageError{status: http.StatusForbidden, title: locale.Msg("error.session_expired"),
				message: locale.Msg("error.session_expired_message")}, "")
			return
		}
		w = &sessionWriter{ResponseWriter: w, agent: a, path: r.URL.RequestURI()}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
			if !sameToken(r.PostFormValue(csrfField), a.CSRF) {
				s.renderError(w, r, &pageError{status: http.StatusForbidden, title: locale.Msg("error.form_refused"),
					message: locale.Msg("error.form_refused_message")}, "")
				return
			}
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), agentKey{}, a)))
	})
}

// session reads the request's session cookie: nil when there is none or
// it is no longer valid.
func (s *server) session(r *http.Request) (*signedIn, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil, nil
	}
	se, err := s.store.SessionByToken(r.Context(), c.Value)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &signedIn{ID: se.Agent.ID, Email: se.Agent.Email, Name: se.Agent.Name, Role: se.Agent.Role,
		Locale: se.Agent.Locale, CSRF: se.CSRFToken}, nil
}

func sameToken(got, want string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// newToken is a random token for a cookie or a form.
func newToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}

// secureRequest reports whether the agent reached us over TLS, directly or
// through a proxy that says so: cookies are then Secure.
func secureRequest(r *http.Request) bool {
	return r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

// setCookie sets an HttpOnly, SameSite=Lax cookie, Secure behind TLS. Lax
// (not Strict) so that a link to an order from an email opens signed in;
// every change is a POST, which Lax does not send cross-site.
func setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge time.Duration) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: value, Path: "/", MaxAge: int(maxAge / time.Second),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: secureRequest(r),
	})
}
