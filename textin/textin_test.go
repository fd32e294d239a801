package textin_test

import (
	"errors"
	"testing"

	"github.com/orderdesk/orderdesk/textin"
)

func TestCheck(t *testing.T) {
	for _, c := range []struct {
		s         string
		multiline bool
		kind      textin.Kind
		offset    int
	}{
		{"Camille Martin", false, 0, 0},
		{"Crème brûlée, 12 €", false, 0, 0},
		{"a\x00b", false, textin.Control, 1},
		{"a\x00b", true, textin.Control, 1},
		{"ligne 1\r\nligne 2\tfin", true, 0, 0},
		{"ligne 1\nligne 2", false, textin.Control, 7},
		{"bip\x07", true, textin.Control, 3},
		{"esc\x1b[31m", false, textin.Control, 3},
		{"del\x7f", false, textin.Control, 3},
		{"c1 \u0085", false, textin.Control, 3},
		{"bad \xff utf-8", false, textin.NotUTF8, 4},
		{"cut \xc3", false, textin.NotUTF8, 4},
		{"\uFFFD is a real character", false, 0, 0},
	} {
		err := textin.Check(c.s, c.multiline)
		var te *textin.Error
		switch {
		case c.kind == 0 && err != nil:
			t.Errorf("Check(%q, %v) = %v, want clean", c.s, c.multiline, err)
		case c.kind != 0 && (!errors.As(err, &te) || te.Kind != c.kind || te.Offset != c.offset):
			t.Errorf("Check(%q, %v) = %v, want kind %d at %d", c.s, c.multiline, err, c.kind, c.offset)
		}
	}
}

func FuzzCheck(f *testing.F) {
	f.Add("Camille\x00", false)
	f.Add("a\r\nb", true)
	f.Fuzz(func(t *testing.T, s string, multiline bool) {
		if textin.Check(s, multiline) != nil {
			return
		}
		for _, r := range s {
			if textin.IsControl(r) && !(multiline && (r == '\n' || r == '\r' || r == '\t')) {
				t.Fatalf("%q passed with the control %U", s, r)
			}
		}
	})
}
