// Package devstacktest is the harness of every test that needs the real
// services: a private PostgreSQL cluster started once per test process, a
// fresh migrated database per test, and cleanups that run when the tests
// are done. A package using it calls Main from its TestMain:
//
//	func TestMain(m *testing.M) { devstacktest.Main(m) }
//
// A missing server is a test failure that says how to get one, never a skip.
package devstacktest

import (
	"fmt"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
)

var (
	cleanupMu sync.Mutex
	cleanups  []func()

	// mainCalled is set by Main: without it the services a test starts
	// would never be stopped.
	mainCalled atomic.Bool
)

// Main runs the tests of a package, then the registered cleanups (stopping
// the services the tests started, removing their files), then exits with
// the tests' status. Call it from TestMain.
func Main(m *testing.M) {
	mainCalled.Store(true)
	// Interrupted (Ctrl-C, kill): stop what the tests started before dying.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		s := <-sig
		fmt.Fprintf(os.Stderr, "devstacktest: %v: stopping the test services\n", s)
		runCleanups()
		os.Exit(1)
	}()
	code := m.Run()
	signal.Stop(sig)
	runCleanups()
	os.Exit(code)
}

// RegisterCleanup adds f to what Main runs after the tests, for a service
// started once per test process (the PostgreSQL cluster, the Temporal dev
// server). Cleanups run last registered first.
func RegisterCleanup(f func()) {
	cleanupMu.Lock()
	defer cleanupMu.Unlock()
	cleanups = append(cleanups, f)
}

func runCleanups() {
	cleanupMu.Lock()
	fs := cleanups
	cleanups = nil
	cleanupMu.Unlock()
	for i := len(fs) - 1; i >= 0; i-- {
		fs[i]()
	}
}

// requireMain fails a test whose package forgot to call Main from TestMain.
func requireMain(tb testing.TB) {
	tb.Helper()
	if !mainCalled.Load() {
		tb.Fatalf("devstacktest: this package's TestMain must call devstacktest.Main(m), so the services started for the tests are stopped afterwards")
	}
}
