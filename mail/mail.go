// Package mail renders the emails orderdesk sends to customers and hands
// them to a Sender. Templates live in templates/ as one pair of files per
// email and language: NAME.LOCALE.txt (text/template; it also defines the
// "subject" template) and NAME.LOCALE.html (html/template). Every email
// exists in French, the default, and in English for customers whose locale
// is "en". The templates are parsed once when the program starts: a broken
// or missing template stops start-up, not a procedure half-way.
//
// What emails share lives in partials, files named _NAME.LOCALE.txt and
// _NAME.LOCALE.html: _frame holds the HTML document around every email
// (its "layout", which shows the email's own {{define "body"}}), the
// greeting and the sign-offs; _lines the list of an order's lines;
// _settlement the paragraph about the money.
package mail

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io"
	"io/fs"
	"regexp"
	"sort"
	"strings"
	texttemplate "text/template"
	tparse "text/template/parse"

	"github.com/orderdesk/orderdesk/order"
)

// Message is a rendered email.
type Message struct {
	Template string `json:"template"` // e.g. "content_modified"
	Locale   string `json:"locale"`   // the language it was rendered in: "fr" or "en"
	Subject  string `json:"subject"`
	Text     string `json:"text"`
	HTML     string `json:"html"`
}

// Locales are the languages every template exists in; the first is the default.
var Locales = []string{"fr", "en"}

// Locale maps a customer's locale to the language of their emails: English
// for "en" and its regional forms ("en-GB", "en_US"), French otherwise.
func Locale(customer string) string {
	l := strings.ToLower(strings.TrimSpace(customer))
	if l == "en" || strings.HasPrefix(l, "en-") || strings.HasPrefix(l, "en_") {
		return "en"
	}
	return "fr"
}

// Templates lists the names of the emails that can be rendered, sorted.
func Templates() []string {
	names := make([]string, 0, len(parsed)/len(Locales))
	for k := range parsed {
		if k.locale == Locales[0] {
			names = append(names, k.name)
		}
	}
	sort.Strings(names)
	return names
}

// Render renders the email template in the customer's language (see Locale)
// with data, which is the template's data type (ContentModified for
// "content_modified"). Data that a template cannot render truthfully, such
// as a refund outcome without an amount, is refused with an error.
func Render(template, locale string, data any) (Message, error) {
	loc := Locale(locale)
	t, ok := parsed[key{template, loc}]
	if !ok {
		return Message{}, fmt.Errorf("mail.Render(%s): no such template (have %s)", template, strings.Join(Templates(), ", "))
	}
	if c, ok := data.(checker); ok {
		if err := c.check(); err != nil {
			return Message{}, fmt.Errorf("mail.Render(%s): %w", template, err)
		}
	}
	var subject, text, html bytes.Buffer
	if err := t.text.ExecuteTemplate(&subject, "subject", data); err != nil {
		return Message{}, fmt.Errorf("mail.Render(%s, %s): subject: %w", template, loc, err)
	}
	if err := t.text.Execute(&text, data); err != nil {
		return Message{}, fmt.Errorf("mail.Render(%s, %s): text: %w", template, loc, err)
	}
	if err := t.html.Execute(&html, data); err != nil {
		return Message{}, fmt.Errorf("mail.Render(%s, %s): html: %w", template, loc, err)
	}
	return Message{
		Template: template,
		Locale:   loc,
		Subject:  strings.Join(strings.Fields(subject.String()), " "),
		Text:     tidy(text.String()),
		HTML:     strings.TrimSpace(html.String()) + "\n",
	}, nil
}

// checker is data that can tell whether it makes a truthful email.
type checker interface{ check() error }

var (
	trailingSpace = regexp.MustCompile(`[ \t]+\n`)
	blankLines    = regexp.MustCompile(`\n{3,}`)
)

// tidy lets the text templates stay readable: no trailing spaces, never
// more than one blank line, one final newline.
func tidy(s string) string {
	s = trailingSpace.ReplaceAllString(s, "\n")
	s = blankLines.ReplaceAllString(s, "\n\n")
	return strings.TrimSpace(s) + "\n"
}

// The partials start with "_", which embedding a directory leaves out:
// they are named on their own.
//
//go:embed templates templates/_*
var files embed.FS

type key struct{ name, locale string }

type pair struct {
	text *texttemplate.Template
	html *htmltemplate.Template
}

// parsed is read-only once the package is initialised.
var parsed = mustParse(files)

// funcs are the helpers templates use, bound to the template's language.
func funcs(locale string) map[string]any {
	return map[string]any{
		// money renders an amount the way the reader writes it: "1 234,56 €" or "€1,234.56".
		"money": func(m order.Money) string { return m.Format(locale) },
		// payment names a means of payment: "Carte bancaire".
		"payment": func(p order.PaymentMethod) string { return p.Label(locale) },
		// maskIBAN shows an account as FR76 **** **** 1234.
		"maskIBAN": MaskIBAN,
		// addressLines is an address as printed on an envelope.
		"addressLines": func(a order.Address) []string { return a.Lines() },
		// diff says what an edit changed in a line: "prix unitaire 12,50 € → 10,00 €, quantité 2 → 3".
		"diff": func(d order.LineDiff, currency string) string { return describeDiff(d, currency, locale) },
		// lines is what the "lines" partial shows: {{template "lines" (lines $ .Removed "Quantité retirée")}}.
		"lines": newLinesTable,
	}
}

