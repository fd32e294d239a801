package workflows_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/workflows"
)

// procedureSource is the package's own code, parsed: the texts the
// procedures write are checked where they are written.
func procedureSource(t *testing.T) (*token.FileSet, []*ast.File) {
	t.Helper()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, n := range names {
		if strings.HasSuffix(n, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, n, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	return fset, files
}

// textKeyConsts finds every constant of type TextKey, by name, with its value.
func textKeyConsts(t *testing.T, files []*ast.File) map[string]workflows.TextKey {
	t.Helper()
	keys := map[string]workflows.TextKey{}
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			vs, ok := n.(*ast.ValueSpec)
			if !ok {
				return true
			}
			if typ, ok := vs.Type.(*ast.Ident); !ok || typ.Name != "TextKey" {
				return true
			}
			for i, name := range vs.Names {
				lit, ok := vs.Values[i].(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					t.Errorf("%s: give the key a string literal", name.Name)
					continue
				}
				v, _ := strconv.Unquote(lit.Value)
				keys[name.Name] = workflows.TextKey(v)
			}
			return true
		})
	}
	return keys
}

// TestEveryTextKeyHasAFrenchText: a key declared without its French
// template would write an empty detail (and the UI's check would not see
// it); keys are unique.
func TestEveryTextKeyHasAFrenchText(t *testing.T) {
	_, files := procedureSource(t)
	consts := textKeyConsts(t, files)
	if len(consts) < 50 {
		t.Fatalf("found only %d TextKey constants: is the parsing right?", len(consts))
	}
	seen := map[workflows.TextKey]string{}
	for name, k := range consts {
		if other, ok := seen[k]; ok {
			t.Errorf("%s and %s are both %q", name, other, k)
		}
		seen[k] = name
		if fr, ok := workflows.FrenchTemplate(k); !ok || strings.TrimSpace(fr) == "" {
			t.Errorf("%s (%q) has no French text in the catalog (step.<key> in locale/)", name, k)
		}
	}
	if got := len(workflows.TextKeys()); got != len(consts) {
		t.Errorf("the registry holds %d keys, the code declares %d", got, len(consts))
	}
}

// TestTextsAreWrittenWithTheirArguments: every text(...) a procedure
// writes names a key constant and gives exactly the placeholders of its
// template, so no sentence shows "{amount}" or drops a value.
func TestTextsAreWrittenWithTheirArguments(t *testing.T) {
	fset, files := procedureSource(t)
	consts := textKeyConsts(t, files)
	calls := 0
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			if fn, ok := call.Fun.(*ast.Ident); !ok || fn.Name != "text" || len(call.Args) == 0 {
				return true
			}
			pos := fset.Position(call.Pos())
			id, ok := call.Args[0].(*ast.Ident)
			if !ok {
				t.Errorf("%s: text's key must be a TextKey constant", pos)
				return true
			}
			k, ok := consts[id.Name]
			if !ok {
				return true // a key chosen at run time (failureText): its templates are checked by TestFailureTexts
			}
			calls++
			var got []string
			for _, a := range call.Args[1:] {
				ac, ok := a.(*ast.CallExpr)
				fn, _ := ac.Fun.(*ast.Ident)
				if !ok || fn == nil || !slices.Contains([]string{"textArg", "wordsArg", "moneyArg", "methodArg"}, fn.Name) || len(ac.Args) == 0 {
					t.Errorf("%s: write %s's arguments with textArg, wordsArg, moneyArg or methodArg", pos, id.Name)
					continue
				}
				lit, ok := ac.Args[0].(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					t.Errorf("%s: name %s's argument with a string literal", pos, id.Name)
					continue
				}
				name, _ := strconv.Unquote(lit.Value)
				got = append(got, name)
			}
			fr, _ := workflows.FrenchTemplate(k)
			want := workflows.Placeholders(fr)
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("%s: %s gets %v, its template %q wants %v", pos, id.Name, got, fr, want)
			}
			return true
		})
	}
	if calls < 50 {
		t.Errorf("checked only %d texts: is the parsing right?", calls)
	}
}

// TestFailureTexts: a failure's sentence has the error's message as its
// one placeholder.
func TestFailureTexts(t *testing.T) {
	for _, k := range workflows.TextKeys() {
		if !strings.HasPrefix(string(k), "failure.") {
			continue
		}
		fr, _ := workflows.FrenchTemplate(k)
		if got := workflows.Placeholders(fr); !slices.Equal(got, []string{"message"}) {
			t.Errorf("%s: placeholders %v, want [message]", k, got)
		}
	}
}

// TestTextRendersEachLanguage: amounts are written the way each language
// writes money, payment methods by their label, other values as they are.
func TestTextRendersEachLanguage(t *testing.T) {
	m := order.EUR(123456)
	tx := workflows.Text{Key: workflows.LabelRefund, Args: map[string]workflows.Arg{
		"amount": {Money: &m}, "method": {Method: order.PayCard},
	}}
	if got, want := tx.French(), "Rembourser 1\u202f234,56\u00a0€ par Carte bancaire"; got != want {
		t.Errorf("French: %q, want %q", got, want)
	}
	if got, want := tx.Render("Refund {amount} by {method}", "en"), "Refund €1,234.56 by Card"; got != want {
		t.Errorf("English: %q, want %q", got, want)
	}
	if got, want := tx.Render("{amount} {missing}", "en"), "€1,234.56 {missing}"; got != want {
		t.Errorf("a placeholder without its argument: %q, want %q", got, want)
	}
	fields := workflows.Text{Key: workflows.DetailDetailsChanged, Args: map[string]workflows.Arg{
		"fields": {Text: "adresse de livraison, frais de port", English: "delivery address, shipping fee"},
	}}
	if got, want := fields.Render("Changed: {fields}", "en"), "Changed: delivery address, shipping fee"; got != want {
		t.Errorf("words in English: %q, want %q", got, want)
	}
	if got, want := fields.French(), "Modifié : adresse de livraison, frais de port"; got != want {
		t.Errorf("words in French: %q, want %q", got, want)
	}
	if got, want := workflows.Placeholders("{items} ; nouveau total {total}"), []string{"items", "total"}; !slices.Equal(got, want) {
		t.Errorf("Placeholders: %v, want %v", got, want)
	}
}

