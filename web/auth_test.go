package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
)

// signInForm posts the sign-in form as a browser would: first the page
// (which sets the pre-session cookie), then the form with its token.
func signInForm(t *testing.T, h http.Handler, email, password string, header http.Header) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/signin?next=/tasks", nil))
	var pre *http.Cookie
	for _, c := range rec.Result().Cookies() {
		if c.Name == "orderdesk_pre" {
			pre = c
		}
	}
	if pre == nil {
		t.Fatal("GET /signin set no pre-session cookie")
	}
	form := url.Values{"email": {email}, "password": {password}, "csrf": {pre.Value}, "next": {"/tasks"}}
	req := httptest.NewRequest(http.MethodPost, "/signin", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header[k] = v
	}
	req.AddCookie(pre)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestSignIn(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	signInAs(t, a.store, "paul@boutique.fr", "Paul <b>Chef</b>", store.RoleSupervisor)

	// A page without a session goes to the sign-in page, and comes back.
	rec := httptest.NewRecorder()
	a.h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/orders/C-1", nil))
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/signin?next=%2Forders%2FC-1" {
		t.Fatalf("GET without a session: %d to %q", rec.Code, rec.Header().Get("Location"))
	}

	rec = signInForm(t, a.h, "Paul@Boutique.fr", "wrong password", nil)
	if rec.Code != http.StatusUnauthorized {
		t.Fatalf("wrong password: %d", rec.Code)
	}
	mustContain(t, rec.Body.String(), "Adresse e-mail ou mot de passe incorrect.", `value="Paul@Boutique.fr"`)

	rec = signInForm(t, a.h, "paul@boutique.fr", "correct horse battery", http.Header{"X-Forwarded-Proto": {"https"}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/tasks" {
		t.Fatalf("sign-in: %d to %q\n%s", rec.Code, rec.Header().Get("Location"), rec.Body)
	}
	var session *http.Cookie
	for _, c := range rec.Result().Cookies() {
		if c.Name == "orderdesk_session" {
			session = c
		}
	}
	if session == nil || !session.HttpOnly || !session.Secure || session.SameSite != http.SameSiteLaxMode {
		t.Fatalf("session cookie %+v: want HttpOnly, Secure behind TLS, SameSite", session)
	}
	req := httptest.NewRequest(http.MethodGet, "/tasks", nil)
	req.AddCookie(session)
	rec = httptest.NewRecorder()
	a.h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /tasks signed in: %d", rec.Code)
	}
	mustContain(t, rec.Body.String(), "Paul &lt;b&gt;Chef&lt;/b&gt;", `<span class="badge role">superviseur</span>`)
}

func TestSignInIsRateLimited(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	for i := range 5 {
		if rec := signInForm(t, a.h, "marie@boutique.fr", "guess", nil); rec.Code != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d", i+1, rec.Code)
		}
	}
	rec := signInForm(t, a.h, "marie@boutique.fr", "correct horse battery", nil)
	if rec.Code != http.StatusTooManyRequests {
		t.Fatalf("sixth attempt: %d, want 429", rec.Code)
	}
	mustContain(t, rec.Body.String(), "Trop de tentatives de connexion. Réessayez dans 1 seconde.")
}

func TestPostNeedsTheCSRFToken(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	for name, token := range map[string]string{"missing": "", "wrong": "csrf-someone-else"} {
		rec := a.post("/locale", url.Values{"csrf": {token}, "locale": {"en"}})
		if rec.Code != http.StatusForbidden {
			t.Errorf("%s token: %d, want 403", name, rec.Code)
		}
		mustContain(t, rec.Body.String(), "Formulaire refusé")
	}
	// The sign-in form is protected too, by its pre-session token.
	form := url.Values{"email": {"marie@boutique.fr"}, "password": {"correct horse battery"}}
	req := httptest.NewRequest(http.MethodPost, "/signin", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	a.h.ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden {
		t.Errorf("sign-in without its token: %d, want 403", rec.Code)
	}
}

func TestLanguageIsRememberedPerAgent(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	seedOrder(t, a.store, "C-2026-000123", "Élodie Martin")
	rec := a.post("/locale", url.Values{"locale": {"en"}, "next": {"/orders/C-2026-000123"}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/orders/C-2026-000123" {
		t.Fatalf("POST /locale: %d to %q", rec.Code, rec.Header().Get("Location"))
	}
	body := a.page("/orders/C-2026-000123")
	mustContain(t, body, ">Orders</a>", "Customer", "€1,234.56", "Sign out")
	a.post("/locale", url.Values{"locale": {"fr"}})
	mustContain(t, a.page("/orders/C-2026-000123"), ">Commandes</a>", esc(order.EUR(123456).French()))
}

func TestActionsShowWhyTheyAreDisabled(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	seedOrder(t, a.store, "C-2026-000123", "Élodie Martin")
	// The warehouse has started on the order: its content can no longer
	// change, and the action says so rather than fail.
	if err := a.store.SetLogisticsStatus(context.Background(), "C-2026-000123", order.LogisticsPrinting, "entrepôt Lyon"); err != nil {
		t.Fatal(err)
	}
	body := a.page("/orders/C-2026-000123")
	mustContain(t, body, `id="action-modify" aria-disabled="true"`, "Modification impossible : statut logistique « En cours d&#39;impression »")
	if code, body := a.get("/orders/C-2026-999999/modify"); code != http.StatusNotFound || !strings.Contains(body, "Commande introuvable") {
		t.Errorf("modify of an unknown order: %d", code)
	}
}
