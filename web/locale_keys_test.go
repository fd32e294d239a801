package web

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"text/template/parse"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
)

// A use of a message of the catalog, found in a template or in the Go
// code: its key, the kinds of the arguments it gives (0 where the kind is
// only known when the page runs), and where.
type keyUse struct {
	key   locale.Key
	kinds []locale.Kind
	where string
	// noArgs: a label looked up by code, said without arguments.
	noArgs bool
}

// TestEveryMessageUsedExists: every message the templates ({{t "key" ...}})
// and the handlers (tr, locale.Msg, Printer.T, the tables of labels) ask
// for is in the catalog in every language, and gets the arguments it
// declares: as many, and of their kinds where the code says them. A key
// computed rather than written is refused outside the few helpers that
// look labels up; a message no page uses any more is refused too.
func TestEveryMessageUsedExists(t *testing.T) {
	t.Parallel()
	uses := append(templateKeyUses(t), goKeyUses(t)...)
	if len(uses) < 300 {
		t.Fatalf("only %d uses of the catalog found: the test no longer sees them", len(uses))
	}
	used := map[locale.Key]bool{}
	for _, u := range uses {
		used[u.key] = true
		ps, ok := locale.Params(u.key)
		if !ok {
			t.Errorf("%s: no message %q in the catalog", u.where, u.key)
			continue
		}
		for _, lang := range locale.Langs {
			if _, ok := locale.Template(lang, u.key); !ok {
				t.Errorf("%s: %s has no %s text", u.where, u.key, lang)
			}
		}
		if u.noArgs {
			if len(ps) > 0 {
				t.Errorf("%s: %s is a label said without arguments, but declares %v", u.where, u.key, ps)
			}
			continue
		}
		if len(u.kinds) != len(ps) {
			t.Errorf("%s: %s declares %d argument(s) %v, given %d", u.where, u.key, len(ps), ps, len(u.kinds))
			continue
		}
		for i, k := range u.kinds {
			if k != 0 && k != ps[i].Kind {
				t.Errorf("%s: %s: argument %d ({%s}) is a %s, given a %s", u.where, u.key, i+1, ps[i].Name, ps[i].Kind, k)
			}
		}
	}
	for _, k := range locale.Keys() {
		// the progress's sentences: steps_i18n_test.go; the refusals, said by
		// their FieldError: order's refusals_test.go; the emails' sentences:
		// mail's locale_keys_test.go; the history's lines and the tasks'
		// questions, said from their phrases: locale's phrase_use_test.go
		if !used[k] && !strings.HasPrefix(string(k), "step.") && !strings.HasPrefix(string(k), "refusal.") && !strings.HasPrefix(string(k), "mail.") &&
			!strings.HasPrefix(string(k), "history.") && !strings.HasPrefix(string(k), "task_question.") {
			t.Errorf("the catalog has %s, which no page uses", k)
		}
	}
}