// TestStepsCarryTheirTexts: a procedure's state says each step twice: in
// French (Label, Detail: the CLI and the operators read them) and as data
// with typed amounts (LabelText, DetailText: the agent UI says them in the
// agent's language). A refusal of a known kind keeps its message as the
// detail and says its kind.
func TestStepsCarryTheirTexts(t *testing.T) {
	line := order.Line{ID: 1, SKU: "LAMPE-01", Name: "Lampe arc laiton", UnitPrice: 117500, Quantity: 2, VATRate: 2000, Physical: true}
	in := workflows.ModifyContentInput{
		OrderNumber: "C-2026-000201", RequestID: "r1", Agent: "marie@boutique.fr", Channel: order.ContactPhone, SkipEmail: true,
		Change: order.ContentChange{Quantities: []order.LineQuantity{{LineID: 1, Quantity: 1}}, RecalcShipping: true},
	}
	step := func(t *testing.T, st workflows.State, name string) workflows.Step {
		t.Helper()
		for _, s := range st.Steps {
			if s.Name == name {
				return s
			}
		}
		t.Fatalf("no step %q in %+v", name, st.Steps)
		return workflows.Step{}
	}
	query := func(t *testing.T, env *testsuite.TestWorkflowEnvironment) workflows.State {
		t.Helper()
		v, err := env.QueryWorkflow(workflows.QueryStatus)
		if err != nil {
			t.Fatal(err)
		}
		var st workflows.State
		if err := v.Get(&st); err != nil {
			t.Fatal(err)
		}
		return st
	}

	t.Run("done", func(t *testing.T) {
		env := newEnv(t)
		one := line
		one.Quantity = 1
		after := order.Price([]order.Line{one}, order.Discount{}, 0, 2000)
		env.OnActivity(orders.TakeHold, mock.Anything, mock.Anything).Return(activities.HoldResult{}, nil).Once()
		env.OnActivity(orders.ApplyContentChange, mock.Anything, mock.Anything).Return(activities.ContentOutput{
			Result:     order.ContentResult{After: after, Lines: []order.Line{one}, Removed: []order.Line{one}},
			Settlement: order.Settle(0, after.Total), Currency: "EUR", Method: order.PayBankTransfer,
		}, nil).Once()
		env.OnActivity(orders.ReleaseHold, mock.Anything, mock.Anything).Return(nil).Once()
		env.ExecuteWorkflow(workflows.ModifyContent, in)
		if err := env.GetWorkflowError(); err != nil {
			t.Fatal(err)
		}
		st := query(t, env)

		hold := step(t, st, "hold")
		if hold.LabelText == nil || hold.LabelText.Key != workflows.LabelHold || hold.Label != "Retirer la commande du flux logistique (Mod ON → OFF)" {
			t.Errorf("hold: %+v", hold)
		}
		change := step(t, st, "change")
		if change.Detail != "Nouveau total 1\u202f175,00\u00a0€" {
			t.Errorf("change: French detail %q", change.Detail)
		}
		if d := change.DetailText; d == nil || d.Key != workflows.DetailNewTotal || d.Args["total"].Money == nil ||
			*d.Args["total"].Money != order.EUR(117500) {
			t.Errorf("change: detail as data %+v", d)
		} else if got := d.Render("New total {total}", "en"); got != "New total €1,175.00" {
			t.Errorf("change: in English %q", got)
		}
		settle := step(t, st, "settle")
		if settle.Detail != "Rien à régler" || settle.DetailText == nil || settle.DetailText.Key != workflows.OutcomeTextNone {
			t.Errorf("settle: %+v", settle)
		}
		if release := step(t, st, "release"); release.Detail != "" || release.DetailText != nil {
			t.Errorf("release: a step without detail has none: %+v", release)
		}
	})

	t.Run("refused", func(t *testing.T) {
		env := newEnv(t)
		msg := "order C-2026-000201 cannot be modified: its logistics status is printing"
		env.OnActivity(orders.TakeHold, mock.Anything, mock.Anything).
			Return(activities.HoldResult{}, temporal.NewNonRetryableApplicationError(msg, activities.ErrTypeHoldRefused, nil)).Once()
		env.ExecuteWorkflow(workflows.ModifyContent, in)
		if env.GetWorkflowError() == nil {
			t.Fatal("the procedure did not fail")
		}
		st := query(t, env)
		hold := step(t, st, "hold")
		if hold.Status != workflows.StepFailed || hold.Detail != msg {
			t.Errorf("hold: %+v, want failed with the message as is", hold)
		}
		if d := hold.DetailText; d == nil || d.Key != workflows.FailureHoldRefused || d.Args["message"].Text != msg {
			t.Errorf("hold: failure as data %+v", d)
		}
		if st.Error != msg || st.ErrorText == nil || st.ErrorText.Key != workflows.FailureHoldRefused {
			t.Errorf("state error: %q %+v", st.Error, st.ErrorText)
		}
	})
}
