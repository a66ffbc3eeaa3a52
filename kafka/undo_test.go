package kafka_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/kafka/journal"
	"github.com/kgroups/kgroups/kafka/kafkatest"
)

// withJournal gives f's cluster a journal in a fresh directory.
func withJournal(t *testing.T, f opsFixture) *journal.Journal {
	t.Helper()
	j := journal.New(filepath.Join(t.TempDir(), "kgroups"))
	f.c.UseJournal(j, kafka.JournalSource{Context: "ctx", Via: "test"})
	return j
}

// allCommitted is every group's commits on every topic, read with kadm.
func allCommitted(t *testing.T, adm *kadm.Client, group string) string {
	t.Helper()
	resp, err := adm.FetchOffsets(context.Background(), group)
	if err != nil {
		return "none"
	}
	out := map[string]map[int32]int64{}
	resp.Each(func(o kadm.OffsetResponse) {
		if o.Err == nil && o.At >= 0 {
			if out[o.Topic] == nil {
				out[o.Topic] = map[int32]int64{}
			}
			out[o.Topic][o.Partition] = o.At
		}
	})
	if len(out) == 0 {
		return "none"
	}
	return fmt.Sprint(out)
}

// undoLatest plans and executes the undo of the newest journal entry.
func undoLatest(t *testing.T, f opsFixture, j *journal.Journal) {
	t.Helper()
	ctx := context.Background()
	e, ok, err := j.Latest("")
	if err != nil || !ok {
		t.Fatalf("no journal entry: %v", err)
	}
	up, err := f.c.PlanUndo(ctx, e, false)
	if err != nil {
		t.Fatalf("plan undo of %s (%s): %v", e.ID, e.Command, err)
	}
	res, err := f.c.ExecuteUndo(ctx, up)
	if err != nil {
		t.Fatalf("undo %s: %v", e.ID, err)
	}
	if !res.OK() {
		t.Fatalf("undo %s did not take: %+v", e.ID, res)
	}
}

// TestUndoEachWrite makes each kind of write, then undoes it: the group's
// commits are exactly what they were, checked with kadm.
func TestUndoEachWrite(t *testing.T) {
	ctx := context.Background()
	writes := []struct {
		name  string
		group string
		write func(t *testing.T, f opsFixture) error
	}{
		{"reset", "g", func(t *testing.T, f opsFixture) error {
			plan, err := f.c.PlanReset(ctx, "g", "events", kafka.ResetSpec{Mode: kafka.ResetToLatest})
			if err != nil {
				return err
			}
			_, err = f.c.Execute(ctx, plan)
			return err
		}},
		{"reset of one partition", "g", func(t *testing.T, f opsFixture) error {
			plan, err := f.c.PlanReset(ctx, "g", "events", kafka.ResetSpec{Mode: kafka.ResetToEarliest, Partitions: []int32{1}})
			if err != nil {
				return err
			}
			_, err = f.c.Execute(ctx, plan)
			return err
		}},
		{"create", "g-new", func(t *testing.T, f opsFixture) error {
			plan, err := f.c.PlanCreate(ctx, "g-new", "events", kafka.CreateStart{At: kafka.CreateAtLatest})
			if err != nil {
				return err
			}
			_, err = f.c.Execute(ctx, plan)
			return err
		}},
		{"delete group", "g", func(t *testing.T, f opsFixture) error {
			return f.c.DeleteGroup(ctx, "g")
		}},
		{"delete offsets", "g", func(t *testing.T, f opsFixture) error {
			return f.c.DeleteGroupOffsetsIfUnchanged(ctx, "g", "events", map[int32]int64{0: 4, 1: 6})
		}},
		{"commit after review", "g", func(t *testing.T, f opsFixture) error {
			return f.c.CommitOffsetsIfUnchanged(ctx, "g", "events", map[int32]int64{0: 4, 1: 6}, map[int32]int64{0: 8})
		}},
		{"commit", "g", func(t *testing.T, f opsFixture) error {
			return f.c.CommitOffsets(ctx, "g", "events", map[int32]int64{1: 9})
		}},
	}
	for _, w := range writes {
		t.Run(w.name, func(t *testing.T) {
			f := newOpsFixture(t, false)
			if _, err := f.adm.CreateTopic(ctx, 1, 1, nil, "other"); err != nil {
				t.Fatal(err)
			}
			kafkatest.Produce(t, f.brokers, "other", kafkatest.Values(0, 5, func(i int) string { return fmt.Sprint(i) })...)
			j := withJournal(t, f)
			if w.name == "delete group" {
				// The group is deleted from every topic: undo restores each.
				commit(t, f.adm, "g", "other", map[int32]int64{0: 2})
			}
			want := allCommitted(t, f.adm, w.group)
			if err := w.write(t, f); err != nil {
				t.Fatal(err)
			}
			if got := allCommitted(t, f.adm, w.group); got == want {
				t.Fatalf("the write changed nothing: %s", got)
			}
			undoLatest(t, f, j)
			if got := allCommitted(t, f.adm, w.group); got != want {
				t.Errorf("after undo the commits are %s, want %s", got, want)
			}
			list, _ := j.List()
			if len(list) != 2 || list[0].Kind != journal.KindUndo {
				t.Errorf("the journal holds %d entries, newest %+v; want the write and its undo", len(list), list[0])
			}
		})
	}
}

