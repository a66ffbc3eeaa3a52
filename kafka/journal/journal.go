// Package journal keeps kgroups' undo journal: before every offset change
// it writes, kgroups saves what the group's offsets were and what they are
// about to become, one JSON file per change in a directory of the user's
// (by default $XDG_STATE_HOME/kgroups, or ~/.local/state/kgroups). The
// newest Limit changes are kept. It is plain file I/O: the kafka layer
// records entries and plans their undo.
package journal

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// DefaultLimit is how many changes a journal keeps.
const DefaultLimit = 500

// Kinds of change.
const (
	KindReset         = "reset"          // reset or copy from a sibling
	KindCreate        = "create"         // a new group's first commits
	KindDelete        = "delete"         // the whole group deleted
	KindDeleteOffsets = "delete-offsets" // the group's commits on one topic deleted
	KindCommit        = "commit"         // commit after review
	KindUndo          = "undo"           // an earlier change undone
)

// Entry is one change: where, which group, its offsets before and after.
type Entry struct {
	ID        string    `json:"id"`
	Time      time.Time `json:"time"`
	Context   string    `json:"context"` // the configuration file's context; "" without one
	Brokers   []string  `json:"brokers"`
	ClusterID string    `json:"cluster_id"`
	Group     string    `json:"group"`
	Kind      string    `json:"kind"`
	Command   string    `json:"command"` // what was done, e.g. "reset to earliest"
	Via       string    `json:"via"`     // the kgroups command that did it, e.g. "kgroups reset", "kgroups (terminal UI)"
	// GroupDeleted is true when the change deleted the whole group: its
	// undo recreates it with the offsets of Before.
	GroupDeleted bool          `json:"group_deleted"`
	Topics       []TopicChange `json:"topics"`

	// Err is set by List and Get for a file that cannot be read as an
	// entry; only ID is meaningful then.
	Err error `json:"-"`
}

// TopicChange is the change of a group's commits on one topic.
type TopicChange struct {
	Topic      string            `json:"topic"`
	Partitions []PartitionChange `json:"partitions"`
}

// PartitionChange is one partition's commit before and after the change;
// nil is no commit.
type PartitionChange struct {
	Partition int32  `json:"partition"`
	Before    *int64 `json:"before"`
	After     *int64 `json:"after"`
}

// NewTopicChange builds the change of topic from the commits before and
// after, by partition (absent: no commit), partitions sorted.
func NewTopicChange(topic string, before, after map[int32]int64) TopicChange {
	seen := map[int32]bool{}
	for p := range before {
		seen[p] = true
	}
	for p := range after {
		seen[p] = true
	}
	tc := TopicChange{Topic: topic, Partitions: []PartitionChange{}}
	for p := range seen {
		pc := PartitionChange{Partition: p}
		if o, ok := before[p]; ok {
			pc.Before = &o
		}
		if o, ok := after[p]; ok {
			pc.After = &o
		}
		tc.Partitions = append(tc.Partitions, pc)
	}
	slices.SortFunc(tc.Partitions, func(a, b PartitionChange) int { return int(a.Partition) - int(b.Partition) })
	return tc
}

// Before returns the commits before the change, by partition.
func (t TopicChange) Before() map[int32]int64 {
	return t.pick(func(p PartitionChange) *int64 { return p.Before })
}

// After returns the commits after the change, by partition.
func (t TopicChange) After() map[int32]int64 {
	return t.pick(func(p PartitionChange) *int64 { return p.After })
}

func (t TopicChange) pick(f func(PartitionChange) *int64) map[int32]int64 {
	out := map[int32]int64{}
	for _, p := range t.Partitions {
		if o := f(p); o != nil {
			out[p.Partition] = *o
		}
	}
	return out
}

// TopicNames lists the topics of the change.
func (e Entry) TopicNames() []string {
	out := make([]string, 0, len(e.Topics))
	for _, t := range e.Topics {
		out = append(out, t.Topic)
	}
	return out
}

// Journal is a directory of entries.
type Journal struct {
	Dir   string
	Limit int              // entries kept; DefaultLimit when 0
	Now   func() time.Time // time.Now when nil
}

// DefaultDir is $XDG_STATE_HOME/kgroups, or ~/.local/state/kgroups.
func DefaultDir() (string, error) {
	if d := os.Getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "kgroups"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("no journal directory: set XDG_STATE_HOME or HOME: %w", err)
	}
	return filepath.Join(home, ".local", "state", "kgroups"), nil
}

// New returns the journal in dir.
func New(dir string) *Journal { return &Journal{Dir: dir} }

const ext = ".json"

// idLayout makes IDs that sort as the changes happened.
const idLayout = "20060102-150405.000"

