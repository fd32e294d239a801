package devstack

import "syscall"

// ChildProcAttr is what a test gives a long-running orderdesk it starts
// itself (the README test's `orderdesk dev`): its own process group, so a
// stop reaches it alone, and on Linux a SIGTERM from the kernel if the test
// binary dies without stopping it (go test -timeout), which then stops what
// it started in turn.
func ChildProcAttr() *syscall.SysProcAttr { return childProcAttr() }
