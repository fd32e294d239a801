package order

import (
	"encoding/json"
	"errors"
	"fmt"
	"go.temporal.io/sdk/converter"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/orderdesk/orderdesk/locale"
)

// wantRefusal checks that err is a refusal of field, said by the catalog's
// message code, whose French text says each fragment.
func wantRefusal(t *testing.T, err error, field string, code locale.Key, french ...string) {
	t.Helper()
	var fe *FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("error %v (%T) is not a *FieldError", err, err)
	}
	if fe.Field != field {
		t.Errorf("field = %q, want %q (error %q)", fe.Field, field, fe)
	}
	if fe.Code != code {
		t.Errorf("code = %q, want %q (error %q)", fe.Code, code, fe)
	}
	said := fe.Say(locale.For(locale.French))
	for _, f := range french {
		if !strings.Contains(said, f) {
			t.Errorf("the refusal says %q in French, not %q", said, f)
		}
	}
	if en := fe.Say(locale.For(locale.English)); en != fe.Message || strings.HasPrefix(en, "⟦") {
		t.Errorf("English %q, Message %q", en, fe.Message)
	}
}

// TestRefusalSaidInEachLanguage: a refusal with a code is said in the
// reader's language with its arguments written their way; Message is the
// English; one made by Fieldf says its Message in every language.
func TestRefusalSaidInEachLanguage(t *testing.T) {
	fe := Refuse("amount", "refusal.refund_above_paid", locale.Amount(4000, "EUR"), locale.Amount(3000, "EUR"))
	if got, want := fe.Say(locale.For(locale.French)), "Le remboursement (40,00\u00a0€) dépasse ce que le client a payé net (30,00\u00a0€) : remboursez au plus 30,00\u00a0€."; got != want {
		t.Errorf("French: %q, want %q", got, want)
	}
	if got, want := fe.Say(locale.For(locale.English)), "The refund (€40.00) is more than the €30.00 paid net of earlier refunds: refund at most €30.00."; got != want {
		t.Errorf("English: %q, want %q", got, want)
	}
	if fe.Message != fe.Say(locale.For(locale.English)) || fe.Error() != "amount: "+fe.Message {
		t.Errorf("Message %q, Error %q: the English text is not the message", fe.Message, fe.Error())
	}
	old := Fieldf("amount", "refund of %s is too much", EUR(4000))
	for _, lang := range locale.Langs {
		if got := old.Say(locale.For(lang)); got != "refund of 40.00 EUR is too much" {
			t.Errorf("a refusal without a code, in %s: %q", lang, got)
		}
	}
	// A code this catalog cannot say with these arguments (an older or
	// newer worker's) falls back to the English text it carries.
	odd := &FieldError{Field: "amount", Code: "refusal.refund_above_paid", Args: []locale.Arg{locale.Text("x")}, Message: "too much"}
	if got := odd.Say(locale.For(locale.French)); got != "too much" {
		t.Errorf("a refusal whose arguments do not fit: %q", got)
	}
}

// TestRefusalJSONRoundTrip: a refusal comes back from JSON (as it crosses
// Temporal in a failure's details) with its field, code, typed arguments
// and English text, and is said the same in each language.
func TestRefusalJSONRoundTrip(t *testing.T) {
	fe := Refuse("refund", "refusal.refund_above_paid", locale.Amount(123456, "EUR"), locale.Amount(99, "USD"))
	b, err := json.Marshal(fe)
	if err != nil {
		t.Fatal(err)
	}
	var back FieldError
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	if back.Field != fe.Field || back.Code != fe.Code || back.Message != fe.Message || len(back.Args) != len(fe.Args) {
		t.Fatalf("back %+v from %s, want %+v", back, b, fe)
	}
	for _, lang := range locale.Langs {
		if got, want := back.Say(locale.For(lang)), fe.Say(locale.For(lang)); got != want {
			t.Errorf("%s: %q back, want %q", lang, got, want)
		}
	}
	// As Temporal carries it: a failure's details, through the SDK's own
	// data converter.
	payload, err := converter.GetDefaultDataConverter().ToPayload(*fe)
	if err != nil {
		t.Fatal(err)
	}
	var carried FieldError
	if err := converter.GetDefaultDataConverter().FromPayload(payload, &carried); err != nil {
		t.Fatal(err)
	}
	if got, want := carried.Say(locale.For(locale.French)), fe.Say(locale.For(locale.French)); got != want || carried.Code != fe.Code {
		t.Errorf("carried by Temporal's converter: %q (%s), want %q", got, carried.Code, want)
	}
	var old FieldError
	if err := json.Unmarshal([]byte(`{"field":"reason","message":"say why"}`), &old); err != nil || old.Code != "" || old.Say(locale.For(locale.French)) != "say why" {
		t.Errorf("a refusal written before codes: %+v, %v", old, err)
	}
}

