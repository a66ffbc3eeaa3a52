package uitest

import (
	"os"
	"path/filepath"
	"testing"
)

// recorder is a testing.TB that records a failure instead of stopping.
type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Fatalf(string, ...any) { r.failed = true }
func (r *recorder) Fatal(...any)          { r.failed = true }
func (r *recorder) Helper()               {}

func TestRequireGolden(t *testing.T) {
	dir := t.TempDir()
	path, err := filepath.Rel(".", filepath.Join(dir, "out.txt.golden"))
	if err != nil {
		t.Skip("temporary directory not reachable relatively")
	}
	if err := os.WriteFile(path, []byte("same\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	same := &recorder{TB: t}
	RequireGolden(same, path, []byte("same\n"))
	if same.failed {
		t.Error("equal output failed")
	}
	other := &recorder{TB: t}
	RequireGolden(other, path, []byte("other\n"))
	if !other.failed {
		t.Error("different output passed")
	}
	if Updating() {
		t.Error("Updating without -update")
	}
}
