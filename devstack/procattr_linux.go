package devstack

import "syscall"

// childProcAttr puts a child server in its own process group (a Ctrl-C in
// the terminal reaches orderdesk only, which stops things in order) and has
// the kernel send it SIGTERM if orderdesk dies without stopping it.
func childProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
}
