package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/kafka/demo"
	"github.com/kgroups/kgroups/ui/uitest"
)

// goldenDir holds the CLI's golden output, at the repository's top level.
var goldenDir = filepath.Join("..", "..", "testdata", "cli")

// result is what one kgroups invocation printed and returned.
type result struct {
	stdout, stderr string
	code           int
}

// kgroups runs the CLI in process with a clock fixed at demo.SeedBase, the
// time the seeded records lead up to, so ages in tables are deterministic.
// KGROUPS_* variables from the developer's environment are cleared.
func kgroups(t *testing.T, args ...string) result {
	t.Helper()
	t.Setenv(envBrokers, "")
	t.Setenv(envBase, "")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	a := &app{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, now: func() time.Time { return demo.SeedBase }}
	code := run(ctx, a, args)
	return result{stdout: stdout.String(), stderr: stderr.String(), code: code}
}

// startDemo starts a frozen demo cluster (no producer; the live member holds
// its partitions without reading) for one test and returns its --brokers value.
func startDemo(t *testing.T) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	d, err := demo.Start(ctx, demo.Options{NoProducer: true})
	if err != nil {
		t.Fatalf("start demo: %v", err)
	}
	t.Cleanup(d.Close)
	return strings.Join(d.Brokers(), ",")
}

// checkGolden compares got with testdata/cli/name.golden; go test ./ui/cli
// -update rewrites it.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	uitest.RequireGolden(t, filepath.Join(goldenDir, name+".golden"), []byte(got))
}

// mustSucceed fails the test unless r exited 0 with nothing on stderr.
func mustSucceed(t *testing.T, r result) {
	t.Helper()
	if r.code != ExitOK || r.stderr != "" {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
}

// TestGoldenOutput checks the stable output formats on the seeded demo
// cluster, whose records carry fixed timestamps: nothing is masked.
func TestGoldenOutput(t *testing.T) {
	brokers := startDemo(t)
	base := demo.Base
	tests := []struct {
		golden string
		args   []string
	}{
		{"lag.json", []string{"lag", "-o", "json"}},
		{"lag-topic.json", []string{"lag", "--topic", demo.UserEventsTopic, "-o", "json"}},
		{"lag.txt", []string{"lag"}},
		{"lag-partitions.txt", []string{"lag", "--topic", demo.SpentTopic, "--partitions"}},
		// From the group's committed offsets: the default group's lag.
		{"peek.jsonl", []string{"consume", "--topic", demo.SpentTopic, "-n", "12", "--peek", "-o", "jsonl"}},
		// The non-JSON records at the end of the odd partition, hostile ones included.
		{"peek-odd.jsonl", []string{"consume", "--topic", demo.SpentTopic, "-n", "7", "--peek", "--last",
			"--partition", "5", "-o", "jsonl"}},
		{"peek-odd.txt", []string{"consume", "--topic", demo.SpentTopic, "-n", "7", "--peek", "--last",
			"--partition", "5", "-o", "pretty"}},
		{"peek-from-time.jsonl", []string{"consume", "--topic", demo.UserEventsTopic, "-n", "4", "--peek",
			"--from-time", "2025-01-15T08:59:00Z", "-o", "jsonl"}},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			r := kgroups(t, append(tt.args, "--brokers", brokers, "--base", base)...)
			if r.code != ExitOK {
				t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
			}
			if strings.ContainsAny(r.stdout, "\x1b\x07") {
				t.Errorf("output carries raw ESC or BEL bytes from the cluster:\n%q", r.stdout)
			}
			got := r.stdout
			if strings.HasPrefix(tt.golden, "peek") && strings.HasSuffix(tt.golden, ".jsonl") {
				// A peek prints each fetch as it lands: partitions come in
				// the order the brokers answer.
				got = inFetchOrder(t, got)
			}
			checkGolden(t, tt.golden, got)
		})
	}

	// Every peek above left the offsets where they were.
	if r := kgroups(t, "lag", "-o", "json", "--brokers", brokers, "--base", base); !uitest.Updating() {
		checkGolden(t, "lag.json", r.stdout)
	}
}

