package devstack

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// clusterDir is a directory the postgres user can reach (t.TempDir's
// parent is private to us), removed after the test.
func clusterDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "orderdesk-pgdevstack-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

func freeTCPPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func TestPostgresStartReuseStopRestart(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir := clusterDir(t)
	var log bytes.Buffer
	opt := PostgresOptions{Dir: dir, Port: freeTCPPort(t), Log: &log}

	start := time.Now()
	p, err := StartPostgres(ctx, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Stop() })
	t.Logf("new cluster up in %s", time.Since(start).Round(time.Millisecond))
	if p.Reused {
		t.Error("a new cluster says it was reused")
	}
	for range 2 {
		if err := p.CreateDatabase(ctx, "orderdesk"); err != nil {
			t.Fatalf("CreateDatabase: %v", err)
		}
	}
	conn, err := pgx.Connect(ctx, p.URL("orderdesk"))
	if err != nil {
		t.Fatalf("connect to %s: %v", p.URL("orderdesk"), err)
	}
	var upper string
	if err := conn.QueryRow(ctx, `SELECT upper('élodie')`).Scan(&upper); err != nil || upper != "ÉLODIE" {
		t.Errorf("upper('élodie') = %q, %v: the cluster should fold accented letters", upper, err)
	}
	conn.Close(ctx)

	// A second start on the same directory adopts the running server.
	again, err := StartPostgres(ctx, PostgresOptions{Dir: dir, Port: freeTCPPort(t)})
	if err != nil {
		t.Fatal(err)
	}
	if !again.Reused || again.Port != p.Port {
		t.Errorf("second start: reused %v on port %d, want the server on port %d", again.Reused, again.Port, p.Port)
	}

	// Stopped and started again, the data is still there.
	if err := p.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := p.Stop(); err != nil {
		t.Errorf("second Stop = %v, want nil", err)
	}
	start = time.Now()
	p, err = StartPostgres(ctx, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("existing cluster up in %s", time.Since(start).Round(time.Millisecond))
	conn, err = pgx.Connect(ctx, p.URL("orderdesk"))
	if err != nil {
		t.Fatalf("database lost across a restart: %v", err)
	}
	conn.Close(ctx)
	t.Logf("log:\n%s", log.String())
	if !strings.Contains(log.String(), "creating a cluster") {
		t.Errorf("log = %q", log.String())
	}
}

func TestPostgresPortTakenSaysSo(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	_, err = StartPostgres(context.Background(), PostgresOptions{Dir: clusterDir(t), Port: port})
	if err == nil || !strings.Contains(err.Error(), "taken by another program") {
		t.Fatalf("StartPostgres on a taken port = %v, want an error saying the port is taken", err)
	}
}

func TestPostgresDirTheServerCannotReach(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("only as root does the cluster run as another user (postgres)")
	}
	private := t.TempDir() // mode 0700, owned by root
	if err := os.Chmod(private, 0o700); err != nil {
		t.Fatal(err)
	}
	_, err := StartPostgres(context.Background(), PostgresOptions{Dir: filepath.Join(private, "pg"), Port: freeTCPPort(t)})
	if err == nil || !strings.Contains(err.Error(), "cannot enter "+private) {
		t.Fatalf("StartPostgres under a private directory = %v, want an error naming %s", err, private)
	}
}

func TestFindPostgresBinHonoursPGBIN(t *testing.T) {
	t.Setenv("PG_BIN", t.TempDir())
	if _, err := FindPostgresBin(); err == nil || !strings.Contains(err.Error(), "PG_BIN") {
		t.Errorf("FindPostgresBin with an empty PG_BIN dir = %v, want an error about PG_BIN", err)
	}
}
