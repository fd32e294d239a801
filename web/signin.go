package web

import (
	"errors"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/store"
)

// signInData is the data of the sign-in page.
type signInData struct {
	Layout
	Email  string
	Next   string
	Pre    string // the pre-session token, echoed by the form
	Errors fieldErrors
}

// signInPage is GET /signin; ?lang=en (or fr) chooses the page's
// language, remembered in a cookie.
func (s *server) signInPage(w http.ResponseWriter, r *http.Request) error {
	if a, err := s.session(r); err == nil && a != nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return nil
	}
	lang := signInLang(r)
	if l := r.URL.Query().Get("lang"); l == "fr" || l == "en" {
		lang = l
		rememberLang(w, r, lang)
	}
	return s.renderSignIn(w, r, http.StatusOK, signInData{Layout: Layout{Lang: lang}, Next: r.URL.Query().Get("next")})
}

// langCookie remembers the language of the last agent of the browser, for
// the sign-in page (French until one chooses).
const langCookie = "orderdesk_lang"

func rememberLang(w http.ResponseWriter, r *http.Request, lang string) {
	setCookie(w, r, langCookie, lang, 365*24*time.Hour)
}

// signInLang is the sign-in page's language: the browser's last agent's.
func signInLang(r *http.Request) string {
	if c, err := r.Cookie(langCookie); err == nil && c.Value == "en" {
		return "en"
	}
	return "fr"
}

func (s *server) renderSignIn(w http.ResponseWriter, r *http.Request, status int, d signInData) error {
	lang := d.Lang
	if lang == "" {
		lang = signInLang(r)
	}
	d.Layout = Layout{Title: tr(lang, "signin.title"), Lang: lang}
	d.Next = safeNext(d.Next)
	if c, err := r.Cookie(preSessionCookie); err == nil && c.Value != "" {
		d.Pre = c.Value
	} else {
		d.Pre = newToken()
		setCookie(w, r, preSessionCookie, d.Pre, 2*time.Hour)
	}
	return s.render(w, status, "signin", d)
}

// signIn is POST /signin: check the password, open a session, go where the
// agent was going. Every attempt is counted in PostgreSQL before its
// password is checked (store.ReserveSignin): many attempts at once, on
// any number of web processes, check no more passwords than the limits
// allow; too many lately, and the page says when to try again.
func (s *server) signIn(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return badRequest(locale.Msg("error.unreadable_form"))
	}
	d := signInData{Email: strings.TrimSpace(r.PostFormValue("email")), Next: r.PostFormValue("next"), Errors: fieldErrors{}}
	lang := signInLang(r)
	c, err := r.Cookie(preSessionCookie)
	if err != nil || !sameToken(r.PostFormValue(csrfField), c.Value) {
		d.Errors["form"] = tr(lang, "signin.expired_form")
		return s.renderSignIn(w, r, http.StatusForbidden, d)
	}
	password := r.PostFormValue("password")
	if d.Email == "" {
		d.Errors["email"] = tr(lang, "signin.enter_email")
	}
	if password == "" {
		d.Errors["password"] = tr(lang, "signin.enter_password")
	}
	if len(d.Errors) > 0 {
		return s.renderSignIn(w, r, http.StatusUnprocessableEntity, d)
	}
	ctx, now, addr := r.Context(), s.now(), clientIP(r)
	attempt := store.SigninAttempt{Email: d.Email, Address: addr}
	ok, retryAt, err := s.store.ReserveSignin(ctx, attempt, now, s.limits)
	if err != nil {
		return err
	}
	if !ok {
		if err := s.store.RecordAudit(ctx, store.AuditEntry{Kind: store.AuditSignInThrottled, Email: d.Email, Address: addr}); err != nil {
			return err
		}
		d.Errors["form"] = tr(lang, "signin.too_many", locale.Text(waitText(lang, retryAt.Sub(now))))
		return s.renderSignIn(w, r, http.StatusTooManyRequests, d)
	}
	agent, err := s.store.AgentByEmail(ctx, d.Email)
	hash := []byte(agent.PasswordHash)
	if errors.Is(err, store.ErrNotFound) {
		hash = dummyHash
	} else if err != nil {
		return err
	}
	refused := ""
	switch {
	case s.pwCheck(hash, []byte(password)) != nil:
		refused = "wrong_password"
	case agent.ID == 0:
		refused = "unknown_account"
	case agent.DisabledAt != nil:
		refused = "disabled"
	}
	if refused != "" {
		line := store.AuditEntry{Kind: store.AuditSignInFailed, Email: d.Email, Address: addr, Detail: refused}
		if agent.ID != 0 {
			line.AgentID = &agent.ID
		}
		if err := s.store.RecordAudit(ctx, line); err != nil {
			return err
		}
		s.log.WarnContext(ctx, "web: sign-in refused", "email", d.Email, "ip", addr, "why", refused)
		if refused == "disabled" { // said only to who knows the password
			d.Errors["form"] = tr(lang, "signin.disabled")
			return s.renderSignIn(w, r, http.StatusForbidden, d)
		}
		d.Errors["password"] = tr(lang, "signin.wrong")
		return s.renderSignIn(w, r, http.StatusUnauthorized, d)
	}
	if err := s.store.SigninSucceeded(ctx, attempt, now, s.limits); err != nil {
		return err
	}
	// A new session, under a new token: a session of the browser from
	// before (someone else's, or planted) ends here.
	if old, err := r.Cookie(sessionCookie); err == nil && old.Value != "" {
		if err := s.store.DeleteSession(ctx, old.Value); err != nil {
			return err
		}
	}
	token := newToken()
	if err := s.store.CreateSession(ctx, token, agent.ID, newToken(), now.Add(s.sessionTTL)); err != nil {
		return err
	}
	if err := s.store.RecordAudit(ctx, store.AuditEntry{Kind: store.AuditSignIn, AgentID: &agent.ID, Email: agent.Email, Address: addr}); err != nil {
		return err
	}
	setCookie(w, r, sessionCookie, token, s.sessionTTL)
	setCookie(w, r, preSessionCookie, "", -1)
	rememberLang(w, r, agent.Locale)
	s.log.InfoContext(ctx, "web: signed in", "agent", agent.Email, "role", agent.Role)
	http.Redirect(w, r, safeNext(d.Next), http.StatusSeeOther)
	return nil
}

