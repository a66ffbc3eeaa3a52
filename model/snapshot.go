package model

import "time"

// Snapshot is one consistent-enough picture of a cluster seen through a base
// prefix: its topics with offsets, the groups under the base with per-partition
// lag, and the names under the base that fit no topic. Partial failures keep
// partial data: see Errors and each item's Err.
type Snapshot struct {
	Base      string
	TakenAt   time.Time
	Brokers   int      // brokers in the cluster metadata
	Bootstrap []string // addresses the client was given

	Topics    []Topic  // sorted by name
	Groups    []Group  // groups under Base, sorted by group id
	Unmatched []string // group ids under Base that fit no topic, sorted

	Errors []ItemError // per-item failures (auth, coordinator down, ...)
}

// ItemError is a failure scoped to one item (a group, a topic, a partition)
// that did not stop the rest of a snapshot.
type ItemError struct {
	Kind string // "group", "topic", "partition", "offsets", "timestamps", "cluster"
	Name string // the group or topic name, or "" for cluster-wide
	Err  error
}

func (e ItemError) Error() string {
	if e.Name == "" {
		return e.Kind + ": " + e.Err.Error()
	}
	return e.Kind + " " + e.Name + ": " + e.Err.Error()
}

func (e ItemError) Unwrap() error { return e.Err }

// Topic is a topic with its partitions' log start and end offsets.
type Topic struct {
	Name       string
	Internal   bool
	Partitions []TopicPartition // sorted by partition
	Err        error            // e.g. not authorized; Partitions may be empty
}

// TopicPartition holds the log start offset and the high watermark of a partition.
type TopicPartition struct {
	Partition int32
	Leader    int32
	Start     int64 // log start offset
	End       int64 // high watermark
	Err       error
}

// Group is a consumer group under the base, with its lag on its topic.
type Group struct {
	Name     GroupName
	ID       string // Name.String()
	State    string // Stable, Empty, PreparingRebalance, CompletingRebalance, Dead, Assigning, Reconciling, ...
	Protocol string // "classic" or "consumer" (KIP-848)
	Members  []Member

	// Partitions covers EVERY partition of Name.Topic, committed or not,
	// sorted by partition.
	Partitions []PartitionLag
	Lag        int64 // sum of Partitions[i].Lag
	Expired    int64 // sum of Partitions[i].Expired

	// OtherCommits lists commits this group holds on topics other than its own.
	OtherCommits []Commit

	Err error // describe or offset fetch failure for this group
}

// Exists reports whether the group is known to the cluster (described, not Dead,
// or holding commits).
func (g Group) Exists() bool { return g.State != "" && g.State != "Dead" }

// Member is a live member of a group.
type Member struct {
	ID         string
	InstanceID string
	ClientID   string
	Host       string
	Assigned   []TopicPartitions
}

// TopicPartitions names some partitions of one topic.
type TopicPartitions struct {
	Topic      string
	Partitions []int32
}

// Commit is a committed offset of a group on one partition.
type Commit struct {
	Topic     string
	Partition int32
	Offset    int64
	Metadata  string
}

// PartitionLag is a group's position on one partition of its topic.
type PartitionLag struct {
	Partition    int32
	Start        int64 // log start offset
	End          int64 // high watermark
	Committed    int64 // valid only when HasCommitted
	HasCommitted bool
	Lag          int64 // never negative
	Expired      int64 // records deleted by retention before the group read them

	// OldestUnconsumed is the timestamp of the record at max(committed, start)
	// when Lag > 0; zero when unknown or when there is no lag.
	OldestUnconsumed time.Time

	Member string // "client-id@host" of the member that holds it, if any
	Err    error
}

// Record is one Kafka record as kgroups shows and exports it.
type Record struct {
	Topic     string
	Partition int32
	Offset    int64
	Timestamp time.Time
	Key       []byte // nil when the key is null
	Value     []byte // nil for a tombstone
	Headers   []Header
}

// Header is a record header.
type Header struct {
	Key   string
	Value []byte
}