// templateKeyUses finds the {{t "key" args...}} of every template. A
// literal string is a text, a literal number a count; (amount ...),
// (count ...), (day ...) and (len ...) say their kind; the labels'
// helpers give texts; a field's kind is only known when the page runs.
func templateKeyUses(t *testing.T) []keyUse {
	t.Helper()
	funcs := (&server{}).funcsFor("fr")
	kindOf := func(n parse.Node) locale.Kind {
		switch n := n.(type) {
		case *parse.StringNode:
			return locale.KindText
		case *parse.NumberNode:
			if n.IsInt {
				return locale.KindCount
			}
		case *parse.PipeNode:
			if len(n.Cmds) != 1 || len(n.Cmds[0].Args) == 0 {
				return 0
			}
			id, ok := n.Cmds[0].Args[0].(*parse.IdentifierNode)
			if !ok {
				return 0
			}
			switch id.Ident {
			case "amount":
				return locale.KindAmount
			case "count", "len":
				return locale.KindCount
			case "day":
				return locale.KindDay
			case "money", "date", "vatRate", "cents", "print", "printf":
				return locale.KindText
			}
			if strings.HasSuffix(id.Ident, "Label") || strings.HasSuffix(id.Ident, "Status") || id.Ident == "taskKind" || id.Ident == "refundMethod" {
				return locale.KindText
			}
		}
		return 0
	}
	var uses []keyUse
	err := fs.WalkDir(templateFS, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".html") {
			return err
		}
		src, err := templateFS.ReadFile(path)
		if err != nil {
			return err
		}
		trees, err := parse.Parse(path, string(src), "", "", map[string]any(funcs), builtins)
		if err != nil {
			return err
		}
		for _, tree := range trees {
			walkTemplate(tree.Root, func(c *parse.CommandNode) {
				id, ok := c.Args[0].(*parse.IdentifierNode)
				if !ok || id.Ident != "t" {
					return
				}
				where := fmt.Sprintf("%s:%d", path, strings.Count(string(src[:c.Position()]), "\n")+1)
				if len(c.Args) < 2 {
					t.Errorf("%s: t without a key", where)
					return
				}
				key, ok := c.Args[1].(*parse.StringNode)
				if !ok {
					t.Errorf("%s: t's key is %s, not a key written as is: the test cannot check it", where, c.Args[1])
					return
				}
				u := keyUse{key: locale.Key(key.Text), where: where}
				for _, a := range c.Args[2:] {
					u.kinds = append(u.kinds, kindOf(a))
				}
				uses = append(uses, u)
			})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return uses
}

// builtins are text/template's own functions, for the parser.
var builtins = map[string]any{
	"and": true, "or": true, "not": true, "len": true, "index": true, "print": true, "printf": true, "println": true,
	"eq": true, "ne": true, "lt": true, "le": true, "gt": true, "ge": true, "html": true, "js": true, "urlquery": true,
	"call": true, "slice": true,
}

// walkTemplate calls f on every command of a template, pipes within pipes
// included.
func walkTemplate(n parse.Node, f func(*parse.CommandNode)) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			walkTemplate(c, f)
		}
	case *parse.ActionNode:
		walkTemplate(n.Pipe, f)
	case *parse.PipeNode:
		if n == nil {
			return
		}
		for _, c := range n.Cmds {
			walkTemplate(c, f)
		}
	case *parse.CommandNode:
		f(n)
		for _, a := range n.Args {
			walkTemplate(a, f)
		}
	case *parse.IfNode:
		walkBranch(&n.BranchNode, f)
	case *parse.RangeNode:
		walkBranch(&n.BranchNode, f)
	case *parse.WithNode:
		walkBranch(&n.BranchNode, f)
	case *parse.TemplateNode:
		walkTemplate(n.Pipe, f)
	case *parse.ChainNode:
		walkTemplate(n.Node, f)
	}
}

func walkBranch(b *parse.BranchNode, f func(*parse.CommandNode)) {
	walkTemplate(b.Pipe, f)
	walkTemplate(b.List, f)
	walkTemplate(b.ElseList, f)
}

// The calls of the Go code that name a message, and where their key is:
// tr(lang, key, args...), locale.Msg(key, args...), p.T(key, args...).
var keyCalls = map[string]int{"tr": 1, "Msg": 0, "T": 0}

// The helpers that say a label looked up by code (the key is a variable
// there): their keys are the values of the tables of labels, checked as
// such.
var lookupHelpers = []string{"tr", "label", "legacyStepLabel", "RetryText"}

// argKinds are the kinds of the constructors of arguments, and of the
// helpers that make one.
var argKinds = map[string]locale.Kind{
	"Text": locale.KindText, "Count": locale.KindCount, "Amount": locale.KindAmount, "Date": locale.KindDate,
	"Day": locale.KindDay, "Percent": locale.KindPercent,
	"statusArg": locale.KindText, "logisticsArg": locale.KindText, "procedureArg": locale.KindText,
}

