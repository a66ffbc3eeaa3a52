package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

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

// TestConsumeFailedCommitSaysWhatIsReadAgain checks that when the commit of
// a written chunk fails, consume exits 1 with one line that does not claim
// the chunk was committed.
func TestConsumeFailedCommitSaysWhatIsReadAgain(t *testing.T) {
	f := newOpsFixture(t)
	f.cluster.ControlKey(int16(kmsg.OffsetCommit), func(req kmsg.Request) (kmsg.Response, error, bool) {
		f.cluster.KeepControl()
		creq := req.(*kmsg.OffsetCommitRequest)
		if creq.Group != opsIncr {
			return nil, nil, false
		}
		resp := creq.ResponseKind().(*kmsg.OffsetCommitResponse)
		for _, rt := range creq.Topics {
			st := kmsg.NewOffsetCommitResponseTopic()
			st.Topic = rt.Topic
			for _, rp := range rt.Partitions {
				sp := kmsg.NewOffsetCommitResponseTopicPartition()
				sp.Partition = rp.Partition
				sp.ErrorCode = kerr.GroupAuthorizationFailed.Code
				st.Partitions = append(st.Partitions, sp)
			}
			resp.Topics = append(resp.Topics, st)
		}
		return resp, nil, true
	})
	r := f.run(t, "consume", "--topic", opsTopic, "--suffix", "incremental", "-n", "15", "-o", "jsonl")
	n := strings.Count(r.stdout, "\n")
	if r.code != ExitError || strings.Count(r.stderr, "\n") != 1 {
		t.Fatalf("exit %d, stderr %q; want exit %d and one line", r.code, r.stderr, ExitError)
	}
	if n == 0 || !strings.Contains(r.stderr, "0 record(s) committed") ||
		!strings.Contains(r.stderr, fmt.Sprintf("%d more written but not committed", n)) {
		t.Errorf("wrote %d records; stderr %q does not say that none was committed and %d will be read again", n, r.stderr, n)
	}
	if c := f.committedOn(t, opsIncr); len(c) != 0 {
		t.Errorf("committed %v", c)
	}
}