// fieldfLeft is how many refusals each file still makes with Fieldf, said
// only in English: the ones to move to Refuse. A file may go below its
// number (lower it then); above it, or a file not listed, fails: a new
// refusal is made with Refuse.
var fieldfLeft = map[string]int{
	"cmd/orderdesk/edits.go": 1,
}

// TestRefusalsCheckedAgainstTheCatalog: every Refuse call of the module's
// code names a message of the catalog that every language has, with the
// arguments it declares, as many and of their kinds; every refusal of the
// catalog is made by some call; the refusals still made by Fieldf are no
// more than fieldfLeft allows, and are listed.
func TestRefusalsCheckedAgainstTheCatalog(t *testing.T) {
	files := moduleFiles(t)
	uses, problems := refuseUses(files)
	for _, p := range problems {
		t.Error(p)
	}
	if len(uses) == 0 {
		t.Fatal("no call of Refuse found: the test no longer sees them")
	}
	for _, p := range checkUses(uses) {
		t.Error(p)
	}
	used := map[locale.Key]bool{}
	for _, u := range uses {
		used[u.key] = true
	}
	for _, k := range locale.Keys() {
		if strings.HasPrefix(string(k), "refusal.") && !used[k] {
			t.Errorf("the catalog has %s, which no call of Refuse makes", k)
		}
	}

	left := fieldfCalls(files)
	names := make([]string, 0, len(left))
	total := 0
	for name, n := range left {
		names = append(names, name)
		total += n
	}
	slices.Sort(names)
	var list strings.Builder
	for _, name := range names {
		fmt.Fprintf(&list, "\n  %-40s %3d", name, left[name])
		if max, ok := fieldfLeft[name]; !ok || left[name] > max {
			t.Errorf("%s makes %d refusal(s) with Fieldf (allowed %d): make them with Refuse and a message of the catalog", name, left[name], max)
		}
	}
	t.Logf("%d call(s) of Refuse; %d refusal(s) still made by Fieldf:%s", len(uses), total, list.String())
}

// A call of Refuse: its key, the kinds of its arguments (0 where the test
// cannot tell), where.
type refuseUse struct {
	key   locale.Key
	kinds []locale.Kind
	where string
}

type goFile struct {
	name string // relative to the module's root
	fset *token.FileSet
	ast  *ast.File
}

// moduleFiles parses the module's Go files, tests left out.
func moduleFiles(t *testing.T) []goFile {
	t.Helper()
	fset := token.NewFileSet()
	var files []goFile
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); path != ".." && (strings.HasPrefix(n, ".") || n == "testdata" || n == "vendor" || n == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel("..", path)
		files = append(files, goFile{name: filepath.ToSlash(rel), fset: fset, ast: f})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// isOrderCall reports whether call calls the order package's function
// name: order.name(...) elsewhere, name(...) inside package order.
func isOrderCall(f *ast.File, call *ast.CallExpr, name string) bool {
	switch fn := call.Fun.(type) {
	case *ast.Ident:
		return fn.Name == name && f.Name.Name == "order"
	case *ast.SelectorExpr:
		id, ok := fn.X.(*ast.Ident)
		return ok && id.Name == "order" && fn.Sel.Name == name
	}
	return false
}

// refuseUses finds the calls of Refuse, and says which it cannot check: a
// key not written as is, arguments passed as a slice.
func refuseUses(files []goFile) ([]refuseUse, []string) {
	helpers := argHelpers(files)
	var uses []refuseUse
	var problems []string
	for _, f := range files {
		for _, d := range f.ast.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			vars := localArgKinds(fn.Body, helpers)
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok || !isOrderCall(f.ast, call, "Refuse") {
					return true
				}
				where := f.fset.Position(call.Pos()).String()
				where = strings.TrimPrefix(filepath.ToSlash(where), "../")
				if len(call.Args) < 2 {
					problems = append(problems, where+": Refuse without a key")
					return true
				}
				key, ok := stringLit(call.Args[1])
				if !ok {
					problems = append(problems, fmt.Sprintf("%s: Refuse's key is not written as is: the test cannot check it", where))
					return true
				}
				if call.Ellipsis.IsValid() {
					problems = append(problems, fmt.Sprintf("%s: %s: arguments passed as a slice: the test cannot check them", where, key))
					return true
				}
				u := refuseUse{key: locale.Key(key), where: where}
				for _, a := range call.Args[2:] {
					u.kinds = append(u.kinds, argKind(a, vars, helpers))
				}
				uses = append(uses, u)
				return true
			})
		}
	}
	return uses, problems
}

