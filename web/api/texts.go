package api

import (
	"fmt"
	"net/http"
	"reflect"
	"strings"

	"github.com/orderdesk/orderdesk/order"
)

// refuseInput answers a request whose URL or form holds a text
// request.CleanInput refuses, in the API's error shape: a path with a NUL
// is no endpoint (404), a bad parameter is 400 naming it.
func (s *server) refuseInput(w http.ResponseWriter, r *http.Request, status int, fe *order.FieldError) {
	w.Header().Set("Cache-Control", "no-store")
	if status == http.StatusNotFound {
		writeAPIError(w, &apiError{status: status, code: "not_found", field: fe.Field,
			msg: "no such address: its path holds a control character or is not UTF-8"})
		return
	}
	writeAPIError(w, &apiError{status: status, code: string(fe.Code), msg: fe.Message, field: fe.Field})
}

// checkTexts refuses, with order.CheckText, the first text of a decoded
// JSON body that holds a control character (NUL included) or invalid
// UTF-8, naming it as the body does ("lines[1].name"): no member of the
// API's bodies spans lines. Such a body is a 422 naming the member, never a
// 500 from PostgreSQL, whichever endpoint reads it.
func checkTexts(v reflect.Value, path string) error {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return checkTexts(v.Elem(), path)
	case reflect.String:
		return order.CheckText(path, v.String(), false)
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			p := join(path, name)
			if f.Anonymous && f.Tag.Get("json") == "" {
				p = path
			}
			if err := checkTexts(v.Field(i), p); err != nil {
				return err
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if err := checkTexts(v.Index(i), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			k := fmt.Sprint(iter.Key().Interface())
			if err := order.CheckText(join(path, k), k, false); err != nil {
				return err
			}
			if err := checkTexts(iter.Value(), join(path, k)); err != nil {
				return err
			}
		}
	}
	return nil
}
