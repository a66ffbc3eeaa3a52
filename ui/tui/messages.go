package tui

import (
	"time"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/model"
)

// Messages carry the results of commands back to Update. Each carries its
// data and its error together, and a generation or id so the root can drop
// results that the user has moved past.

// snapshotMsg is the result of one snapshot of the base, with the lag
// history's verdict on it once evaluated (see lagJob.land).
type snapshotMsg struct {
	gen       int
	base      string
	snap      model.Snapshot
	evaluated bool
	trends    *trendSet // nil when the history had seen a newer snapshot
	err       error
}

// sparksMsg carries the partitions' sparkline lags of a group, read for
// the verdict trends.
type sparksMsg struct {
	group  string
	trends *trendSet
	lags   map[int32][]int64
}

// basesMsg is the result of base detection for the picker.
type basesMsg struct {
	gen   int
	bases []model.BaseCount
	err   error
}

// othersMsg carries the groups of other prefixes that hold commits on topic.
type othersMsg struct {
	gen    int
	topic  string
	groups []model.Group
	err    error
}

// batchKind says how a batch was obtained.
type batchKind int

const (
	batchNone    batchKind = iota
	batchPeek              // read without committing
	batchConsume           // read through the registry, offsets committed
)

// batchMsg is the result of a peek or a consume.
type batchMsg struct {
	id      int
	kind    batchKind
	target  target
	req     kafka.PeekRequest // for peeks
	max     int
	forced  bool
	records []model.Record
	decoded []decoding // by record, when a decoder is set
	err     error
	// For a consume that returned no record: the group's lag on the topic
	// read right after, so that "read all" is said only when it is 0.
	lagLeft  int64
	lagKnown bool
}

// commitMsg is the result of committing a reviewed batch.
type commitMsg struct {
	id      int
	target  target
	changes []offsetChange
	err     error
}

// exportMsg is the result of writing a batch to a JSONL file.
type exportMsg struct {
	path    string
	records int
	scope   exportScope
	err     error
}

// exportScope says what an export wrote: the whole batch, or the records
// matching a search.
type exportScope struct {
	total int    // records in the batch
	query string // the search the records match; "" for the whole batch
}

// copyMsg is the result of copying a record to the clipboard (OSC 52).
type copyMsg struct {
	what  string // "value", or "record as JSON"
	why   string // why a value was copied as its record, if it was
	place string // which record: "partition 2 offset 17"
	bytes int
	err   error
}

// searchMsg carries the indices of the batch records matching a query.
type searchMsg struct {
	batch   int
	query   string
	matches []int
}

// clockMsg ticks once a second to age the header and to drive auto-refresh.
type clockMsg struct {
	gen int
	at  time.Time
}

// target is what a consume, a peek or a commit acts on: one group of the
// base on its topic, optionally narrowed to one partition.
type target struct {
	Group     model.GroupName
	Partition *int32
}

// ID is the group id.
func (t target) ID() string { return t.Group.String() }

// offsetChange is one partition of a commit-after-review: where the group
// was and where it will be.
type offsetChange struct {
	Partition    int32
	Before       int64
	HasBefore    bool
	After        int64
	LastReviewed int64
}
