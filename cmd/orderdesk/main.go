// Command orderdesk is the whole of orderdesk in one binary: the worker
// that runs the procedures, the agents' web UI, the database migrations,
// the local development stack, and a CLI to drive procedures from a terminal.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"go.temporal.io/sdk/log"

	"github.com/orderdesk/orderdesk/observe"
	"github.com/orderdesk/orderdesk/order"

	"github.com/orderdesk/orderdesk/locale"
)

// command is one subcommand of orderdesk.
type command struct {
	name  string
	usage string
	run   func(ctx context.Context, cfg config, log *slog.Logger, args []string) error
}

func commands() []command {
	return []command{
		{"dev", "run the whole product locally: Temporal dev server, PostgreSQL, worker and web UI (what `make dev` runs)", runDev},
		{"worker", "run the Temporal worker that carries out the procedures", cmdWorker},
		{"web", "serve the agents' web UI on ORDERDESK_WEB_ADDR", cmdWeb},
		{"migrate", "apply the database migrations to DATABASE_URL", cmdMigrate},
		{"start", "start a procedure: start modify-content --order C-2026-000101 --set SKU=QTY ...", cmdStart},
		{"answer", "answer the agent task a procedure waits on: answer --task 12 --done | --impossible --reason ...", cmdAnswer},
		{"tasks", "list the open agent tasks, oldest first", cmdTasks},
		{"status", "show where a procedure is: status --workflow ID", cmdStatus},
		{"reconcile", "compare the payment providers' refunds and payouts with orderdesk's, opening a task per mismatch: reconcile [--days 3] | --schedule [--at 03:30]", cmdReconcile},
		{"payment", "collect a payment: payment start|record|confirm|invoice|pdf|status ...", cmdPayment},
		{"return", "take shipped items back: return start --order N --line SKU=QTY --reason withdrawal --resolution refund --agent EMAIL; return receive|inspect|status --return R-2026-000001 ...", cmdReturn},
		{"ship", "mark items shipped: ship --order C-2026-000101 --line SKU=QTY --carrier Colissimo --tracking X [--no-email] [--complete SKU]", cmdShip},
		{"edit", "edit an order's details: edit --order N [--name ...] [--email ...] [--delivery \"line1|postal|city|country\"] [--shipping-fee 4,90] [--discount 10%|5,00] --agent EMAIL", cmdEditDetails},
		{"archive", "archive a finished order: archive --order C-2026-000101 --agent EMAIL", cmdArchive},
		{"unarchive", "bring an archived order back among the current ones: unarchive --order C-2026-000101 --agent EMAIL", cmdUnarchive},
		{"note", "add an agent's note to an order's history: note --order C-2026-000101 --text \"...\" [--channel phone] --agent EMAIL", cmdNote},
		{"emails", "list an order's emails (their ids for resend): emails --order C-2026-000101", cmdEmails},
		{"resend", "send an email of an order again: resend --order C-2026-000101 --email-id 12 [--to ADDRESS] --agent EMAIL", cmdResend},
		{"codec-key", "print a new key for ORDERDESK_CODEC_KEYS, the encryption of the customers' data in Temporal: codec-key [--id k2]", cmdCodecKey},
		{"codec-server", "serve the codec endpoint that decrypts procedures' data in the Temporal Web UI for operators with ORDERDESK_CODEC_TOKEN", cmdCodecServer},
		{"agent", "add an agent account: agent add --email EMAIL --name NAME --role agent|supervisor|admin (password on stdin); agent disable|enable EMAIL; agent role EMAIL ROLE; agent password EMAIL", cmdAgent},
		{"audit", "the audit log, newest first: sign-ins, sign-outs, approvals, account changes: audit [--agent EMAIL] [--limit 50]", cmdAudit},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "orderdesk:", describe(err, cliPrinter(os.Getenv)))
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, out io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(out)
		return nil
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		if err := checkArgs(args[1:]); err != nil {
			return err
		}
		cfg, err := loadConfig(getenv)
		if err != nil {
			return err
		}
		logger := slog.New(observe.NewLogHandler(os.Stderr, logFormat(c.name, cfg.LogFormat), cfg.LogLevel))
		return c.run(ctx, cfg, logger, args[1:])
	}
	usage(out)
	return fmt.Errorf("unknown command %q", args[0])
}

// logFormat is ORDERDESK_LOG_FORMAT, or else the command's default: JSON
// for the servers and the migration a platform runs (a log collector reads
// them), text for make dev and the CLI (a person reads them).
func logFormat(command, configured string) string {
	if configured != "" {
		return configured
	}
	switch command {
	case "worker", "web", "migrate":
		return observe.LogJSON
	}
	return observe.LogText
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "orderdesk: procedures on existing orders, run as Temporal workflows.\n\nUsage: orderdesk <command> [flags]   (orderdesk <command> --help for its flags)\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.usage)
	}
	fmt.Fprintln(w, "\nConfiguration (environment variables):")
	for _, v := range append(append(append(envVars, langEnvVars...), moneyEnvVars...), carrierEnvVars...) {
		fmt.Fprintf(w, "  %-27s %s\n", v[0], v[1])
	}
}

// langEnvVars say the terminal's language.
var langEnvVars = [][2]string{
	{"ORDERDESK_LANG", "language the terminal's refusals are said in: fr or en (default: LANG's, French unless it is English)"},
}

// cliPrinter says the terminal's refusals in the language of
// ORDERDESK_LANG, or else of LANG ("en_GB.UTF-8" is English); French when
// neither says English.
func cliPrinter(getenv func(string) string) *locale.Printer {
	code := getenv("ORDERDESK_LANG")
	if code == "" {
		code = getenv("LANG")
	}
	return locale.For(locale.Parse(code))
}

// describe renders an error for a person at a terminal, in p's language: a
// refusal names the flag to fix (none when no flag fixes it: asFlags).
func describe(err error, p *locale.Printer) string {
	var fe *order.FieldError
	if errors.As(err, &fe) {
		msg := fe.Say(p)
		if fe.Field == "" {
			return msg
		}
		sep := ": "
		if p.Lang() == locale.French {
			sep = " : "
		}
		return "--" + strings.ReplaceAll(strings.SplitN(fe.Field, "[", 2)[0], "_", "-") + sep + msg
	}
	return err.Error()
}

// onFlag is the refusal fe said of the flag that sets its field: the same
// code and arguments, another field ("" for none).
func onFlag(fe *order.FieldError, flag string) *order.FieldError {
	moved := *fe
	moved.Field = flag
	return &moved
}

// asFlags names the flag of a command that sets a field its request calls
// otherwise (flags["received_at"] = "date": --date); "" is a field no flag
// of the command sets, said without a flag.
func asFlags(err error, flags map[string]string) error {
	var fe *order.FieldError
	if !errors.As(err, &fe) {
		return err
	}
	f, ok := flags[fe.Field]
	if !ok {
		return err
	}
	return onFlag(fe, f)
}

// newFlags makes a flag set for a subcommand that prints its own usage.
func newFlags(name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: orderdesk %s\n\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses flags; --help is not an error.
func parse(fs *flag.FlagSet, args []string) (bool, error) {
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		return false, nil
	}
	if err == nil && fs.NArg() > 0 {
		return false, fmt.Errorf("unexpected argument %q (see orderdesk %s --help)", fs.Arg(0), fs.Name())
	}
	return err == nil, err
}

// quietLogger keeps the Temporal SDK to warnings, so the CLI's own output
// stays readable.
func quietLogger() log.Logger {
	return log.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
}
