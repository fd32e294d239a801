package starter_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
)

// refusedInFrench checks that err is a refusal of field, made by the
// catalog's message code, and that the French UI says each fragment: what
// an agent reads next to the field.
func refusedInFrench(t *testing.T, err error, field string, code locale.Key, french ...string) {
	t.Helper()
	var fe *order.FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("error %v (%T) is not a refusal (*order.FieldError)", err, err)
	}
	if fe.Field != field || fe.Code != code {
		t.Errorf("refusal of %q by %q, want of %q by %q (%v)", fe.Field, fe.Code, field, code, fe)
	}
	said := fe.Say(locale.For(locale.French))
	for _, f := range french {
		if !strings.Contains(said, f) {
			t.Errorf("the French UI says %q, not %q", said, f)
		}
	}
}
