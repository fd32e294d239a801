package devstacktest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/orderdesk/orderdesk/devstack"
	"github.com/orderdesk/orderdesk/store"
)

const howToGetPostgres = `The database tests need PostgreSQL. Either install the server binaries
(apt-get install -y postgresql; no service needs to run: the tests start their
own private cluster on a free port), or set DATABASE_URL to a server where this
user may CREATE DATABASE (each test gets a database of its own, dropped afterwards).`

// tempPrefix names the directories of the test clusters under os.TempDir().
const tempPrefix = "orderdesk-pgtest-"

// pgServer is the PostgreSQL the tests of this process use.
type pgServer struct {
	admin    *pgxpool.Pool // where CREATE DATABASE is issued
	dbURL    func(name string) string
	template string // migrated once, cloned by every NewDatabase
	prefix   string // of the test databases' names
	external bool   // DATABASE_URL: drop what we created

	mu      sync.Mutex
	created []string
}

var (
	pgOnce sync.Once
	pg     *pgServer
	pgErr  error
	dbSeq  atomic.Int64
)

// NewDatabase returns the URL of a fresh database, migrated to the latest
// schema, for this test alone. The first call in a test process starts a
// private PostgreSQL cluster (or uses the server of DATABASE_URL) and
// migrates a template database; each call then clones the template, which
// takes a few milliseconds.
func NewDatabase(tb testing.TB) string {
	tb.Helper()
	requireMain(tb)
	pgOnce.Do(func() { pg, pgErr = startServer() })
	if pgErr != nil {
		tb.Fatalf("devstacktest: no PostgreSQL for the tests: %v\n\n%s", pgErr, howToGetPostgres)
	}
	name := fmt.Sprintf("%s_%d", pg.prefix, dbSeq.Add(1))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	sql := `CREATE DATABASE ` + pgx.Identifier{name}.Sanitize() + ` TEMPLATE ` + pgx.Identifier{pg.template}.Sanitize()
	if _, err := pg.admin.Exec(ctx, sql); err != nil {
		tb.Fatalf("devstacktest: create test database %s: %v", name, err)
	}
	if pg.external {
		pg.mu.Lock()
		pg.created = append(pg.created, name)
		pg.mu.Unlock()
	}
	return pg.dbURL(name)
}

// NewStore opens a store on a fresh database (NewDatabase) and closes it
// when the test ends.
func NewStore(tb testing.TB) *store.Store {
	tb.Helper()
	u := NewDatabase(tb)
	s, err := store.Open(context.Background(), u)
	if err != nil {
		tb.Fatalf("devstacktest: %v", err)
	}
	tb.Cleanup(s.Close)
	return s
}

func startServer() (*pgServer, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var (
		srv *pgServer
		err error
	)
	if u := os.Getenv("DATABASE_URL"); u != "" {
		srv, err = useExternal(ctx, u)
	} else {
		srv, err = startPrivate(ctx)
	}
	if err != nil {
		return nil, err
	}
	if err := srv.migrateTemplate(ctx); err != nil {
		return nil, err
	}
	return srv, nil
}

// startPrivate starts a throw-away cluster for this test process.
func startPrivate(ctx context.Context) (*pgServer, error) {
	reapStaleClusters()
	dir, err := os.MkdirTemp(clusterParent(), tempPrefix)
	if err != nil {
		return nil, err
	}
	// Lets a later test process remove this cluster if we are killed
	// before our cleanup runs.
	if err := os.WriteFile(filepath.Join(dir, "owner.pid"), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		return nil, err
	}
	var p *devstack.Postgres
	for attempt := 0; ; attempt++ {
		port, perr := freePort()
		if perr != nil {
			return nil, perr
		}
		p, err = devstack.StartPostgres(ctx, devstack.PostgresOptions{Dir: dir, Port: port})
		// Another process may grab the free port before the server does.
		if err == nil || attempt == 2 || !errors.Is(err, devstack.ErrPortTaken) {
			break
		}
	}
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	admin, err := pgxpool.New(ctx, p.URL("postgres"))
	if err != nil {
		p.Stop()
		os.RemoveAll(dir)
		return nil, err
	}
	RegisterCleanup(func() {
		admin.Close()
		if err := p.Stop(); err != nil {
			fmt.Fprintf(os.Stderr, "devstacktest: %v\n", err)
			return // keep the directory: its log says what happened
		}
		os.RemoveAll(dir)
	})
	return &pgServer{admin: admin, dbURL: p.URL, template: "orderdesk_template", prefix: "test"}, nil
}

