package cli

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kgroups/kgroups/kafka/demo"
)

// failingWriter takes limit bytes, then fails every write with err.
type failingWriter struct {
	limit int
	err   error
	got   bytes.Buffer
}

func (w *failingWriter) Write(p []byte) (int, error) {
	if room := w.limit - w.got.Len(); room < len(p) {
		w.got.Write(p[:max(room, 0)])
		return max(room, 0), w.err
	}
	return w.got.Write(p)
}

// TestConsumeWriteFailureCommitsNothingUnwritten checks that a consume whose
// output cannot be written (a full disk, a closed stdout) commits none of the
// records it could not write, fails with exit 1 and says so in one line.
func TestConsumeWriteFailureCommitsNothingUnwritten(t *testing.T) {
	f := newOpsFixture(t)
	closed, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	closed.Close()

	for _, tt := range []struct {
		name   string
		stdout func() (w io.Writer, written func() string)
		says   string
	}{
		{"disk full", func() (io.Writer, func() string) {
			w := &failingWriter{limit: 300, err: syscall.ENOSPC}
			return w, w.got.String
		}, "no space left on device"},
		{"closed stdout", func() (io.Writer, func() string) { return closed, func() string { return "" } }, "file already closed"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := f.committedOn(t, opsIncr)
			w, written := tt.stdout()
			var stderr bytes.Buffer
			a := &app{stdin: strings.NewReader(""), stdout: w, stderr: &stderr, now: func() time.Time { return demo.SeedBase }}
			t.Setenv(envReadOnly, "")
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			code := run(ctx, a, []string{"consume", "--topic", opsTopic, "--suffix", "incremental", "-n", "15",
				"-o", "jsonl", "--brokers", f.brokers, "--base", opsBase})
			if code != ExitError || !strings.Contains(stderr.String(), tt.says) || strings.Count(stderr.String(), "\n") != 1 {
				t.Errorf("exit %d, stderr %q; want exit %d and one line saying %q", code, stderr.String(), ExitError, tt.says)
			}
			if !strings.Contains(stderr.String(), "0 record(s) committed") {
				t.Errorf("stderr %q does not say that nothing was committed", stderr.String())
			}
			// The records written whole before the failure, if any, may be
			// committed; none past them.
			wrote := offsetsRead(t, completeLines(written()))
			for p, c := range f.committedOn(t, opsIncr) {
				if want := before[p] + int64(len(wrote[p])); c > want {
					t.Errorf("partition %d committed at %d after a failed write, but written only up to %d", p, c, want)
				}
			}
		})
	}
}

// completeLines drops a last line cut short.
func completeLines(s string) string {
	return s[:strings.LastIndexByte(s, '\n')+1]
}