// linesTable is a list of an order's lines as the "lines" partial
// (templates/_lines.*) shows them.
type linesTable struct {
	QuantityHeading string // the heading of the quantity column, in the HTML table
	Rows            []lineRow
}

// lineRow is a line and what it is worth in the email's currency.
type lineRow struct {
	order.Line
	Amount order.Money
}

// lineAmounter is the data of an email that lists lines: it knows their
// amounts in the email's currency.
type lineAmounter interface{ LineAmount(order.Line) order.Money }

// newLinesTable is the "lines" template function: the lines of data
// with their amounts, and the heading of the quantity column, which says
// what the quantity is (removed, cancelled...).
func newLinesTable(data lineAmounter, lines []order.Line, quantityHeading ...string) linesTable {
	t := linesTable{QuantityHeading: strings.Join(quantityHeading, " ")}
	for _, l := range lines {
		t.Rows = append(t.Rows, lineRow{l, data.LineAmount(l)})
	}
	return t
}

// describeDiff lists what an edit changed, in the reader's language.
func describeDiff(d order.LineDiff, currency, locale string) string {
	m := func(c int64) string { return order.Money{Cents: c, Currency: currency}.Format(locale) }
	words := map[string][2]string{
		"sku": {"référence", "reference"}, "name": {"désignation", "name"}, "price": {"prix unitaire", "unit price"},
		"qty": {"quantité", "quantity"}, "vat": {"TVA", "VAT"},
	}
	w := func(k string) string {
		if locale == "en" {
			return words[k][1]
		}
		return words[k][0]
	}
	rate := func(bp int64) string {
		s := fmt.Sprint(bp / 100)
		switch f := bp % 100; {
		case f%10 == 0 && f != 0:
			s += fmt.Sprintf(".%d", f/10)
		case f != 0:
			s += fmt.Sprintf(".%02d", f)
		}
		if locale == "en" {
			return s + "%"
		}
		return strings.ReplaceAll(s, ".", ",") + "\u00a0%"
	}
	var parts []string
	if d.SKUChanged() {
		parts = append(parts, fmt.Sprintf("%s %s → %s", w("sku"), d.Before.SKU, d.After.SKU))
	}
	if d.NameChanged() {
		parts = append(parts, fmt.Sprintf("%s « %s » → « %s »", w("name"), d.Before.Name, d.After.Name))
		if locale == "en" {
			parts[len(parts)-1] = fmt.Sprintf("%s “%s” → “%s”", w("name"), d.Before.Name, d.After.Name)
		}
	}
	if d.PriceChanged() {
		parts = append(parts, fmt.Sprintf("%s %s → %s", w("price"), m(d.Before.UnitPrice), m(d.After.UnitPrice)))
	}
	if d.QuantityChanged() {
		parts = append(parts, fmt.Sprintf("%s %d → %d", w("qty"), d.Before.Remaining(), d.After.Remaining()))
	}
	if d.VATChanged() {
		parts = append(parts, fmt.Sprintf("%s %s → %s", w("vat"), rate(d.Before.VATRate), rate(d.After.VATRate)))
	}
	return strings.Join(parts, ", ")
}

// mustParse parses every template and panics, at start-up, on a template
// that does not parse, lacks a subject or lacks one of its four files.
func mustParse(fsys fs.FS) map[key]pair {
	t, err := parse(fsys)
	if err != nil {
		panic(err)
	}
	return t
}

