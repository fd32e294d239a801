package web

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
)

func TestVATRate(t *testing.T) {
	t.Parallel()
	for bp, want := range map[int64]string{2000: "20\u00a0%", 550: "5,5\u00a0%", 210: "2,1\u00a0%", 1000: "10\u00a0%", 0: "0\u00a0%", 1234: "12,34\u00a0%"} {
		if got := (&server{}).funcsFor("fr")["vatRate"].(func(int64) string)(bp); got != want {
			t.Errorf("vatRate(%d) = %q, want %q", bp, got, want)
		}
	}
}

func TestDatesAreParisTime(t *testing.T) {
	t.Parallel()
	s := &server{}
	var err error
	if s.paris, err = time.LoadLocation("Europe/Paris"); err != nil {
		t.Fatal(err)
	}
	for in, want := range map[time.Time]string{
		time.Date(2026, 11, 21, 13, 5, 0, 0, time.UTC): "21/11/2026 14:05", // winter, UTC+1
		time.Date(2026, 7, 14, 22, 30, 0, 0, time.UTC): "15/07/2026 00:30", // summer, UTC+2
	} {
		if got := s.printer("fr").Date(in); got != want {
			t.Errorf("date(%s) = %q, want %q", in, got, want)
		}
	}
	if s.printer("fr").Date(time.Time{}) != "" {
		t.Error("a zero time should render empty")
	}
}

func TestAgo(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	s := &server{now: func() time.Time { return now }}
	for d, want := range map[time.Duration]string{
		10 * time.Second: "à l'instant", 12 * time.Minute: "il y a 12 min", 3*time.Hour + 59*time.Minute: "il y a 3 h",
		47 * time.Hour: "il y a 47 h", 4 * 24 * time.Hour: "il y a 4 j",
	} {
		if got := s.ago(locale.For(locale.French), now.Add(-d)); got != want {
			t.Errorf("ago(-%s) = %q, want %q", d, got, want)
		}
	}
	for d, want := range map[time.Duration]string{
		10 * time.Second: "just now", 12 * time.Minute: "12 min ago", 47 * time.Hour: "47 h ago",
		24 * 24 * time.Hour: "24 days ago",
	} {
		if got := s.ago(locale.For(locale.English), now.Add(-d)); got != want {
			t.Errorf("English ago(-%s) = %q, want %q", d, got, want)
		}
	}
}

func TestBrokenTemplateFailsStartUp(t *testing.T) {
	t.Parallel()
	s := &server{}
	layout, err := templateFS.ReadFile("templates/layout.html")
	if err != nil {
		t.Fatal(err)
	}
	good := fstest.MapFS{
		"templates/layout.html": {Data: layout},
		"templates/error.html":  {Data: []byte(`{{define "content"}}{{.Message}}{{end}}`)},
	}
	if _, err := parsePages(good, s.funcs()); err != nil {
		t.Fatalf("a good set fails: %v", err)
	}
	for name, page := range map[string]string{
		"unclosed action": `{{define "content"}}{{.Message{{end}}`,
		"unknown func":    `{{define "content"}}{{nosuchfunc .}}{{end}}`,
		"no content":      `<p>hello</p>`,
	} {
		fsys := fstest.MapFS{}
		for k, v := range good {
			fsys[k] = v
		}
		fsys["templates/broken.html"] = &fstest.MapFile{Data: []byte(page)}
		_, err := parsePages(fsys, s.funcs())
		if err == nil || !strings.Contains(err.Error(), "broken.html") {
			t.Errorf("%s: parsePages = %v, want an error naming broken.html", name, err)
		}
	}
}

// TestRefusalsAreSaidByTheFieldTheyName: a supervisor approving their own
// refund is told so, not that only a supervisor may approve.
func TestRefusalsAreSaidByTheFieldTheyName(t *testing.T) {
	t.Parallel()
	for field, want := range map[string]string{
		"approver": "votre propre demande",
		"role":     "Seul un superviseur",
		"task":     "n'attend plus de réponse",
		"reason":   "Dites pourquoi",
	} {
		fe := &order.FieldError{Field: field, Message: "sophie@boutique.fr asked for this refund and cannot approve it: another supervisor must"}
		if got := refusalText(fe, "fr"); !strings.Contains(got, want) {
			t.Errorf("refusal on %s reads %q, want it to say %q", field, got, want)
		}
	}
}