// checkUses says what is wrong with each use against the catalog.
func checkUses(uses []refuseUse) []string {
	var problems []string
	for _, u := range uses {
		if !strings.HasPrefix(string(u.key), "refusal.") {
			problems = append(problems, fmt.Sprintf("%s: %s is not a refusal's key (refusal.…)", u.where, u.key))
		}
		ps, ok := locale.Params(u.key)
		if !ok {
			problems = append(problems, fmt.Sprintf("%s: no message %q in the catalog", u.where, u.key))
			continue
		}
		for _, lang := range locale.Langs {
			if _, ok := locale.Template(lang, u.key); !ok {
				problems = append(problems, fmt.Sprintf("%s: %s has no %s text", u.where, u.key, lang))
			}
		}
		if len(u.kinds) != len(ps) {
			problems = append(problems, fmt.Sprintf("%s: %s declares %d argument(s) %v, given %d", u.where, u.key, len(ps), ps, len(u.kinds)))
			continue
		}
		for i, k := range u.kinds {
			switch {
			case k == 0:
				problems = append(problems, fmt.Sprintf("%s: %s: argument %d ({%s}) is not made by locale.Text, Count, Amount, Date, Day or Percent (or a function returning one)", u.where, u.key, i+1, ps[i].Name))
			case k != ps[i].Kind:
				problems = append(problems, fmt.Sprintf("%s: %s: argument %d ({%s}) is a %s, given a %s", u.where, u.key, i+1, ps[i].Name, ps[i].Kind, k))
			}
		}
	}
	return problems
}

// The constructors of the locale package's arguments.
var argKinds = map[string]locale.Kind{
	"Text": locale.KindText, "Count": locale.KindCount, "Amount": locale.KindAmount,
	"Date": locale.KindDate, "Day": locale.KindDay, "Percent": locale.KindPercent,
}

// argHelpers are the module's functions that return a locale.Arg of one
// kind (every return is a constructor of that kind): "pkg.name" → kind.
func argHelpers(files []goFile) map[string]locale.Kind {
	helpers := map[string]locale.Kind{}
	for _, f := range files {
		for _, d := range f.ast.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Body == nil || fn.Recv != nil || fn.Type.Results == nil || len(fn.Type.Results.List) != 1 {
				continue
			}
			if sel, ok := fn.Type.Results.List[0].Type.(*ast.SelectorExpr); !ok || sel.Sel.Name != "Arg" || !isIdent(sel.X, "locale") {
				continue
			}
			var kind locale.Kind
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				ret, ok := n.(*ast.ReturnStmt)
				if !ok || len(ret.Results) != 1 {
					return true
				}
				k := argKind(ret.Results[0], nil, nil)
				if kind == 0 {
					kind = k
				} else if k != kind {
					kind = 255
				}
				return true
			})
			if kind != 0 && kind != 255 {
				helpers[f.ast.Name.Name+"."+fn.Name.Name] = kind
			}
		}
	}
	return helpers
}

