package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"

	"github.com/orderdesk/orderdesk/devstack"
	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/web"
)

// pgCluster is a PostgreSQL cluster of one test's own, whose processes the
// test can stop (SIGSTOP: the server hangs, connections stay open and
// nothing answers) and let go on (SIGCONT).
type pgCluster struct {
	t   *testing.T
	pg  *devstack.Postgres
	url string
}

func startOwnPostgres(t *testing.T) *pgCluster {
	t.Helper()
	dir, err := os.MkdirTemp("", "orderdesk-hungpg-")
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	pg, err := devstack.StartPostgres(ctx, devstack.PostgresOptions{Dir: dir, Port: port})
	if err != nil {
		os.RemoveAll(dir)
		t.Fatalf("a PostgreSQL of the test's own: %v", err)
	}
	c := &pgCluster{t: t, pg: pg, url: pg.URL("postgres")}
	t.Cleanup(func() {
		c.signal(syscall.SIGCONT)
		if err := pg.Stop(); err != nil {
			t.Logf("stopping the test's PostgreSQL: %v", err)
			return
		}
		os.RemoveAll(dir)
	})
	return c
}

// pids are the cluster's processes: the postmaster (postmaster.pid) and
// its children.
func (c *pgCluster) pids() []int {
	c.t.Helper()
	b, err := os.ReadFile(filepath.Join(c.pg.Dir, "data", "postmaster.pid"))
	if err != nil {
		c.t.Fatal(err)
	}
	first, _, _ := strings.Cut(string(b), "\n")
	master, err := strconv.Atoi(strings.TrimSpace(first))
	if err != nil {
		c.t.Fatalf("postmaster.pid: %q", first)
	}
	pids := []int{master}
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, st := range stats {
		b, err := os.ReadFile(st)
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces, not ')'.
		rest := string(b[bytes.LastIndexByte(b, ')')+1:])
		f := strings.Fields(rest)
		if len(f) < 2 {
			continue
		}
		if ppid, _ := strconv.Atoi(f[1]); ppid == master {
			pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(st)))
			pids = append(pids, pid)
		}
	}
	return pids
}

func (c *pgCluster) signal(sig syscall.Signal) {
	for _, pid := range c.pids() {
		_ = syscall.Kill(pid, sig)
	}
}

// hang stops every process of the cluster until the test lets them go on.
func (c *pgCluster) hang() { c.signal(syscall.SIGSTOP) }

// resume lets them go on.
func (c *pgCluster) resume() { c.signal(syscall.SIGCONT) }

var referenceRE = regexp.MustCompile(`<code>([0-9a-f]{10})</code>`)