// lagOutput is the part of lag -o json the tests read.
type lagOutput struct {
	Groups []struct {
		Group      string `json:"group"`
		Partitions []struct {
			Partition int32  `json:"partition"`
			Start     int64  `json:"start"`
			Committed *int64 `json:"committed"`
		} `json:"partitions"`
	} `json:"groups"`
}

// committed returns where group resumes on each partition: its commit, or
// the log start where it has none.
func committed(t *testing.T, brokers, group string) map[int32]int64 {
	t.Helper()
	r := kgroups(t, "lag", "-o", "json", "--brokers", brokers, "--base", demo.Base)
	mustSucceed(t, r)
	var out lagOutput
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatal(err)
	}
	pos := make(map[int32]int64)
	for _, g := range out.Groups {
		if g.Group != group {
			continue
		}
		for _, p := range g.Partitions {
			pos[p.Partition] = p.Start
			if p.Committed != nil && *p.Committed > p.Start {
				pos[p.Partition] = *p.Committed
			}
		}
		return pos
	}
	t.Fatalf("group %s not in lag output:\n%s", group, r.stdout)
	return nil
}

// offsetsRead parses jsonl output into the offsets read per partition.
func offsetsRead(t *testing.T, jsonl string) map[int32][]int64 {
	t.Helper()
	read := make(map[int32][]int64)
	for line := range strings.Lines(jsonl) {
		var rec struct {
			Partition int32 `json:"partition"`
			Offset    int64 `json:"offset"`
		}
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("bad jsonl line %q: %v", line, err)
		}
		read[rec.Partition] = append(read[rec.Partition], rec.Offset)
	}
	return read
}

// TestConsumeCommits checks that consume without --peek commits exactly what
// it printed, so a second call continues where the first stopped.
func TestConsumeCommits(t *testing.T) {
	brokers := startDemo(t)
	group := demo.Base + "-" + demo.SpentTopic + "-incremental"
	before := committed(t, brokers, group)

	read := make(map[int32][]int64)
	for call := range 2 {
		r := kgroups(t, "consume", "--topic", demo.SpentTopic, "--suffix", "incremental", "-n", "7",
			"-o", "jsonl", "--brokers", brokers, "--base", demo.Base)
		mustSucceed(t, r)
		n := 0
		for p, offs := range offsetsRead(t, r.stdout) {
			read[p] = append(read[p], offs...)
			n += len(offs)
		}
		if n != 7 {
			t.Fatalf("call %d read %d records, want 7:\n%s", call+1, n, r.stdout)
		}
	}

	after := committed(t, brokers, group)
	for p, offs := range read {
		// Each partition was read from where the group stood, without gap
		// or duplicate across the two calls, and committed just past it.
		for i, off := range offs {
			if want := before[p] + int64(i); off != want {
				t.Fatalf("partition %d: offsets read %v, want a run from %d", p, offs, before[p])
			}
		}
		if want := before[p] + int64(len(offs)); after[p] != want {
			t.Errorf("partition %d: resumes at %d after consuming %v, want %d", p, after[p], offs, want)
		}
	}
	for p, at := range after {
		if len(read[p]) == 0 && at != before[p] {
			t.Errorf("partition %d moved from %d to %d without being read", p, before[p], at)
		}
	}
}

