package devstack

import (
	"errors"
	"os"
	"path/filepath"
)

// ModuleRoot walks up from dir to the directory holding go.mod: where
// .bin/ and .data/ live, whatever directory a command or test runs in.
func ModuleRoot(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", errors.New("no go.mod in " + dir + " or above: run orderdesk dev from the orderdesk checkout")
		}
	}
}
