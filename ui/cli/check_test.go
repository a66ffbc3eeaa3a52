package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/kgroups/kgroups/kafka/demo"
)

// kgroupsNoWait is kgroups with a sampling clock that never waits, for
// lag --check --fail-on.
func kgroupsNoWait(t *testing.T, args ...string) result {
	t.Helper()
	t.Setenv(envBrokers, "")
	t.Setenv(envBase, "")
	t.Setenv(envReadOnly, "")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	a := &app{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr,
		now: func() time.Time { return demo.SeedBase }, ticker: noWait}
	code := run(ctx, a, args)
	return result{stdout: stdout.String(), stderr: stderr.String(), code: code}
}

// TestLagCheck runs lag --check for every condition and exit code on the
// offset fixture: b-events has lag 10 (6 on partition 0, 4 on partition 1)
// and its oldest unconsumed record is 6s old; b-events-full-index has lag 1,
// 1s old. Neither has members or moves, so both are STOPPED once sampled.
func TestLagCheck(t *testing.T) {
	f := newOpsFixture(t)
	tests := []struct {
		name string
		args []string
		code int
		// lines are the groups printed on stdout, in order.
		lines []string
		// stderr must contain these.
		stderr []string
	}{
		{name: "max lag at the bound passes", args: []string{"--max-lag", "10"}, code: ExitOK, stderr: []string{"all 2 group(s) pass"}},
		{name: "max lag exceeded", args: []string{"--max-lag", "9"}, code: ExitCheckFailed,
			lines: []string{"b-events  lag > 9  10"}, stderr: []string{"1 of 2 group(s) fail"}},
		{name: "max lag 0 fails every lag", args: []string{"--max-lag", "0"}, code: ExitCheckFailed,
			lines: []string{"b-events             lag > 0  10", "b-events-full-index  lag > 0  1"}},
		{name: "group glob scopes", args: []string{"--max-lag", "0", "--group", "*-full-index"}, code: ExitCheckFailed,
			lines: []string{"b-events-full-index  lag > 0  1"}, stderr: []string{"1 of 1 group(s) fail"}},
		{name: "topic scopes", args: []string{"--max-lag", "10", "--topic", opsTopic}, code: ExitOK},
		{name: "max time lag met", args: []string{"--max-time-lag", "6s"}, code: ExitOK},
		{name: "max time lag exceeded", args: []string{"--max-time-lag", "5s"}, code: ExitCheckFailed,
			lines: []string{"b-events  time lag > 5s  6s"}},
		{name: "several conditions share the group's line", args: []string{"--max-lag", "1", "--max-time-lag", "2s"}, code: ExitCheckFailed,
			lines: []string{"b-events  lag > 1; time lag > 2s  10; 6s"}},
		{name: "status listed", args: []string{"--fail-on", "STOPPED", "--window", "3s", "--interval", "1s"}, code: ExitCheckFailed,
			lines:  []string{"b-events             status STOPPED  STOPPED", "b-events-full-index  status STOPPED  STOPPED"},
			stderr: []string{"sample 1 of 4", "sample 4 of 4"}},
		{name: "status not listed", args: []string{"--fail-on", "stalled,falling-behind", "--window", "2s", "--interval", "1s"}, code: ExitOK,
			stderr: []string{"sample 3 of 3", "all 2 group(s) pass"}},
		{name: "no group in scope", args: []string{"--max-lag", "0", "--group", "nothing-*"}, code: ExitError,
			stderr: []string{"nothing checked"}},
		{name: "condition without check", args: []string{"--max-lag", "3"}, code: ExitUsage, stderr: []string{"--max-lag needs --check"}},
		{name: "check without condition", args: []string{}, code: ExitUsage, stderr: []string{"--check needs a condition"}},
		{name: "unknown status", args: []string{"--fail-on", "SLOW"}, code: ExitUsage, stderr: []string{`"SLOW" is not a status`, "STALLED"}},
		{name: "bad glob", args: []string{"--max-lag", "1", "--group", "b-[x"}, code: ExitUsage, stderr: []string{"not a valid glob"}},
		{name: "check with watch", args: []string{"--max-lag", "1", "--watch"}, code: ExitUsage, stderr: []string{"cannot be used together"}},
		{name: "window without fail-on", args: []string{"--max-lag", "1", "--window", "1m"}, code: ExitUsage, stderr: []string{"--window needs --fail-on"}},
		{name: "negative max lag", args: []string{"--max-lag", "-1"}, code: ExitUsage, stderr: []string{"0 or more"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := []string{"lag", "--brokers", f.brokers, "--base", opsBase}
			if tt.name != "condition without check" {
				args = append(args, "--check")
			}
			r := kgroupsNoWait(t, append(args, tt.args...)...)
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tt.code, r.stdout, r.stderr)
			}
			var got []string
			if out := strings.TrimSuffix(r.stdout, "\n"); out != "" {
				got = strings.Split(out, "\n")
			}
			if strings.Join(got, "\n") != strings.Join(tt.lines, "\n") {
				t.Errorf("stdout:\n%s\nwant:\n%s", r.stdout, strings.Join(tt.lines, "\n"))
			}
			for _, want := range tt.stderr {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr does not say %q:\n%s", want, r.stderr)
				}
			}
		})
	}
}

