// Package prodtest runs orderdesk as production runs it, on this machine
// and without Docker: a real Temporal server (built from source, the
// version the pinned CLI embeds) on its own PostgreSQL for persistence and
// visibility, two `orderdesk worker` processes and one `orderdesk web`,
// built from this tree. It starts money procedures, kills a worker with
// SIGKILL and restarts the Temporal server while they run, then checks that
// each finished once. Its test is behind the prodtest build tag: `make
// prod-test` runs it, `make test` does not.
package prodtest
