package mail

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	tparse "text/template/parse"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
)

// A use of a message of the catalog by the emails: its key, the kinds of
// the arguments given (0 where the test cannot tell, which is a problem of
// its own), and where.
type keyUse struct {
	key   locale.Key
	kinds []locale.Kind
	where string
}

// TestEveryMessageOfTheEmailsExists: every message the templates
// ({{t "mail.…" …}}) and mail's Go code ask for is in the catalog in every
// language, and gets the arguments it declares, as many and of their
// kinds; every argument is made by a constructor whose kind is known; the
// labels looked up by code (means of payment, fields of the details) exist
// for every code; and the catalog has no message of the emails that no
// email says any more.
func TestEveryMessageOfTheEmailsExists(t *testing.T) {
	var uses []keyUse
	var problems []string
	paths, err := fs.Glob(files, "templates/*")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no template: %v", err)
	}
	for _, path := range paths {
		src, err := fs.ReadFile(files, path)
		if err != nil {
			t.Fatal(err)
		}
		u, p := templateKeyUses(path, string(src))
		uses, problems = append(uses, u...), append(problems, p...)
	}
	gofiles, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range gofiles {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		u, p := goKeyUses(name, src)
		uses, problems = append(uses, u...), append(problems, p...)
	}
	// The labels said by code: a means of payment, a field of the details.
	for _, m := range order.PaymentMethods {
		uses = append(uses, keyUse{key: m.LabelKey(), where: "paymentLabel(" + string(m) + ")"})
	}
	for _, field := range order.DetailFields {
		uses = append(uses, keyUse{key: order.DetailLabelKey(field), where: "order.DetailLabelKey(" + field + ")"})
	}
	if len(uses) < 150 {
		t.Fatalf("only %d uses of the catalog found: the test no longer sees them", len(uses))
	}
	problems = append(problems, checkUses(uses)...)
	for _, p := range problems {
		t.Error(p)
	}

	used := map[locale.Key]bool{}
	for _, u := range uses {
		used[u.key] = true
	}
	for _, k := range locale.Keys() {
		if strings.HasPrefix(string(k), "mail.") && !used[k] {
			t.Errorf("the catalog has %s, which no email says", k)
		}
	}

	// Every field an edit of the details can change has its label.
	for _, c := range everyDetailChanged().Changes {
		if order.DetailLabelKey(c.Field) == "" {
			t.Errorf("the edit's field %q has no label for the email (order.DetailLabelKey)", c.Field)
		}
	}
}

// checkUses says what is wrong with the uses: a message the catalog does
// not have, a language without it, arguments that do not fit.
func checkUses(uses []keyUse) []string {
	var problems []string
	for _, u := range uses {
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
			problems = append(problems, fmt.Sprintf("%s: %s takes %d argument(s) %v, given %d", u.where, u.key, len(ps), ps, len(u.kinds)))
			continue
		}
		for i, k := range u.kinds {
			if k != ps[i].Kind {
				problems = append(problems, fmt.Sprintf("%s: %s: argument %d ({%s}) is of kind %s, given %s", u.where, u.key, i+1, ps[i].Name, ps[i].Kind, k))
			}
		}
	}
	return problems
}

// templateArgKinds are the kinds of the templates' constructors of
// arguments (say.go); strong and link mark one up and keep its kind.
var templateArgKinds = map[string]locale.Kind{
	"text": locale.KindText, "count": locale.KindCount, "amount": locale.KindAmount, "day": locale.KindDay,
	"payment": locale.KindText, "diff": locale.KindText, "customer": locale.KindText, "withMeans": locale.KindText,
}

