package orderdesk_test

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/template"
	"github.com/compose-spec/compose-go/v2/types"

	"github.com/orderdesk/orderdesk/workflows"
)

// No Docker engine runs where the tests run, so docker-compose.yml is
// checked by loading it as `docker compose` would and asserting on what it
// declares: services, health checks, start order, configuration.

func loadCompose(t *testing.T) *types.Project {
	t.Helper()
	p, err := loadComposeWith(composeEnv(nil))
	if err != nil {
		t.Fatalf("docker-compose.yml does not load: %v", err)
	}
	return p
}

// loadComposeWith loads docker-compose.yml with env as the only
// environment (this machine's is left out), as `docker compose config`
// would.
func loadComposeWith(env map[string]string) (*types.Project, error) {
	var kv []string
	for k, v := range env {
		kv = append(kv, k+"="+v)
	}
	opts, err := cli.NewProjectOptions([]string{"docker-compose.yml"},
		cli.WithWorkingDirectory("."),
		cli.WithEnv(kv),
		cli.WithInterpolation(true),
	)
	if err != nil {
		return nil, err
	}
	return opts.LoadProject(context.Background())
}

// composeSecrets are the variables docker-compose.yml must refuse to start
// without: a password, a key, a token, the codec's keys. The Plaid ones
// must be set but may be set empty (a shop without pay-by-bank).
var composeSecrets = []string{
	"POSTGRES_PASSWORD", "ORDERDESK_API_TOKEN", "ORDERDESK_PAYMENT_WEBHOOK_SECRET",
	"STRIPE_API_KEY", "SENDGRID_API_KEY", "ORDERDESK_CODEC_KEYS", "ORDERDESK_CODEC_TOKEN",
	"PLAID_CLIENT_ID", "PLAID_SECRET", "PLAID_WALLET_ID",
}

// composeIdentity is the shop's identity and addresses: no demo shop's in
// production.
var composeIdentity = []string{
	"ORDERDESK_SELLER_NAME", "ORDERDESK_SELLER_ADDRESS", "ORDERDESK_SELLER_SIRET",
	"ORDERDESK_SELLER_VAT", "ORDERDESK_SELLER_EMAIL", "ORDERDESK_MERCHANT_EMAIL",
	"ORDERDESK_MAIL_FROM", "ORDERDESK_PAYMENT_LINK_URL",
}

// composeOnlyVars are read by docker-compose.yml itself, not by orderdesk:
// README.md's Production section documents them.
var composeOnlyVars = []string{
	"POSTGRES_PASSWORD",          // the orderdesk PostgreSQL user's password (in DATABASE_URL and Temporal's)
	"ORDERDESK_PG_SSLMODE",       // sslmode of DATABASE_URL (default prefer)
	"TEMPORAL_DB_TLS",            // TLS between the Temporal server and PostgreSQL
	"TEMPORAL_UI_CODEC_ENDPOINT", // the codec server the Temporal Web UI decodes payloads with
}

// composeEnv is a complete environment for docker-compose.yml with
// made-up values, less the variables in without.
func composeEnv(without map[string]bool) map[string]string {
	env := map[string]string{}
	for _, v := range append(append([]string{}, composeSecrets...), composeIdentity...) {
		if !without[v] {
			env[v] = "test-" + strings.ToLower(v)
		}
	}
	return env
}