// TestUndoRefusals: a moved group (unless forced), another cluster, a
// corrupt entry.
func TestUndoRefusals(t *testing.T) {
	ctx := context.Background()
	f := newOpsFixture(t, false)
	j := withJournal(t, f)
	plan, err := f.c.PlanReset(ctx, "g", "events", kafka.ResetSpec{Mode: kafka.ResetToLatest})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.c.Execute(ctx, plan); err != nil {
		t.Fatal(err)
	}
	e, _, _ := j.Latest("g")

	// Moved since: the service committed after the reset.
	commit(t, f.adm, "g", "events", map[int32]int64{0: 7})
	var moved *kafka.MovedSinceError
	if _, err := f.c.PlanUndo(ctx, e, false); !errors.As(err, &moved) || !errors.Is(err, kafka.ErrUndoRefused) {
		t.Fatalf("undo of a moved group: %v, want a MovedSinceError", err)
	}
	if len(moved.Moved) != 1 || len(moved.Moved[0].Moved) != 1 || moved.Moved[0].Moved[0].Now != 7 {
		t.Errorf("moved = %+v, want partition 0 now at 7", moved.Moved)
	}
	up, err := f.c.PlanUndo(ctx, e, true)
	if err != nil {
		t.Fatalf("forced: %v", err)
	}
	if _, err := f.c.ExecuteUndo(ctx, up); err != nil {
		t.Fatal(err)
	}
	if got := committed(t, f.adm, "g", "events"); fmt.Sprint(got) != "map[0:4 1:6]" {
		t.Errorf("forced undo left %v, want the commits from before the reset", got)
	}

	// Another cluster: same topic and group, another cluster id.
	_, brokers2 := kafkatest.NewCluster(t, kfake.ClusterID("other-cluster"))
	adm2 := kadm.NewClient(kafkatest.Client(t, brokers2))
	if _, err := adm2.CreateTopic(ctx, 2, 1, nil, "events"); err != nil {
		t.Fatal(err)
	}
	c2, err := kafka.Dial(ctx, kafka.Config{Brokers: brokers2})
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	var other *kafka.OtherClusterError
	if _, err := c2.PlanUndo(ctx, e, true); !errors.As(err, &other) || other.Connected != "other-cluster" {
		t.Errorf("undo on another cluster, even forced: %v, want an OtherClusterError", err)
	}

	// A corrupt entry: a clear error, nothing planned.
	path := filepath.Join(j.Dir, e.ID+".json")
	if err := os.WriteFile(path, []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	bad, _ := j.Get(e.ID)
	if _, err := f.c.PlanUndo(ctx, bad, false); err == nil || !errors.Is(err, bad.Err) {
		t.Errorf("undo of a corrupt entry: %v", err)
	}
}

// TestJournalUnwritableRefusesWrites: with a journal that cannot be
// written, every write is refused and nothing moves.
func TestJournalUnwritableRefusesWrites(t *testing.T) {
	ctx := context.Background()
	f := newOpsFixture(t, false)
	file := filepath.Join(t.TempDir(), "not-a-dir")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	f.c.UseJournal(journal.New(filepath.Join(file, "kgroups")), kafka.JournalSource{})
	before := allCommitted(t, f.adm, "g")

	plan, err := f.c.PlanReset(ctx, "g", "events", kafka.ResetSpec{Mode: kafka.ResetToLatest})
	if err != nil {
		t.Fatal(err)
	}
	writes := map[string]func() error{
		"execute":        func() error { _, err := f.c.Execute(ctx, plan); return err },
		"delete":         func() error { return f.c.DeleteGroup(ctx, "g") },
		"delete offsets": func() error { return f.c.DeleteGroupOffsets(ctx, "g", "events") },
		"commit":         func() error { return f.c.CommitOffsets(ctx, "g", "events", map[int32]int64{0: 9}) },
		"commit after review": func() error {
			return f.c.CommitOffsetsIfUnchanged(ctx, "g", "events", map[int32]int64{0: 4}, map[int32]int64{0: 9})
		},
	}
	// A full disk: the entry's file is written through /dev/full.
	if _, err := os.Stat("/dev/full"); err == nil {
		dir := t.TempDir()
		now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
		if err := os.Symlink("/dev/full", filepath.Join(dir, now.Format("20060102-150405.000")+".json.tmp")); err != nil {
			t.Fatal(err)
		}
		f.c.UseJournal(&journal.Journal{Dir: dir, Now: func() time.Time { return now }}, kafka.JournalSource{})
		_, err := f.c.Execute(ctx, plan)
		if !errors.Is(err, kafka.ErrJournal) || !strings.Contains(err.Error(), "no space left") {
			t.Errorf("execute on a full disk: %v, want a JournalError saying no space left", err)
		}
		if got := allCommitted(t, f.adm, "g"); got != before {
			t.Fatalf("execute on a full disk moved the group: %s, was %s", got, before)
		}
		f.c.UseJournal(journal.New(filepath.Join(file, "kgroups")), kafka.JournalSource{})
	}
	for name, write := range writes {
		err := write()
		var je *kafka.JournalError
		if !errors.As(err, &je) || !errors.Is(err, kafka.ErrJournal) {
			t.Errorf("%s with an unwritable journal: %v, want a JournalError", name, err)
		}
		if got := allCommitted(t, f.adm, "g"); got != before {
			t.Fatalf("%s moved the group without a way back: %s, was %s", name, got, before)
		}
	}
}
