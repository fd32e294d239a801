package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/mail"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/web"
	"github.com/orderdesk/orderdesk/worker"
	"github.com/orderdesk/orderdesk/workflows"
)

// signinApp is the UI over a database of its own, counting the password
// checks of its sign-ins.
type signinApp struct {
	t      *testing.T
	store  *store.Store
	h      http.Handler
	checks atomic.Int32
}

func newSigninApp(t *testing.T) *signinApp {
	t.Helper()
	st := devstacktest.NewStore(t)
	c, _ := devstacktest.Temporal(t)
	a := &signinApp{t: t, store: st}
	a.h = newServer(t, st, starter.NewCollector(starter.New(c, st), st, starter.CollectOptions{}), web.Options{
		Procedures: fakeProcedures{}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		PasswordCheck: func(hash, password []byte) error {
			a.checks.Add(1)
			return bcrypt.CompareHashAndPassword(hash, password)
		},
	})
	return a
}

// quickHash is a bcrypt hash of the tests' password at bcrypt's lowest
// cost, so that checking it takes a millisecond.
var quickHash = sync.OnceValue(func() string {
	h, err := bcrypt.GenerateFromPassword([]byte(testPassword), bcrypt.MinCost)
	if err != nil {
		panic(err)
	}
	return string(h)
})

func (a *signinApp) agent(email, role string) store.Agent {
	a.t.Helper()
	ag, err := a.store.CreateAgent(context.Background(), store.Agent{Email: email, Name: email, Role: role, PasswordHash: quickHash()})
	if err != nil {
		a.t.Fatal(err)
	}
	return ag
}

// preCookie is the sign-in form's pre-session cookie, as GET /signin sets it.
func (a *signinApp) preCookie() *http.Cookie {
	a.t.Helper()
	rec := httptest.NewRecorder()
	a.h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/signin", nil))
	for _, c := range rec.Result().Cookies() {
		if c.Name == "orderdesk_pre" {
			return c
		}
	}
	a.t.Fatal("GET /signin set no pre-session cookie")
	return nil
}

// signIn posts the form from the address addr, with more cookies (a
// language, an older session).
func (a *signinApp) signIn(pre *http.Cookie, addr, email, password, next string, more ...*http.Cookie) *httptest.ResponseRecorder {
	form := url.Values{"email": {email}, "password": {password}, "csrf": {pre.Value}, "next": {next}}
	req := httptest.NewRequest(http.MethodPost, "/signin", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.RemoteAddr = addr + ":40000"
	req.AddCookie(pre)
	for _, c := range more {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	a.h.ServeHTTP(rec, req)
	return rec
}

func sessionOf(rec *httptest.ResponseRecorder) *http.Cookie {
	for _, c := range rec.Result().Cookies() {
		if c.Name == "orderdesk_session" && c.Value != "" {
			return c
		}
	}
	return nil
}

// open requests a page with a session: its status and where it redirects.
func (a *signinApp) open(session *http.Cookie, path string) (int, string, string) {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if session != nil {
		req.AddCookie(session)
	}
	rec := httptest.NewRecorder()
	a.h.ServeHTTP(rec, req)
	return rec.Code, rec.Header().Get("Location"), rec.Body.String()
}

func (a *signinApp) audit(email string) []store.AuditEntry {
	a.t.Helper()
	lines, err := a.store.ListAudit(context.Background(), store.AuditFilter{Email: email})
	if err != nil {
		a.t.Fatal(err)
	}
	return lines
}

func kindsOf(lines []store.AuditEntry) []string {
	var ks []string
	for _, l := range lines {
		ks = append(ks, l.Kind)
	}
	return ks
}

// TestFortyGuessesAtOnceCheckFivePasswords: an attacker sends 40 wrong
// passwords for one account at the same moment; the server checks no
// more than five of them (the limit), the others wait without a check.
func TestFortyGuessesAtOnceCheckFivePasswords(t *testing.T) {
	a := newSigninApp(t)
	a.agent("marie@boutique.fr", store.RoleAgent)
	pre := a.preCookie()
	var wg sync.WaitGroup
	codes := make(chan int, 40)
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes <- a.signIn(pre, fmt.Sprintf("203.0.113.%d", i), "marie@boutique.fr", fmt.Sprintf("guess-%d", i), "/orders").Code
		}()
	}
	wg.Wait()
	close(codes)
	n := map[int]int{}
	for c := range codes {
		n[c]++
	}
	if got := a.checks.Load(); got > 5 || got == 0 {
		t.Fatalf("%d password checks for 40 guesses at once, want at most 5", got)
	}
	if n[http.StatusUnauthorized] != int(a.checks.Load()) || n[http.StatusTooManyRequests] != 40-int(a.checks.Load()) {
		t.Fatalf("answers %v, want %d refused passwords and the rest asked to wait", n, a.checks.Load())
	}
}

