// Package mail renders the emails orderdesk sends to customers and to the
// shop, and hands them to a Sender. Each email is one pair of templates in
// templates/: NAME.txt (text/template; it also defines the "subject"
// template) and NAME.html (html/template). They say every text by its
// message in the catalog of package locale ({{t "mail.new_total" …}}, see
// say.go), so one template serves every language: French, the default,
// and English for customers whose locale is "en". The templates are parsed
// once per language when the program starts: a broken or missing template
// stops start-up, not a procedure half-way.
//
// What emails share lives in partials, files named _NAME.txt and
// _NAME.html: _frame holds the HTML document around every email (its
// "layout", which shows the email's own {{define "body"}}), the greeting
// and the sign-offs; _lines the list of an order's lines; _settlement the
// paragraph about the money.
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

	"github.com/orderdesk/orderdesk/locale"
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

// Locales are the languages every email is rendered in (the catalog's,
// package locale); the first is the default.
var Locales = func() []string {
	ls := make([]string, len(locale.Langs))
	for i, l := range locale.Langs {
		ls[i] = string(l)
	}
	return ls
}()

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
func Render(template, customerLocale string, data any) (Message, error) {
	loc := Locale(customerLocale)
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
		Subject:  oneLine(subject.String()),
		Text:     tidy(text.String()),
		HTML:     strings.TrimSpace(html.String()) + "\n",
	}, nil
}

// checker is data that can tell whether it makes a truthful email.
type checker interface{ check() error }

// oneLine writes a subject on one line, its spaces and line breaks made
// one space; a no-break space (before a French colon, in an amount) stays.
func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' }), " ")
}

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

// linesTable is a list of an order's lines as the "lines" partial
// (templates/_lines.*) shows them.
type linesTable struct {
	QuantityHeading htmltemplate.HTML // the heading of the quantity column, in the HTML table
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
func newLinesTable(data lineAmounter, lines []order.Line, quantityHeading ...htmltemplate.HTML) linesTable {
	var t linesTable
	if len(quantityHeading) > 0 {
		t.QuantityHeading = quantityHeading[0]
	}
	for _, l := range lines {
		t.Rows = append(t.Rows, lineRow{l, data.LineAmount(l)})
	}
	return t
}

// mustParse parses every template and panics, at start-up, on a template
// that does not parse, lacks a subject or lacks one of its two files.
func mustParse(fsys fs.FS) map[key]pair {
	t, err := parse(fsys)
	if err != nil {
		panic(err)
	}
	return t
}

// parse reads every template, once per language. A file whose name starts
// with "_" (_settlement.txt) is a partial: it defines templates that every
// email of its kind can call, such as the paragraph that says how the
// money went back.
func parse(fsys fs.FS) (map[key]pair, error) {
	paths, err := fs.Glob(fsys, "templates/*")
	if err != nil {
		return nil, err
	}
	type file struct {
		path, base, name, ext string
		src                   string
	}
	var emails []file
	partials := map[string][]file{}       // by extension
	kinds := map[string]map[string]bool{} // the extensions of each email and partial
	for _, p := range paths {
		base := strings.TrimPrefix(p, "templates/")
		name, ext, ok := strings.Cut(base, ".")
		switch {
		case ok && strings.Contains(ext, ".") && isLanguageCode(strings.Split(ext, ".")[0]):
			return nil, fmt.Errorf("mail: template file %s: one template per email, NAME.txt and NAME.html, says its texts in every language by the catalog: no copy per language", p)
		case !ok || strings.Contains(ext, "."):
			return nil, fmt.Errorf("mail: template file %s: want NAME.txt or NAME.html", p)
		case ext != "txt" && ext != "html":
			return nil, fmt.Errorf("mail: template %s: want a .txt or .html file", p)
		}
		src, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil, err
		}
		f := file{p, base, name, ext, string(src)}
		if kinds[name] == nil {
			kinds[name] = map[string]bool{}
		}
		kinds[name][ext] = true
		if strings.HasPrefix(name, "_") {
			partials[ext] = append(partials[ext], f)
			continue
		}
		emails = append(emails, f)
	}
	// A partial or an email missing one of its two files would only fail
	// when it is rendered: refuse it here, at start-up.
	names := make([]string, 0, len(kinds))
	for name := range kinds {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		for _, ext := range []string{"txt", "html"} {
			if !kinds[name][ext] {
				if strings.HasPrefix(name, "_") {
					return nil, fmt.Errorf("mail: partial %s: templates/%s.%s must exist too", name, name, ext)
				}
				return nil, fmt.Errorf("mail: template %s: templates/%s.txt and .html must both exist", name, name)
			}
		}
	}
	out := map[key]pair{}
	for _, loc := range Locales {
		p := locale.For(locale.Lang(loc))
		// The partials are parsed before the email, so that an email's
		// {{define "title"}} replaces the default of a partial's {{block "title"}}.
		for _, f := range emails {
			k := key{f.name, loc}
			var err error
			pr := out[k]
			parts := partials[f.ext]
			switch f.ext {
			case "txt":
				pr.text = texttemplate.New(f.base).Funcs(funcs(p, false)).Option("missingkey=error")
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
				pr.html = htmltemplate.New(f.base).Funcs(funcs(p, true)).Option("missingkey=error")
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
			if err != nil {
				return nil, fmt.Errorf("mail: template %s: %w", f.path, err)
			}
			out[k] = pr
		}
	}
	return out, nil
}

// isLanguageCode reports whether s looks like a language's code: "fr",
// "de".
func isLanguageCode(s string) bool {
	return len(s) == 2 && s[0] >= 'a' && s[0] <= 'z' && s[1] >= 'a' && s[1] <= 'z'
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
