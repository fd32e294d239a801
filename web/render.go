package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"reflect"
	"strings"
	"sync"
)

//go:embed templates
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Layout is what the layout template needs from every page: embed it in
// the page's data.
type Layout struct {
	Title string // the page's title, shown in the tab and as the heading
	Nav   string // the top-bar item to highlight: orders, tasks, outbox

	// Filled by render from the session: leave them empty.
	Agent *signedIn // nil on the sign-in page
	CSRF  string    // the token every form of the page carries
	Lang  string    // fr or en
	Path  string    // the page's address
	// The open tasks, counted for the top bar on every signed-in page;
	// OpenTasksKnown is false when the count failed (the page goes on).
	OpenTasks      int
	OpenTasksKnown bool
}

// withSession returns data with its Layout's session fields set, when data
// is a struct that embeds Layout (every page does).
func withSession(data any, a *signedIn, path string) any {
	v := reflect.ValueOf(data)
	if v.Kind() != reflect.Struct {
		return data
	}
	f := v.FieldByName("Layout")
	if !f.IsValid() || f.Type() != reflect.TypeFor[Layout]() {
		return data
	}
	c := reflect.New(v.Type()).Elem()
	c.Set(v)
	l := c.FieldByName("Layout").Addr().Interface().(*Layout)
	l.Agent, l.CSRF, l.Lang, l.Path = a, a.CSRF, a.Locale, path
	return c.Interface()
}

// pages holds one parsed template set per page (the layout, the shared
// partials and the page itself), keyed by the page's file name without
// extension.
type pages map[string]*template.Template

// parsePages parses every page under templates/ with the layout and the
// partials. It runs once, in New.
func parsePages(fsys fs.FS, funcs template.FuncMap) (pages, error) {
	names, err := fs.Glob(fsys, "templates/*.html")
	if err != nil {
		return nil, err
	}
	shared, err := fs.Glob(fsys, "templates/partials/*.html")
	if err != nil {
		return nil, err
	}
	p := pages{}
	for _, name := range names {
		base := strings.TrimSuffix(path.Base(name), ".html")
		if base == "layout" {
			continue
		}
		files := append([]string{"templates/layout.html", name}, shared...)
		t, err := template.New(base).Funcs(funcs).ParseFS(fsys, files...)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
		if t.Lookup("content") == nil {
			return nil, fmt.Errorf("template %s: no {{define \"content\"}}", name)
		}
		p[base] = t
	}
	if p["error"] == nil {
		return nil, fmt.Errorf("no templates/error.html: errors could not be shown")
	}
	return p, nil
}

// layoutLang is the language a page's data asks for in its Layout, "" for
// none.
func layoutLang(data any) string {
	v := reflect.ValueOf(data)
	if v.Kind() != reflect.Struct {
		return ""
	}
	if f := v.FieldByName("Layout"); f.IsValid() && f.Type() == reflect.TypeFor[Layout]() {
		return f.Interface().(Layout).Lang
	}
	return ""
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// render executes a page into a buffer and writes it only when the whole
// page rendered: a template error never leaves half a page behind.
//
// The signed-in agent (from requireAgent) chooses the language and fills
// the page's Layout: who is signed in, the CSRF token of its forms.
func (s *server) render(w http.ResponseWriter, status int, page string, data any) error {
	return s.write(w, status, page, "layout", data)
}

// renderFragment executes one template of a page (not its layout), for a
// part of the page that a script refreshes.
func (s *server) renderFragment(w http.ResponseWriter, page, name string, data any) error {
	return s.write(w, http.StatusOK, page, name, data)
}

// write executes template name of page, in the signed-in agent's language
// and with their session in the page's Layout, into a buffer, and writes
// the buffer only when the whole template rendered.
func (s *server) write(w http.ResponseWriter, status int, page, name string, data any) error {
	set := s.pages
	if nw, ok := w.(*navWriter); ok {
		w = nw.sessionWriter
		if name == "layout" && status < http.StatusInternalServerError {
			data = s.withOpenTasks(nw.ctx, data)
		}
	}
	if sw, ok := w.(*sessionWriter); ok {
		if sw.agent.Locale == "en" {
			set = s.pagesEN
		}
		data = withSession(data, sw.agent, sw.path)
	} else if layoutLang(data) == "en" { // a page without a session: sign-in
		set = s.pagesEN
	}
	t, ok := set[page]
	if !ok {
		return fmt.Errorf("render: no page %q", page)
	}
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	if err := t.ExecuteTemplate(buf, name, data); err != nil {
		return fmt.Errorf("render %s/%s: %w", page, name, err)
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, err := buf.WriteTo(w)
	return err
}

// staticVersion is a digest of the static files, appended to their URLs so
// a browser's cached copy is replaced when they change.
var staticVersion = sync.OnceValue(func() string {
	h := sha256.New()
	_ = fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		h.Write([]byte(p))
		h.Write(b)
		return err
	})
	return hex.EncodeToString(h.Sum(nil))[:10]
})

// staticHandler serves the embedded static files under /static/.
func staticHandler() http.Handler {
	files := http.FileServerFS(staticFS)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/") { // no directory listings
			http.NotFound(w, r)
			return
		}
		if r.URL.Query().Get("v") != "" {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		}
		files.ServeHTTP(w, r)
	})
}