// parse reads every template. A file whose name starts with "_"
// (_settlement.fr.txt) is a partial: it defines templates that every email
// of its language and kind can call, such as the paragraph that says how
// the money went back.
func parse(fsys fs.FS) (map[key]pair, error) {
	out := map[key]pair{}
	paths, err := fs.Glob(fsys, "templates/*")
	if err != nil {
		return nil, err
	}
	type file struct {
		path, base, ext string
		k               key
		src             string
	}
	var emails []file
	partials := map[[2]string][]file{} // by locale and extension
	for _, p := range paths {
		base := strings.TrimPrefix(p, "templates/")
		parts := strings.Split(base, ".")
		if len(parts) != 3 {
			return nil, fmt.Errorf("mail: template file %s: want NAME.LOCALE.txt or NAME.LOCALE.html", p)
		}
		k := key{parts[0], parts[1]}
		if !isLocale(k.locale) {
			return nil, fmt.Errorf("mail: template file %s: unknown locale %q", p, k.locale)
		}
		if parts[2] != "txt" && parts[2] != "html" {
			return nil, fmt.Errorf("mail: template %s: want a .txt or .html file", p)
		}
		src, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil, err
		}
		f := file{p, base, parts[2], k, string(src)}
		if strings.HasPrefix(k.name, "_") {
			partials[[2]string{k.locale, f.ext}] = append(partials[[2]string{k.locale, f.ext}], f)
			continue
		}
		emails = append(emails, f)
	}
	// A partial missing in one language or kind would only fail when an
	// email calls it: refuse it here, at start-up.
	for lk, group := range partials {
		for _, f := range group {
			for _, loc := range Locales {
				for _, ext := range []string{"txt", "html"} {
					found := false
					for _, g := range partials[[2]string{loc, ext}] {
						found = found || g.k.name == f.k.name
					}
					if !found {
						return nil, fmt.Errorf("mail: partial %s (%s.%s): templates/%s.%s.%s must exist too", f.k.name, lk[0], lk[1], f.k.name, loc, ext)
					}
				}
			}
		}
	}
	// The partials are parsed before the email, so that an email's
	// {{define "title"}} replaces the default of a partial's {{block "title"}}.
	for _, f := range emails {
		k, base := f.k, f.base
		var err error
		pr := out[k]
		parts := partials[[2]string{k.locale, f.ext}]
		switch f.ext {
		case "txt":
			pr.text = texttemplate.New(base).Funcs(funcs(k.locale)).Option("missingkey=error")
			for _, part := range parts {
				if err == nil {
					_, err = pr.text.New(part.base).Parse(part.src)
				}
			}
			if err == nil {
				_, err = pr.text.Parse(f.src)
			}
			if err == nil && pr.text.Lookup("subject") == nil {
				err = fmt.Errorf("no {{define \"subject\"}}")
			}
			if err == nil {
				var trees []*tparse.Tree
				for _, t := range pr.text.Templates() {
					trees = append(trees, t.Tree)
				}
				err = undefinedCalls(trees, func(name string) bool { t := pr.text.Lookup(name); return t != nil && t.Tree != nil })
			}
		case "html":
			pr.html = htmltemplate.New(base).Funcs(funcs(k.locale)).Option("missingkey=error")
			for _, part := range parts {
				if err == nil {
					_, err = pr.html.New(part.base).Parse(part.src)
				}
			}
			if err == nil {
				_, err = pr.html.Parse(f.src)
			}
			if err == nil {
				var trees []*tparse.Tree
				for _, t := range pr.html.Templates() {
					trees = append(trees, t.Tree)
				}
				err = undefinedCalls(trees, func(name string) bool { t := pr.html.Lookup(name); return t != nil && t.Tree != nil })
			}
			if err == nil {
				err = escape(pr.html)
			}
		}
		p := f.path
		if err != nil {
			return nil, fmt.Errorf("mail: template %s: %w", p, err)
		}
		out[k] = pr
	}
	names := map[string]bool{}
	for k := range out {
		names[k.name] = true
	}
	for name := range names {
		for _, loc := range Locales {
			pr := out[key{name, loc}]
			if pr.text == nil || pr.html == nil {
				return nil, fmt.Errorf("mail: template %s: templates/%s.%s.txt and .html must both exist", name, name, loc)
			}
		}
	}
	return out, nil
}

func isLocale(l string) bool {
	for _, x := range Locales {
		if x == l {
			return true
		}
	}
	return false
}

// undefinedCalls refuses a {{template "name"}} that no file defines, such
// as a layout whose partial is missing in every language: text/template
// and html/template would only say so when an email is rendered.
func undefinedCalls(trees []*tparse.Tree, defined func(name string) bool) error {
	var missing error
	var tree *tparse.Tree
	var walk func(n tparse.Node)
	walk = func(n tparse.Node) {
		switch n := n.(type) {
		case *tparse.ListNode:
			if n != nil {
				for _, c := range n.Nodes {
					walk(c)
				}
			}
		case *tparse.IfNode:
			walk(n.List)
			walk(n.ElseList)
		case *tparse.RangeNode:
			walk(n.List)
			walk(n.ElseList)
		case *tparse.WithNode:
			walk(n.List)
			walk(n.ElseList)
		case *tparse.TemplateNode:
			if missing == nil && !defined(n.Name) {
				loc, _ := tree.ErrorContext(n)
				missing = fmt.Errorf("%s: {{template %q}}: no template or partial defines it", loc, n.Name)
			}
		}
	}
	for _, tree = range trees {
		if tree != nil {
			walk(tree.Root)
		}
	}
	return missing
}

// escape makes html/template check the email's HTML now, at start-up,
// rather than when it is first rendered: an email whose layout leaves an
// attribute or a tag open is refused here. Escaping happens before
// anything is executed, so the errors of running it without data, which
// are not *htmltemplate.Error, say nothing about the template.
func escape(t *htmltemplate.Template) error {
	var escErr *htmltemplate.Error
	if err := t.Execute(io.Discard, nil); errors.As(err, &escErr) {
		return err
	}
	return nil
}
