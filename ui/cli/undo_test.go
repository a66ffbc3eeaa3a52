package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/kafka/kafkatest"
)

// TestHistoryAndUndo resets a group, finds the change in history, plans
// its undo (nothing moves), executes it (the offsets are back), and finds
// the undo in history.
func TestHistoryAndUndo(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	f := newOpsFixture(t)

	r := f.run(t, "history")
	mustSucceed(t, r)
	if !strings.HasPrefix(r.stdout, "no changes in the journal ") {
		t.Errorf("empty history:\n%s", r.stdout)
	}

	mustSucceed(t, f.run(t, "reset", "--topic", opsTopic, "--to-latest", "--execute"))
	mustSucceed(t, f.run(t, "reset", "--topic", opsTopic, "--suffix", "full-index", "--to-earliest", "--execute"))
	if got := f.committedOn(t, opsDefault); fmt.Sprint(got) != "map[0:10 1:10]" {
		t.Fatalf("reset left %v", got)
	}

	r = f.run(t, "history", "--group", opsDefault, "-o", "json")
	mustSucceed(t, r)
	var raw []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &raw); err != nil {
		t.Fatalf("%v:\n%s", err, r.stdout)
	}
	if len(raw) != 1 || raw[0]["group"] != opsDefault || raw[0]["kind"] != "reset" || raw[0]["cluster_id"] != "kfake" ||
		raw[0]["command"] != "reset to latest" || raw[0]["via"] != "kgroups reset" {
		t.Fatalf("history --group -o json = %v", raw)
	}
	resetID := raw[0]["id"].(string)
	parts := raw[0]["topics"].([]any)[0].(map[string]any)["partitions"].([]any)
	if p0 := parts[0].(map[string]any); p0["before"] != 4.0 || p0["after"] != 10.0 {
		t.Errorf("partition 0 before/after = %v/%v, want 4/10", p0["before"], p0["after"])
	}

	r = f.run(t, "history")
	mustSucceed(t, r)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 3 || !strings.Contains(lines[1], opsFull) || !strings.Contains(lines[2], resetID) {
		t.Errorf("history is not newest first:\n%s", r.stdout)
	}

	// The latest change is the full-index reset: undo by ID.
	r = f.run(t, "undo", resetID)
	if r.code != ExitOK {
		t.Fatalf("undo plan: exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"undo " + resetID, "0          10       →  4", "total                       0           →  10"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("undo plan does not show %q:\n%s", want, r.stdout)
		}
	}
	if !strings.Contains(r.stderr, dryRunNote) {
		t.Errorf("undo without --execute does not say it is a dry run:\n%s", r.stderr)
	}
	if got := f.committedOn(t, opsDefault); fmt.Sprint(got) != "map[0:10 1:10]" {
		t.Fatalf("a dry-run undo moved the group: %v", got)
	}
	r = f.run(t, "undo", resetID, "-o", "json")
	var plan struct {
		ID     string `json:"id"`
		Group  string `json:"group"`
		DryRun bool   `json:"dry_run"`
		Plans  []struct {
			Topic      string `json:"topic"`
			LagAfter   int64  `json:"lag_after"`
			Partitions []struct {
				Current *int64 `json:"current"`
				New     int64  `json:"new"`
			} `json:"partitions"`
		} `json:"plans"`
		Drop []any `json:"drop"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &plan); err != nil {
		t.Fatalf("undo -o json: %v:\n%s", err, r.stdout)
	}
	if plan.ID != resetID || plan.Group != opsDefault || !plan.DryRun || len(plan.Plans) != 1 || plan.Drop == nil ||
		plan.Plans[0].LagAfter != 10 || plan.Plans[0].Partitions[0].New != 4 || *plan.Plans[0].Partitions[0].Current != 10 {
		t.Errorf("undo -o json = %+v", plan)
	}

	r = f.run(t, "undo", resetID, "--execute")
	mustSucceed(t, r)
	if got := f.committedOn(t, opsDefault); fmt.Sprint(got) != "map[0:4 1:6]" {
		t.Errorf("undo --execute left %v, want the offsets from before the reset", got)
	}
	r = f.run(t, "history")
	if lines := strings.Split(strings.TrimSpace(r.stdout), "\n"); len(lines) != 4 || !strings.Contains(lines[1], "undo "+resetID) {
		t.Errorf("the undo is not the newest change:\n%s", r.stdout)
	}

	// Undo without an ID undoes the newest change: the undo itself.
	mustSucceed(t, f.run(t, "undo", "--execute"))
	if got := f.committedOn(t, opsDefault); fmt.Sprint(got) != "map[0:10 1:10]" {
		t.Errorf("undoing the undo left %v, want the reset again", got)
	}
}

// TestUndoRefused checks the refusals: a group moved since the change
// (unless --force), another cluster, a corrupt journal file (other
// entries stay usable), and a journal that cannot be written refusing the
// write itself.
func TestUndoRefused(t *testing.T) {
	state := t.TempDir()
	t.Setenv("XDG_STATE_HOME", state)
	f := newOpsFixture(t)
	mustSucceed(t, f.run(t, "reset", "--topic", opsTopic, "--to-earliest", "--execute"))
	mustSucceed(t, f.run(t, "delete", "--topic", opsTopic, "--suffix", "full-index", "--execute"))

	// Moved since the reset.
	f.commit(t, opsDefault, map[int32]int64{1: 3})
	r := f.run(t, "history", "--group", opsDefault, "-o", "json")
	var raw []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &raw); err != nil || len(raw) != 1 {
		t.Fatalf("%v: %s", err, r.stdout)
	}
	resetID := raw[0]["id"].(string)
	r = f.run(t, "undo", resetID, "--execute")
	if r.code != ExitRefused || !strings.Contains(r.stderr, "moved since") || !strings.Contains(r.stderr, "--force") {
		t.Errorf("undo of a moved group: exit %d, stderr %s", r.code, r.stderr)
	}
	if got := f.committedOn(t, opsDefault); fmt.Sprint(got) != "map[0:0 1:3]" {
		t.Errorf("a refused undo moved the group: %v", got)
	}
	r = f.run(t, "undo", resetID, "--execute", "--force")
	if r.code != ExitOK || !strings.Contains(r.stderr, "events/1 moved since the change (left 0, now 3)") {
		t.Fatalf("forced undo: exit %d, stderr %s", r.code, r.stderr)
	}
	if got := f.committedOn(t, opsDefault); fmt.Sprint(got) != "map[0:4 1:6]" {
		t.Errorf("forced undo left %v", got)
	}

	r = f.run(t, "undo", resetID, "--execute", "--read-only")
	if r.code != ExitRefused || !strings.Contains(r.stderr, "read-only") {
		t.Errorf("undo --execute read-only: exit %d, stderr %s", r.code, r.stderr)
	}

	// Another cluster with the same topic and groups.
	_, brokers2 := kafkatest.NewCluster(t, kfake.ClusterID("elsewhere"))
	adm2 := kadm.NewClient(kafkatest.Client(t, brokers2))
	if _, err := adm2.CreateTopic(context.Background(), 2, 1, nil, opsTopic); err != nil {
		t.Fatal(err)
	}
	r = kgroups(t, "undo", resetID, "--execute", "--force", "--brokers", strings.Join(brokers2, ","))
	if r.code != ExitRefused || !strings.Contains(r.stderr, `"elsewhere"`) || !strings.Contains(r.stderr, `"kfake"`) ||
		!strings.Contains(r.stderr, "refused") {
		t.Errorf("undo on another cluster: exit %d, stderr %s", r.code, r.stderr)
	}

	// A corrupt entry: the newest, the delete, is clobbered.
	entries, _ := filepath.Glob(filepath.Join(state, "kgroups", "*.json"))
	var deleteFile string
	for _, e := range entries {
		if data, _ := os.ReadFile(e); strings.Contains(string(data), `"kind": "delete"`) {
			deleteFile = e
		}
	}
	if deleteFile == "" {
		t.Fatalf("no journal entry for the delete among %v", entries)
	}
	if err := os.WriteFile(deleteFile, []byte("not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	deleteID := strings.TrimSuffix(filepath.Base(deleteFile), ".json")
	r = f.run(t, "undo", deleteID)
	if r.code != ExitError || !strings.Contains(r.stderr, "corrupt") || !strings.Contains(r.stderr, deleteID) {
		t.Errorf("undo of a corrupt entry: exit %d, stderr %s", r.code, r.stderr)
	}
	r = f.run(t, "history")
	if r.code != ExitOK || !strings.Contains(r.stderr, "corrupt") || !strings.Contains(r.stdout, resetID) {
		t.Errorf("history with a corrupt entry: stdout %s stderr %s", r.stdout, r.stderr)
	}

	// An unwritable journal refuses the write itself.
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("XDG_STATE_HOME", file)
	before := f.allCommits(t)
	r = f.run(t, "reset", "--topic", opsTopic, "--to-latest", "--execute")
	if r.code != ExitRefused || !strings.Contains(r.stderr, "journal") || !strings.Contains(r.stderr, "nothing was changed") {
		t.Errorf("reset with an unwritable journal: exit %d, stderr %s", r.code, r.stderr)
	}
	if after := f.allCommits(t); after != before {
		t.Errorf("a write without a journal entry moved offsets: %s, was %s", after, before)
	}
}

// TestTUIWritesAreJournaled checks that the cluster the terminal UI gets
// records its writes (C, R, S, N, D) in the journal like the CLI's.
func TestTUIWritesAreJournaled(t *testing.T) {
	state := t.TempDir()
	t.Setenv("XDG_STATE_HOME", state)
	conn := &connection{Config: kafka.Config{Brokers: []string{"127.0.0.1:1"}}}
	c, err := connectTUI(conn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if j := c.Journal(); j == nil || j.Dir != filepath.Join(state, "kgroups") {
		t.Fatalf("the TUI's cluster journals in %v, want %s", j, filepath.Join(state, "kgroups"))
	}
}