// localArgKinds are the kinds of a function's variables set from an
// argument's constructor: paid := locale.Amount(...).
func localArgKinds(body *ast.BlockStmt, helpers map[string]locale.Kind) map[string]locale.Kind {
	vars := map[string]locale.Kind{}
	ast.Inspect(body, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || len(as.Lhs) != len(as.Rhs) {
			return true
		}
		for i, l := range as.Lhs {
			id, ok := l.(*ast.Ident)
			if !ok {
				continue
			}
			if k := argKind(as.Rhs[i], nil, helpers); k != 0 {
				if old, seen := vars[id.Name]; seen && old != k {
					k = 255
				}
				vars[id.Name] = k
			}
		}
		return true
	})
	for name, k := range vars {
		if k == 255 {
			delete(vars, name)
		}
	}
	return vars
}

// argKind is the kind of an argument given to Refuse, 0 when the test
// cannot tell: locale.Amount(...), a helper of the same package returning
// one, a variable set from one.
func argKind(e ast.Expr, vars, helpers map[string]locale.Kind) locale.Kind {
	switch e := e.(type) {
	case *ast.CallExpr:
		switch fn := e.Fun.(type) {
		case *ast.SelectorExpr:
			if isIdent(fn.X, "locale") {
				return argKinds[fn.Sel.Name]
			}
			if id, ok := fn.X.(*ast.Ident); ok {
				return helpers[id.Name+"."+fn.Sel.Name]
			}
		case *ast.Ident:
			for name, k := range helpers {
				if strings.HasSuffix(name, "."+fn.Name) {
					return k
				}
			}
		}
	case *ast.Ident:
		return vars[e.Name]
	}
	return 0
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}

func stringLit(e ast.Expr) (string, bool) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}

// fieldfCalls counts the calls of Fieldf of each file.
func fieldfCalls(files []goFile) map[string]int {
	calls := map[string]int{}
	for _, f := range files {
		ast.Inspect(f.ast, func(n ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok && isOrderCall(f.ast, call, "Fieldf") {
				calls[f.name]++
			}
			return true
		})
	}
	return calls
}

// TestTheRefusalsTestFindsWrongUses: the checks above see a key the
// catalog lacks, one not written as is, a missing argument, one of the
// wrong kind and one whose kind they cannot tell.
func TestTheRefusalsTestFindsWrongUses(t *testing.T) {
	src := `package web

import (
	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
)

func paid(c int64) locale.Arg { return locale.Amount(c, "EUR") }

func f(key locale.Key, n int64, s string) {
	_ = order.Refuse("amount", "refusal.no_such_refusal")
	_ = order.Refuse("amount", key)
	_ = order.Refuse("amount", "refusal.refund_above_paid", locale.Amount(n, "EUR"))
	_ = order.Refuse("amount", "refusal.refund_above_paid", locale.Amount(n, "EUR"), locale.Count(2))
	_ = order.Refuse("amount", "refusal.refund_above_paid", locale.Amount(n, "EUR"), s)
	refund := locale.Amount(n, "EUR")
	_ = order.Refuse("amount", "refusal.refund_above_paid", refund, paid(n))
	_ = order.Fieldf("amount", "%d", n)
}
`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "web/x.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	files := []goFile{{name: "web/x.go", fset: fset, ast: f}}
	uses, problems := refuseUses(files)
	problems = append(problems, checkUses(uses)...)
	for _, want := range []string{
		`x.go:11:6: no message "refusal.no_such_refusal"`,
		"x.go:12:6: Refuse's key is not written as is",
		"x.go:13:6: refusal.refund_above_paid declares 2 argument(s)",
		"x.go:14:6: refusal.refund_above_paid: argument 2 ({paid}) is a amount, given a count",
		"x.go:15:6: refusal.refund_above_paid: argument 2 ({paid}) is not made by locale.Text",
	} {
		if !slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, want) }) {
			t.Errorf("not seen: %s (seen: %q)", want, problems)
		}
	}
	if len(problems) != 5 {
		t.Errorf("%d problems, want 5 (the last call is right): %q", len(problems), problems)
	}
	if got := fieldfCalls(files); got["web/x.go"] != 1 {
		t.Errorf("Fieldf calls: %v", got)
	}
}