func TestComposeServices(t *testing.T) {
	p := loadCompose(t)
	want := []string{"orderdesk-codec", "orderdesk-migrate", "orderdesk-web", "orderdesk-worker", "postgres", "temporal", "temporal-setup", "temporal-ui"}
	got := p.ServiceNames()
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Fatalf("services = %v, want %v", got, want)
	}

	for _, name := range []string{"postgres", "temporal", "orderdesk-web"} {
		hc := p.Services[name].HealthCheck
		if hc == nil || hc.Disable || len(hc.Test) == 0 {
			t.Errorf("%s has no health check", name)
		}
	}
	if hc := p.Services["temporal"].HealthCheck; hc != nil && !strings.Contains(strings.Join(hc.Test, " "), "cluster health") {
		t.Errorf("temporal's health check %v does not ask the cluster's health", hc.Test)
	}

	// Who waits for what, and until which condition.
	deps := map[string]map[string]string{
		"temporal":          {"postgres": types.ServiceConditionHealthy},
		"temporal-setup":    {"temporal": types.ServiceConditionHealthy},
		"temporal-ui":       {"temporal": types.ServiceConditionHealthy},
		"orderdesk-migrate": {"postgres": types.ServiceConditionHealthy},
		"orderdesk-worker":  {"orderdesk-migrate": types.ServiceConditionCompletedSuccessfully, "temporal-setup": types.ServiceConditionCompletedSuccessfully},
		"orderdesk-web":     {"orderdesk-migrate": types.ServiceConditionCompletedSuccessfully, "temporal-setup": types.ServiceConditionCompletedSuccessfully},
	}
	for svc, wantDeps := range deps {
		got := p.Services[svc].DependsOn
		if len(got) != len(wantDeps) {
			t.Errorf("%s depends on %v, want %v", svc, got, wantDeps)
		}
		for dep, cond := range wantDeps {
			if got[dep].Condition != cond {
				t.Errorf("%s depends on %s with condition %q, want %q", svc, dep, got[dep].Condition, cond)
			}
		}
	}

	// orderdesk's three services run the image built here, each its command.
	for svc, cmd := range map[string]string{"orderdesk-migrate": "migrate", "orderdesk-worker": "worker", "orderdesk-web": "web"} {
		s := p.Services[svc]
		if s.Build == nil {
			t.Errorf("%s is not built from the Dockerfile", svc)
		}
		if !slices.Equal([]string(s.Command), []string{cmd}) {
			t.Errorf("%s runs %v, want [%s]", svc, s.Command, cmd)
		}
		if s.Environment["DATABASE_URL"] == nil || !strings.Contains(*s.Environment["DATABASE_URL"], "@postgres:5432/orderdesk") {
			t.Errorf("%s: DATABASE_URL does not point at the postgres service", svc)
		}
		if a := s.Environment["TEMPORAL_ADDRESS"]; svc != "orderdesk-migrate" && (a == nil || *a != "temporal:7233") {
			t.Errorf("%s: TEMPORAL_ADDRESS does not point at the temporal service", svc)
		}
	}
	if s := p.Services["orderdesk-migrate"]; s.Restart != types.RestartPolicyNo {
		t.Errorf("orderdesk-migrate restarts (%q): a one-shot must not", s.Restart)
	}

	// The search attributes the procedures set are registered, with the
	// types the workflows declare.
	setup := strings.Join(p.Services["temporal-setup"].Command, " ")
	for k := range workflows.SearchAttributes().GetUntypedValues() {
		sa := k.GetName() + "=" + k.GetValueType().String()
		if !strings.Contains(setup, sa) {
			t.Errorf("temporal-setup does not register %s", sa)
		}
	}

	// Only the agent UI is published to the network; the Temporal Web UI
	// and its codec endpoint on the host's loopback only; PostgreSQL and
	// Temporal not at all.
	published := map[string]string{}
	for name, s := range p.Services {
		for _, port := range s.Ports {
			published[name] = port.HostIP + ":" + port.Published
		}
	}
	wantPublished := map[string]string{"orderdesk-web": ":8080", "temporal-ui": "127.0.0.1:8233", "orderdesk-codec": "127.0.0.1:8234"}
	if !maps.Equal(published, wantPublished) {
		t.Errorf("published ports %v, want %v: the agent UI on 8080, the Temporal Web UI on 127.0.0.1:8233 only, nothing else", published, wantPublished)
	}
}

