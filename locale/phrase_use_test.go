package locale

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// phraseWriters are the packages that write history lines and task
// questions as phrases.
var phraseWriters = []string{"../activities", "../workflows", "../starter"}

// argKinds are the kinds of the arguments the writers make with these
// functions (their own small helpers included); a phrase or a list is a
// text to the message it is given to.
var argKinds = map[string]Kind{
	"Text": KindText, "textArg": KindText, "textOf": KindText, "taskArg": KindText, "taskNumber": KindText,
	"Phr": KindText, "Join": KindText, "Label": KindText, "methodArg": KindText, "methodOf": KindText, "statusArg": KindText,
	"Amount": KindAmount, "amountArg": KindAmount, "amountOf": KindAmount,
	"Count": KindCount, "Percent": KindPercent, "Date": KindDate, "Day": KindDay,
}

// TestEveryPhraseWrittenExists reads the writers' code: every
// locale.Phr("key", ...) names a message of the catalog and gives it as
// many arguments as it declares, each of the kind it declares when the
// argument is made by a known function. A mistake here would write ⟦key⟧
// in the history. And every message of the history's part of the catalog
// is written by one of them (by its key, or by a label's prefix).
func TestEveryPhraseWrittenExists(t *testing.T) {
	fset := token.NewFileSet()
	calls := 0
	written, named := map[Key]bool{}, map[Key]bool{}
	var prefixes []string // Label("prefix.", code, ...): any message of the prefix may be written
	for _, dir := range phraseWriters {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			af, err := parser.ParseFile(fset, f, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(af, func(n ast.Node) bool {
				if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
					k, _ := strconv.Unquote(lit.Value)
					named[Key(k)] = true // a key kept in a constant or a variable
				}
				call, ok := n.(*ast.CallExpr)
				if ok && funcName(call.Fun) == "Label" && len(call.Args) > 0 {
					if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						p, _ := strconv.Unquote(lit.Value)
						prefixes = append(prefixes, p)
					}
				}
				if !ok || funcName(call.Fun) != "Phr" || len(call.Args) == 0 {
					return true
				}
				lit, ok := call.Args[0].(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return true // a key chosen at run time: checked where it is chosen
				}
				calls++
				key, _ := strconv.Unquote(lit.Value)
				written[Key(key)] = true
				where := fset.Position(call.Pos()).String()
				ps, ok := Params(Key(key))
				if !ok {
					t.Errorf("%s: %q is no message of the catalog", where, key)
					return true
				}
				args := call.Args[1:]
				if call.Ellipsis.IsValid() {
					return true
				}
				if len(args) != len(ps) {
					t.Errorf("%s: %s takes %s, given %d argument(s)", where, key, describe(ps), len(args))
					return true
				}
				for i, a := range args {
					c, ok := a.(*ast.CallExpr)
					if !ok {
						continue
					}
					if k, known := argKinds[funcName(c.Fun)]; known && k != ps[i].Kind {
						t.Errorf("%s: %s takes {%s} as %s, given %s", where, key, ps[i].Name, ps[i].Kind, k)
					}
				}
				return true
			})
		}
	}
	if calls < 50 {
		t.Errorf("found %d phrases written: the test no longer reads the writers", calls)
	}
	for k := range historyFrench {
		if written[k] || named[k] || slices.ContainsFunc(prefixes, func(p string) bool { return strings.HasPrefix(string(k), p) }) {
			continue
		}
		t.Errorf("the catalog has %s, which no history line or task question writes", k)
	}
}

// funcName is the name of a called function, without its package.
func funcName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return e.Sel.Name
	}
	return ""
}
