package orderdesk_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// errorText are the ways of reading an error's text to decide what to do:
// a refusal, a service that does not answer or a missing row is told by
// its type (errors.As, errors.Is), since a text changes with a wrapping, a
// language or a library's version and then a Temporal outage reads as a
// form's refusal.
var errorText = []*regexp.Regexp{
	// strings.Contains(err.Error(), ...), HasPrefix, Cut, Index...
	regexp.MustCompile(`strings\.(Contains|ContainsAny|HasPrefix|HasSuffix|Cut|CutPrefix|CutSuffix|Index|EqualFold|TrimPrefix)\([^;{]*\.Error\(\)`),
	// err.Error() == "...", "..." != e.Error()
	regexp.MustCompile(`\.Error\(\)\s*(==|!=)`),
	regexp.MustCompile(`(==|!=)\s*[A-Za-z_][A-Za-z0-9_.]*\.Error\(\)`),
	// a regexp applied to an error's text
	regexp.MustCompile(`\.(Match|MatchString|FindString|FindStringSubmatch|FindAllString|FindAllStringSubmatch|FindStringIndex|ReplaceAllString)\([^;{]*\.Error\(\)`),
	// a refusal's English message searched for words
	regexp.MustCompile(`strings\.(Contains|HasPrefix|HasSuffix|Cut|Index)\(\s*[A-Za-z_][A-Za-z0-9_]*\.Message\b`),
}

// TestNoDecisionOnErrorText fails on any non-test Go file of the module
// that decides on an error's text.
func TestNoDecisionOnErrorText(t *testing.T) {
	skip := map[string]bool{".git": true, ".bin": true, ".data": true, "node_modules": true}
	var files int
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != "." && (skip[d.Name()] || strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		for i, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "//") {
				continue
			}
			for _, re := range errorText {
				if re.MatchString(line) {
					t.Errorf("%s:%d decides on an error's text; use errors.As or errors.Is on its type:\n\t%s", path, i+1, strings.TrimSpace(line))
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 100 {
		t.Fatalf("read %d Go files: the walk missed the module", files)
	}
}

// TestErrorTextPatternsCatch keeps the patterns honest: each catches the
// kind of line it is for, and none a line that decides by type.
func TestErrorTextPatternsCatch(t *testing.T) {
	caught := func(line string) bool {
		for _, re := range errorText {
			if re.MatchString(line) {
				return true
			}
		}
		return false
	}
	for _, line := range []string{
		`if !errors.As(err, &fe) && !strings.Contains(err.Error(), ": ") {`,
		`case strings.HasPrefix(err.Error(), "json: unknown field "):`,
		`if err.Error() == "not found" {`,
		`if m := fieldPrefix.FindStringSubmatch(err.Error()); m != nil {`,
		`case strings.Contains(fe.Message, "at most"):`,
	} {
		if !caught(line) {
			t.Errorf("not caught: %s", line)
		}
	}
	for _, line := range []string{
		`if errors.As(err, &fe) {`,
		`s.log.Error("web: request failed", "err", err)`,
		`reply(http.StatusBadRequest, map[string]any{"error": "body is not a payment event: " + err.Error()})`,
	} {
		if caught(line) {
			t.Errorf("caught, wrongly: %s", line)
		}
	}
}
