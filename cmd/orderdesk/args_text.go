package main

import (
	"strconv"
	"strings"

	"github.com/orderdesk/orderdesk/order"
)

// checkArgs refuses a command line whose arguments hold a control
// character other than newline, carriage return and tab (an escape
// sequence pasted into a terminal, a BEL) or bytes that are not UTF-8,
// naming the flag the value belongs to, before anything reads them: the
// same check as the API's and the agent UI's (order.CheckText). A text may
// span lines (a note, a personal paragraph), so newline and tab pass; a
// NUL cannot reach a program's arguments at all.
func checkArgs(args []string) error {
	for i, a := range args {
		field := "argument " + strconv.Itoa(i+1)
		if name, _, ok := strings.Cut(a, "="); ok && strings.HasPrefix(a, "-") {
			field = name
		} else if i > 0 && strings.HasPrefix(args[i-1], "-") && !strings.Contains(args[i-1], "=") {
			field = args[i-1]
		}
		if err := order.CheckText(field, a, true); err != nil {
			return err
		}
	}
	return nil
}
