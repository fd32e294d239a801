// Package starter is the typed client the web UI and the CLI use to start
// procedures, answer the tasks they wait on and read their state. It
// validates input against the order before anything starts, so bad input is
// refused with a clear error and nothing is written.
package starter
