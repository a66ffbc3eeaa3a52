package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kgroups/kgroups/kafka/demo"
)

// TestOffsetsExportImportRoundTrip exports a group's offsets in both
// formats and imports each into another group with reset --from-file:
// the other group ends with exactly the original offsets.
func TestOffsetsExportImportRoundTrip(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	f := newOpsFixture(t)
	original := f.committedOn(t, opsFull)

	r := f.run(t, "offsets", "export", "--topic", opsTopic, "--suffix", "full-index")
	mustSucceed(t, r)
	var exp offsetsFile
	if err := json.Unmarshal([]byte(r.stdout), &exp); err != nil {
		t.Fatalf("%v:\n%s", err, r.stdout)
	}
	if exp.Group != opsFull || exp.Topic != opsTopic || exp.ExportedAt != demo.SeedBase.UTC().Format(timeLayout) ||
		fmt.Sprint(exp.Partitions) != "[{0 9} {1 10}]" {
		t.Errorf("export = %+v", exp)
	}
	dir := t.TempDir()
	jsonFile := filepath.Join(dir, "full-index.json")
	if err := os.WriteFile(jsonFile, []byte(r.stdout), 0o600); err != nil {
		t.Fatal(err)
	}

	r = f.run(t, "offsets", "export", "--topic", opsTopic, "--suffix", "full-index", "-o", "rpk")
	mustSucceed(t, r)
	if want := "events 0 9\nevents 1 10\n"; r.stdout != want {
		t.Errorf("export -o rpk:\n%s\nwant:\n%s", r.stdout, want)
	}
	rpkFile := filepath.Join(dir, "full-index.txt")
	if err := os.WriteFile(rpkFile, []byte(r.stdout), 0o600); err != nil {
		t.Fatal(err)
	}

	// A dry run plans and changes nothing.
	r = f.run(t, "reset", "--topic", opsTopic, "--from-file", jsonFile)
	if r.code != ExitOK || !strings.Contains(r.stdout, "reset to the offsets in "+jsonFile) || !strings.Contains(r.stderr, dryRunNote) {
		t.Fatalf("dry run: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if got := f.committedOn(t, opsDefault); fmt.Sprint(got) != "map[0:4 1:6]" {
		t.Fatalf("a dry run moved the group: %v", got)
	}

	for _, file := range []string{jsonFile, rpkFile} {
		f.commit(t, opsDefault, map[int32]int64{0: 4, 1: 6})
		mustSucceed(t, f.run(t, "reset", "--topic", opsTopic, "--from-file", file, "--execute"))
		if got := f.committedOn(t, opsDefault); fmt.Sprint(got) != fmt.Sprint(original) {
			t.Errorf("imported from %s: %v, want the exported %v", filepath.Base(file), got, original)
		}
	}

	// From stdin, into a third group.
	data, _ := os.ReadFile(rpkFile)
	t.Setenv(envReadOnly, "")
	var stdout, stderr bytes.Buffer
	a := &app{stdin: bytes.NewReader(data), stdout: &stdout, stderr: &stderr, now: func() time.Time { return demo.SeedBase }}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	t.Setenv(envBrokers, "")
	t.Setenv(envBase, "")
	code := run(ctx, a, []string{"reset", "--topic", opsTopic, "--suffix", "incremental", "--from-file", "-", "--execute",
		"--brokers", f.brokers, "--base", opsBase})
	if code != ExitOK {
		t.Fatalf("--from-file -: exit %d: %s", code, stderr.String())
	}
	if got := f.committedOn(t, opsIncr); fmt.Sprint(got) != fmt.Sprint(original) {
		t.Errorf("imported from stdin: %v, want %v", got, original)
	}
}

// TestResetFromFileRefusals: partitions the topic lacks are named, a bad
// file is a usage error, a live group and read-only mode are refused.
func TestResetFromFileRefusals(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	f := newOpsFixture(t)
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name     string
		file     string
		extra    []string
		code     int
		contains []string
	}{
		{"partitions the topic lacks", write("missing.txt", "events 0 1\nevents 5 1\nevents 7 2\n"), nil, ExitError,
			[]string{"no partitions 5, 7"}},
		{"other topic in JSON", write("other.json", `{"group":"x","topic":"orders","partitions":[{"partition":0,"offset":1}]}`), nil, ExitUsage,
			[]string{`topic "orders", not "events"`}},
		{"other topic in rpk lines", write("mixed.txt", "events 0 1\norders 0 1\n"), nil, ExitUsage, []string{"orders besides events"}},
		{"not a file of offsets", write("junk.txt", "hello\n"), nil, ExitUsage, []string{"line 1", "topic partition offset"}},
		{"negative offset", write("neg.txt", "events 0 -1\n"), nil, ExitUsage, []string{"0 or more"}},
		{"twice", write("twice.txt", "events 0 1\nevents 0 2\n"), nil, ExitUsage, []string{"partition 0 is given twice"}},
		{"no such file", filepath.Join(dir, "absent.json"), nil, ExitUsage, []string{"absent.json"}},
		{"with --partitions", write("ok.txt", "events 0 1\n"), []string{"--partitions", "0"}, ExitUsage, []string{"leave out --partitions"}},
		{"with another mode", write("ok2.txt", "events 0 1\n"), []string{"--to-earliest"}, ExitUsage, []string{"cannot be used together"}},
		{"read-only", write("ok3.txt", "events 0 1\n"), []string{"--execute", "--read-only"}, ExitRefused, []string{"read-only"}},
	}
	before := f.allCommits(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.run(t, append([]string{"reset", "--topic", opsTopic, "--from-file", tt.file}, tt.extra...)...)
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d: %s", r.code, tt.code, r.stderr)
			}
			for _, want := range tt.contains {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr does not say %q: %s", want, r.stderr)
				}
			}
		})
	}
	if after := f.allCommits(t); after != before {
		t.Errorf("a refused --from-file moved offsets: %s, was %s", after, before)
	}

	// A live group is refused like every other reset mode.
	f.joinMember(t, opsDefault, "svc")
	r := f.run(t, "reset", "--topic", opsTopic, "--from-file", write("live.txt", "events 0 1\n"), "--execute")
	if r.code != ExitRefused || !strings.Contains(r.stderr, "live member") {
		t.Errorf("live group: exit %d: %s", r.code, r.stderr)
	}
}
