package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/kgroups/kgroups/kafka/demo"
	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/uitest"
)

// watchT0 is when the synthetic run's first snapshot is taken.
var watchT0 = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

// noWait is a ticker that never waits: the loop runs as fast as it can.
func noWait(time.Duration) (<-chan time.Time, func()) {
	c := make(chan time.Time)
	close(c)
	return c, func() {}
}

// synthPart is partition p of a synthetic group, committed at c (c < 0: no
// commit) with the log from start to end.
func synthPart(p int32, c, start, end int64, oldest time.Time) model.PartitionLag {
	pl := model.PartitionLag{Partition: p, Start: start, End: end}
	if c >= 0 {
		pl.Committed, pl.HasCommitted = c, true
	}
	pl.Lag, pl.Expired = model.ComputeLag(start, end, pl.Committed, pl.HasCommitted)
	if pl.Lag > 0 {
		pl.OldestUnconsumed = oldest
	}
	return pl
}

func synthGroup(suffix string, members int, parts ...model.PartitionLag) model.Group {
	g := model.Group{Name: model.GroupName{Base: "shop", Topic: "orders", Suffix: suffix}, Partitions: parts, State: "Empty"}
	g.ID = g.Name.String()
	for range members {
		g.Members = append(g.Members, model.Member{ClientID: "svc", Host: "10.0.0.1"})
		g.State = "Stable"
	}
	g.Recompute()
	return g
}

// synthSnapshot is step i of a run 5 s apart in which, under base shop on
// topic orders:
//   - the default group catches up (25 records per step against 4 produced)
//     and reaches the end at step 5;
//   - backfill commits 10 per step while 50 arrive: falling behind;
//   - audit has a member but its commit does not move: stalled;
//   - legacy has neither members nor moving commits: stopped;
//   - idle has nothing to read;
//   - broken could not be described.
func synthSnapshot(i int) model.Snapshot {
	at := watchT0.Add(time.Duration(i) * 5 * time.Second)
	step := int64(i)
	end0 := 100 + 4*step
	groups := []model.Group{
		synthGroup("", 1,
			synthPart(0, min(25*step, end0), 0, end0, watchT0.Add(-2*time.Minute+time.Duration(i)*20*time.Second)),
			synthPart(1, 10, 0, 10, time.Time{}),
		),
		synthGroup("audit", 1, synthPart(0, 40, 0, 90+5*step, watchT0.Add(-90*time.Minute))),
		synthGroup("backfill", 1, synthPart(0, 10*step, 0, 1000+50*step, watchT0.Add(-26*time.Hour))),
		synthGroup("idle", 0, synthPart(0, -1, 0, 0, time.Time{})),
		synthGroup("legacy", 0, synthPart(0, 5, 0, 50, watchT0.Add(-3*time.Hour))),
	}
	broken := synthGroup("broken", 0)
	broken.Err = errors.New("not authorized to describe the group")
	groups = append(groups, broken)
	return model.Snapshot{Base: "shop", TakenAt: at, Groups: groups}
}

// synthSource serves synthSnapshot(0), (1), ... and fails at the steps in fail.
type synthSource struct {
	step int
	fail map[int]bool
}

func (s *synthSource) snapshot(ctx context.Context) (model.Snapshot, error) {
	i := s.step
	s.step++
	if s.fail[i] {
		return model.Snapshot{}, fmt.Errorf("snapshot of 127.0.0.1:9092: %w", context.DeadlineExceeded)
	}
	return synthSnapshot(i), nil
}

// watchRun runs the watch loop on the synthetic source with a clock that
// never waits and returns what it printed.
func watchRun(t *testing.T, o watchOptions, src *synthSource) (stdout, stderr string) {
	t.Helper()
	var out, errw bytes.Buffer
	a := &app{stdout: &out, stderr: &errw, now: func() time.Time { return watchT0 }}
	o.Base = "shop"
	o.Interval, o.Window = 5*time.Second, 5*time.Minute
	if o.Ticker == nil {
		o.Ticker = noWait
	}
	if err := a.watchLag(context.Background(), o, src.snapshot); err != nil {
		t.Fatalf("watch: %v", err)
	}
	return out.String(), errw.String()
}