// TestComposeRefusesToStartWithoutItsSecrets: each secret and each part of
// the shop's identity missing stops `docker compose` before anything
// starts, naming the variable; none falls back to a default (an API that
// answers 503, card refunds left to agents, invoices in a demo shop's name).
func TestComposeRefusesToStartWithoutItsSecrets(t *testing.T) {
	for _, v := range append(append([]string{}, composeSecrets...), composeIdentity...) {
		_, err := loadComposeWith(composeEnv(map[string]bool{v: true}))
		var missing *template.MissingRequiredError
		if !errors.As(err, &missing) || missing.Variable != v {
			t.Errorf("without %s, docker compose does not refuse to start on it (got %v)", v, err)
		} else if missing.Reason == "" {
			t.Errorf("the refusal for a missing %s does not say what it is", v)
		}
	}

	// Set, each reaches the orderdesk services, as set.
	env := composeEnv(nil)
	p, err := loadComposeWith(env)
	if err != nil {
		t.Fatal(err)
	}
	for _, svc := range []string{"orderdesk-migrate", "orderdesk-worker", "orderdesk-web", "orderdesk-codec"} {
		for _, v := range append(append([]string{}, composeSecrets...), composeIdentity...) {
			if v == "ORDERDESK_CODEC_TOKEN" && svc != "orderdesk-codec" {
				continue // the codec endpoint's alone
			}
			if v == "POSTGRES_PASSWORD" {
				if u := p.Services[svc].Environment["DATABASE_URL"]; u == nil || !strings.Contains(*u, ":"+env[v]+"@") {
					t.Errorf("%s: DATABASE_URL does not carry POSTGRES_PASSWORD", svc)
				}
				continue
			}
			if got := p.Services[svc].Environment[v]; got == nil || *got != env[v] {
				t.Errorf("%s: %s does not reach it", svc, v)
			}
		}
	}
}

// composeVarRe matches ${NAME}, ${NAME:-default}, ${NAME-default},
// ${NAME:?reason}, ${NAME?reason}; $${...} is a literal for the shell.
var composeVarRe = regexp.MustCompile(`(^|[^$])\$\{([A-Z][A-Z0-9_]*)(:?[-?])?([^}]*)\}`)

