package model

import (
	"cmp"
	"slices"
	"strings"
)

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

// TopicSet is a set of topic names for fast membership tests while parsing
// group names.
type TopicSet map[string]struct{}

// NewTopicSet builds a TopicSet from names. Empty names are skipped: no
// topic can be named "", and accepting one would make "base--x" parse.
func NewTopicSet(names []string) TopicSet {
	s := make(TopicSet, len(names))
	for _, n := range names {
		if n != "" {
			s[n] = struct{}{}
		}
	}
	return s
}

// Has reports whether name is in the set.
func (s TopicSet) Has(name string) bool {
	_, ok := s[name]
	return ok
}

// UnderBase reports whether the group id belongs to base: it must start with
// base+"-". So "{base}x-…" and the bare "{base}" are not under base, while
// "{base}-" is (it fits no topic and is reported as unmatched, not dropped).
// An empty base owns nothing.
func UnderBase(id, base string) bool {
	return base != "" && len(id) > len(base) && id[len(base)] == '-' && id[:len(base)] == base
}

// ParseGroupName splits a group id into base, topic and suffix following the
// naming convention "{base}-{topic}" or "{base}-{topic}-{suffix}", where the
// suffix is non-empty. It reports false when id is not under base or fits no
// topic in topics.
//
// Topics and suffixes may both contain dashes, so an id can fit several
// topics (topics "a" and "a-b" both fit "base-a-b-c"). The topic the group
// holds committed offsets on (committedTopics) decides; without such evidence
// the longest topic wins.
//
// It costs one map lookup per dash after the base, independent of the number
// of topics, and allocates nothing.
func ParseGroupName(id, base string, topics TopicSet, committedTopics []string) (GroupName, bool) {
	if !UnderBase(id, base) {
		return GroupName{}, false
	}
	rest := id[len(base)+1:]

	best := -1 // length of the longest fitting topic
	// Candidates from the longest (rest itself, the default group) to the
	// shortest (rest cut at its first dash), so the first fit is the longest.
	for end := len(rest); end > 0; end = strings.LastIndexByte(rest[:end], '-') {
		// A topic followed by "-" needs a non-empty suffix: "base-topic-" fits nothing.
		if end == len(rest)-1 {
			continue
		}
		topic := rest[:end]
		if !topics.Has(topic) {
			continue
		}
		if best < 0 {
			best = end
			if len(committedTopics) == 0 {
				break
			}
		}
		if slices.Contains(committedTopics, topic) {
			best = end
			break
		}
	}
	if best < 0 {
		return GroupName{}, false
	}
	name := GroupName{Base: base, Topic: rest[:best]}
	if best < len(rest) {
		name.Suffix = rest[best+1:]
	}
	return name, true
}

// fitsTopic reports whether rest is a topic or "{topic}-{suffix}" with a
// non-empty suffix for some topic in topics.
func fitsTopic(rest string, topics TopicSet) bool {
	for end := len(rest); end > 0; end = strings.LastIndexByte(rest[:end], '-') {
		if end == len(rest)-1 {
			continue
		}
		if topics.Has(rest[:end]) {
			return true
		}
	}
	return false
}

// BaseCount is a candidate base prefix and the number of distinct groups
// that fit the naming convention under it.
type BaseCount struct {
	Base   string
	Groups int
}

// DetectBases finds the prefixes that name groups by the convention: a base
// is a non-empty prefix of a group id that, followed by "-", leads to a topic
// or to "{topic}-{suffix}" for a topic in topics. It returns each base with
// the number of distinct groups under it, sorted by Groups descending, then
// by Base.
//
// Prefixes are ambiguous, so every candidate is listed: with topic "t" the
// group "a-b-t" gives base "a-b"; if "b-t" is a topic too it also gives base
// "a". A group counts once per base however many topics it fits there.
func DetectBases(groupIDs []string, topics TopicSet) []BaseCount {
	counts := make(map[string]int)
	seen := make(map[string]struct{}, len(groupIDs))
	for _, id := range groupIDs {
		if _, dup := seen[id]; dup {
			continue
		}
		seen[id] = struct{}{}
		for i := 0; i < len(id); i++ {
			if id[i] != '-' || i == 0 {
				continue
			}
			if fitsTopic(id[i+1:], topics) {
				counts[id[:i]]++
			}
		}
	}
	out := make([]BaseCount, 0, len(counts))
	for base, n := range counts {
		out = append(out, BaseCount{Base: base, Groups: n})
	}
	slices.SortFunc(out, func(a, b BaseCount) int {
		if a.Groups != b.Groups {
			return cmp.Compare(b.Groups, a.Groups)
		}
		return strings.Compare(a.Base, b.Base)
	})
	return out
}