// TestWatchGolden checks the table and JSON lines of a deterministic run of
// seven samples, the fourth of which fails.
func TestWatchGolden(t *testing.T) {
	for _, tt := range []struct {
		golden string
		opts   watchOptions
	}{
		{"watch-table.txt", watchOptions{Output: "table", Count: 7}},
		{"watch-partitions.txt", watchOptions{Output: "table", Count: 7, Partitions: true}},
		{"watch.jsonl", watchOptions{Output: "json", Count: 7}},
	} {
		t.Run(tt.golden, func(t *testing.T) {
			stdout, stderr := watchRun(t, tt.opts, &synthSource{fail: map[int]bool{3: true}})
			checkGolden(t, tt.golden, stdout)
			want := "kgroups: warning: sample failed, keeping the last data: snapshot of 127.0.0.1:9092: context deadline exceeded\n"
			if stderr != want {
				t.Errorf("stderr:\n%q\nwant\n%q", stderr, want)
			}
		})
	}
}

// watchLine is the part of a lag --watch -o json line the tests read.
type watchLine struct {
	Time   string `json:"time"`
	Base   string `json:"base"`
	Groups []struct {
		Group          string   `json:"group"`
		Suffix         string   `json:"suffix"`
		Status         string   `json:"status"`
		Lag            int64    `json:"lag"`
		LagDelta       int64    `json:"lag_delta"`
		ConsumeRate    float64  `json:"consume_rate"`
		ProduceRate    float64  `json:"produce_rate"`
		CatchUpSeconds *float64 `json:"catch_up_seconds"`
		CatchUpNever   bool     `json:"catch_up_never"`
		TimeLagSeconds float64  `json:"time_lag_seconds"`
		Partitions     []struct {
			Partition int32  `json:"partition"`
			Status    string `json:"status"`
			Lag       int64  `json:"lag"`
		} `json:"partitions"`
		Error string `json:"error"`
	} `json:"groups"`
}

func parseWatchLines(t *testing.T, jsonl string) []watchLine {
	t.Helper()
	var out []watchLine
	for line := range strings.Lines(jsonl) {
		var l watchLine
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			t.Fatalf("bad JSON line %q: %v", line, err)
		}
		out = append(out, l)
	}
	return out
}

// TestWatchStatusesOverTime follows each synthetic group through the run:
// the statuses a user would read, in order, and the figures behind them.
func TestWatchStatusesOverTime(t *testing.T) {
	stdout, _ := watchRun(t, watchOptions{Output: "json", Count: 7}, &synthSource{fail: map[int]bool{3: true}})
	lines := parseWatchLines(t, stdout)
	if len(lines) != 6 {
		t.Fatalf("%d lines for 7 samples with one failed, want 6", len(lines))
	}
	want := map[string][]string{
		"":         {"UNKNOWN", "UNKNOWN", "CATCHING UP", "CATCHING UP", "OK", "OK"},
		"audit":    {"UNKNOWN", "UNKNOWN", "STALLED", "STALLED", "STALLED", "STALLED"},
		"backfill": {"UNKNOWN", "UNKNOWN", "FALLING BEHIND", "FALLING BEHIND", "FALLING BEHIND", "FALLING BEHIND"},
		"broken":   {"UNKNOWN", "UNKNOWN", "UNKNOWN", "UNKNOWN", "UNKNOWN", "UNKNOWN"},
		"idle":     {"UNKNOWN", "UNKNOWN", "OK", "OK", "OK", "OK"},
		"legacy":   {"UNKNOWN", "UNKNOWN", "STOPPED", "STOPPED", "STOPPED", "STOPPED"},
	}
	got := map[string][]string{}
	for _, l := range lines {
		for _, g := range l.Groups {
			got[g.Suffix] = append(got[g.Suffix], g.Status)
		}
	}
	for suffix, w := range want {
		if strings.Join(got[suffix], ",") != strings.Join(w, ",") {
			t.Errorf("group %q statuses %v, want %v", suffix, got[suffix], w)
		}
	}

	// Third line (step 2, 10 s in): the default group consumed 50 and 8
	// arrived on partition 0, 5 and 0.8 records/s: 58 left at 4.2/s.
	g := lines[2].Groups[0]
	if g.Group != "shop-orders" || g.Lag != 58 || g.LagDelta != -42 || g.ConsumeRate != 5 || g.ProduceRate != 0.8 {
		t.Errorf("default group at step 2: %+v", g)
	}
	if g.CatchUpSeconds == nil || *g.CatchUpSeconds != 13.81 || g.CatchUpNever {
		t.Errorf("catch up %v never=%v, want 13.81 s", g.CatchUpSeconds, g.CatchUpNever)
	}
	for _, g := range lines[2].Groups {
		switch g.Suffix {
		case "backfill":
			if !g.CatchUpNever || g.CatchUpSeconds != nil {
				t.Errorf("backfill: never=%v seconds=%v, want never", g.CatchUpNever, g.CatchUpSeconds)
			}
		case "audit":
			if g.TimeLagSeconds != 90*60+10 {
				t.Errorf("audit time lag %v s, want 5410", g.TimeLagSeconds)
			}
		case "broken":
			if g.Error == "" || g.CatchUpSeconds != nil || g.CatchUpNever {
				t.Errorf("broken: %+v", g)
			}
		}
	}
	// Once caught up the catch-up time is 0, not null.
	if g := lines[5].Groups[0]; g.Lag != 0 || g.CatchUpSeconds == nil || *g.CatchUpSeconds != 0 {
		t.Errorf("caught up: lag %d catch up %v", g.Lag, g.CatchUpSeconds)
	}
	// The failed fourth sample left no line and no hole: the next line is
	// taken 20 s in.
	if lines[3].Time != "2026-03-01T10:00:20.000Z" {
		t.Errorf("line after the failure taken at %s", lines[3].Time)
	}
}

