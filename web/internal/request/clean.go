package request

import (
	"errors"
	"mime"
	"net/http"
	"sort"

	"github.com/orderdesk/orderdesk/order"
)

// CleanInput checks, before any handler reads them, the texts a request
// carries outside a JSON body, with order.CheckText (textin): the URL's
// path, every query parameter, and the fields of a URL-encoded form. A
// path holding a control character (a NUL, "%00") or invalid UTF-8 is no
// address of ours: refused with 404. A query parameter is a one-line text:
// any control character is refused (400). A form field may be a text of
// several lines (a note, a personal paragraph): newline, carriage return
// and tab pass, NUL and every other control character are refused (400);
// the handler still checks what a one-line field may hold. refuse writes
// the answer in the caller's format, with the refusal naming the field
// ("path" for the path); nothing else runs. PostgreSQL, which cannot
// store a NUL, never sees one, and such a request is never a 500.
func CleanInput(refuse func(w http.ResponseWriter, r *http.Request, status int, fe *order.FieldError), next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if fe := fieldError(order.CheckText("path", r.URL.Path, false)); fe != nil {
			refuse(w, r, http.StatusNotFound, fe)
			return
		}
		if fe := checkValues(r.URL.Query(), false); fe != nil {
			refuse(w, r, http.StatusBadRequest, fe)
			return
		}
		if r.Method == http.MethodPost || r.Method == http.MethodPut || r.Method == http.MethodPatch {
			if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "application/x-www-form-urlencoded" {
				if err := r.ParseForm(); err == nil {
					if fe := checkValues(r.PostForm, true); fe != nil {
						refuse(w, r, http.StatusBadRequest, fe)
						return
					}
				}
				// A form that does not parse is the handler's to refuse.
			}
		}
		next.ServeHTTP(w, r)
	})
}

// checkValues is the first refusal of a name or value, in name order.
func checkValues(vs map[string][]string, multiline bool) *order.FieldError {
	names := make([]string, 0, len(vs))
	for k := range vs {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if fe := fieldError(order.CheckText("parameter", k, false)); fe != nil {
			return fe
		}
		for _, v := range vs[k] {
			if fe := fieldError(order.CheckText(k, v, multiline)); fe != nil {
				return fe
			}
		}
	}
	return nil
}

func fieldError(err error) *order.FieldError {
	var fe *order.FieldError
	if errors.As(err, &fe) {
		return fe
	}
	return nil
}