// TestExitCodes checks the exit code and the one-line error of each failure
// class.
func TestExitCodes(t *testing.T) {
	brokers := startDemo(t)
	// silent accepts connections and never answers: a broker that hangs.
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var held sync.WaitGroup
	var conns []net.Conn
	var mu sync.Mutex
	held.Go(func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	})
	t.Cleanup(func() {
		silent.Close()
		held.Wait()
		for _, c := range conns {
			c.Close()
		}
	})

	cluster := []string{"--brokers", brokers, "--base", demo.Base}
	tests := []struct {
		name     string
		args     []string
		code     int
		contains []string
		within   time.Duration // when set, it must fail within this long
	}{
		{name: "unknown flag", args: []string{"lag", "--nope"}, code: ExitUsage,
			contains: []string{"unknown flag: --nope", "see 'kgroups lag --help'"}},
		{name: "unknown command", args: []string{"lagg"}, code: ExitUsage, contains: []string{`unknown command "lagg"`}},
		{name: "bad output format", args: []string{"lag", "-o", "yaml"}, code: ExitUsage, contains: []string{"yaml", "table, json"}},
		{name: "bad duration", args: []string{"lag", "--timeout", "soon"}, code: ExitUsage, contains: []string{"--timeout"}},
		{name: "missing base", args: []string{"lag", "--brokers", brokers}, code: ExitUsage,
			contains: []string{"--base", envBase}},
		{name: "missing topic", args: append([]string{"consume", "-n", "1"}, cluster...), code: ExitUsage,
			contains: []string{"--topic"}},
		{name: "missing count", args: append([]string{"consume", "--topic", "t"}, cluster...), code: ExitUsage,
			contains: []string{"-n N"}},
		{name: "peek flag without peek", args: append([]string{"consume", "--topic", "t", "-n", "1", "--last"}, cluster...),
			code: ExitUsage, contains: []string{"--last works only with --peek"}},
		{name: "bad from-time", args: append([]string{"consume", "--topic", "t", "-n", "1", "--peek", "--from-time", "yesterday"}, cluster...),
			code: ExitUsage, contains: []string{"RFC 3339"}},
		{name: "consume without base", args: []string{"consume", "--topic", "t", "-n", "1", "--brokers", brokers},
			code: ExitUsage, contains: []string{"--base", "--peek"}},
		{name: "unreachable broker", args: []string{"lag", "--brokers", "127.0.0.1:1", "--base", "b", "--timeout", "2s"},
			code: ExitError, contains: []string{"127.0.0.1:1"}, within: 8 * time.Second},
		{name: "silent broker", args: []string{"lag", "--brokers", silent.Addr().String(), "--base", "b", "--timeout", "1s"},
			code: ExitError, contains: []string{silent.Addr().String()}, within: 8 * time.Second},
		{name: "live group without force",
			args: append([]string{"consume", "--topic", demo.UserEventsTopic, "--suffix", "realtime-alerts", "-n", "1"}, cluster...),
			code: ExitRefused, contains: []string{demo.LiveGroup, "realtime-alerts@127.0.0.1", "--force"}},
		{name: "unknown topic", args: append([]string{"consume", "--topic", "no_such_topic", "-n", "1"}, cluster...),
			code: ExitError, contains: []string{"no_such_topic", "does not exist"}},
		{name: "unknown topic peek", args: append([]string{"consume", "--topic", "no_such_topic", "-n", "1", "--peek"}, cluster...),
			code: ExitError, contains: []string{"no_such_topic", "does not exist"}},
		{name: "unknown topic lag", args: append([]string{"lag", "--topic", "no_such_topic"}, cluster...),
			code: ExitError, contains: []string{"no_such_topic", "does not exist", brokers}},
		{name: "partition out of range", args: append([]string{"consume", "--topic", demo.UserEventsTopic, "-n", "1", "--peek", "--partition", "9"}, cluster...),
			code: ExitError, contains: []string{"partition 9"}},
		{name: "tui without a terminal", args: cluster, code: ExitError, contains: []string{"needs a terminal", "kgroups lag"}},
		{name: "ok", args: append([]string{"lag", "-o", "json"}, cluster...), code: ExitOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			r := kgroups(t, tt.args...)
			took := time.Since(start)
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", r.code, tt.code, r.stderr)
			}
			if tt.within > 0 && took > tt.within {
				t.Errorf("failed after %s, want within %s", took, tt.within)
			}
			if tt.code == ExitOK {
				return
			}
			if r.stdout != "" {
				t.Errorf("stdout on failure:\n%s", r.stdout)
			}
			lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
			// One line, even for usage errors: the hint to run --help
			// ends the error line, so that scripts can log it whole.
			if len(lines) != 1 || !strings.HasPrefix(lines[0], "kgroups: ") {
				t.Errorf("stderr is not one 'kgroups: ' line:\n%s", r.stderr)
			}
			if tt.code == ExitUsage && !strings.Contains(lines[0], "--help") {
				t.Errorf("usage error without the hint to run --help on its line:\n%s", r.stderr)
			}
			if strings.Contains(r.stderr, "goroutine ") || strings.Contains(r.stderr, "panic") {
				t.Errorf("stderr has a stack trace:\n%s", r.stderr)
			}
			for _, want := range tt.contains {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr %q does not mention %q", r.stderr, want)
				}
			}
		})
	}
}