// goKeyUses finds the messages the Go code of the package names.
func goKeyUses(t *testing.T) []keyUse {
	t.Helper()
	// The UI's files, and those of the API and of what both share: the
	// API says a service that does not answer in English from the catalog.
	var files []string
	// ../starter/progress_text.go: a retrying step, said by the progress.
	for _, pattern := range []string{"*.go", "api/*.go", "internal/*/*.go", "../starter/progress_text.go"} {
		more, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, more...)
	}
	fset := token.NewFileSet()
	var uses []keyUse
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		// The tables of labels: map[...]locale.Key literals.
		ast.Inspect(f, func(n ast.Node) bool {
			cl, ok := n.(*ast.CompositeLit)
			if !ok {
				return true
			}
			mt, ok := cl.Type.(*ast.MapType)
			if !ok || !isLocaleKey(mt.Value) {
				return true
			}
			for _, e := range cl.Elts {
				kv := e.(*ast.KeyValueExpr)
				if s, ok := stringLit(kv.Value); ok {
					uses = append(uses, keyUse{key: locale.Key(s), where: fset.Position(kv.Pos()).String(), noArgs: true})
				} else {
					t.Errorf("%s: a table of labels holds a key that is not written as is", fset.Position(kv.Pos()))
				}
			}
			return true
		})
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			vars := localArgKinds(fn.Body)
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				at, ok := keyCalls[calleeName(call.Fun)]
				if !ok || len(call.Args) <= at || (calleeName(call.Fun) == "Msg" && !isPkg(call.Fun, "locale")) {
					return true
				}
				where := fset.Position(call.Pos()).String()
				key, ok := stringLit(call.Args[at])
				if !ok {
					if !slices.Contains(lookupHelpers, fn.Name.Name) {
						t.Errorf("%s: %s names its message by %s, not a key written as is: the test cannot check it", where, calleeName(call.Fun), exprString(call.Args[at]))
					}
					return true
				}
				u := keyUse{key: locale.Key(key), where: where}
				for _, a := range call.Args[at+1:] {
					k := argKind(a, vars)
					if k == 0 {
						t.Errorf("%s: %s: argument %s is not made by locale.Text, Count, Amount, Date, Day or Percent", where, key, exprString(a))
					}
					u.kinds = append(u.kinds, k)
				}
				uses = append(uses, u)
				return true
			})
		}
	}
	// The domain names its codes (statuses, means of payment, channels,
	// edited fields) by messages of the catalog, which the UI shows.
	for _, k := range domainLabels() {
		uses = append(uses, keyUse{key: k, where: "order's labels", noArgs: true})
	}
	return uses
}

// localArgKinds are the kinds of a function's variables set from an
// argument's constructor: who, attempt := locale.Text(...), locale.Count(...).
func localArgKinds(body *ast.BlockStmt) map[string]locale.Kind {
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
			if k := argKind(as.Rhs[i], nil); k != 0 {
				if old, seen := vars[id.Name]; seen && old != k {
					k = 0
				}
				vars[id.Name] = k
			}
		}
		return true
	})
	return vars
}

func argKind(e ast.Expr, vars map[string]locale.Kind) locale.Kind {
	switch e := e.(type) {
	case *ast.CallExpr:
		name := calleeName(e.Fun)
		if _, isSel := e.Fun.(*ast.SelectorExpr); isSel && !isPkg(e.Fun, "locale") {
			return 0
		}
		return argKinds[name]
	case *ast.Ident:
		return vars[e.Name]
	}
	return 0
}

func calleeName(fun ast.Expr) string {
	switch f := fun.(type) {
	case *ast.Ident:
		return f.Name
	case *ast.SelectorExpr:
		return f.Sel.Name
	}
	return ""
}

func isPkg(fun ast.Expr, pkg string) bool {
	sel, ok := fun.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	id, ok := sel.X.(*ast.Ident)
	return ok && id.Name == pkg
}

func isLocaleKey(e ast.Expr) bool {
	sel, ok := e.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "Key" && isPkg(sel, "locale")
}