// TestAnOfficeBehindOneAddressSignsIn: forty agents behind one office
// address, each mistyping once then signing in: none is held back (the
// limit of before locked them all out from the 31st failure).
func TestAnOfficeBehindOneAddressSignsIn(t *testing.T) {
	a := newSigninApp(t)
	pre := a.preCookie()
	for i := range 40 {
		email := fmt.Sprintf("agent%d@boutique.fr", i)
		a.agent(email, store.RoleAgent)
		if rec := a.signIn(pre, "198.51.100.7", email, "mistyped", "/orders"); rec.Code != http.StatusUnauthorized {
			t.Fatalf("%s mistyping: %d", email, rec.Code)
		}
		if rec := a.signIn(pre, "198.51.100.7", email, testPassword, "/orders"); rec.Code != http.StatusSeeOther || sessionOf(rec) == nil {
			t.Fatalf("%s signing in from the office: %d\n%s", email, rec.Code, rec.Body)
		}
	}
}

// TestAnAttackerDoesNotKeepTheAgentOut: five wrong passwords from
// elsewhere make the account wait a second; the page says so in the
// agent's language; after it, the real agent signs in. An address the
// agent signed in from before is not held back at all.
func TestAnAttackerDoesNotKeepTheAgentOut(t *testing.T) {
	a := newSigninApp(t)
	a.agent("marie@boutique.fr", store.RoleAgent)
	a.agent("paul@boutique.fr", store.RoleAgent)
	pre := a.preCookie()
	// Paul signed in from the office yesterday.
	if rec := a.signIn(pre, "198.51.100.7", "paul@boutique.fr", testPassword, "/orders"); rec.Code != http.StatusSeeOther {
		t.Fatalf("paul: %d", rec.Code)
	}
	for _, email := range []string{"marie@boutique.fr", "paul@boutique.fr"} {
		for i := range 5 {
			if rec := a.signIn(pre, "203.0.113.66", email, "guess", "/orders"); rec.Code != http.StatusUnauthorized {
				t.Fatalf("attacker's guess %d at %s: %d", i+1, email, rec.Code)
			}
		}
	}
	rec := a.signIn(pre, "198.51.100.8", "marie@boutique.fr", testPassword, "/orders")
	if rec.Code != http.StatusTooManyRequests {
		t.Fatalf("marie at once: %d, want 429", rec.Code)
	}
	mustContain(t, rec.Body.String(), "Trop de tentatives de connexion. Réessayez dans 1 seconde.")
	rec = a.signIn(pre, "198.51.100.8", "marie@boutique.fr", testPassword, "/orders", &http.Cookie{Name: "orderdesk_lang", Value: "en"})
	mustContain(t, rec.Body.String(), "Too many sign-in attempts. Try again in 1 second.")
	// Paul's office address is his: the attacker's delay does not hold him.
	if rec := a.signIn(pre, "198.51.100.7", "paul@boutique.fr", testPassword, "/orders"); rec.Code != http.StatusSeeOther {
		t.Fatalf("paul from his office after the attack: %d", rec.Code)
	}
	time.Sleep(time.Second + 100*time.Millisecond)
	if rec := a.signIn(pre, "198.51.100.8", "marie@boutique.fr", testPassword, "/orders"); rec.Code != http.StatusSeeOther || sessionOf(rec) == nil {
		t.Fatalf("marie after the delay: %d\n%s", rec.Code, rec.Body)
	}
	lines := a.audit("marie@boutique.fr")
	if k := kindsOf(lines); len(k) != 8 || k[0] != store.AuditSignIn || k[1] != store.AuditSignInThrottled || k[3] != store.AuditSignInFailed {
		t.Fatalf("marie's audit, newest first: %v", k)
	}
	if lines[0].Address != "198.51.100.8" || lines[3].Address != "203.0.113.66" || lines[3].Detail != "wrong_password" {
		t.Fatalf("addresses: %+v / %+v", lines[0], lines[3])
	}
}