func TestWatchTopicMustExist(t *testing.T) {
	var out, errw bytes.Buffer
	a := &app{stdout: &out, stderr: &errw, now: time.Now}
	src := &synthSource{}
	o := watchOptions{Base: "shop", Topic: "nope", Interval: time.Second, Window: time.Minute, Count: 3,
		Output: "table", Cluster: "127.0.0.1:9092", Ticker: noWait}
	err := a.watchLag(context.Background(), o, src.snapshot)
	if err == nil || err.Error() != `topic "nope" does not exist on 127.0.0.1:9092` {
		t.Fatalf("err %v, want the missing topic named", err)
	}
	if out.Len() != 0 || src.step != 1 {
		t.Fatalf("printed %q after %d samples", out.String(), src.step)
	}
}

func TestWatchPartialWarningsSaidOnce(t *testing.T) {
	var out, errw bytes.Buffer
	a := &app{stdout: &out, stderr: &errw, now: time.Now}
	step := 0
	snapshot := func(context.Context) (model.Snapshot, error) {
		s := synthSnapshot(step)
		if step < 3 || step == 4 {
			s.Errors = []model.ItemError{{Kind: "group", Name: "shop-orders-broken", Err: errors.New("not authorized")}}
		}
		step++
		return s, nil
	}
	o := watchOptions{Base: "shop", Interval: time.Second, Window: time.Minute, Count: 5, Output: "json", Ticker: noWait}
	if err := a.watchLag(context.Background(), o, snapshot); err != nil {
		t.Fatal(err)
	}
	line := "kgroups: warning: partial data: group shop-orders-broken: not authorized\n"
	if got := errw.String(); got != line+line {
		t.Fatalf("stderr:\n%s\nwant the warning at step 0 and again at step 4, after it went away", got)
	}
}

// TestWatchStopsWhenInterrupted waits on a ticker that never ticks: only the
// end of the context gets it out, without an error.
func TestWatchStopsWhenInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errw bytes.Buffer
	a := &app{stdout: &out, stderr: &errw, now: time.Now}
	src := &synthSource{}
	never := func(time.Duration) (<-chan time.Time, func()) { return make(chan time.Time), func() {} }
	o := watchOptions{Base: "shop", Interval: time.Hour, Window: 3 * time.Hour, Output: "table", Ticker: never}
	done := make(chan error, 1)
	go func() { done <- a.watchLag(ctx, o, src.snapshot) }()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("interrupted watch returned %v, want nil", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("watch did not stop when its context ended")
	}
}

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

// TestWatchTableColour checks that statuses are coloured and still spelled
// out, and that colour does not shift the columns.
func TestWatchTableColour(t *testing.T) {
	r := lipgloss.NewRenderer(&bytes.Buffer{})
	r.SetColorProfile(termenv.ANSI256)
	r.SetHasDarkBackground(true)
	coloured, _ := watchRun(t, watchOptions{Output: "table", Count: 4, Paint: statusPainter(r)}, &synthSource{})
	plain, _ := watchRun(t, watchOptions{Output: "table", Count: 4}, &synthSource{})
	if !strings.Contains(coloured, "\x1b[") {
		t.Fatal("no colour in the coloured table")
	}
	if stripped := ansi.ReplaceAllString(coloured, ""); stripped != plain {
		t.Fatalf("colour changed the layout:\n%s\nwant\n%s", stripped, plain)
	}
	for _, word := range []string{"CATCHING UP", "FALLING BEHIND", "STALLED", "STOPPED", "OK"} {
		if !strings.Contains(coloured, word) {
			t.Errorf("%s is not spelled out", word)
		}
	}
}

func TestWatchFlagErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--interval", "1s"}, "--interval needs --watch"},
		{[]string{"--window", "1m"}, "--window needs --watch"},
		{[]string{"--count", "2"}, "--count needs --watch"},
		{[]string{"--watch", "--interval", "0s"}, "--interval must be positive"},
		{[]string{"--watch", "--window", "-1s"}, "--window must be positive"},
		{[]string{"--watch", "--count", "-1"}, "--count must be 0 or more"},
		{[]string{"--watch", "--interval", "1m", "--window", "90s"}, "--window 1m30s holds fewer than 3 samples taken every 1m0s: make it at least 2m0s"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			// An unreachable broker: a usage error must come before connecting.
			r := kgroups(t, append([]string{"lag", "--brokers", "127.0.0.1:1", "--base", "b", "--timeout", "50ms"}, tt.args...)...)
			if r.code != ExitUsage || !strings.Contains(r.stderr, tt.want) {
				t.Fatalf("exit %d, stderr %q; want exit 2 saying %q", r.code, r.stderr, tt.want)
			}
		})
	}
}

// TestWatchOnDemo samples the frozen demo cluster three times through the
// command line: the live member that holds its partitions without reading
// is STALLED, groups without members and with lag are STOPPED, the caught
// up one is OK. The one-shot JSON is unchanged afterwards.
func TestWatchOnDemo(t *testing.T) {
	brokers := startDemo(t)
	r := kgroups(t, "lag", "--watch", "--interval", "10ms", "--count", "3", "-o", "json",
		"--brokers", brokers, "--base", demo.Base)
	mustSucceed(t, r)
	lines := parseWatchLines(t, r.stdout)
	if len(lines) != 3 {
		t.Fatalf("%d lines, want 3:\n%s", len(lines), r.stdout)
	}
	want := map[string]string{
		"":                "STOPPED",
		"full-index":      "OK",
		"incremental":     "STOPPED",
		"analytics":       "STOPPED",
		"realtime-alerts": "STALLED",
	}
	for _, g := range lines[2].Groups {
		if g.Status != want[g.Suffix] {
			t.Errorf("%s: %s, want %s", g.Group, g.Status, want[g.Suffix])
		}
		if g.Lag > 0 && (!g.CatchUpNever || g.ConsumeRate != 0) {
			t.Errorf("%s: frozen but consume %v/s, never=%v", g.Group, g.ConsumeRate, g.CatchUpNever)
		}
	}
	if lines[0].Groups[0].Status != "UNKNOWN" {
		t.Errorf("first sample: %s, want UNKNOWN", lines[0].Groups[0].Status)
	}

	table := kgroups(t, "lag", "--watch", "--interval", "10ms", "--count", "3", "--brokers", brokers, "--base", demo.Base)
	mustSucceed(t, table)
	if n := strings.Count(table.stdout, "TOPIC  "); n != 3 || !strings.Contains(table.stdout, "never at this rate") {
		t.Errorf("%d tables, want 3 with catch-up times:\n%s", n, table.stdout)
	}
	if r := kgroups(t, "lag", "-o", "json", "--brokers", brokers, "--base", demo.Base); !uitest.Updating() {
		checkGolden(t, "lag.json", r.stdout)
	}
}

// cancelOnWrite cancels a context on the first write, as a person pressing
// Ctrl-C once the first table is on screen.
type cancelOnWrite struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	cancel context.CancelFunc
}

func (w *cancelOnWrite) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.cancel()
	return w.buf.Write(p)
}

// TestWatchInterruptExitsZero interrupts kgroups lag --watch while it waits
// an hour for its second sample: it exits 0 with nothing on stderr.
func TestWatchInterruptExitsZero(t *testing.T) {
	brokers := startDemo(t)
	t.Setenv(envBrokers, "")
	t.Setenv(envBase, "")
	// No other deadline: if the interrupt were ignored the test would hang
	// on the hour-long interval and fail by timing out.
	ctx, interrupt := context.WithCancel(context.Background())
	defer interrupt()
	out := &cancelOnWrite{cancel: interrupt}
	var errw bytes.Buffer
	a := &app{stdin: strings.NewReader(""), stdout: out, stderr: &errw, now: time.Now}
	code := run(ctx, a, []string{"lag", "--watch", "--interval", "1h", "--brokers", brokers, "--base", demo.Base})
	if code != ExitOK || errw.Len() != 0 {
		t.Fatalf("exit %d, stderr %q; want 0 and nothing", code, errw.String())
	}
	if ctx.Err() == nil || !strings.Contains(out.buf.String(), "realtime-alerts") {
		t.Fatalf("stopped before printing a table:\n%s", out.buf.String())
	}
}