func stringLit(e ast.Expr) (string, bool) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}

func exprString(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return exprString(e.X) + "." + e.Sel.Name
	case *ast.CallExpr:
		return exprString(e.Fun) + "(...)"
	case *ast.BasicLit:
		return e.Value
	}
	return fmt.Sprintf("%T", e)
}

// TestTheTestFindsWrongUses: the checks above see a key the catalog lacks,
// a missing argument and one of the wrong kind, in a template and in Go.
func TestTheTestFindsWrongUses(t *testing.T) {
	t.Parallel()
	tree, err := parse.Parse("x", `{{t "order.placed_on"}}{{t "no.such_key"}}{{t "cancel.paid_net" "12 €"}}`, "", "",
		map[string]any((&server{}).funcsFor("fr")), builtins)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	walkTemplate(tree["x"].Root, func(c *parse.CommandNode) {
		key := locale.Key(c.Args[1].(*parse.StringNode).Text)
		var kinds []locale.Kind
		for _, a := range c.Args[2:] {
			if _, ok := a.(*parse.StringNode); ok {
				kinds = append(kinds, locale.KindText)
			}
		}
		if err := locale.Check(key, kinds...); err != nil {
			got = append(got, string(key))
		}
	})
	if want := []string{"order.placed_on", "no.such_key", "cancel.paid_net"}; !slices.Equal(got, want) {
		t.Errorf("wrong uses found: %v, want %v", got, want)
	}
	f, err := parser.ParseFile(token.NewFileSet(), "x.go", `package x
func f() { _ = tr(lang, "cancel.paid_net", locale.Text("x")); who := locale.Amount(1, "EUR"); _ = tr(lang, "cancel.paid_net", who) }`, 0)
	if err != nil {
		t.Fatal(err)
	}
	body := f.Decls[0].(*ast.FuncDecl).Body
	vars := localArgKinds(body)
	var kinds []locale.Kind
	ast.Inspect(body, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok && calleeName(call.Fun) == "tr" {
			kinds = append(kinds, argKind(call.Args[2], vars))
		}
		return true
	})
	if !slices.Equal(kinds, []locale.Kind{locale.KindText, locale.KindAmount}) {
		t.Errorf("kinds of the Go arguments: %v", kinds)
	}
}

// FrenchTerms and EnglishTerms are words of the agent UI that only one of
// its languages uses: a page in the other language that shows one says a
// text the catalog did not (TestTemplatesWriteNoText here, and the browser
// test of every page, locale_browser_test.go).
var (
	FrenchTerms = []string{
		"Commande", "Commandes", "Livraison", "Facturation", "Paiement", "Paiements", "Remboursement", "Rembourser",
		"Annuler", "Annulation", "Expédié", "Expédiée", "Expédition", "Expéditions", "Tâche", "Tâches", "Procédure",
		"Procédures", "Montant", "Statut", "État", "Aucun", "Aucune", "Produit", "Produits", "Quantité", "Qté",
		"Frais de port", "Remise", "TTC", "TVA", "Historique", "Retour", "Valider", "Confirmer", "Modifier",
		"Connexion", "Déconnexion", "Adresse", "Recherche", "Rechercher", "Objet", "Destinataire", "Relances",
		"Encaissement", "Chèque", "Virement", "Transporteur", "Motif", "Titulaire", "Superviseur", "Boîte d'envoi",
		"Passée le", "Marchandises", "Offerts", "Envoyer", "Terminée", "En cours", "Répondre", "Depuis", "Facture",
		"Factures", "Avoirs", "Lancée le", "Étape", "Réessayez", "Saisissez", "Choisissez", "Mot de passe",
		"Téléphone", "Prix unitaire", "Articles", "Archiver", "Désarchiver", "Renvoyer", "Ajouter", "Client",
		"introuvable", "il y a", "à l'instant", "Carte bancaire", "Attend un agent", "remboursé", "payé",
	}
	EnglishTerms = []string{
		"Order", "Orders", "Customer", "Refund", "Payment", "Payments", "Shipping", "Billing", "Delivery", "Cancel",
		"Task", "Tasks", "Amount", "Status", "Product", "Products", "Quantity", "Qty", "Discount", "History", "Back",
		"Confirm", "Sign in", "Sign out", "Search", "Subject", "Reminders", "Invoice", "Invoices", "Cheque", "Carrier",
		"Reason", "Supervisor", "Outbox", "Placed on", "Merchandise", "Free", "Send", "Completed", "Running", "Answer",
		"Since", "Edit", "Email", "Started on", "Step", "Try again", "Enter", "Choose", "Password", "Phone",
		"Unit price", "Items", "Archive", "Unarchive", "Resend", "Add", "Waiting", "Shipped", "Paid", "not found",
		"ago", "just now", "Card",
	}
)

