package model

// GroupName is a consumer group named by the service's convention:
// "{Base}-{Topic}" for the default group of a topic, or
// "{Base}-{Topic}-{Suffix}" for one independent group per job.
type GroupName struct {
	Base   string
	Topic  string
	Suffix string // empty for the default group
}

// String formats the group id.
func (g GroupName) String() string {
	if g.Suffix == "" {
		return g.Base + "-" + g.Topic
	}
	return g.Base + "-" + g.Topic + "-" + g.Suffix
}

// IsDefault reports whether g is the default (unsuffixed) group of its topic.
func (g GroupName) IsDefault() bool { return g.Suffix == "" }
