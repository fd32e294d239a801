package web

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/orderdesk/orderdesk/store"
)

// Post/redirect/get: no page of the agent UI lives at the address of a
// POST. A form taken goes on with its handler's 303; a page a form's
// POST shows instead (the form again with its errors and what was typed,
// a confirmation step, a refusal of the action) is kept a few minutes in
// PostgreSQL (store.SaveFlash) and the browser is sent with a 303 to the
// form's GET address, which shows that page once more while it is kept.
// Reloading it, by hand or by the live progress (static/progress.js),
// asks for a page, never submits the form again.

// flashParam carries the id of the kept page in the GET address.
const flashParam = "form"

// flashStore keeps the pages refused forms showed (part of OrderStore);
// *store.Store implements it.
type flashStore interface {
	SaveFlash(ctx context.Context, id string, agentID int64, path string, status int, body string) error
	Flash(ctx context.Context, id string, agentID int64, path string) (int, string, error)
}

// afterPost is the GET address a POST's page is shown at: the form's own
// page, the page whose form it is (a note, an archive, a resend: the
// order; a task's answer: the page it was given from). "" for a POST that
// is not a form of the agents' pages.
func afterPost(r *http.Request) string {
	parts := strings.Split(strings.Trim(r.URL.EscapedPath(), "/"), "/")
	switch {
	case len(parts) == 3 && parts[0] == "orders":
		switch parts[2] {
		case "modify", "cancel", "ship", "edit", "return":
			return "/" + strings.Join(parts, "/")
		case "notes", "archive", "unarchive", "receipt":
			return "/orders/" + parts[1]
		}
	case len(parts) == 4 && parts[0] == "orders" && parts[2] == "payment":
		return "/orders/" + parts[1] + "/payment"
	case len(parts) == 5 && parts[0] == "orders" && parts[2] == "emails" && parts[4] == "resend":
		return "/orders/" + parts[1]
	case len(parts) == 3 && parts[0] == "tasks" && parts[2] == "answer":
		back := safeNext(r.PostFormValue("back"))
		if strings.HasPrefix(back, "/procedures/") || back == "/tasks" || strings.HasPrefix(back, "/tasks/") || strings.HasPrefix(back, "/tasks?") {
			back, _, _ = strings.Cut(back, "#")
			return back
		}
		return "/tasks"
	}
	return ""
}

// withFlashParam adds the kept page's id to a GET address.
func withFlashParam(get, id string) string {
	sep := "?"
	if strings.Contains(get, "?") {
		sep = "&"
	}
	return get + sep + flashParam + "=" + url.QueryEscape(id)
}

// withoutFlashParam is the address without the kept page's id.
func withoutFlashParam(u *url.URL) string {
	q := u.Query()
	q.Del(flashParam)
	out := u.EscapedPath()
	if len(q) > 0 {
		out += "?" + q.Encode()
	}
	return out
}

// prg puts post/redirect/get around the agents' pages (inside
// requireAgent: the agent and their session are known).
func (s *server) prg(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := agentOf(r)
		sw, ok := w.(*sessionWriter)
		if a == nil || !ok {
			next.ServeHTTP(w, r)
			return
		}
		switch r.Method {
		case http.MethodGet:
			if id := r.URL.Query().Get(flashParam); id != "" {
				status, body, err := s.store.Flash(r.Context(), id, a.ID, r.URL.EscapedPath())
				if err == nil {
					// With the status the POST had: a page of refusals
					// (422, 409) says so to whatever reads it.
					h := w.Header()
					h.Set("Content-Type", "text/html; charset=utf-8")
					h.Set("Cache-Control", "no-store")
					w.WriteHeader(status)
					_, _ = w.Write([]byte(body))
					return
				}
				if !errors.Is(err, store.ErrNotFound) {
					s.log.WarnContext(r.Context(), "web: reading a kept form page", "path", r.URL.Path, "err", err)
				}
				// Gone (older than a few minutes): the page as it is now.
				http.Redirect(w, r, withoutFlashParam(r.URL), http.StatusSeeOther)
				return
			}
		case http.MethodPost:
			get := afterPost(r)
			if get == "" {
				break
			}
			cw := &captureWriter{header: http.Header{}}
			// The page's own address (for the language switch) is the GET.
			next.ServeHTTP(&sessionWriter{ResponseWriter: cw, agent: sw.agent, path: get}, r)
			s.finishPost(w, r, a.ID, get, cw)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// finishPost sends what a POST's handler wrote: a redirect or an error
// as it is; a page (200, a refusal 409 or 422) kept and redirected to.
func (s *server) finishPost(w http.ResponseWriter, r *http.Request, agentID int64, get string, cw *captureWriter) {
	status := cw.status
	if status == 0 {
		status = http.StatusOK
	}
	page := (status == http.StatusOK || status == http.StatusConflict || status == http.StatusUnprocessableEntity) &&
		strings.HasPrefix(cw.header.Get("Content-Type"), "text/html") && cw.body.Len() > 0
	if page {
		id := newRequestID()
		path, _, _ := strings.Cut(get, "?")
		if err := s.store.SaveFlash(r.Context(), id, agentID, path, status, cw.body.String()); err != nil {
			// Show the page here rather than lose what was typed.
			s.log.WarnContext(r.Context(), "web: keeping a form page failed; shown at the POST's address", "path", r.URL.Path, "err", err)
		} else {
			for _, c := range cw.header.Values("Set-Cookie") {
				w.Header().Add("Set-Cookie", c)
			}
			http.Redirect(w, r, withFlashParam(get, id), http.StatusSeeOther)
			return
		}
	}
	h := w.Header()
	for k, v := range cw.header {
		h[k] = v
	}
	w.WriteHeader(status)
	_, _ = cw.body.WriteTo(w)
}

// captureWriter holds a response until the POST's handler is done.
type captureWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (c *captureWriter) Header() http.Header { return c.header }

func (c *captureWriter) WriteHeader(status int) {
	if c.status == 0 {
		c.status = status
	}
}

func (c *captureWriter) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	return c.body.Write(b)
}
