package devstacktest

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"

	"github.com/orderdesk/orderdesk/codec"
	"github.com/orderdesk/orderdesk/devstack"
)

var (
	temporalOnce sync.Once
	temporalSrv  *devstack.Temporal
	temporalLog  string // the server's output, for a failure message
	temporalErr  error
	temporalBase client.Client
	// testCodec encrypts every payload of the tests' clients and workers,
	// with a key made for this test process: the tests run as production
	// does, personal data encrypted in the histories.
	testKey   = codec.NewKey("test")
	testCodec = mustTestCodec()
)

func mustTestCodec() *codec.Codec {
	c, err := codec.New("the tests' codec key", testKey)
	if err != nil {
		panic(err)
	}
	return c
}

// CodecKeys is the tests' key as ORDERDESK_CODEC_KEYS says it, for a test
// that runs orderdesk's commands against the test server.
func CodecKeys() string { return testKey.String() }

// Codec is the payload codec of every client Temporal gives (a key made
// for this test process): for a test's own client (ClientOptions) or a
// check that decodes what a history holds.
func Codec() *codec.Codec { return testCodec }

// ClientOptions sets o's data and failure converters to the tests' codec,
// for a test that makes a client of its own from Temporal's.
func ClientOptions(o client.Options) client.Options {
	testCodec.Apply(&o)
	return o
}

// Temporal returns a client of this test process's Temporal dev server and
// the server's host:port (for a worker or a starter of the code under
// test). The first call starts the server: the pinned CLI of `make temporal`
// (.bin/temporal, or $TEMPORAL_CLI), in memory, headless, on a free port,
// with orderdesk's search attributes and the fast dynamic config of
// `make dev`; Main stops it after the tests. The client is the test's own,
// closed when the test ends; its payloads go through the tests' codec
// (Codec). A missing CLI fails the test with how to get it.
//
// The server is devstack.StartTemporal, not testsuite.StartDevServer: the
// same code as `make dev`, and a server the kernel stops if the test binary
// dies (go test -timeout), so none is left behind.
func Temporal(tb testing.TB) (client.Client, string) {
	tb.Helper()
	requireMain(tb)
	temporalOnce.Do(startTemporal)
	if temporalErr != nil {
		tb.Fatalf("devstacktest: no Temporal dev server for the tests: %v", temporalErr)
	}
	c, err := client.NewClientFromExistingWithContext(context.Background(), temporalBase, ClientOptions(client.Options{
		Namespace: temporalSrv.Namespace,
		Logger:    quietTemporalLogger(),
	}))
	if err != nil {
		tb.Fatalf("devstacktest: Temporal client for %s: %v", temporalSrv.HostPort, err)
	}
	tb.Cleanup(c.Close)
	return c, temporalSrv.HostPort
}

func startTemporal() {
	root, err := devstack.ModuleRoot(".")
	if err != nil {
		temporalErr = err
		return
	}
	bin, err := devstack.TemporalCLI(root)
	if err != nil {
		temporalErr = fmt.Errorf("%w\nrun `make temporal` (or `make test`, which builds it) from %s", err, root)
		return
	}
	logf, err := os.CreateTemp("", "orderdesk-temporaltest-*.log")
	if err != nil {
		temporalErr = err
		return
	}
	temporalLog = logf.Name()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	srv, err := devstack.StartTemporal(ctx, devstack.TemporalOptions{
		Bin:      bin,
		Headless: true,
		LogLevel: "error",
		Log:      logf,
	})
	if err != nil {
		logf.Close()
		temporalErr = fmt.Errorf("%w (server log: %s)", err, temporalLog)
		return
	}
	base, err := client.DialContext(ctx, ClientOptions(client.Options{HostPort: srv.HostPort, Namespace: srv.Namespace, Logger: quietTemporalLogger()}))
	if err != nil {
		_ = srv.Stop()
		logf.Close()
		temporalErr = err
		return
	}
	temporalSrv, temporalBase = srv, base
	RegisterCleanup(func() {
		base.Close()
		if err := srv.Stop(); err != nil {
			fmt.Fprintf(os.Stderr, "devstacktest: %v (log: %s)\n", err, temporalLog)
			logf.Close()
			return
		}
		logf.Close()
		os.Remove(temporalLog)
	})
}

// quietTemporalLogger keeps the SDK's client to warnings and errors, so test
// output stays readable.
func quietTemporalLogger() tlog.Logger {
	return tlog.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
}