// TestComposeVariablesDocumentedAndSecretsWithoutDefault: every variable
// docker-compose.yml reads is one orderdesk documents (--help, the README's
// configuration table) or one of the compose file's own, which the README's
// Production section documents; and no secret has a default anywhere in
// the file.
func TestComposeVariablesDocumentedAndSecretsWithoutDefault(t *testing.T) {
	raw, err := os.ReadFile("docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	production := section(string(readme), "## Production")
	documented := documentedEnvVars(t)
	secret := map[string]bool{}
	for _, v := range composeSecrets {
		secret[v] = true
	}
	seen := map[string]bool{}
	for _, m := range composeVarRe.FindAllStringSubmatch(string(raw), -1) {
		name, op := m[2], m[3]
		seen[name] = true
		switch {
		case slices.Contains(composeOnlyVars, name):
			if !strings.Contains(production, "`"+name+"`") {
				t.Errorf("docker-compose.yml reads %s, which README.md's Production section does not document", name)
			}
		case !documented[name]:
			t.Errorf("docker-compose.yml reads %s, which neither cmd/orderdesk documents (envVars) nor the compose-only list does", name)
		}
		if (secret[name] || slices.Contains(composeIdentity, name)) && op != ":?" && op != "?" {
			t.Errorf("docker-compose.yml gives %s a default (${%s%s%s}): a secret or the shop's identity must be required", name, name, op, m[4])
		}
	}
	for _, v := range append(append([]string{}, composeSecrets...), composeIdentity...) {
		if !seen[v] {
			t.Errorf("docker-compose.yml never reads %s", v)
		}
	}
	// The operator's list in the README names every variable compose asks for.
	for _, v := range append(append([]string{}, composeSecrets...), composeIdentity...) {
		if !strings.Contains(production, "`"+v+"`") {
			t.Errorf("README.md's Production section does not name %s, which docker compose requires", v)
		}
	}
}

// section is the text of a README section, from its heading to the next
// heading of the same level.
func section(doc, heading string) string {
	i := strings.Index(doc, "\n"+heading+"\n")
	if i < 0 {
		return ""
	}
	rest := doc[i+len(heading)+2:]
	if j := strings.Index(rest, "\n## "); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

// TestComposeDatabaseTLS: orderdesk's connections ask PostgreSQL for TLS
// (prefer by default: TLS when the server offers it) and an operator
// requires it with ORDERDESK_PG_SSLMODE; Temporal's follow TEMPORAL_DB_TLS.
func TestComposeDatabaseTLS(t *testing.T) {
	for mode, want := range map[string]string{"": "sslmode=prefer", "verify-full": "sslmode=verify-full"} {
		env := composeEnv(nil)
		if mode != "" {
			env["ORDERDESK_PG_SSLMODE"] = mode
			env["TEMPORAL_DB_TLS"] = "true"
		}
		p, err := loadComposeWith(env)
		if err != nil {
			t.Fatal(err)
		}
		for _, svc := range []string{"orderdesk-migrate", "orderdesk-worker", "orderdesk-web"} {
			u := p.Services[svc].Environment["DATABASE_URL"]
			if u == nil || !strings.HasSuffix(*u, "?"+want) {
				t.Errorf("ORDERDESK_PG_SSLMODE=%q: %s's DATABASE_URL is %v, want it to end in ?%s", mode, svc, u, want)
			}
			if strings.Contains(*u, "sslmode=disable") {
				t.Errorf("%s connects to PostgreSQL with TLS disabled", svc)
			}
		}
		tls := p.Services["temporal"].Environment["SQL_TLS_ENABLED"]
		if wantTLS := map[string]string{"": "false", "verify-full": "true"}[mode]; tls == nil || *tls != wantTLS {
			t.Errorf("TEMPORAL_DB_TLS: the Temporal server's SQL_TLS_ENABLED is %v, want %s", tls, wantTLS)
		}
	}
}

// TestComposeTemporalWebUIReadOnly: the Web UI, which has no sign-in,
// cannot cancel, terminate, signal or reset anything, and decodes payloads
// through orderdesk's codec server instead of showing them encrypted.
func TestComposeTemporalWebUIReadOnly(t *testing.T) {
	ui := loadCompose(t).Services["temporal-ui"]
	if v := ui.Environment["TEMPORAL_DISABLE_WRITE_ACTIONS"]; v == nil || *v != "true" {
		t.Errorf("the Temporal Web UI allows write actions (TEMPORAL_DISABLE_WRITE_ACTIONS = %v)", v)
	}
	// The browser calls the codec endpoint: at the port the codec service
	// publishes, which is where it listens.
	p := loadCompose(t)
	codecSvc := p.Services["orderdesk-codec"]
	if !slices.Equal([]string(codecSvc.Command), []string{"codec-server"}) {
		t.Errorf("orderdesk-codec runs %v, want [codec-server]", codecSvc.Command)
	}
	addr := codecSvc.Environment["ORDERDESK_CODEC_ADDR"]
	if addr == nil || len(codecSvc.Ports) != 1 || ":"+codecSvc.Ports[0].Published != *addr || fmt.Sprint(codecSvc.Ports[0].Target) != strings.TrimPrefix(*addr, ":") {
		t.Fatalf("orderdesk-codec listens on %v and publishes %+v", addr, codecSvc.Ports)
	}
	if v := ui.Environment["TEMPORAL_CODEC_ENDPOINT"]; v == nil || *v != "http://localhost"+*addr {
		t.Errorf("the Temporal Web UI's codec endpoint is %v, want the codec service's, http://localhost%s", v, *addr)
	}
}

// TestComposeWorkerHealthCheck: the worker is checked on its admin
// address's /healthz, with a program the image has.
func TestComposeWorkerHealthCheck(t *testing.T) {
	w := loadCompose(t).Services["orderdesk-worker"]
	hc := w.HealthCheck
	if hc == nil || hc.Disable || len(hc.Test) < 2 {
		t.Fatal("orderdesk-worker has no health check")
	}
	addr := w.Environment["ORDERDESK_ADMIN_ADDR"]
	if addr == nil || *addr == "" {
		t.Fatal("orderdesk-worker has no ORDERDESK_ADMIN_ADDR: nothing serves /healthz")
	}
	if !slices.Contains(hc.Test, "http://"+*addr+"/healthz") {
		t.Errorf("the worker's health check %v does not ask http://%s/healthz", hc.Test, *addr)
	}
	if h, _, _ := strings.Cut(*addr, ":"); h != "127.0.0.1" {
		t.Errorf("ORDERDESK_ADMIN_ADDR=%s: the profiler and health address must stay inside the container (127.0.0.1)", *addr)
	}
	dockerfile, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	// The runtime image is alpine: busybox has wget, there is no curl.
	stages := strings.Split(string(dockerfile), "\nFROM ")
	runtime := stages[len(stages)-1]
	prog := hc.Test[1]
	if hc.Test[0] == "CMD-SHELL" {
		prog, _, _ = strings.Cut(hc.Test[1], " ")
	}
	switch {
	case prog == "wget" && strings.HasPrefix(runtime, "alpine"):
	case prog == "curl" && strings.Contains(runtime, "curl"):
	case prog == "orderdesk":
	default:
		t.Errorf("the worker's health check runs %q, which the image's last stage (FROM %s) may not have", prog, strings.SplitN(runtime, "\n", 2)[0])
	}
}

// TestComposeEnvDocumented: every variable the orderdesk services set is
// one orderdesk reads and documents (envVars in cmd/orderdesk/config.go),
// so a typo in the compose file cannot silently fall back to a default.
func TestComposeEnvDocumented(t *testing.T) {
	documented := documentedEnvVars(t)
	p := loadCompose(t)
	for name, s := range p.Services {
		if !strings.HasPrefix(name, "orderdesk-") {
			continue
		}
		for v := range s.Environment {
			if !documented[v] {
				t.Errorf("%s sets %s, which cmd/orderdesk/config.go does not document (envVars)", name, v)
			}
		}
	}
}

// documentedEnvVars reads the names of the variables orderdesk documents
// out of cmd/orderdesk (envVars and every other *EnvVars list that --help
// prints): package main cannot be imported.
func documentedEnvVars(t *testing.T) map[string]bool {
	t.Helper()
	files, err := filepath.Glob("cmd/orderdesk/*.go")
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			vs, ok := n.(*ast.ValueSpec)
			if !ok || len(vs.Names) != 1 || len(vs.Values) != 1 {
				return true
			}
			if name := vs.Names[0].Name; name != "envVars" && !strings.HasSuffix(name, "EnvVars") {
				return true
			}
			lit, ok := vs.Values[0].(*ast.CompositeLit)
			if !ok {
				return false
			}
			for _, e := range lit.Elts {
				pair, ok := e.(*ast.CompositeLit)
				if !ok || len(pair.Elts) == 0 {
					continue
				}
				bl, ok := pair.Elts[0].(*ast.BasicLit)
				if !ok {
					continue
				}
				name, err := strconv.Unquote(bl.Value)
				if err != nil {
					t.Fatal(err)
				}
				// "A, B, C" documents three variables at once.
				for _, n := range strings.Split(name, ",") {
					names[strings.TrimSpace(n)] = true
				}
			}
			return false
		})
	}
	if !names["DATABASE_URL"] || len(names) < 5 {
		t.Fatalf("found %d variables in the *EnvVars lists of cmd/orderdesk: have they moved?", len(names))
	}
	return names
}

