package bench

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"
)

// Row is one figure of the table: what was measured, next to its goal.
type Row struct {
	Figure   string
	Measured string
	Goal     string // "" when the figure has none (a reference, a detail)
	Verdict  string // "ok", "NOT OK", or "" without a goal
}

// Report is what one run measured.
type Report struct {
	Started, Finished  time.Time
	Machine            string
	LoadStart, LoadEnd string
	Commit             string
	Options            Options
	Rows               []Row
	Details            []string // the throughput runs' lines: rate and cores used by each part of the stack
}

func (r *Report) add(figure, measured, goal string, ok bool) {
	v := ""
	if goal != "" {
		v = "NOT OK"
		if ok {
			v = "ok"
		}
	}
	r.Rows = append(r.Rows, Row{Figure: figure, Measured: measured, Goal: goal, Verdict: v})
}

// failed records a figure that could not be measured.
func (r *Report) failed(figure, goal string, err error) {
	msg := strings.Join(strings.Fields(err.Error()), " ")
	if len(msg) > 160 {
		msg = msg[:160] + "…"
	}
	r.Rows = append(r.Rows, Row{Figure: figure, Measured: "error: " + msg, Goal: goal, Verdict: "NOT OK"})
}

// Row returns the row of a figure.
func (r *Report) Row(figure string) (Row, bool) {
	for _, row := range r.Rows {
		if row.Figure == figure {
			return row, true
		}
	}
	return Row{}, false
}

// Table is the rows as a Markdown table, its columns aligned so that it
// reads in a terminal too.
func (r *Report) Table() string {
	head := Row{"figure", "measured", "goal", "ok?"}
	rows := append([]Row{head}, r.Rows...)
	w := [4]int{}
	cells := func(x Row) [4]string {
		goal := x.Goal
		if goal == "" {
			goal = "—"
		}
		return [4]string{x.Figure, x.Measured, goal, x.Verdict}
	}
	for _, x := range rows {
		for i, c := range cells(x) {
			w[i] = max(w[i], utf8.RuneCountInString(c))
		}
	}
	var b strings.Builder
	line := func(c [4]string) {
		b.WriteString("|")
		for i, s := range c {
			fmt.Fprintf(&b, " %s%s |", s, strings.Repeat(" ", w[i]-utf8.RuneCountInString(s)))
		}
		b.WriteString("\n")
	}
	line(cells(head))
	b.WriteString("|")
	for i := range w {
		b.WriteString(strings.Repeat("-", w[i]+2) + "|")
	}
	b.WriteString("\n")
	for _, x := range r.Rows {
		line(cells(x))
	}
	return b.String()
}

// Header is the run's date, machine, load and sizes, one per line.
func (r *Report) Header() string {
	o := r.Options
	return fmt.Sprintf(`- date: %s (the run took %s)
- machine: %s
- load average (1, 5, 15 min): %s at the start, %s at the end
- code: %s
- sizes: %s per throughput run, %d tasks answered per concurrency, %d orders in the list, up to %d requests per list figure
`, r.Started.UTC().Format("2006-01-02 15:04 UTC"), r.Finished.Sub(r.Started).Round(time.Second), r.Machine,
		r.LoadStart, r.LoadEnd, r.Commit, o.RunLength, o.Answers, o.Orders, o.Requests)
}

// marker separates docs/benchmarks.md's hand-written part (kept) from the
// results each run writes.
const marker = "<!-- make bench writes everything below this line; edit above it -->"

// writeDoc writes the report below the marker of path, keeping what is
// above it (the file is created with a short header if it has no marker).
func (r *Report) writeDoc(path string) error {
	intro := "# Benchmarks\n\nWritten by `make bench` (see bench/).\n\n" + marker + "\n"
	if b, err := os.ReadFile(path); err == nil {
		if i := strings.Index(string(b), marker); i >= 0 {
			intro = string(b[:i]) + marker + "\n"
		}
	}
	var b strings.Builder
	b.WriteString(intro)
	b.WriteString("\n## The last run\n\n")
	b.WriteString(r.Header())
	b.WriteString("\n")
	b.WriteString(r.Table())
	if len(r.Details) > 0 {
		b.WriteString("\n### Where the time goes\n\nEach throughput run's rate, the cores each part of the stack used meanwhile (2 is the whole machine) and the CPU time each part spent per workflow or procedure run; then, for the answers, how long the workflow task that took each Update waited for the worker (p50 / p95 / p99); last, the cores used while the order list was measured:\n\n```\n")
		for _, d := range r.Details {
			b.WriteString(d + "\n")
		}
		b.WriteString("```\n")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// commit says which code ran: the commit, and whether the work tree had
// changes.
func commit(root string) string {
	out, err := exec.Command("git", "-C", root, "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return "unknown (not a git checkout)"
	}
	c := strings.TrimSpace(string(out))
	if st, err := exec.Command("git", "-C", root, "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(strings.TrimSpace(string(st))) > 0 {
		c += " with uncommitted changes"
	}
	return "commit " + c
}