// TestNextStaysOnTheSite: after signing in, and for an agent signed in
// already, every address that could lead to another host lands on the
// order list.
func TestNextStaysOnTheSite(t *testing.T) {
	a := newSigninApp(t)
	a.agent("marie@boutique.fr", store.RoleAgent)
	pre := a.preCookie()
	rec := a.signIn(pre, "198.51.100.7", "marie@boutique.fr", testPassword, "/orders/C-2026-000101?tab=history")
	if rec.Header().Get("Location") != "/orders/C-2026-000101?tab=history" {
		t.Fatalf("a page of the site: to %q", rec.Header().Get("Location"))
	}
	session := sessionOf(rec)
	for _, next := range []string{"/\t/host", "//host", "/\\host", "https://host", "/%09/host", "/%2F/host", "/%5Chost",
		"///host", "http:/host", "//host/%2e%2e", "/\n/host", " /host", "javascript:alert(1)", "/signin", ""} {
		// A signed-in agent sent to /signin?next=...; a control character
		// in a parameter may be refused outright (400), never followed.
		code, loc, _ := a.open(session, "/signin?next="+url.QueryEscape(next))
		if code != http.StatusBadRequest && (code != http.StatusSeeOther || loc != "/orders") {
			t.Errorf("signed in, next %q: %d to %q, want /orders", next, code, loc)
		}
		// and signing in with it.
		rec := a.signIn(pre, "198.51.100.7", "marie@boutique.fr", testPassword, next)
		if rec.Code != http.StatusBadRequest && rec.Header().Get("Location") != "/orders" {
			t.Errorf("signing in, next %q: %d to %q, want /orders", next, rec.Code, rec.Header().Get("Location"))
		}
	}
	// The address as an attacker writes it in a link.
	if code, loc, _ := a.open(session, "/signin?next=/%09/host"); code != http.StatusBadRequest && loc != "/orders" {
		t.Errorf("/signin?next=/%%09/host: %d to %q", code, loc)
	}
}

