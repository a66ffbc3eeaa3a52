package kafka

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"

	"github.com/kgroups/kgroups/kafka/journal"
	"github.com/kgroups/kgroups/model"
)

// ErrJournal is matched (errors.Is) by a write refused because its undo
// journal entry could not be saved: nothing was written to the cluster.
var ErrJournal = errors.New("the undo journal cannot be written")

// JournalError refuses a write whose journal entry could not be saved.
type JournalError struct {
	Dir string
	Err error
}

func (e *JournalError) Error() string {
	return fmt.Sprintf("refused: the undo journal in %s cannot be written, so nothing was changed: %v", e.Dir, e.Err)
}

func (e *JournalError) Unwrap() error        { return e.Err }
func (e *JournalError) Is(target error) bool { return target == ErrJournal }

// ErrUndoRefused is matched (errors.Is) by an undo refused for safety: the
// change was made on another cluster, or the group moved since.
var ErrUndoRefused = errors.New("undo refused")

// OtherClusterError refuses undoing a change made on another cluster.
type OtherClusterError struct {
	ID        string   // the change
	Recorded  string   // cluster id in the journal
	Brokers   []string // where the change was made
	Connected string   // cluster id of this connection
}

func (e *OtherClusterError) Error() string {
	return fmt.Sprintf("change %s was made on cluster %q (%s), this is cluster %q",
		e.ID, e.Recorded, strings.Join(e.Brokers, ","), e.Connected)
}

func (e *OtherClusterError) Is(target error) bool { return target == ErrUndoRefused }

// MovedSinceError refuses undoing a change when the group's commits are no
// longer what the change left: undoing it would throw away what happened
// since.
type MovedSinceError struct {
	ID    string
	Group string
	Moved []TopicMoved
}

// TopicMoved lists the partitions of a topic whose commit is not what the
// change left.
type TopicMoved struct {
	Topic string
	Moved []MovedOffset // Shown: what the change left; Now: the commit now
}

func (e *MovedSinceError) Error() string {
	var parts []string
	for _, t := range e.Moved {
		for _, m := range t.Moved {
			parts = append(parts, fmt.Sprintf("%s/%d left at %s, now %s", t.Topic, m.Partition, commitText(m.Shown, m.HadShown), commitText(m.Now, m.HasNow)))
		}
	}
	return fmt.Sprintf("group %s moved since change %s (%s): undoing it would lose that",
		e.Group, e.ID, strings.Join(parts, ", "))
}

func (e *MovedSinceError) Is(target error) bool { return target == ErrUndoRefused }

// JournalSource says who makes the changes a journal records.
type JournalSource struct {
	Context string // the configuration file's context; "" without one
	Via     string // the command, e.g. "kgroups reset"
}

// UseJournal makes c save, before each offset change it writes (Execute,
// CommitOffsets[IfUnchanged], DeleteGroup[IfUnchanged],
// DeleteGroupOffsets[IfUnchanged], ExecuteUndo), the group's offsets before
// and after in j, with src. A change whose entry cannot be saved is refused
// with a *JournalError before anything is written. Without a journal
// nothing is recorded.
func (c *Cluster) UseJournal(j *journal.Journal, src JournalSource) {
	c.journal, c.journalSrc = j, src
}

// Journal returns the journal c records changes in, or nil.
func (c *Cluster) Journal() *journal.Journal { return c.journal }

// ClusterID asks the cluster for its id, the one the journal records.
func (c *Cluster) ClusterID(ctx context.Context) (_ string, err error) {
	defer c.diagnose(c.watch.mark(), &err)
	m, err := c.adm.BrokerMetadata(ctx)
	if err != nil {
		return "", fmt.Errorf("read the cluster id: %w", err)
	}
	return m.Cluster, nil
}

// record saves a change about to be made in the journal, if any.
func (c *Cluster) record(ctx context.Context, group, kind, command string, groupDeleted bool, topics []journal.TopicChange) (journal.Entry, error) {
	if c.journal == nil {
		return journal.Entry{}, nil
	}
	id, err := c.ClusterID(ctx)
	if err != nil {
		return journal.Entry{}, &JournalError{Dir: c.journal.Dir, Err: err}
	}
	e, err := c.journal.Record(journal.Entry{
		Context: c.journalSrc.Context, Via: c.journalSrc.Via, Brokers: c.cfg.Brokers, ClusterID: id, Group: group,
		Kind: kind, Command: command, GroupDeleted: groupDeleted, Topics: topics,
	})
	if err != nil {
		return e, &JournalError{Dir: c.journal.Dir, Err: err}
	}
	return e, nil
}