// templateKeyUses finds the {{t "key" args...}} of a template file, t's
// within t's arguments included.
func templateKeyUses(path, src string) ([]keyUse, []string) {
	var uses []keyUse
	var problems []string
	trees, err := tparse.Parse(path, src, "", "", funcs(locale.For(locale.French), false), builtins)
	if err != nil {
		return nil, []string{err.Error()}
	}
	for _, tree := range trees {
		walkTemplate(tree.Root, func(c *tparse.CommandNode) {
			id, ok := c.Args[0].(*tparse.IdentifierNode)
			if !ok || id.Ident != "t" {
				return
			}
			where := fmt.Sprintf("%s:%d", path, strings.Count(src[:c.Position()], "\n")+1)
			if len(c.Args) < 2 {
				problems = append(problems, where+": t without a key")
				return
			}
			key, ok := c.Args[1].(*tparse.StringNode)
			if !ok {
				problems = append(problems, fmt.Sprintf("%s: t's key is %s, not a key written as is: the test cannot check it", where, c.Args[1]))
				return
			}
			u := keyUse{key: locale.Key(key.Text), where: where}
			for _, a := range c.Args[2:] {
				k := templateArgKind(a)
				if k == 0 {
					problems = append(problems, fmt.Sprintf("%s: %s: argument %s is not made by text, count, amount, day or another constructor of say.go", where, key.Text, a))
				}
				u.kinds = append(u.kinds, k)
			}
			uses = append(uses, u)
		})
	}
	return uses, problems
}

func templateArgKind(n tparse.Node) locale.Kind {
	pipe, ok := n.(*tparse.PipeNode)
	if !ok || len(pipe.Cmds) != 1 || len(pipe.Decl) > 0 {
		return 0
	}
	cmd := pipe.Cmds[0]
	id, ok := cmd.Args[0].(*tparse.IdentifierNode)
	if !ok {
		return 0
	}
	switch {
	case id.Ident == "strong" && len(cmd.Args) == 2:
		return templateArgKind(cmd.Args[1])
	case id.Ident == "link" && len(cmd.Args) == 3:
		return templateArgKind(cmd.Args[2])
	}
	return templateArgKinds[id.Ident]
}

// builtins are text/template's own functions, for the parser.
var builtins = map[string]any{
	"and": true, "or": true, "not": true, "len": true, "index": true, "print": true, "printf": true, "println": true,
	"eq": true, "ne": true, "lt": true, "le": true, "gt": true, "ge": true, "html": true, "js": true, "urlquery": true,
	"call": true, "slice": true,
}

// walkTemplate calls f on every command of a template, pipes within pipes
// included.
func walkTemplate(n tparse.Node, f func(*tparse.CommandNode)) {
	switch n := n.(type) {
	case *tparse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			walkTemplate(c, f)
		}
	case *tparse.ActionNode:
		walkTemplate(n.Pipe, f)
	case *tparse.PipeNode:
		if n == nil {
			return
		}
		for _, c := range n.Cmds {
			walkTemplate(c, f)
		}
	case *tparse.CommandNode:
		f(n)
		for _, a := range n.Args {
			walkTemplate(a, f)
		}
	case *tparse.IfNode:
		walkBranch(&n.BranchNode, f)
	case *tparse.RangeNode:
		walkBranch(&n.BranchNode, f)
	case *tparse.WithNode:
		walkBranch(&n.BranchNode, f)
	case *tparse.TemplateNode:
		walkTemplate(n.Pipe, f)
	case *tparse.ChainNode:
		walkTemplate(n.Node, f)
	}
}

func walkBranch(b *tparse.BranchNode, f func(*tparse.CommandNode)) {
	walkTemplate(b.Pipe, f)
	walkTemplate(b.List, f)
	walkTemplate(b.ElseList, f)
}

// The printer's methods that say a message, its key first.
var sayCalls = []string{"T", "Format", "Parts"}

// The functions that say a message whose key is a variable: t itself, and
// the labels looked up by code, whose keys the test checks as such.
var lookupHelpers = []string{"textT", "htmlT", "paymentLabel", "changes"}

// goArgKinds are the kinds of locale's constructors of arguments.
var goArgKinds = map[string]locale.Kind{
	"Text": locale.KindText, "Count": locale.KindCount, "Amount": locale.KindAmount, "Date": locale.KindDate,
	"Day": locale.KindDay, "Percent": locale.KindPercent,
}