// useExternal uses the server of DATABASE_URL: test databases get the
// process id in their names, since several test processes may share it.
func useExternal(ctx context.Context, databaseURL string) (*pgServer, error) {
	u, err := url.Parse(databaseURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return nil, errors.New("DATABASE_URL must be a URL like postgres://user:password@host:5432/dbname?sslmode=disable")
	}
	admin, err := pgxpool.New(ctx, databaseURL)
	if err == nil {
		err = admin.Ping(ctx)
	}
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL (%s): %w", u.Redacted(), err)
	}
	pid := os.Getpid()
	srv := &pgServer{
		admin: admin,
		dbURL: func(name string) string {
			v := *u
			v.Path = "/" + name
			v.RawPath = ""
			return v.String()
		},
		template: fmt.Sprintf("orderdesk_template_%d", pid),
		prefix:   fmt.Sprintf("test_%d", pid),
		external: true,
	}
	RegisterCleanup(srv.dropCreated)
	return srv, nil
}

// migrateTemplate creates the template database and migrates it.
func (srv *pgServer) migrateTemplate(ctx context.Context) error {
	name := pgx.Identifier{srv.template}.Sanitize()
	if srv.external {
		if _, err := srv.admin.Exec(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`); err != nil {
			return fmt.Errorf("drop old template %s: %w", srv.template, err)
		}
		srv.created = append(srv.created, srv.template)
	}
	if _, err := srv.admin.Exec(ctx, `CREATE DATABASE `+name); err != nil {
		return fmt.Errorf("create template database %s: %w", srv.template, err)
	}
	s, err := store.Open(ctx, srv.dbURL(srv.template))
	if err != nil {
		return err
	}
	// Closed before any clone: CREATE DATABASE ... TEMPLATE refuses a
	// template that has sessions.
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate template database: %w", err)
	}
	return nil
}

// dropCreated drops the databases the tests created on a shared server.
func (srv *pgServer) dropCreated() {
	defer srv.admin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	srv.mu.Lock()
	names := srv.created
	srv.mu.Unlock()
	for _, n := range names {
		if _, err := srv.admin.Exec(ctx, `DROP DATABASE IF EXISTS `+pgx.Identifier{n}.Sanitize()+` WITH (FORCE)`); err != nil {
			fmt.Fprintf(os.Stderr, "devstacktest: drop test database %s: %v\n", n, err)
		}
	}
}

// freePort asks the kernel for a free TCP port on 127.0.0.1.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// clusterParent is where test clusters live: /dev/shm when it is a roomy
// tmpfs, since creating a database there takes 50 ms instead of 500 ms on
// disk (even with fsync off: it is file creation that costs), else
// os.TempDir().
func clusterParent() string {
	const shm = "/dev/shm"
	var st syscall.Statfs_t
	if syscall.Statfs(shm, &st) == nil && st.Bavail*uint64(st.Bsize) >= 1<<30 && syscall.Access(shm, 0o2|0o1) == nil {
		return shm
	}
	return os.TempDir()
}

// reapStaleClusters stops and removes the test clusters of test processes
// that died without cleaning up (a timeout, kill -9), so they do not pile up.
func reapStaleClusters() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), tempPrefix+"*"))
	shm, _ := filepath.Glob(filepath.Join("/dev/shm", tempPrefix+"*"))
	dirs = append(dirs, shm...)
	for _, dir := range dirs {
		b, err := os.ReadFile(filepath.Join(dir, "owner.pid"))
		if err != nil {
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || pid <= 0 || !errors.Is(syscall.Kill(pid, 0), syscall.ESRCH) {
			continue // its owner still runs (or we cannot tell)
		}
		if devstack.StopPostgresDir(dir) == nil {
			os.RemoveAll(dir)
		}
	}
}