// TestComposeFirstAdminCommand: the one-shot command README.md and
// docker-compose.yml give for the first admin runs `orderdesk agent add` in
// a service of the stack (the image's entrypoint is orderdesk), with flags
// the command has, and the password on stdin rather than in the process
// list.
func TestComposeFirstAdminCommand(t *testing.T) {
	p := loadCompose(t)
	agentGo, err := os.ReadFile("cmd/orderdesk/agent.go")
	if err != nil {
		t.Fatal(err)
	}
	flags := map[string]bool{}
	for _, m := range regexp.MustCompile(`fs\.(?:String|Bool)\("([a-z-]+)"`).FindAllStringSubmatch(string(agentGo), -1) {
		flags[m[1]] = true
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	compose, err := os.ReadFile("docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	for doc, text := range map[string]string{"README.md": section(string(readme), "## Production"), "docker-compose.yml": string(compose)} {
		var line string
		for l := range strings.Lines(text) {
			if strings.Contains(l, "docker compose run") && strings.Contains(l, " agent add ") {
				line = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(l), "#"))
			}
		}
		if line == "" {
			t.Errorf("%s gives no command for the first admin", doc)
			continue
		}
		fields := strings.Fields(line)
		i := slices.Index(fields, "agent")
		if i < 1 || p.Services[fields[i-1]].Build == nil {
			t.Errorf("%s: %q does not run agent add in one of orderdesk's services", doc, line)
			continue
		}
		for _, f := range fields[i+2:] {
			if name, ok := strings.CutPrefix(f, "--"); ok && !flags[name] {
				t.Errorf("%s: orderdesk agent add has no flag --%s", doc, name)
			}
		}
		if !slices.Contains(fields, "admin") || !slices.Contains(fields, "<") || strings.Contains(line, "--password") {
			t.Errorf("%s: %q does not create an admin with the password on stdin", doc, line)
		}
		if !slices.Contains(fields, "-T") {
			t.Errorf("%s: %q reads stdin without -T (docker compose run would attach a terminal)", doc, line)
		}
	}
}
