package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/web"
)

// cliActor is who changes an account from the command line, for the
// audit log: the operator's login when the shell says it.
func cliActor() string {
	if u := os.Getenv("USER"); u != "" {
		return "cli:" + u
	}
	return "cli"
}

// cmdAgentAccount is `orderdesk agent disable|enable|role|password EMAIL`:
// the changes an admin makes to an account, each written to the audit
// log. Disabling, and a new password, end every session of the account.
func cmdAgentAccount(ctx context.Context, cfg config, what string, args []string, stdin io.Reader, out io.Writer) error {
	synopsis := map[string]string{
		"disable":  "agent disable EMAIL",
		"enable":   "agent enable EMAIL",
		"role":     "agent role EMAIL agent|supervisor|admin",
		"password": "agent password EMAIL (the new password on stdin)",
	}[what]
	fs := newFlags("agent "+what, synopsis)
	if ok, err := parse(fs, args); !ok {
		return err
	}
	email := strings.TrimSpace(fs.Arg(0))
	if email == "" || !strings.Contains(email, "@") {
		return order.Refuse("email", "refusal.agent_email_missing")
	}
	role, hash := "", ""
	switch what {
	case "role":
		role = fs.Arg(1)
		if role != store.RoleAgent && role != store.RoleSupervisor && role != store.RoleAdmin {
			return order.Refuse("role", "refusal.role_unknown", locale.Text(role))
		}
	case "password":
		password, err := readPassword(stdin)
		if err != nil {
			return err
		}
		if len(password) < minPassword {
			return order.Refuse("password", "refusal.password_too_short", locale.Count(minPassword))
		}
		if hash, err = web.HashPassword(password); err != nil {
			return fmt.Errorf("password: %w", err)
		}
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	by := store.AccountChange{Actor: cliActor()}
	var a store.Agent
	switch what {
	case "disable", "enable":
		a, err = st.SetAgentDisabled(ctx, email, what == "disable", by)
	case "role":
		a, err = st.SetAgentRole(ctx, email, role, by)
	case "password":
		a, err = st.SetAgentPassword(ctx, email, hash, by)
	}
	if errors.Is(err, store.ErrNotFound) {
		return order.Refuse("email", "refusal.agent_unknown", locale.Text(email))
	}
	if err != nil {
		return err
	}
	switch what {
	case "disable":
		fmt.Fprintf(out, "agent %s disabled: signed out everywhere, cannot sign in\n", a.Email)
	case "enable":
		fmt.Fprintf(out, "agent %s enabled: can sign in again\n", a.Email)
	case "role":
		fmt.Fprintf(out, "agent %s: role %s\n", a.Email, a.Role)
	case "password":
		fmt.Fprintf(out, "agent %s: new password, signed out everywhere\n", a.Email)
	}
	return nil
}

// readPassword reads one line of stdin, asking for it on a terminal.
func readPassword(stdin io.Reader) (string, error) {
	if f, ok := stdin.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			fmt.Fprint(os.Stderr, "password: ")
		}
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("reading the password from stdin: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// cmdAudit is `orderdesk audit [--agent EMAIL] [--limit N]`: the audit
// log, newest first: sign-ins (refused ones too, with the address),
// sign-outs, supervisors' approvals, accounts' changes.
func cmdAudit(ctx context.Context, cfg config, log *slog.Logger, args []string) error {
	fs := newFlags("audit", "audit [--agent EMAIL] [--limit 50]")
	agent := fs.String("agent", "", "only the lines of this account")
	limit := fs.Int("limit", 50, "at most this many lines")
	if ok, err := parse(fs, args); !ok {
		return err
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	lines, err := st.ListAudit(ctx, store.AuditFilter{Email: *agent, Limit: *limit})
	if err != nil {
		return err
	}
	printAudit(os.Stdout, lines)
	return nil
}

// printAudit writes the audit log's lines, one a line.
func printAudit(w io.Writer, lines []store.AuditEntry) {
	if len(lines) == 0 {
		fmt.Fprintln(w, "nothing in the audit log")
	}
	for _, l := range lines {
		fmt.Fprintf(w, "%s  %-16s %s", l.At.Local().Format(time.DateTime), l.Kind, l.Email)
		if l.Actor != "" {
			fmt.Fprintf(w, "  by %s", l.Actor)
		}
		if l.Address != "" {
			fmt.Fprintf(w, "  from %s", l.Address)
		}
		if l.Detail != "" {
			fmt.Fprintf(w, "  (%s)", l.Detail)
		}
		fmt.Fprintln(w)
	}
}
