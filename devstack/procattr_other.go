//go:build !linux

package devstack

import "syscall"

// childProcAttr puts a child server in its own process group, so a Ctrl-C
// in the terminal reaches orderdesk only, which stops things in order.
func childProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