// TestSignOutEverywhereEndsEverySession: signed in on two browsers, the
// agent signs out everywhere from one; both are signed out. Signing in
// gives a new token and ends the browser's session of before.
func TestSignOutEverywhereEndsEverySession(t *testing.T) {
	a := newSigninApp(t)
	a.agent("marie@boutique.fr", store.RoleAgent)
	pre := a.preCookie()
	first := sessionOf(a.signIn(pre, "198.51.100.7", "marie@boutique.fr", testPassword, "/orders"))
	// Signing in again on the same browser rotates its session.
	rotated := sessionOf(a.signIn(pre, "198.51.100.7", "marie@boutique.fr", testPassword, "/orders", first))
	if rotated == nil || rotated.Value == first.Value {
		t.Fatal("signing in again kept the session's token")
	}
	if code, loc, _ := a.open(first, "/orders"); code != http.StatusSeeOther || !strings.HasPrefix(loc, "/signin") {
		t.Fatalf("the session before signing in again: %d to %q, want ended", code, loc)
	}
	other := sessionOf(a.signIn(a.preCookie(), "203.0.113.9", "marie@boutique.fr", testPassword, "/orders"))
	code, _, body := a.open(rotated, "/orders")
	if code != http.StatusOK {
		t.Fatalf("GET /orders: %d", code)
	}
	mustContain(t, body, `id="signout-everywhere"`, "Déconnexion partout")
	csrf := csrfOf(t, body)
	req := httptest.NewRequest(http.MethodPost, "/signout/everywhere", strings.NewReader(url.Values{"csrf": {csrf}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(rotated)
	rec := httptest.NewRecorder()
	a.h.ServeHTTP(rec, req)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/signin" {
		t.Fatalf("POST /signout/everywhere: %d to %q", rec.Code, rec.Header().Get("Location"))
	}
	for name, c := range map[string]*http.Cookie{"this browser": rotated, "the other": other} {
		if code, loc, _ := a.open(c, "/orders"); code != http.StatusSeeOther || !strings.HasPrefix(loc, "/signin") {
			t.Errorf("%s after signing out everywhere: %d to %q", name, code, loc)
		}
	}
	if k := kindsOf(a.audit("marie@boutique.fr")); k[0] != store.AuditSignOutAll {
		t.Errorf("audit: %v", k)
	}
}

var csrfInput = `name="csrf" value="`

func csrfOf(t *testing.T, body string) string {
	t.Helper()
	i := strings.Index(body, csrfInput)
	if i < 0 {
		t.Fatal("no CSRF token in the page")
	}
	rest := body[i+len(csrfInput):]
	return rest[:strings.IndexByte(rest, '"')]
}

// TestADisabledAccountIsOutAtOnce: an admin disables an account while it
// has a page open; its next request is refused, and it cannot sign in
// again, even with the right password.
func TestADisabledAccountIsOutAtOnce(t *testing.T) {
	a := newSigninApp(t)
	a.agent("marie@boutique.fr", store.RoleAgent)
	pre := a.preCookie()
	session := sessionOf(a.signIn(pre, "198.51.100.7", "marie@boutique.fr", testPassword, "/orders"))
	if code, _, _ := a.open(session, "/orders"); code != http.StatusOK {
		t.Fatalf("before: %d", code)
	}
	if _, err := a.store.SetAgentDisabled(context.Background(), "marie@boutique.fr", true, store.AccountChange{Actor: "cli"}); err != nil {
		t.Fatal(err)
	}
	if code, loc, _ := a.open(session, "/orders"); code != http.StatusSeeOther || !strings.HasPrefix(loc, "/signin") {
		t.Fatalf("the open session of a disabled account: %d to %q, want refused", code, loc)
	}
	rec := a.signIn(pre, "198.51.100.7", "marie@boutique.fr", testPassword, "/orders")
	if rec.Code != http.StatusForbidden || sessionOf(rec) != nil {
		t.Fatalf("a disabled account signing in: %d", rec.Code)
	}
	mustContain(t, rec.Body.String(), "Ce compte est désactivé")
	// Enabled again, it signs in.
	if _, err := a.store.SetAgentDisabled(context.Background(), "marie@boutique.fr", false, store.AccountChange{Actor: "cli"}); err != nil {
		t.Fatal(err)
	}
	if rec := a.signIn(pre, "198.51.100.7", "marie@boutique.fr", testPassword, "/orders"); rec.Code != http.StatusSeeOther {
		t.Fatalf("enabled again: %d", rec.Code)
	}
}

// TestTheAuditPageIsForAdmins: an agent or a supervisor gets 403; an
// admin reads the log, newest first, filtered by agent, in French.
func TestTheAuditPageIsForAdmins(t *testing.T) {
	a := newSigninApp(t)
	a.agent("marie@boutique.fr", store.RoleAgent)
	a.agent("paul@boutique.fr", store.RoleSupervisor)
	a.agent("admin@boutique.fr", store.RoleAdmin)
	pre := a.preCookie()
	a.signIn(pre, "203.0.113.66", "marie@boutique.fr", "guess", "/orders")
	for _, email := range []string{"marie@boutique.fr", "paul@boutique.fr"} {
		s := sessionOf(a.signIn(pre, "198.51.100.7", email, testPassword, "/orders"))
		code, _, body := a.open(s, "/admin/audit")
		if code != http.StatusForbidden {
			t.Fatalf("%s on the audit page: %d, want 403", email, code)
		}
		mustContain(t, body, "Réservé aux administrateurs")
		mustNotContain(t, body, "203.0.113.66")
	}
	admin := sessionOf(a.signIn(pre, "198.51.100.7", "admin@boutique.fr", testPassword, "/orders"))
	code, _, body := a.open(admin, "/admin/audit")
	if code != http.StatusOK {
		t.Fatalf("admin: %d", code)
	}
	mustContain(t, body, "Journal d&#39;audit", `href="/admin/audit" aria-current="page"`, "Connexion refusée", "mot de passe incorrect", "203.0.113.66")
	if strings.Index(body, "admin@boutique.fr</a>") > strings.Index(body, "marie@boutique.fr</a>") {
		t.Error("the newest line (the admin's sign-in) is not first")
	}
	_, _, body = a.open(admin, "/admin/audit?agent=Marie@boutique.fr")
	mustContain(t, body, "marie@boutique.fr</a>")
	mustNotContain(t, body, "paul@boutique.fr</a>", "admin@boutique.fr</a>")
}

// TestAnApprovalIsAudited: a supervisor approves, from the task inbox, a
// refund above the limit; the audit log has the approval, by the
// supervisor, with the task and the order, written by the server.
func TestAnApprovalIsAudited(t *testing.T) {
	st := devstacktest.NewStore(t)
	c, queue := devstacktest.Worker(t, worker.Deps{Store: st, Sender: mail.DevSender{}})
	s := starter.New(c, st, starter.Options{TaskQueue: queue, Settings: workflows.Settings{ApproveAbove: 2000}})
	h := newServer(t, st, starter.NewCollector(s, st, starter.CollectOptions{}), web.Options{ApprovalThreshold: 2000,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	o := insertPaidOrder(t, st, "C-2026-000951", order.PayPayPal)
	signInAs(t, st, "marie@boutique.fr", "Marie Dupont", store.RoleAgent)
	cookie, csrf := signInAs(t, st, "paul@boutique.fr", "Paul Chef", store.RoleSupervisor)
	ctx := context.Background()
	if _, err := s.CancelRefund(ctx, starter.CancelRefundRequest{OrderNumber: o.Number, RequestID: "all", Agent: "marie@boutique.fr", Cancel: order.DefaultCancel(o), RefundDefault: true, Reason: "colis perdu"}); err != nil {
		t.Fatal(err)
	}
	task := openTask(t, st, o.Number, workflows.TaskApproveRefund)
	form := url.Values{"csrf": {csrf}, "outcome": {workflows.AnswerApprove}, "back": {"/tasks"}}
	req := httptest.NewRequest(http.MethodPost, fmt.Sprintf("/tasks/%d/answer", task.ID), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(cookie)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("approving: %d\n%s", rec.Code, rec.Body)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		lines, err := st.ListAudit(ctx, store.AuditFilter{Email: "paul@boutique.fr"})
		if err != nil {
			t.Fatal(err)
		}
		if len(lines) == 1 && lines[0].Kind == store.AuditApproval {
			if want := fmt.Sprintf("#%d · %s", task.ID, o.Number); lines[0].Detail != want || lines[0].AgentID == nil {
				t.Fatalf("approval line %+v, want detail %q and Paul's account", lines[0], want)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no approval in the audit log: %+v", lines)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if lines, _ := st.ListAudit(ctx, store.AuditFilter{Email: "marie@boutique.fr"}); len(lines) != 0 {
		t.Errorf("the requester has lines: %+v", lines)
	}
}
