package kafka

import "time"

// PeekFrom says where a peek starts.
type PeekFrom int

const (
	// PeekCommitted starts at the group's committed offset (earliest where none).
	PeekCommitted PeekFrom = iota
	// PeekOffset starts at PeekRequest.Offset on every partition read (clamped to [start, end]).
	PeekOffset
	// PeekTimestamp starts at the first record at or after PeekRequest.Time.
	PeekTimestamp
	// PeekLast reads the last N records of each partition.
	PeekLast
	// PeekEarliest starts at the log start offset.
	PeekEarliest
)

// PeekRequest describes a read that never commits and never joins a group.
type PeekRequest struct {
	Topic     string
	Group     string // for PeekCommitted; "" means earliest
	From      PeekFrom
	Offset    int64
	Time      time.Time
	Max       int    // records to return (per partition for PeekLast)
	Partition *int32 // nil: all partitions
}
