package devstack

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// PostgresOptions says where and how to run a private PostgreSQL cluster.
type PostgresOptions struct {
	// Dir holds the cluster: its data in Dir/data, its Unix socket in
	// Dir/sock and its log in Dir/postgres.log. Created when missing.
	Dir string
	// Port is the TCP port on 127.0.0.1. Never 5432: the machine's own
	// server may be there.
	Port int
	// Durable keeps PostgreSQL's crash safety (fsync and friends). Without
	// it the cluster is faster and fit only for throw-away data: tests.
	Durable bool
	// Log receives one line per step (initdb, start, reuse); nil is silent.
	Log io.Writer
}

// Postgres is a running private cluster started by StartPostgres.
type Postgres struct {
	// Dir is the directory given in PostgresOptions.
	Dir string
	// Port is the TCP port the server listens on at 127.0.0.1.
	Port int
	// Reused is true when a server of this Dir was already running and
	// StartPostgres adopted it instead of starting one.
	Reused bool

	bin  string
	cred *syscall.Credential // the postgres system user's, when we run as root
	log  io.Writer
}

const installHint = "install them with `apt-get install -y postgresql` or set DATABASE_URL"

// FindPostgresBin returns the directory holding initdb and pg_ctl: $PG_BIN
// when set, else the newest /usr/lib/postgresql/<version>/bin (Debian's
// layout), else the directory of initdb on the PATH.
func FindPostgresBin() (string, error) {
	has := func(dir string) bool {
		for _, name := range []string{"initdb", "pg_ctl", "postgres"} {
			if fi, err := os.Stat(filepath.Join(dir, name)); err != nil || fi.IsDir() {
				return false
			}
		}
		return true
	}
	if dir := os.Getenv("PG_BIN"); dir != "" {
		if !has(dir) {
			return "", fmt.Errorf("PG_BIN=%s holds no initdb, pg_ctl and postgres: point it at PostgreSQL's bin directory, or unset it", dir)
		}
		return dir, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return pgVersion(dirs[i]) > pgVersion(dirs[j]) })
	for _, dir := range dirs {
		if has(dir) {
			return dir, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil && has(filepath.Dir(p)) {
		return filepath.Dir(p), nil
	}
	return "", errors.New("PostgreSQL server binaries not found (initdb, pg_ctl): " + installHint)
}

// pgVersion reads the version out of /usr/lib/postgresql/<version>/bin, so
// 16 sorts above 9.6.
func pgVersion(binDir string) float64 {
	v, _ := strconv.ParseFloat(filepath.Base(filepath.Dir(binDir)), 64)
	return v
}

// ErrPortTaken is wrapped by StartPostgres when another program holds the
// port asked for, so a caller that picked a free port can pick another.
var ErrPortTaken = errors.New("the port is taken")

// StartPostgres starts the private cluster in opt.Dir, creating it first
// when Dir/data holds none, and returns once it accepts connections. A
// server already running from the same Dir is reused. As root, the cluster
// runs as the postgres system user, since PostgreSQL refuses to run as root.
func StartPostgres(ctx context.Context, opt PostgresOptions) (*Postgres, error) {
	if opt.Dir == "" || opt.Port <= 0 {
		return nil, fmt.Errorf("devstack.StartPostgres: Dir and Port are required (got %q, %d)", opt.Dir, opt.Port)
	}
	bin, err := FindPostgresBin()
	if err != nil {
		return nil, err
	}
	dir, err := filepath.Abs(opt.Dir)
	if err != nil {
		return nil, err
	}
	p := &Postgres{Dir: dir, Port: opt.Port, bin: bin, log: opt.Log}
	if p.log == nil {
		p.log = io.Discard
	}
	for _, d := range []string{dir, p.sockDir()} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, fmt.Errorf("devstack.StartPostgres: %w", err)
		}
	}
	if os.Geteuid() == 0 {
		if err := p.runAsPostgresUser(); err != nil {
			return nil, err
		}
	}

	if running, port := p.running(ctx); running {
		p.Port, p.Reused = port, true
		fmt.Fprintf(p.log, "postgres: reusing the server already running from %s on port %d\n", dir, port)
		return p, p.waitReady(ctx)
	}

	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p.Port)))
	if err != nil {
		return nil, fmt.Errorf("devstack.StartPostgres: port %d on 127.0.0.1 is taken by another program (%v): choose another port for the private PostgreSQL: %w", p.Port, err, ErrPortTaken)
	}
	l.Close()

	if _, err := os.Stat(filepath.Join(p.dataDir(), "PG_VERSION")); errors.Is(err, os.ErrNotExist) {
		fmt.Fprintf(p.log, "postgres: creating a cluster in %s\n", p.dataDir())
		args := []string{"-D", p.dataDir(), "-U", "postgres", "-A", "trust", "-E", "UTF8",
			// C.UTF-8: byte-order sorting that does not depend on the
			// machine, and ILIKE that folds accented letters (É, é).
			"--locale=C.UTF-8", "--lc-collate=C"}
		if !opt.Durable {
			args = append(args, "--no-sync")
		}
		t0 := time.Now()
		if out, err := p.run(ctx, "initdb", args...); err != nil {
			return nil, fmt.Errorf("devstack.StartPostgres: initdb in %s failed: %w\n%s", p.dataDir(), err, out)
		}
		fmt.Fprintf(p.log, "postgres: cluster created in %s\n", time.Since(t0).Round(time.Millisecond))
	}

	serverOpts := fmt.Sprintf("-p %d -k '%s' -c listen_addresses=127.0.0.1", p.Port, p.sockDir())
	if !opt.Durable {
		serverOpts += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
	}
	fmt.Fprintf(p.log, "postgres: starting on 127.0.0.1:%d (log: %s)\n", p.Port, p.logFile())
	start := time.Now()
	if out, err := p.run(ctx, "pg_ctl", "start", "-w", "-t", "60", "-D", p.dataDir(), "-l", p.logFile(), "-o", serverOpts); err != nil {
		return nil, fmt.Errorf("devstack.StartPostgres: pg_ctl start failed: %w\n%s\nlast lines of %s:\n%s", err, out, p.logFile(), Tail(p.logFile(), 15))
	}
	fmt.Fprintf(p.log, "postgres: up in %s\n", time.Since(start).Round(time.Millisecond))
	return p, p.waitReady(ctx)
}

