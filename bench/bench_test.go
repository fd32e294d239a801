package bench_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orderdesk/orderdesk/bench"
)

func TestMain(m *testing.M) {
	bench.RunStackIfChild() // the benchmark starts this binary again as its worker and agent UI
	os.Exit(m.Run())
}

// TestBenchSmoke runs the whole benchmark at tiny sizes on a stack of its
// own and checks that the table, printed and written, has every figure,
// each measured. It takes about a minute, so it runs only when asked:
// ORDERDESK_BENCH_SMOKE=1 go test ./bench/ -run TestBenchSmoke
func TestBenchSmoke(t *testing.T) {
	if os.Getenv("ORDERDESK_BENCH_SMOKE") == "" {
		t.Skip("set ORDERDESK_BENCH_SMOKE=1 to run the benchmark at tiny sizes (about a minute)")
	}
	o := bench.DefaultOptions()
	o.RunLength = 500 * time.Millisecond
	o.Answers = 12
	o.Orders = 3000
	o.Requests = 3
	o.Out = filepath.Join(t.TempDir(), "benchmarks.md")
	var out bytes.Buffer
	o.Progress = &out
	rep, err := bench.Run(context.Background(), o)
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	doc, err := os.ReadFile(o.Out)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range bench.Figures(o) {
		row, ok := rep.Row(f)
		if !ok {
			t.Errorf("the table has no row %q", f)
			continue
		}
		if strings.HasPrefix(row.Measured, "error") || row.Measured == "" {
			t.Errorf("%s: %s", f, row.Measured)
		}
		if !strings.Contains(out.String(), "| "+f) || !strings.Contains(string(doc), "| "+f) {
			t.Errorf("%q is missing from the printed table or from %s", f, o.Out)
		}
	}
	if len(rep.Rows) != len(bench.Figures(o)) {
		t.Errorf("%d rows, want %d", len(rep.Rows), len(bench.Figures(o)))
	}
	for _, want := range []string{"load average", "machine:", "| figure"} {
		if !strings.Contains(string(doc), want) {
			t.Errorf("%s has no %q", o.Out, want)
		}
	}
	if t.Failed() {
		t.Logf("benchmark output:\n%s", out.String())
	}
}