// allCommits returns group's commits on every topic, by topic.
func (c *Cluster) allCommits(ctx context.Context, group string) (map[string]map[int32]int64, error) {
	out := map[string]map[int32]int64{}
	resp, err := c.adm.FetchOffsets(ctx, group)
	if errors.Is(err, kerr.GroupIDNotFound) {
		return out, nil
	}
	if err != nil {
		return nil, fmt.Errorf("fetch offsets of group %s: %w", group, err)
	}
	var first error
	resp.Each(func(o kadm.OffsetResponse) {
		switch {
		case o.Err != nil:
			first = cmpErr(first, fmt.Errorf("group %s on %s/%d: %w", group, o.Topic, o.Partition, o.Err))
		case o.At >= 0:
			if out[o.Topic] == nil {
				out[o.Topic] = map[int32]int64{}
			}
			out[o.Topic][o.Partition] = o.At
		}
	})
	return out, first
}

// UndoPlan restores the commits a journal entry saved from before its
// change: per topic a plan (current → restored, lag before → after), and
// the partitions that had no commit before, whose commits are deleted.
type UndoPlan struct {
	Entry journal.Entry
	Plans []model.Plan               // one per topic with commits to restore
	Drop  []model.TopicPartitions    // partitions to leave without a commit
	Now   map[string]map[int32]int64 // the group's commits the plan was computed from, by topic
	// Moved lists what moved since the change, when the plan was made
	// with force anyway.
	Moved []TopicMoved
}

// Empty reports whether the undo changes nothing.
func (u UndoPlan) Empty() bool {
	for _, p := range u.Plans {
		for _, pp := range p.Partitions {
			if pp.Changes() {
				return false
			}
		}
	}
	return len(u.Drop) == 0
}

// PlanUndo computes what undoing entry e would do, writing nothing. It
// refuses with an *OtherClusterError when c is not the cluster e was made
// on, and, unless force, with a *MovedSinceError when the group's commits
// are no longer what e left. A corrupt entry returns its error.
func (c *Cluster) PlanUndo(ctx context.Context, e journal.Entry, force bool) (_ UndoPlan, err error) {
	defer c.diagnose(c.watch.mark(), &err)
	up := UndoPlan{Entry: e, Now: map[string]map[int32]int64{}}
	if e.Err != nil {
		return up, e.Err
	}
	id, err := c.ClusterID(ctx)
	if err != nil {
		return up, err
	}
	if id != e.ClusterID {
		return up, &OtherClusterError{ID: e.ID, Recorded: e.ClusterID, Brokers: e.Brokers, Connected: id}
	}
	moved := &MovedSinceError{ID: e.ID, Group: e.Group}
	for _, tc := range e.Topics {
		now, err := c.commitsOn(ctx, e.Group, tc.Topic)
		if err != nil {
			return up, err
		}
		up.Now[tc.Topic] = now
		left := tc.After()
		var tm []MovedOffset
		for _, pc := range tc.Partitions {
			shown, hadShown := left[pc.Partition]
			cur, hasNow := now[pc.Partition]
			if hadShown != hasNow || shown != cur {
				tm = append(tm, MovedOffset{Partition: pc.Partition, Shown: shown, HadShown: hadShown, Now: cur, HasNow: hasNow})
			}
		}
		if len(tm) > 0 {
			moved.Moved = append(moved.Moved, TopicMoved{Topic: tc.Topic, Moved: tm})
		}
	}
	if len(moved.Moved) > 0 {
		if !force {
			return up, moved
		}
		up.Moved = moved.Moved
	}
	op := fmt.Sprintf("undo %s (%s)", e.ID, e.Command)
	for _, tc := range e.Topics {
		before := tc.Before()
		if len(before) > 0 {
			current, err := c.Position(ctx, e.Group, tc.Topic)
			if err != nil {
				return up, err
			}
			if err := checkPartitions(tc.Topic, current, slices.Sorted(maps.Keys(before))); err != nil {
				return up, err
			}
			up.Plans = append(up.Plans, model.BuildPlan(e.Group, tc.Topic, op, current, before))
		}
		var drop []int32
		for _, pc := range tc.Partitions {
			if _, has := up.Now[tc.Topic][pc.Partition]; pc.Before == nil && has {
				drop = append(drop, pc.Partition)
			}
		}
		if len(drop) > 0 {
			up.Drop = append(up.Drop, model.TopicPartitions{Topic: tc.Topic, Partitions: drop})
		}
	}
	return up, nil
}

