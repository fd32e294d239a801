package bench

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// clockTicks is the unit of the CPU times in /proc/<pid>/stat (USER_HZ,
// 100 on every Linux the project runs on).
const clockTicks = 100

// procTimes are a process's CPU times from /proc/<pid>/stat, in seconds.
type procTimes struct {
	ppid     int
	comm     string
	own      float64 // utime + stime
	children float64 // cutime + cstime: its children that exited and were waited for
}

func readProcTimes(pid int) (procTimes, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return procTimes{}, err
	}
	// The command name is in parentheses and may hold spaces.
	open, end := bytes.IndexByte(b, '('), bytes.LastIndexByte(b, ')')
	if open < 0 || end < open {
		return procTimes{}, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	f := strings.Fields(string(b[end+1:]))
	if len(f) < 15 {
		return procTimes{}, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	num := func(i int) float64 { v, _ := strconv.ParseFloat(f[i], 64); return v }
	ppid, _ := strconv.Atoi(f[1])
	return procTimes{
		ppid: ppid, comm: string(b[open+1 : end]),
		own: (num(11) + num(12)) / clockTicks, children: (num(13) + num(14)) / clockTicks,
	}, nil
}

// allProcs reads every process's times (for the children of a process).
func allProcs() map[int]procTimes {
	out := map[int]procTimes{}
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		pid, err := strconv.Atoi(filepath.Base(d))
		if err != nil {
			continue
		}
		if t, err := readProcTimes(pid); err == nil {
			out[pid] = t
		}
	}
	return out
}

// cpuGroup is a part of the stack whose CPU time is followed: the worker
// and agent UI process, the Temporal dev server, PostgreSQL (its server and
// its backends), the benchmark itself (the load it sends).
type cpuGroup struct {
	name string
	pid  func() int // 0: not known (yet)
	tree bool       // add the live children and the waited-for ones (PostgreSQL's backends)
}

// cpuSample is each group's CPU seconds at an instant.
type cpuSample struct {
	at   time.Time
	secs map[string]float64
}

func sampleCPU(groups []cpuGroup) cpuSample {
	s := cpuSample{at: time.Now(), secs: map[string]float64{}}
	var procs map[int]procTimes
	for _, g := range groups {
		pid := g.pid()
		if pid <= 0 {
			continue
		}
		t, err := readProcTimes(pid)
		if err != nil {
			continue
		}
		total := t.own
		if g.tree {
			if procs == nil {
				procs = allProcs()
			}
			total += t.children
			for _, c := range procs {
				if c.ppid == pid {
					total += c.own
				}
			}
		}
		s.secs[g.name] = total
	}
	// What the machine did besides: its busy time (/proc/stat) less ours.
	if busy, ok := machineBusy(); ok {
		ours := 0.0
		for _, v := range s.secs {
			ours += v
		}
		s.secs[othersGroup] = busy - ours
	}
	return s
}

// othersGroup is the CPU time of the processes outside the stack: another
// program (a build, tests) that takes cores from the benchmark shows here.
const othersGroup = "(others)"

// machineBusy is the CPU time all cores spent busy since boot (/proc/stat).
func machineBusy() (float64, bool) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, false
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return 0, false
	}
	busy := 0.0
	for i, v := range f[1:9] { // user nice system idle iowait irq softirq steal
		if i == 3 || i == 4 || i == 7 {
			continue // idle, iowait, and the time another virtual machine took
		}
		x, _ := strconv.ParseFloat(v, 64)
		busy += x
	}
	return busy / clockTicks, true
}

// cpuPerJob is the CPU time each group spent per job done between two
// samples, e.g. "temporal 83 ms · postgres 15 ms · worker+web 29 ms":
// what one procedure costs each part of the stack, whatever else ran.
func cpuPerJob(groups []cpuGroup, from, to cpuSample, jobs int) string {
	if jobs <= 0 {
		return ""
	}
	return perGroup(groups, from, to, func(secs float64) string { return fmt.Sprintf("%.1f ms", secs*1000/float64(jobs)) })
}

// perGroup says, for each group sampled at both ends, its name and how
// many CPU seconds it spent between them, in the words of say.
func perGroup(groups []cpuGroup, from, to cpuSample, say func(secs float64) string) string {
	var parts []string
	for _, g := range groups {
		if secs, ok := spent(from, to, g.name); ok {
			parts = append(parts, g.name+" "+say(secs))
		}
	}
	return strings.Join(parts, " · ")
}

// spent is the CPU seconds the group name spent between two samples, if
// both have it.
func spent(from, to cpuSample, name string) (float64, bool) {
	a, ok1 := from.secs[name]
	b, ok2 := to.secs[name]
	return max(b-a, 0), ok1 && ok2
}

// cpuShare is how many cores each group used between two samples, e.g.
// "temporal 0.92 · postgres 0.31 · worker+web 0.40 · bench 0.18".
func cpuShare(groups []cpuGroup, from, to cpuSample) string {
	d := to.at.Sub(from.at).Seconds()
	if d <= 0 {
		return ""
	}
	cores := func(secs float64) string { return fmt.Sprintf("%.2f", secs/d) }
	parts := []string{perGroup(groups, from, to, cores)}
	if secs, ok := spent(from, to, othersGroup); ok {
		parts = append(parts, "other processes "+cores(secs))
	}
	return strings.Join(slices.DeleteFunc(parts, func(p string) bool { return p == "" }), " · ")
}

// memory reads a process's peak and current resident memory (VmHWM and
// VmRSS of /proc/<pid>/status), in bytes.
func memory(pid int) (peak, now int64, err error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, rest, ok := strings.Cut(sc.Text(), ":")
		if !ok || (name != "VmHWM" && name != "VmRSS") {
			continue
		}
		fields := strings.Fields(rest)
		if len(fields) == 0 {
			continue
		}
		kb, _ := strconv.ParseInt(fields[0], 10, 64)
		if name == "VmHWM" {
			peak = kb << 10
		} else {
			now = kb << 10
		}
	}
	return peak, now, sc.Err()
}

// childOf finds a running child of parent by its command name.
func childOf(parent int, comm string) int {
	for pid, t := range allProcs() {
		if t.ppid == parent && t.comm == comm {
			return pid
		}
	}
	return 0
}

// loadAverage is /proc/loadavg's three load averages.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// machine describes this machine in one line: CPU model, cores, memory.
func machine() string {
	model, cores := "", 0
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			k, v, ok := strings.Cut(line, ":")
			if !ok {
				continue
			}
			switch strings.TrimSpace(k) {
			case "model name":
				model = strings.TrimSpace(v)
			case "processor":
				cores++
			}
		}
	}
	mem := ""
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if rest, ok := strings.CutPrefix(line, "MemTotal:"); ok {
				if f := strings.Fields(rest); len(f) > 0 {
					kb, _ := strconv.ParseInt(f[0], 10, 64)
					mem = fmt.Sprintf(", %.0f GiB of memory", float64(kb)/(1<<20))
				}
			}
		}
	}
	host, _ := os.Hostname()
	if model == "" {
		model = "unknown CPU"
	}
	return fmt.Sprintf("%s: %d cores (%s)%s", host, cores, model, mem)
}
