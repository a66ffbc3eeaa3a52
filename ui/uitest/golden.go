// Package uitest holds what the tests of kgroups' user interfaces share. It
// is imported only by tests.
package uitest

import (
	"flag"
	"path/filepath"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
)

// namedTB renames a test for the golden package, which files a golden
// under testdata/<name>.golden.
type namedTB struct {
	testing.TB
	name string
}

func (n namedTB) Name() string { return n.name }

// RequireGolden compares got with the golden file at path (relative to the
// test's package, ending in .golden) and fails the test with a diff when
// they differ; go test -update rewrites the file. It is the golden
// mechanism of every kgroups UI test: charmbracelet's golden package, as
// the TUI's views use it, pointed at the repository's testdata.
func RequireGolden(t testing.TB, path string, got []byte) {
	t.Helper()
	rel, err := filepath.Rel("testdata", path)
	if err != nil || filepath.Ext(path) != ".golden" {
		t.Fatalf("golden path %s: want a path ending in .golden", path)
	}
	// Escapes are shown quoted in a diff: a view's styles show as \x1b[7m,
	// not as reverse video in the terminal reading the failure.
	golden.RequireEqualEscape(namedTB{TB: t, name: rel[:len(rel)-len(".golden")]}, got, true)
}

// Updating reports whether the tests run with -update, rewriting goldens:
// tests that compare other output with a golden skip that while it is
// being rewritten.
func Updating() bool {
	f := flag.Lookup("update")
	if f == nil {
		return false
	}
	g, ok := f.Value.(flag.Getter)
	if !ok {
		return false
	}
	on, _ := g.Get().(bool)
	return on
}