// UndoResult is what an executed undo left committed, read back.
type UndoResult struct {
	Results []model.PlanResult // one per plan of the UndoPlan
	// Dropped holds, per topic, the partitions whose commit could not be
	// deleted, with why.
	DropFailed map[string]map[int32]error
}

// OK reports whether every partition took its restored offset.
func (r UndoResult) OK() bool {
	for _, res := range r.Results {
		if !res.OK() {
			return false
		}
	}
	return len(r.DropFailed) == 0
}

// ExecuteUndo applies an undo plan: it refuses read-only, on a live group,
// and with a *StaleError when the group's commits moved since the plan; it
// records the undo in the journal, commits the restored offsets (a deleted
// group is recreated by them), deletes the commits of the partitions that
// had none, and reads everything back.
func (c *Cluster) ExecuteUndo(ctx context.Context, up UndoPlan) (_ UndoResult, err error) {
	defer c.diagnose(c.watch.mark(), &err)
	res := UndoResult{DropFailed: map[string]map[int32]error{}}
	group := up.Entry.Group
	if err := c.checkWritable(ctx, group, OpReset); err != nil {
		return res, err
	}
	if up.Empty() {
		return res, errors.New("the undo changes nothing: the group is already as it was before the change")
	}
	var changes []journal.TopicChange
	for _, tc := range up.Entry.Topics {
		if err := c.checkUnchanged(ctx, group, tc.Topic, up.Now[tc.Topic], nil); err != nil {
			return res, err
		}
		after := maps.Clone(up.Now[tc.Topic])
		for _, p := range up.Plans {
			if p.Topic == tc.Topic {
				maps.Copy(after, p.Offsets())
			}
		}
		for _, d := range up.Drop {
			if d.Topic == tc.Topic {
				for _, p := range d.Partitions {
					delete(after, p)
				}
			}
		}
		changes = append(changes, journal.NewTopicChange(tc.Topic, up.Now[tc.Topic], after))
	}
	if _, err := c.record(ctx, group, journal.KindUndo, "undo "+up.Entry.ID, false, changes); err != nil {
		return res, err
	}

	os := make(kadm.Offsets)
	for _, p := range up.Plans {
		for _, pp := range p.Partitions {
			os.Add(kadm.Offset{Topic: p.Topic, Partition: pp.Partition, At: pp.New, LeaderEpoch: -1})
		}
	}
	failed := map[string]map[int32]error{}
	if len(os) > 0 {
		resp, err := c.adm.CommitOffsets(ctx, group, os)
		if err != nil {
			return res, fmt.Errorf("commit offsets of group %s: %w", group, err)
		}
		resp.Each(func(r kadm.OffsetResponse) {
			if r.Err != nil {
				if failed[r.Topic] == nil {
					failed[r.Topic] = map[int32]error{}
				}
				failed[r.Topic][r.Partition] = r.Err
			}
		})
	}
	if len(up.Drop) > 0 {
		set := make(kadm.TopicsSet)
		for _, d := range up.Drop {
			set.Add(d.Topic, d.Partitions...)
		}
		resp, err := c.adm.DeleteOffsets(ctx, group, set)
		if err != nil {
			return res, fmt.Errorf("delete offsets of group %s: %w", group, err)
		}
		for t, ps := range resp {
			for p, err := range ps {
				if err != nil {
					if res.DropFailed[t] == nil {
						res.DropFailed[t] = map[int32]error{}
					}
					res.DropFailed[t][p] = err
				}
			}
		}
	}
	for _, p := range up.Plans {
		r := model.PlanResult{Plan: p, Failed: map[int32]error{}}
		maps.Copy(r.Failed, failed[p.Topic])
		after, err := c.commitsOn(ctx, group, p.Topic)
		if err != nil {
			return res, fmt.Errorf("read back offsets of group %s: %w", group, err)
		}
		r.Committed = after
		for _, pp := range p.Partitions {
			if _, bad := r.Failed[pp.Partition]; bad {
				continue
			}
			if got, ok := after[pp.Partition]; !ok || got != pp.New {
				r.Failed[pp.Partition] = fmt.Errorf("committed %d, read back %s", pp.New, readBack(got, ok))
			}
		}
		res.Results = append(res.Results, r)
	}
	return res, nil
}
