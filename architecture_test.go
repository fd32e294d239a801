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
// layer on nothing of ours.
func TestLayersPointOneWay(t *testing.T) {
	rules := map[string][]string{
		"workflows":  {"store", "payments", "mail", "web", "starter", "worker", "devstack"},
		"order":      {""}, // "" forbids every package of the module (but those of leaves)
		"locale":     {""},
		"store":      {"workflows", "activities", "web", "starter", "worker"},
		"activities": {"workflows", "web", "starter", "worker"},
	}
	for dir, forbidden := range rules {
		for _, v := range violations(t, dir, forbidden) {
			t.Error(v)
		}
	}
}

// leaves are the packages every other may use: they depend on nothing of
// ours (the rules above hold them to it).
var leaves = map[string]bool{"locale": true}

// violations lists the imports of dir that reach a forbidden package of ours.
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