// TestLagCheckJSON checks that -o json prints the failing groups as
// objects, and an empty list when every group passes.
func TestLagCheckJSON(t *testing.T) {
	f := newOpsFixture(t)
	r := f.run(t, "lag", "--check", "--max-lag", "5", "-o", "json")
	if r.code != ExitCheckFailed {
		t.Fatalf("exit %d, want %d: %s", r.code, ExitCheckFailed, r.stderr)
	}
	var got []map[string]string
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("%v:\n%s", err, r.stdout)
	}
	want := []map[string]string{{"group": "b-events", "topic": opsTopic, "suffix": "", "condition": "lag > 5", "figure": "10"}}
	if len(got) != 1 || len(got[0]) != len(want[0]) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for k, v := range want[0] {
		if got[0][k] != v {
			t.Errorf("%s = %q, want %q", k, got[0][k], v)
		}
	}

	r = f.run(t, "lag", "--check", "--max-lag", "50", "-o", "json")
	if r.code != ExitOK || strings.TrimSpace(r.stdout) != "[]" {
		t.Errorf("passing check: exit %d, stdout %q; want 0 and []", r.code, r.stdout)
	}
}

// TestLagOnlyLagging checks that --only-lagging drops the groups without
// lag from the table and the JSON, and that the table totals each topic.
func TestLagOnlyLagging(t *testing.T) {
	f := newOpsFixture(t)
	f.commit(t, opsIncr, map[int32]int64{0: 10, 1: 10}) // caught up

	r := f.run(t, "lag")
	mustSucceed(t, r)
	if !strings.Contains(r.stdout, "incremental") {
		t.Fatalf("lag without --only-lagging lacks the caught-up group:\n%s", r.stdout)
	}
	if !strings.Contains(r.stdout, "TOPIC   GROUPS  TOTAL LAG\nevents  3       11\n") {
		t.Errorf("lag table lacks the topic's total:\n%s", r.stdout)
	}

	r = f.run(t, "lag", "--only-lagging")
	mustSucceed(t, r)
	if strings.Contains(r.stdout, "incremental") {
		t.Errorf("--only-lagging table shows the group without lag:\n%s", r.stdout)
	}
	if !strings.Contains(r.stdout, "events  2       11\n") {
		t.Errorf("--only-lagging table lacks the topic's total of the groups shown:\n%s", r.stdout)
	}

	r = f.run(t, "lag", "--only-lagging", "-o", "json")
	mustSucceed(t, r)
	var rep lagReport
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, g := range rep.Groups {
		ids = append(ids, g.Group)
	}
	if strings.Join(ids, ",") != opsDefault+","+opsFull {
		t.Errorf("--only-lagging JSON groups = %v, want %s and %s", ids, opsDefault, opsFull)
	}

	r = f.run(t, "lag", "--group", "*-i*")
	mustSucceed(t, r)
	if !strings.Contains(r.stdout, "2 group(s)") || !strings.Contains(r.stdout, "incremental") || strings.Contains(r.stdout, "(default)") {
		t.Errorf("--group '*-i*' shows other groups:\n%s", r.stdout)
	}
}
