package model

import (
	"slices"
	"strings"
	"time"
)

// ParseStatus reads a status word as lag --watch prints it, in any case,
// with a space, a dash or an underscore between words: "stalled",
// "FALLING BEHIND", "catching-up".
func ParseStatus(word string) (Status, bool) {
	w := strings.ToUpper(strings.NewReplacer("-", " ", "_", " ").Replace(strings.TrimSpace(word)))
	w = strings.Join(strings.Fields(w), " ")
	for i, name := range statusNames {
		if name == w {
			return Status(i), true
		}
	}
	return StatusUnknown, false
}

// StatusWords lists the status words, least severe first, for messages.
func StatusWords() []string { return slices.Clone(statusNames[:]) }

// LagCheck is a set of conditions every group must meet: the lag checks
// of scripts and cron jobs. Unset conditions are not checked.
type LagCheck struct {
	MaxLag     int64 // a group fails when its lag is above it; only with HasMaxLag
	HasMaxLag  bool
	MaxTimeLag time.Duration // a group fails when its oldest unconsumed record is older; 0: unset
	FailOn     []Status      // a group fails when its status is one of these
}

// CheckCondition names a condition of a LagCheck.
type CheckCondition int

// Conditions, in the order Check tests them.
const (
	CheckReadable   CheckCondition = iota // the group's offsets could be read
	CheckMaxLag                           // lag at most MaxLag
	CheckMaxTimeLag                       // oldest unconsumed record at most MaxTimeLag old
	CheckStatus                           // status not one of FailOn
)

// CheckFailure is one condition one group does not meet, with the group's
// figure for it; front ends word it.
type CheckFailure struct {
	Group     string
	Condition CheckCondition
	Lag       int64         // CheckMaxLag: the group's lag
	TimeLag   time.Duration // CheckMaxTimeLag: the age of its oldest unconsumed record
	Status    Status        // CheckStatus: its status over the window
	Err       error         // CheckReadable: why it could not be read
}

// GroupTimeLag is the age at now of the oldest record g has not consumed,
// over its partitions with lag. ok is false when g has lag on a partition
// whose oldest unconsumed record's time is unknown and no other partition
// gives a time.
func GroupTimeLag(g Group, now time.Time) (lag time.Duration, ok bool) {
	ok = true
	known := false
	for _, p := range g.Partitions {
		if p.Lag <= 0 {
			continue
		}
		if p.OldestUnconsumed.IsZero() {
			ok = false
			continue
		}
		known = true
		lag = max(lag, now.Sub(p.OldestUnconsumed))
	}
	return max(lag, 0), ok || known
}

// Check returns the conditions g fails, in the order max lag, max time lag,
// status. status is g's status over the sampled window; it is only looked
// at when FailOn is set. A group that could not be read fails every
// condition it cannot be shown to meet, as one failure saying why.
func (c LagCheck) Check(g Group, status Status, now time.Time) []CheckFailure {
	if g.Err != nil {
		return []CheckFailure{{Group: g.ID, Condition: CheckReadable, Err: g.Err}}
	}
	var out []CheckFailure
	if c.HasMaxLag && g.Lag > c.MaxLag {
		out = append(out, CheckFailure{Group: g.ID, Condition: CheckMaxLag, Lag: g.Lag})
	}
	if c.MaxTimeLag > 0 {
		if tl, ok := GroupTimeLag(g, now); ok && tl > c.MaxTimeLag {
			out = append(out, CheckFailure{Group: g.ID, Condition: CheckMaxTimeLag, TimeLag: tl})
		}
	}
	if slices.Contains(c.FailOn, status) {
		out = append(out, CheckFailure{Group: g.ID, Condition: CheckStatus, Status: status})
	}
	return out
}