// TermsShown lists the terms of a list that a text shows, as whole words
// (a letter, an apostrophe or a hyphen next to it makes it part of another
// word: "s'archive", "cancel-refund"), with where.
func TermsShown(text string, terms []string) []string {
	var found []string
	for _, w := range terms {
		re := regexp.MustCompile(`(?i)(^|[^\p{L}_'’-])` + regexp.QuoteMeta(w) + `($|[^\p{L}_'’-])`)
		if m := re.FindStringIndex(text); m != nil {
			from, to := max(0, m[0]-40), min(len(text), m[1]+40)
			found = append(found, fmt.Sprintf("%q in …%s…", w, strings.ReplaceAll(text[from:to], "\n", " ⏎ ")))
		}
	}
	return found
}

// TestTemplatesWriteNoText: outside {{t}}, the templates write no word of
// either language, in their text or their title, placeholder and
// aria-label attributes.
func TestTemplatesWriteNoText(t *testing.T) {
	t.Parallel()
	attr := regexp.MustCompile(`(?:title|placeholder|aria-label|alt)="([^"]*)"`)
	tag := regexp.MustCompile(`<[^>]*>`)
	err := fs.WalkDir(templateFS, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		src, err := templateFS.ReadFile(path)
		if err != nil {
			return err
		}
		trees, err := parse.Parse(path, string(src), "", "", map[string]any((&server{}).funcsFor("fr")), builtins)
		if err != nil {
			return err
		}
		for _, tree := range trees {
			var texts []string
			var walk func(parse.Node)
			walk = func(n parse.Node) {
				switch n := n.(type) {
				case *parse.ListNode:
					if n != nil {
						for _, c := range n.Nodes {
							walk(c)
						}
					}
				case *parse.TextNode:
					texts = append(texts, string(n.Text))
				case *parse.IfNode:
					walk(n.List)
					walk(n.ElseList)
				case *parse.RangeNode:
					walk(n.List)
					walk(n.ElseList)
				case *parse.WithNode:
					walk(n.List)
					walk(n.ElseList)
				}
			}
			walk(tree.Root)
			all := strings.Join(texts, " ")
			shown := tag.ReplaceAllString(all, " ")
			for _, m := range attr.FindAllStringSubmatch(all, -1) {
				shown += " " + m[1]
			}
			for _, terms := range [][]string{FrenchTerms, EnglishTerms} {
				if found := TermsShown(shown, terms); len(found) > 0 {
					t.Errorf("%s (%s) writes %v itself: say it through the catalog", path, tree.Name, found)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// domainLabels are the messages the domain names its codes by.
func domainLabels() []locale.Key {
	var keys []locale.Key
	for _, s := range order.Statuses {
		keys = append(keys, s.LabelKey())
	}
	for _, s := range order.LogisticsStatuses {
		keys = append(keys, s.LabelKey())
	}
	for _, m := range order.PaymentMethods {
		keys = append(keys, m.LabelKey())
	}
	for _, c := range order.ContactChannels {
		keys = append(keys, c.LabelKey())
	}
	for _, f := range order.DetailFields {
		keys = append(keys, order.DetailLabelKey(f))
	}
	return keys
}