// Record saves e under a new ID with the time now, and drops the oldest
// entries past the limit. It returns e as saved. The file is written in
// full and synced before it takes its name, so a failure (a full disk, a
// read-only directory) leaves no entry and returns an error: the change
// must then not be made.
func (j *Journal) Record(e Entry) (Entry, error) {
	now := time.Now
	if j.Now != nil {
		now = j.Now
	}
	if err := os.MkdirAll(j.Dir, 0o700); err != nil {
		return e, fmt.Errorf("create journal directory %s: %w", j.Dir, err)
	}
	// The offsets of a user's groups are theirs alone, even in a directory
	// made by hand or by an older version.
	if fi, err := os.Stat(j.Dir); err == nil && fi.Mode().Perm() != 0o700 {
		if err := os.Chmod(j.Dir, 0o700); err != nil {
			return e, fmt.Errorf("make journal directory %s private: %w", j.Dir, err)
		}
	}
	e.Time = now().UTC()
	base := e.Time.Format(idLayout)
	e.ID = base
	for n := 2; ; n++ {
		if _, err := os.Lstat(j.path(e.ID)); errors.Is(err, fs.ErrNotExist) {
			break
		}
		e.ID = fmt.Sprintf("%s-%d", base, n)
	}
	data, err := json.MarshalIndent(e, "", "  ")
	if err != nil {
		return e, err
	}
	data = append(data, '\n')
	tmp := j.path(e.ID) + ".tmp"
	if err := writeSynced(tmp, data); err != nil {
		os.Remove(tmp)
		return e, fmt.Errorf("write journal entry in %s: %w", j.Dir, err)
	}
	if err := os.Rename(tmp, j.path(e.ID)); err != nil {
		os.Remove(tmp)
		return e, fmt.Errorf("write journal entry in %s: %w", j.Dir, err)
	}
	j.prune()
	return e, nil
}

func writeSynced(name string, data []byte) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	return errors.Join(err, f.Close())
}

func (j *Journal) path(id string) string { return filepath.Join(j.Dir, id+ext) }

func (j *Journal) limit() int {
	if j.Limit <= 0 {
		return DefaultLimit
	}
	return j.Limit
}

// ids lists the entries' IDs, newest first.
func (j *Journal) ids() ([]string, error) {
	des, err := os.ReadDir(j.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read journal %s: %w", j.Dir, err)
	}
	var ids []string
	for _, de := range des {
		if id, ok := strings.CutSuffix(de.Name(), ext); ok && de.Type().IsRegular() {
			ids = append(ids, id)
		}
	}
	slices.SortFunc(ids, func(a, b string) int { return compareIDs(b, a) })
	return ids, nil
}

// compareIDs orders IDs by time, then by their collision number.
func compareIDs(a, b string) int {
	ab, an := splitID(a)
	bb, bn := splitID(b)
	if c := strings.Compare(ab, bb); c != 0 {
		return c
	}
	return an - bn
}

func splitID(id string) (string, int) {
	if len(id) > len(idLayout) && id[len(idLayout)] == '-' {
		var n int
		if _, err := fmt.Sscanf(id[len(idLayout)+1:], "%d", &n); err == nil {
			return id[:len(idLayout)], n
		}
	}
	return id, 0
}

// prune drops the oldest entries past the limit. A failure leaves more
// entries than the limit until the next Record: it never costs a change.
func (j *Journal) prune() {
	ids, err := j.ids()
	if err != nil {
		return
	}
	for _, id := range ids[min(j.limit(), len(ids)):] {
		os.Remove(j.path(id))
	}
}

// List returns every entry, newest first. An entry whose file cannot be
// read has its Err set and the others stay usable.
func (j *Journal) List() ([]Entry, error) {
	ids, err := j.ids()
	if err != nil {
		return nil, err
	}
	out := make([]Entry, 0, len(ids))
	for _, id := range ids {
		out = append(out, j.read(id))
	}
	return out, nil
}

// Get returns the entry id, or the only one whose ID starts with id.
func (j *Journal) Get(id string) (Entry, error) {
	ids, err := j.ids()
	if err != nil {
		return Entry{}, err
	}
	if slices.Contains(ids, id) {
		return j.read(id), nil
	}
	var match []string
	for _, have := range ids {
		if strings.HasPrefix(have, id) {
			match = append(match, have)
		}
	}
	switch len(match) {
	case 0:
		return Entry{}, fmt.Errorf("no change %s in the journal %s", id, j.Dir)
	case 1:
		return j.read(match[0]), nil
	}
	return Entry{}, fmt.Errorf("%d changes in the journal start with %s (%s, ...): give more of the ID", len(match), id, match[0])
}

// Latest returns the newest readable entry for group ("" for any group).
func (j *Journal) Latest(group string) (Entry, bool, error) {
	entries, err := j.List()
	if err != nil {
		return Entry{}, false, err
	}
	for _, e := range entries {
		if e.Err == nil && (group == "" || e.Group == group) {
			return e, true, nil
		}
	}
	return Entry{}, false, nil
}

// read reads entry id; a file that is not a whole entry sets Err.
func (j *Journal) read(id string) Entry {
	name := j.path(id)
	data, err := os.ReadFile(name)
	if err != nil {
		return Entry{ID: id, Err: fmt.Errorf("journal entry %s cannot be read: %w", name, err)}
	}
	var e Entry
	if err := json.Unmarshal(data, &e); err != nil {
		return Entry{ID: id, Err: fmt.Errorf("journal entry %s is corrupt: %w", name, err)}
	}
	switch {
	case e.ID != id:
		return Entry{ID: id, Err: fmt.Errorf("journal entry %s is corrupt: it names itself %q", name, e.ID)}
	case e.Group == "" || len(e.Topics) == 0:
		return Entry{ID: id, Err: fmt.Errorf("journal entry %s is corrupt: its group or topics are missing", name)}
	}
	for _, t := range e.Topics {
		if t.Topic == "" {
			return Entry{ID: id, Err: fmt.Errorf("journal entry %s is corrupt: a topic has no name", name)}
		}
	}
	return e
}