// With PostgreSQL hung, the pages and the API answer within 3 s a 503
// saying that the database does not answer, that nothing was started or
// changed, what to do and a reference that the log line with the cause
// also has; once PostgreSQL goes on, the pages work again.
func TestHungPostgresAnswers503Fast(t *testing.T) {
	pg := startOwnPostgres(t)
	ctx := context.Background()
	setup, err := store.Open(ctx, pg.url)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := setup.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	setup.Close()
	st, err := store.Open(ctx, pg.url, store.Options{StatementTimeout: 5 * time.Second, LockTimeout: 2 * time.Second, ConnectTimeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	o := insertPaidOrder(t, st, "C-2026-000981", order.PayCard)
	logs := &bytes.Buffer{}
	tc, _ := devstacktest.Temporal(t)
	h := newServer(t, st, starter.NewCollector(starter.New(tc, st), st, starter.CollectOptions{}),
		web.Options{Procedures: fakeProcedures{}, Logger: slog.New(slog.NewTextHandler(logs, nil))})
	a := &app{t: t, store: st, h: h, logs: logs}
	a.cookie, a.csrf = signInAs(t, st, "marie@boutique.fr", "Marie Dupont", store.RoleAgent)
	pages := []string{"/orders", "/orders/" + o.Number, "/tasks"}
	for _, p := range pages {
		a.page(p) // the pool holds connections to the server that will hang
	}

	pg.hang()
	t.Cleanup(pg.resume)
	// The pages and the API call are asked at once, as agents would: each
	// is timed on its own, and the 2 s each waits on the database is spent
	// once rather than four times.
	type answer struct {
		code int
		body string
		took time.Duration
	}
	answers := make([]answer, len(pages))
	var apiRec *httptest.ResponseRecorder
	var apiTook time.Duration
	var wg sync.WaitGroup
	for i, p := range pages {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t0 := time.Now()
			code, body := a.get(p)
			answers[i] = answer{code, body, time.Since(t0)}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		t0 := time.Now()
		req := httptest.NewRequest(http.MethodGet, "/api/orders/"+o.Number, nil)
		req.Header.Set("Authorization", "Bearer "+apiToken)
		apiRec = httptest.NewRecorder()
		h.ServeHTTP(apiRec, req)
		apiTook = time.Since(t0)
	}()
	wg.Wait()
	for i, p := range pages {
		code, body, took := answers[i].code, answers[i].body, answers[i].took
		if code != http.StatusServiceUnavailable || took > 3*time.Second {
			t.Fatalf("GET %s with PostgreSQL hung: %d after %s, want 503 within 3 s\n%s", p, code, took, body)
		}
		mustContain(t, body, "La base de données ne répond pas", "Rien n&#39;a été lancé ni modifié", "Réessayez dans une minute", "prévenez l&#39;exploitant")
		m := referenceRE.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("GET %s: no reference on the page\n%s", p, body)
		}
		if !strings.Contains(logs.String(), "ref="+m[1]) || !strings.Contains(logs.String(), "service=database") {
			t.Fatalf("GET %s: reference %s is not in a log line naming the database\n%s", p, m[1], logs)
		}
	}
	rec := apiRec
	if rec.Code != http.StatusServiceUnavailable || apiTook > 3*time.Second {
		t.Fatalf("API with PostgreSQL hung: %d after %s, want 503 within 3 s\n%s", rec.Code, apiTook, rec.Body)
	}
	var got struct {
		Error struct{ Code, Message, Reference string }
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || got.Error.Code != "unavailable" || !strings.Contains(got.Error.Message, "database") ||
		got.Error.Reference == "" || !strings.Contains(logs.String(), "ref="+got.Error.Reference) {
		t.Fatalf("API error %s; want code unavailable, a message naming the database and a logged reference", rec.Body)
	}

	pg.resume()
	deadline := time.Now().Add(20 * time.Second)
	for {
		code, body := a.get("/orders/" + o.Number)
		if code == http.StatusOK {
			mustContain(t, body, o.Number)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("PostgreSQL went on, the order page still answers %d\n%s", code, body)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// silentPort is an address where a server accepts connections and never
// says anything: a Temporal that hangs.
func silentPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
		}
	}()
	t.Cleanup(func() {
		l.Close()
		for _, c := range conns {
			c.Close()
		}
	})
	return l.Addr().String()
}

// With Temporal unreachable (nothing listens) or hung (nothing answers),
// starting a procedure from the UI answers a 503 within 3 s saying that
// the procedures' engine does not answer and that nothing was started.
func TestTemporalUnreachableAnswers503Fast(t *testing.T) {
	closed := func(t *testing.T) string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		return addr
	}
	for name, addr := range map[string]func(*testing.T) string{"nothing listens": closed, "nothing answers": silentPort} {
		t.Run(name, func(t *testing.T) {
			st := devstacktest.NewStore(t)
			c, err := client.NewLazyClient(client.Options{HostPort: addr(t), Logger: tlog.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(c.Close)
			logs := &bytes.Buffer{}
			h := newServer(t, st, starter.NewCollector(starter.New(c, st), st, starter.CollectOptions{}), web.Options{Logger: slog.New(slog.NewTextHandler(logs, nil))})
			a := &app{t: t, store: st, h: h, logs: logs}
			a.cookie, a.csrf = signInAs(t, st, "marie@boutique.fr", "Marie Dupont", store.RoleAgent)
			o := insertPaidOrder(t, st, "C-2026-000982", order.PayCard)
			f := modifyForm(o)
			f.Set("qty_"+strconv.FormatInt(o.Lines[0].ID, 10), "1")
			f.Set("step", "confirm")

			t0 := time.Now()
			rec := a.post("/orders/"+o.Number+"/modify", f)
			took := time.Since(t0)
			body := rec.Body.String()
			if rec.Code != http.StatusServiceUnavailable || took > 3*time.Second {
				t.Fatalf("confirming with Temporal away: %d after %s, want 503 within 3 s\n%s", rec.Code, took, body)
			}
			mustContain(t, body, "Le moteur des procédures (Temporal) ne répond pas", "Rien n&#39;a été lancé ni modifié", "Réessayez dans une minute")
			m := referenceRE.FindStringSubmatch(body)
			if m == nil || !strings.Contains(logs.String(), "ref="+m[1]) || !strings.Contains(logs.String(), "service=temporal") {
				t.Fatalf("no reference on the page, or not in a log line naming Temporal\n%s\nlogs: %s", body, logs)
			}
			events, err := st.ListEvents(context.Background(), o.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range events {
				if e.WorkflowID != "" {
					t.Fatalf("nothing was to be started, yet the history has %+v", e)
				}
			}
		})
	}
}

// A refusal is shown next to what it is about, in the agent's language,
// with the form kept as typed (422): the order's content can no longer be
// changed once the warehouse has started on it between the form and the
// click.
func TestRefusalShownInTheAgentsLanguage(t *testing.T) {
	a := newPaymentApp(t)
	o := insertPaidOrder(t, a.store, "C-2026-000983", order.PayCard)
	path := "/orders/" + o.Number + "/modify"
	f := modifyForm(o)
	mug := strconv.FormatInt(o.Lines[0].ID, 10)
	f.Set("qty_"+mug, "1")
	f.Set("step", "confirm")
	if err := a.store.SetLogisticsStatus(context.Background(), o.Number, order.LogisticsPrinting, "entrepôt Lyon"); err != nil {
		t.Fatal(err)
	}
	for lang, want := range map[string]string{"fr": "Modification impossible : statut logistique « En cours d&#39;impression »", "en": "Cannot modify: logistics status “Printing”"} {
		t.Run(lang, func(t *testing.T) {
			setLocale(t, a, lang)
			rec := a.post(path, f)
			body := rec.Body.String()
			if rec.Code != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422\n%s", rec.Code, body)
			}
			mustContain(t, body, want, `name="qty_`+mug+`"`, `value="1"`)
		})
	}
}

// setLocale makes the app's signed-in agent read lang.
func setLocale(t *testing.T, a *app, lang string) {
	t.Helper()
	rec := a.post("/locale", url.Values{"locale": {lang}, "next": {"/orders"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("choosing %s: %d\n%s", lang, rec.Code, rec.Body.String())
	}
}
