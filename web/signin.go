package web

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

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
// agent was going. Failures are counted per email and per address.
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
	now := s.now()
	emailKey, ipKey := "email:"+strings.ToLower(d.Email), "ip:"+clientIP(r)
	for _, l := range []struct {
		lim *limiter
		key string
	}{{s.signins, emailKey}, {s.signinsIP, ipKey}} {
		if blocked, until := l.lim.blocked(l.key, now); blocked {
			d.Errors["form"] = tr(lang, "signin.too_many", locale.Text(frenchWait(until.Sub(now))))
			return s.renderSignIn(w, r, http.StatusTooManyRequests, d)
		}
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
	agent, err := s.store.AgentByEmail(r.Context(), d.Email)
	hash := []byte(agent.PasswordHash)
	if errors.Is(err, store.ErrNotFound) {
		hash = dummyHash
	} else if err != nil {
		return err
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(password)) != nil || agent.ID == 0 {
		s.signins.fail(emailKey, now)
		s.signinsIP.fail(ipKey, now)
		s.log.WarnContext(r.Context(), "web: sign-in refused", "email", d.Email, "ip", clientIP(r))
		d.Errors["password"] = tr(lang, "signin.wrong")
		return s.renderSignIn(w, r, http.StatusUnauthorized, d)
	}
	s.signins.reset(emailKey)
	token := newToken()
	if err := s.store.CreateSession(r.Context(), token, agent.ID, newToken(), now.Add(s.sessionTTL)); err != nil {
		return err
	}
	setCookie(w, r, sessionCookie, token, s.sessionTTL)
	setCookie(w, r, preSessionCookie, "", -1)
	rememberLang(w, r, agent.Locale)
	s.log.InfoContext(r.Context(), "web: signed in", "agent", agent.Email, "role", agent.Role)
	http.Redirect(w, r, safeNext(d.Next), http.StatusSeeOther)
	return nil
}

// signOut is POST /signout.
func (s *server) signOut(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.store.DeleteSession(r.Context(), c.Value); err != nil {
			return err
		}
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

// safeNext keeps a redirect on this site: a path, never another host.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") || strings.HasPrefix(next, "/signin") {
		return "/orders"
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

// frenchWait writes a short wait: "3 min", "40 s".
func frenchWait(d time.Duration) string {
	if d >= time.Minute {
		return fmt.Sprintf("%d min", int((d+time.Minute-1)/time.Minute))
	}
	return fmt.Sprintf("%d s", max(1, int(d/time.Second)))
}