// goKeyUses finds the messages a Go file of the package says:
// p.T("mail.…", locale.Text(…), …).
func goKeyUses(name string, src []byte) ([]keyUse, []string) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, 0)
	if err != nil {
		return nil, []string{err.Error()}
	}
	var uses []keyUse
	var problems []string
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Body == nil {
			continue
		}
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || !slices.Contains(sayCalls, sel.Sel.Name) || len(call.Args) == 0 {
				return true
			}
			where := fset.Position(call.Pos()).String()
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				if !slices.Contains(lookupHelpers, fn.Name.Name) {
					problems = append(problems, fmt.Sprintf("%s: %s names its message by a key not written as is: the test cannot check it", where, sel.Sel.Name))
				}
				return true
			}
			key, _ := strconv.Unquote(lit.Value)
			u := keyUse{key: locale.Key(key), where: where}
			for _, a := range call.Args[1:] {
				var k locale.Kind
				if c, ok := a.(*ast.CallExpr); ok {
					if s, ok := c.Fun.(*ast.SelectorExpr); ok {
						if pkg, ok := s.X.(*ast.Ident); ok && pkg.Name == "locale" {
							k = goArgKinds[s.Sel.Name]
						}
					}
				}
				if k == 0 {
					problems = append(problems, fmt.Sprintf("%s: %s: an argument is not made by locale.Text, Count, Amount, Date, Day or Percent", where, key))
				}
				u.kinds = append(u.kinds, k)
			}
			uses = append(uses, u)
			return true
		})
	}
	return uses, problems
}

// TestTheTestFindsWrongUses: the checks above see a key the catalog lacks,
// a missing argument, one of the wrong kind and one made by no
// constructor, in a template and in Go; and accept a right use.
func TestTheTestFindsWrongUses(t *testing.T) {
	for src, want := range map[string]string{
		`{{t "mail.new_total" (strong (amount .NewTotal))}}`: "",
		`{{t "mail.no_such_message"}}`:                       `no message "mail.no_such_message"`,
		`{{t "mail.new_total"}}`:                             "takes 1 argument(s)",
		`{{t "mail.new_total" (text .OrderNumber)}}`:         "is of kind amount, given text",
		`{{t "mail.greeting" .CustomerName}}`:                "is not made by text",
		`{{t "mail.heading" (text (t "mail.nope"))}}`:        `no message "mail.nope"`,
		`{{with .X}}{{t .}}{{end}}`:                          "not a key written as is",
	} {
		uses, problems := templateKeyUses("x.html", src)
		problems = append(problems, checkUses(uses)...)
		switch {
		case want == "" && len(problems) > 0:
			t.Errorf("%s: %v", src, problems)
		case want != "" && !strings.Contains(strings.Join(problems, "\n"), want):
			t.Errorf("%s: problems %v, want one saying %q", src, problems, want)
		}
	}
	for src, want := range map[string]string{
		`s.p.T("mail.diff.sku", locale.Text(a), locale.Text(b))`:   "",
		`s.p.T("mail.diff.sku", locale.Text(a))`:                   "takes 2 argument(s)",
		`s.p.T("mail.diff.sku", locale.Text(a), b)`:                "not made by locale.Text",
		`s.p.T("mail.diff.price", locale.Text(a), locale.Text(b))`: "is of kind amount, given text",
		`s.p.T(k)`: "not written as is",
	} {
		uses, problems := goKeyUses("x.go", []byte("package mail\nfunc f() { _ = "+src+" }\n"))
		problems = append(problems, checkUses(uses)...)
		switch {
		case want == "" && len(problems) > 0:
			t.Errorf("%s: %v", src, problems)
		case want != "" && !strings.Contains(strings.Join(problems, "\n"), want):
			t.Errorf("%s: problems %v, want one saying %q", src, problems, want)
		}
	}
}
