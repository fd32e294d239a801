package orderdesk_test

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/orderdesk/orderdesk/"

// TestLayersPointOneWay holds the dependency rules of the layout (README, Layout):
// procedures decide and never reach the world themselves, the domain
// depends on nothing of ours but the language layer, and the language
// layer on nothing of ours. The agent UI (web) and the HTTP for machines
// (web/api: the JSON API and the payment webhook) import nothing of each
// other; what both need is their tree's own internal package.
func TestLayersPointOneWay(t *testing.T) {
	rules := map[string][]string{
		"workflows":            {"store", "payments", "carrier", "mail", "web", "starter", "worker", "devstack"},
		"order":                {""}, // "" forbids every package of the module (but those of leaves)
		"locale":               {""},
		"textin":               {""},
		"internal/sandboxhttp": {""},
		"store":                {"workflows", "activities", "web", "starter", "worker"},
		"activities":           {"workflows", "web", "starter", "worker"},
		"web":                  {"web/api"},
		"web/api":              {"web"}, // and every package under web/ but web/internal/...
	}
	for dir, forbidden := range rules {
		for _, v := range violations(t, dir, forbidden) {
			t.Error(v)
		}
	}
}

// leaves are the packages every other may use: they depend on nothing of
// ours (the rules above hold them to it).
var leaves = map[string]bool{"locale": true, "textin": true}

// TestUIAndAPIAreWiredOnlyWhereTheServerRuns: the agent UI and the API
// are put side by side on one server by the commands that run it
// (cmd/...) and by the benchmark's child process, which stands in for
// `orderdesk web` (bench); no other package imports either (the tests
// do, which this does not read).
func TestUIAndAPIAreWiredOnlyWhereTheServerRuns(t *testing.T) {
	for _, dir := range packageDirs(t) {
		if dir == "web" || strings.HasPrefix(dir, "web/") || strings.HasPrefix(dir, "cmd/") || dir == "bench" {
			continue
		}
		for _, v := range violations(t, dir, []string{"web"}) {
			t.Error(v)
		}
	}
}

// packageDirs lists the module's directories that hold a package (a
// non-test Go file), relative to the root, tools' data left out.
func packageDirs(t *testing.T) []string {
	t.Helper()
	var dirs []string
	seen := map[string]bool{}
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != "." && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if dir := filepath.ToSlash(filepath.Dir(path)); strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go") && dir != "." && !seen[dir] {
			seen[dir] = true
			dirs = append(dirs, dir)
		}
		return nil
	})
	if err != nil || len(dirs) < 10 {
		t.Fatalf("the module's packages: %v (%d found)", err, len(dirs))
	}
	return dirs
}

// violations lists the imports of dir that reach a forbidden package of
// ours. An internal package belongs to its tree: a package of that tree
// may import it even where the tree's root is forbidden (Go lets no other
// import it at all).
func violations(t *testing.T, dir string, forbidden []string) []string {
	var out []string
	for _, imp := range imports(t, dir) {
		if !strings.HasPrefix(imp.path, module) {
			continue
		}
		ours := strings.TrimPrefix(imp.path, module)
		if leaves[ours] {
			continue
		}
		if root, _, ok := strings.Cut(ours, "/internal/"); ok && (dir == root || strings.HasPrefix(dir, root+"/")) {
			continue
		}
		for _, f := range forbidden {
			if f == "" || ours == f || strings.HasPrefix(ours, f+"/") {
				out = append(out, imp.file+" imports "+imp.path+": package "+filepath.Base(dir)+" must not depend on "+ours+" (see the README's layout)")
			}
		}
	}
	return out
}

type importRef struct{ file, path string }

// imports lists the imports of the non-test Go files of dir.
func imports(t *testing.T, dir string) []importRef {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no Go files in %s: %v", dir, err)
	}
	var out []importRef
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		af, err := parser.ParseFile(fset, f, src, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, is := range af.Imports {
			p, _ := strconv.Unquote(is.Path.Value)
			out = append(out, importRef{f, p})
		}
	}
	return out
}

// TestTheArchitectureTestCatchesAViolation proves the rule above can fail:
// a workflows file importing store is reported.
func TestTheArchitectureTestCatchesAViolation(t *testing.T) {
	dir := t.TempDir()
	src := "package workflows\nimport _ \"" + module + "store\"\n"
	if err := os.WriteFile(filepath.Join(dir, "bad.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	got := violations(t, dir, []string{"store", "mail"})
	if len(got) != 1 || !strings.Contains(got[0], "must not depend on store") {
		t.Fatalf("a workflows file importing store gave %q, want one violation naming store", got)
	}
}

// TestTheArchitectureTestCatchesTheUIAndTheAPIMixing proves the rules on
// the UI and the API can fail: an API file importing the UI is reported,
// and so is a package that is no server importing the API; the shared
// internal package of their tree is not.
func TestTheArchitectureTestCatchesTheUIAndTheAPIMixing(t *testing.T) {
	root := t.TempDir()
	write := func(dir, src string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Join(root, dir), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, dir, "x.go"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The rules name a package by its directory from the module's root.
	t.Chdir(root)
	write("web/api", "package api\nimport (\n_ \""+module+"web\"\n_ \""+module+"web/internal/request\"\n)\n")
	if got := violations(t, "web/api", []string{"web"}); len(got) != 1 || !strings.Contains(got[0], "must not depend on web") {
		t.Errorf("an API file importing the UI and the shared internal package gave %q, want one violation naming web", got)
	}
	write("starter", "package starter\nimport _ \""+module+"web/api\"\n")
	if got := violations(t, "starter", []string{"web"}); len(got) != 1 || !strings.Contains(got[0], "must not depend on web/api") {
		t.Errorf("a starter file importing the API gave %q, want one violation naming web/api", got)
	}
}