// signOut is POST /signout: this session ends.
func (s *server) signOut(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.store.DeleteSession(r.Context(), c.Value); err != nil {
			return err
		}
	}
	if a := agentOf(r); a != nil {
		if err := s.store.RecordAudit(r.Context(), store.AuditEntry{Kind: store.AuditSignOut, AgentID: &a.ID, Email: a.Email, Address: clientIP(r)}); err != nil {
			return err
		}
	}
	setCookie(w, r, sessionCookie, "", -1)
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
	return nil
}

// signOutEverywhere is POST /signout/everywhere: every session of the
// agent ends, on every browser (a lost phone, a shared computer).
func (s *server) signOutEverywhere(w http.ResponseWriter, r *http.Request) error {
	a := agentOf(r)
	n, err := s.store.DeleteAgentSessions(r.Context(), a.ID)
	if err != nil {
		return err
	}
	if err := s.store.RecordAudit(r.Context(), store.AuditEntry{Kind: store.AuditSignOutAll, AgentID: &a.ID, Email: a.Email,
		Address: clientIP(r), Detail: strconv.FormatInt(n, 10)}); err != nil {
		return err
	}
	setCookie(w, r, sessionCookie, "", -1)
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
	return nil
}

// setLocale is POST /locale: the agent's language, remembered on their
// account.
func (s *server) setLocale(w http.ResponseWriter, r *http.Request) error {
	lang := r.PostFormValue("locale")
	if lang != "fr" && lang != "en" {
		return badRequest(locale.Msg("error.unknown_language"))
	}
	if err := s.store.SetAgentLocale(r.Context(), agentOf(r).ID, lang); err != nil {
		return err
	}
	rememberLang(w, r, lang)
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
	return nil
}

// defaultLanding is where an agent lands after signing in when the
// address asked for is none of this site's.
const defaultLanding = "/orders"

// safeNext keeps a redirect on this site: a path of its own, never another
// host. The address is refused, for the default landing page, unless it
// starts with a single "/" and has no "//", no backslash and no control
// character (a tab or a newline, which browsers drop, making "/\t/host"
// "//host"), neither as given nor percent-decoded, and parses to a path
// without scheme or host.
func safeNext(next string) string {
	decoded, err := url.PathUnescape(next)
	if err != nil {
		return defaultLanding
	}
	for _, v := range []string{next, decoded} {
		if !strings.HasPrefix(v, "/") || strings.Contains(v, "//") || strings.ContainsRune(v, '\\') ||
			strings.IndexFunc(v, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) }) >= 0 {
			return defaultLanding
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || !strings.HasPrefix(u.Path, "/") ||
		u.Path == "/signin" || strings.HasPrefix(u.Path, "/signin/") {
		return defaultLanding
	}
	return next
}

// clientIP is the peer's address (not a header a client could forge).
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// waitText says a wait in lang, rounded up: "40 s", "3 min".
func waitText(lang string, d time.Duration) string {
	if d > time.Minute {
		return tr(lang, "signin.wait_minutes", locale.Count(int((d+time.Minute-1)/time.Minute)))
	}
	return tr(lang, "signin.wait_seconds", locale.Count(max(1, int((d+time.Second-1)/time.Second))))
}
