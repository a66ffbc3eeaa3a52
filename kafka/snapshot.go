package kafka

// SnapshotOptions narrows a snapshot.
type SnapshotOptions struct {
	// Topic, when set, limits the snapshot to groups of that topic and to
	// that topic's offsets.
	Topic string
	// SkipTimestamps skips the bounded fetch for oldest-unconsumed times.
	SkipTimestamps bool
}