// syncBuffer is a bytes.Buffer safe to read while a command writes to it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestDemoCommand serves the demo cluster as `kgroups demo` does, reads it
// with another command, and stops it by cancelling the context (Ctrl-C).
func TestDemoCommand(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	// The demo times its records up to the app's clock: fixed, so the
	// lag output can be compared with the golden file.
	a := &app{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, now: func() time.Time { return demo.SeedBase }}
	done := make(chan int, 1)
	go func() { done <- run(ctx, a, []string{"demo", "--ports", "0,0,0", "--no-producer"}) }()

	var bootstrap string
	deadline := time.Now().Add(30 * time.Second)
	for bootstrap == "" {
		if time.Now().After(deadline) {
			t.Fatalf("no bootstrap address printed; stdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
		}
		select {
		case code := <-done:
			t.Fatalf("demo exited %d early; stderr:\n%s", code, stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
		first, _, ok := strings.Cut(stdout.String(), "\n")
		if ok {
			rest, found := strings.CutPrefix(first, "demo cluster on ")
			if !found || !strings.HasSuffix(first, "(base "+demo.Base+"); Ctrl-C to stop") {
				t.Fatalf("first line %q", first)
			}
			bootstrap, _, _ = strings.Cut(rest, " ")
		}
	}
	if n := len(strings.Split(bootstrap, ",")); n != demo.Brokers {
		t.Errorf("bootstrap %q lists %d brokers, want %d", bootstrap, n, demo.Brokers)
	}

	r := kgroups(t, "lag", "-o", "json", "--brokers", bootstrap, "--base", demo.Base)
	mustSucceed(t, r)
	checkGolden(t, "lag.json", r.stdout)

	cancel()
	select {
	case code := <-done:
		if code != ExitOK {
			t.Errorf("demo exited %d after Ctrl-C, want 0; stderr:\n%s", code, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("demo did not stop after Ctrl-C")
	}
}

// TestDemoFlag runs a command on an in-process demo cluster started by --demo,
// whose base it uses unless --base is given.
func TestDemoFlag(t *testing.T) {
	r := kgroups(t, "lag", "--demo", "-o", "json")
	mustSucceed(t, r)
	var out lagOutput
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatal(err)
	}
	var groups []string
	for _, g := range out.Groups {
		groups = append(groups, g.Group)
	}
	want := []string{
		demo.OrdersAvroGroup,
		demo.Base + "-" + demo.SpentTopic,
		demo.Base + "-" + demo.SpentTopic + "-full-index",
		demo.Base + "-" + demo.SpentTopic + "-incremental",
		demo.Base + "-" + demo.UserEventsTopic + "-analytics",
		demo.LiveGroup,
	}
	if !slices.Equal(groups, want) {
		t.Errorf("groups = %v, want %v", groups, want)
	}
}

// TestStaleOffsetsExitRefused: an --execute refused because the group's
// offsets moved since the plan was read exits 3, like the other refusals.
func TestStaleOffsetsExitRefused(t *testing.T) {
	err := opsError(&kafka.StaleError{Group: "g", Topic: "t", Moved: []kafka.MovedOffset{{Partition: 0, Shown: 1, HadShown: true, Now: 2, HasNow: true}}}, "g", "resetting its offsets", nil)
	if got := exitCode(err); got != ExitRefused {
		t.Fatalf("exit %d for %v, want %d", got, err, ExitRefused)
	}
	if !strings.Contains(err.Error(), "partition 0 was 1, now 2") {
		t.Fatalf("error %q does not say what moved", err)
	}
}
