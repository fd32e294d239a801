// Command orderdesk-bench is `make bench`: it starts a stack of its own,
// measures orderdesk's money procedures, agent answers, order list and
// memory, prints one table (each figure next to its goal) and writes it
// into docs/benchmarks.md. Flags (or BENCH_* variables) make a shorter run:
//
//	BENCH_ORDERS=100000 BENCH_SECONDS=4 make bench
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"

	"github.com/orderdesk/orderdesk/bench"
)

func main() {
	bench.RunStackIfChild() // the worker and agent UI process the benchmark starts

	o, err := bench.DefaultOptions().FromEnv(os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, "orderdesk-bench:", err)
		os.Exit(2)
	}
	flag.DurationVar(&o.RunLength, "seconds", o.RunLength, "length of each throughput run (BENCH_SECONDS)")
	flag.IntVar(&o.Orders, "orders", o.Orders, "orders generated for the order list (BENCH_ORDERS)")
	flag.IntVar(&o.Answers, "answers", o.Answers, "tasks answered at each concurrency (BENCH_ANSWERS)")
	flag.IntVar(&o.Requests, "requests", o.Requests, "requests per order-list figure (BENCH_REQUESTS)")
	flag.StringVar(&o.Out, "out", o.Out, "Markdown file the results are written into, below its hand-written part (empty: none)")
	flag.BoolVar(&o.Keep, "keep", false, "keep the benchmark's PostgreSQL and Temporal data directory afterwards")
	flag.StringVar(&o.Only, "only", "", "run only this part, "+strings.Join(bench.Parts, ", ")+", for a quick comparison; writes no file")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "Usage: orderdesk-bench [flags]   (make bench)\n\nMeasures orderdesk on a stack of its own and writes docs/benchmarks.md.\n\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if o.Only != "" {
		if !slices.Contains(bench.Parts, o.Only) {
			fmt.Fprintf(os.Stderr, "orderdesk-bench: -only %q is not a part: give one of %s\n", o.Only, strings.Join(bench.Parts, ", "))
			os.Exit(2)
		}
		o.Out = "" // a part of a run is no run to write down
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if _, err := bench.Run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "orderdesk-bench:", err)
		stop()
		os.Exit(1)
	}
}