// URL is the connection URL of a database of the cluster, as the
// superuser "postgres" (trust authentication, local only).
func (p *Postgres) URL(database string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", p.Port, database)
}

// CreateDatabase creates the database name unless it exists already.
func (p *Postgres) CreateDatabase(ctx context.Context, name string) error {
	conn, err := pgx.Connect(ctx, p.URL("postgres"))
	if err != nil {
		return fmt.Errorf("devstack.CreateDatabase(%s): %w", name, err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return fmt.Errorf("devstack.CreateDatabase(%s): %w", name, err)
	}
	if exists {
		return nil
	}
	if _, err := conn.Exec(ctx, `CREATE DATABASE `+pgx.Identifier{name}.Sanitize()); err != nil {
		// Someone else created it between our look and our create.
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "42P04" { // duplicate_database
			return nil
		}
		return fmt.Errorf("devstack.CreateDatabase(%s): %w", name, err)
	}
	return nil
}

// Stop shuts the server down (fast mode: open sessions are ended, data is
// kept). Stopping a server that is not running is not an error.
func (p *Postgres) Stop() error {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if running, _ := p.running(ctx); !running {
		return nil
	}
	if out, err := p.run(ctx, "pg_ctl", "stop", "-w", "-m", "fast", "-D", p.dataDir()); err != nil {
		return fmt.Errorf("devstack: pg_ctl stop (%s) failed: %w\n%s", p.dataDir(), err, out)
	}
	fmt.Fprintf(p.log, "postgres: stopped\n")
	return nil
}

func (p *Postgres) dataDir() string { return filepath.Join(p.Dir, "data") }
func (p *Postgres) sockDir() string { return filepath.Join(p.Dir, "sock") }
func (p *Postgres) logFile() string { return filepath.Join(p.Dir, "postgres.log") }

// running reports whether a server of this cluster is up, and its port (read
// from postmaster.pid, since it may have been started with another one).
func (p *Postgres) running(ctx context.Context) (bool, int) {
	if _, err := os.Stat(filepath.Join(p.dataDir(), "PG_VERSION")); err != nil {
		return false, 0
	}
	if _, err := p.run(ctx, "pg_ctl", "status", "-D", p.dataDir()); err != nil {
		return false, 0
	}
	port := p.Port
	if b, err := os.ReadFile(filepath.Join(p.dataDir(), "postmaster.pid")); err == nil {
		// Line 4 of postmaster.pid is the port.
		if lines := strings.Split(string(b), "\n"); len(lines) > 3 {
			if n, err := strconv.Atoi(strings.TrimSpace(lines[3])); err == nil {
				port = n
			}
		}
	}
	return true, port
}

// waitReady checks the server answers on TCP: pg_ctl -w watches the socket
// and the pid file, a connection proves the URL works.
func (p *Postgres) waitReady(ctx context.Context) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		conn, err := pgx.Connect(cctx, p.URL("postgres"))
		cancel()
		if err == nil {
			return conn.Close(ctx)
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("devstack: PostgreSQL in %s does not accept connections on port %d: %w\nlast lines of %s:\n%s",
				p.Dir, p.Port, err, p.logFile(), Tail(p.logFile(), 15))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// run runs one of PostgreSQL's programs, as the postgres user when we are
// root, and returns its combined output.
func (p *Postgres) run(ctx context.Context, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, filepath.Join(p.bin, name), args...)
	cmd.Dir = p.Dir // the postgres user may not be able to enter our working directory
	cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8", "PGTZ=UTC")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.WaitDelay = 5 * time.Second
	// A process group of its own: a Ctrl-C in the terminal reaches
	// orderdesk (or the test binary) only, which stops the server in order.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Credential: p.cred}
	err := cmd.Run()
	return strings.TrimSpace(out.String()), err
}

// runAsPostgresUser prepares running the cluster as the postgres system
// user: hands it the cluster's directories and checks it can reach them.
func (p *Postgres) runAsPostgresUser() error {
	u, err := user.Lookup("postgres")
	if err != nil {
		return fmt.Errorf("devstack: running as root, PostgreSQL must run as the postgres system user, which does not exist (%v): %s", err, installHint)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	var groups []uint32
	gids, _ := u.GroupIds()
	for _, g := range gids {
		if n, err := strconv.Atoi(g); err == nil {
			groups = append(groups, uint32(n))
		}
	}
	p.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: groups}

	// Every parent of Dir must let the postgres user through.
	for d := filepath.Dir(p.Dir); ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil {
			return fmt.Errorf("devstack: %w", err)
		}
		if !canTraverse(fi, uint32(uid), append(groups, uint32(gid))) {
			return fmt.Errorf("devstack: PostgreSQL runs as the postgres user, which cannot enter %s (mode %v): put the cluster in a directory it can reach, e.g. under /var/tmp, or set DATABASE_URL", d, fi.Mode().Perm())
		}
		if d == filepath.Dir(d) {
			break
		}
	}
	for _, d := range []string{p.Dir, p.sockDir(), p.dataDir(), p.logFile()} {
		if err := os.Lchown(d, uid, gid); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("devstack: give %s to the postgres user: %w", d, err)
		}
	}
	return nil
}

// canTraverse reports whether a user may enter a directory, from its mode
// bits (ACLs are not looked at).
func canTraverse(fi os.FileInfo, uid uint32, gids []uint32) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return true
	}
	mode := fi.Mode().Perm()
	if st.Uid == uid {
		return mode&0o100 != 0
	}
	for _, g := range gids {
		if st.Gid == g {
			return mode&0o010 != 0
		}
	}
	return mode&0o001 != 0
}

// Tail returns the last n lines of a file, for error messages.
func Tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "(" + err.Error() + ")"
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// StopPostgresDir stops a server left running from a cluster directory, e.g.
// by a test process that was killed before its cleanup ran. Nothing
// running is not an error.
func StopPostgresDir(dir string) error {
	bin, err := FindPostgresBin()
	if err != nil {
		return err
	}
	p := &Postgres{Dir: dir, bin: bin, log: io.Discard}
	if os.Geteuid() == 0 {
		if err := p.runAsPostgresUser(); err != nil {
			return err
		}
	}
	return p.Stop()
}
