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

	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/web"

	"github.com/orderdesk/orderdesk/locale"
)

// cmdAgent is `orderdesk agent add`: create an account that signs in to
// the agent UI. The password is read from stdin (one line), or from
// --password for scripts that accept it showing in the process list.
// `agent disable|enable|role|password` change an account (accounts.go).
func cmdAgent(ctx context.Context, cfg config, log *slog.Logger, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "disable", "enable", "role", "password":
			return cmdAgentAccount(ctx, cfg, args[0], args[1:], os.Stdin, os.Stdout)
		}
	}
	if len(args) == 0 || args[0] != "add" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Println("Usage: orderdesk agent add --email EMAIL --name NAME [--role agent|supervisor|admin] [--password PW]\n" +
				"       orderdesk agent disable|enable EMAIL\n" +
				"       orderdesk agent role EMAIL agent|supervisor|admin\n" +
				"       orderdesk agent password EMAIL\n\n" +
				"The password is read from stdin unless --password is given. Disabling an account, and a new password, end its sessions.")
			return nil
		}
		return errors.New("say what to do: orderdesk agent add|disable|enable|role|password, or orderdesk agent --help")
	}
	fs := newFlags("agent add", "agent add --email EMAIL --name NAME [--role agent|supervisor|admin] [--locale fr|en] [--password PW]")
	email := fs.String("email", "", "the address the agent signs in with")
	name := fs.String("name", "", "the agent's name, as the UI shows it")
	role := fs.String("role", store.RoleAgent, "agent, supervisor (approves large refunds) or admin")
	lang := fs.String("locale", "fr", "language of the UI: fr or en")
	password := fs.String("password", "", "the password (default: read one line from stdin)")
	if ok, err := parse(fs, args[1:]); !ok {
		return err
	}
	a, err := newAgent(*email, *name, *role, *lang, *password, os.Stdin)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	saved, err := st.CreateAgent(ctx, a)
	if errors.Is(err, store.ErrAgentExists) {
		return order.Refuse("email", "refusal.agent_exists", locale.Text(a.Email))
	}
	if err != nil {
		return err
	}
	fmt.Printf("agent #%d added: %s (%s), role %s\n", saved.ID, saved.Email, saved.Name, saved.Role)
	return nil
}

// minPassword is the shortest password web.HashPassword takes.
const minPassword = 8

// newAgent checks the flags and hashes the password (from stdin when not
// given).
func newAgent(email, name, role, lang, password string, stdin io.Reader) (store.Agent, error) {
	email, name = strings.TrimSpace(email), strings.TrimSpace(name)
	switch {
	case email == "" || !strings.Contains(email, "@"):
		return store.Agent{}, order.Refuse("email", "refusal.agent_email_missing")
	case name == "":
		return store.Agent{}, order.Refuse("name", "refusal.agent_name_missing")
	case role != store.RoleAgent && role != store.RoleSupervisor && role != store.RoleAdmin:
		return store.Agent{}, order.Refuse("role", "refusal.role_unknown", locale.Text(role))
	case lang != "fr" && lang != "en":
		return store.Agent{}, order.Refuse("locale", "refusal.ui_language_unknown", locale.Text(lang))
	}
	if password == "" {
		if f, ok := stdin.(*os.File); ok {
			if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
				fmt.Fprint(os.Stderr, "password: ")
			}
		}
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return store.Agent{}, fmt.Errorf("reading the password from stdin: %w", err)
		}
		password = strings.TrimRight(line, "\r\n")
	}
	if len(password) < minPassword {
		return store.Agent{}, order.Refuse("password", "refusal.password_too_short", locale.Count(minPassword))
	}
	hash, err := web.HashPassword(password)
	if err != nil {
		return store.Agent{}, fmt.Errorf("password: %w", err)
	}
	return store.Agent{Email: email, Name: name, Role: role, Locale: lang, PasswordHash: hash}, nil
}

// demoLogin is an account make dev creates, printed in its banner.
type demoLogin struct{ Email, Password, Role string }

// demoLogins are make dev's accounts: an agent, and a supervisor who
// approves the agent's large refunds. Local only: make dev's database.
var demoLogins = []struct {
	demoLogin
	Name string
}{
	{demoLogin{"agent@orderdesk.test", "agent-demo-2026", store.RoleAgent}, "Marie Agent"},
	{demoLogin{"superviseur@orderdesk.test", "superviseur-demo-2026", store.RoleSupervisor}, "Paul Superviseur"},
}

// ensureDemoAgents creates make dev's accounts the first time (an account
// that exists is left as it is) and returns their logins.
func ensureDemoAgents(ctx context.Context, st *store.Store) ([]demoLogin, error) {
	var out []demoLogin
	for _, d := range demoLogins {
		if _, err := st.AgentByEmail(ctx, d.Email); err == nil {
			out = append(out, d.demoLogin)
			continue
		} else if !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		a, err := newAgent(d.Email, d.Name, d.Role, "fr", d.Password, nil)
		if err != nil {
			return nil, err
		}
		if _, err := st.CreateAgent(ctx, a); err != nil && !errors.Is(err, store.ErrAgentExists) {
			return nil, err
		}
		out = append(out, d.demoLogin)
	}
	return out, nil
}

// printLogins lists make dev's accounts under its banner.
func printLogins(w io.Writer, logins []demoLogin) {
	if len(logins) == 0 {
		return
	}
	fmt.Fprintln(w, " Sign in to the agent UI with:")
	for _, l := range logins {
		fmt.Fprintf(w, "   %-11s %-28s password %s\n", l.Role, l.Email, l.Password)
	}
	fmt.Fprintln(w)
}
