package orderdesk_test

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
)

// No Docker engine runs where the tests run, so docker-compose.yml is
// checked by loading it as `docker compose` would and asserting on what it
// declares: services, health checks, start order, configuration.

func loadCompose(t *testing.T) *types.Project {
	t.Helper()
	opts, err := cli.NewProjectOptions([]string{"docker-compose.yml"},
		cli.WithWorkingDirectory("."),
		cli.WithEnv([]string{}), // defaults of the file, not this machine's environment
		cli.WithInterpolation(true),
	)
	if err != nil {
		t.Fatal(err)
	}
	p, err := opts.LoadProject(context.Background())
	if err != nil {
		t.Fatalf("docker-compose.yml does not load: %v", err)
	}
	return p
}

func TestComposeServices(t *testing.T) {
	p := loadCompose(t)
	want := []string{"orderdesk-migrate", "orderdesk-web", "orderdesk-worker", "postgres", "temporal", "temporal-setup", "temporal-ui"}
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

	// The search attributes the procedures set are registered.
	setup := strings.Join(p.Services["temporal-setup"].Command, " ")
	for _, sa := range []string{"OrderNumber=Keyword", "CustomerEmail=Keyword", "Procedure=Keyword", "AwaitingAgent=Bool"} {
		if !strings.Contains(setup, sa) {
			t.Errorf("temporal-setup does not register %s", sa)
		}
	}

	published := map[string]string{}
	for _, svc := range []string{"orderdesk-web", "temporal-ui"} {
		for _, port := range p.Services[svc].Ports {
			published[svc] = port.Published
		}
	}
	if published["orderdesk-web"] != "8080" || published["temporal-ui"] != "8233" {
		t.Errorf("published ports %v, want the agent UI on 8080 and the Temporal Web UI on 8233", published)
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

// documentedEnvVars reads the names of envVars out of config.go: package
// main cannot be imported.
func documentedEnvVars(t *testing.T) map[string]bool {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "cmd/orderdesk/config.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok || len(vs.Names) != 1 || vs.Names[0].Name != "envVars" || len(vs.Values) != 1 {
			return true
		}
		for _, e := range vs.Values[0].(*ast.CompositeLit).Elts {
			pair := e.(*ast.CompositeLit)
			name, err := strconv.Unquote(pair.Elts[0].(*ast.BasicLit).Value)
			if err != nil {
				t.Fatal(err)
			}
			names[name] = true
		}
		return false
	})
	if len(names) < 5 {
		t.Fatalf("found %d variables in envVars of cmd/orderdesk/config.go: has it moved?", len(names))
	}
	return names
}
