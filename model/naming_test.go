package model

import (
	"fmt"
	"slices"
	"testing"
)

func TestGroupNameString(t *testing.T) {
	tests := []struct {
		name GroupName
		want string
		def  bool
	}{
		{GroupName{Base: "b", Topic: "t"}, "b-t", true},
		{GroupName{Base: "b", Topic: "t", Suffix: "s"}, "b-t-s", false},
		{GroupName{Base: "my-batch-consumer", Topic: "spent.detail-topic", Suffix: "full-index"}, "my-batch-consumer-spent.detail-topic-full-index", false},
	}
	for _, tt := range tests {
		if got := tt.name.String(); got != tt.want {
			t.Errorf("%#v.String() = %q, want %q", tt.name, got, tt.want)
		}
		if got := tt.name.IsDefault(); got != tt.def {
			t.Errorf("%#v.IsDefault() = %v, want %v", tt.name, got, tt.def)
		}
	}
}

func TestUnderBase(t *testing.T) {
	tests := []struct {
		id, base string
		want     bool
	}{
		{"base-t", "base", true},
		{"base-t-s", "base", true},
		{"base-", "base", true}, // under the base, fits no topic: reported as unmatched
		{"base", "base", false},
		{"basex-t", "base", false},
		{"bas-t", "base", false},
		{"xbase-t", "base", false},
		{"", "base", false},
		{"-t", "", false}, // an empty base owns nothing
		{"my-batch-consumer-t", "my-batch", true},
		{"my-batch-consumer-t", "my-batch-consumer", true},
	}
	for _, tt := range tests {
		if got := UnderBase(tt.id, tt.base); got != tt.want {
			t.Errorf("UnderBase(%q, %q) = %v, want %v", tt.id, tt.base, got, tt.want)
		}
	}
}

func TestNewTopicSet(t *testing.T) {
	s := NewTopicSet([]string{"a", "", "b.c", "a"})
	if len(s) != 2 || !s.Has("a") || !s.Has("b.c") || s.Has("") {
		t.Fatalf("NewTopicSet = %v, want {a, b.c}", s)
	}
}

func TestParseGroupName(t *testing.T) {
	const base = "my-batch-consumer"
	topics := NewTopicSet([]string{
		"orders",
		"spent_detail_topic",
		"user.events",
		"a", "a-b", "a-b-c", // nested dashed topics
		"x.y", "x.y-z",
		"full-index", // a topic that looks like a suffix
	})
	tests := []struct {
		name      string
		id        string
		committed []string
		want      GroupName
		ok        bool
	}{
		{name: "default group", id: base + "-orders",
			want: GroupName{base, "orders", ""}, ok: true},
		{name: "suffixed group", id: base + "-orders-reindex",
			want: GroupName{base, "orders", "reindex"}, ok: true},
		{name: "underscores", id: base + "-spent_detail_topic-full-index",
			want: GroupName{base, "spent_detail_topic", "full-index"}, ok: true},
		{name: "dotted topic", id: base + "-user.events",
			want: GroupName{base, "user.events", ""}, ok: true},
		{name: "dotted topic, dotted suffix", id: base + "-user.events-v1.2",
			want: GroupName{base, "user.events", "v1.2"}, ok: true},
		{name: "dashed suffix", id: base + "-orders-realtime-alerts",
			want: GroupName{base, "orders", "realtime-alerts"}, ok: true},
		{name: "suffix starting with a dash", id: base + "-orders--x",
			want: GroupName{base, "orders", "-x"}, ok: true},
		{name: "empty suffix falls back to a shorter topic", id: base + "-a-b-",
			want: GroupName{base, "a", "b-"}, ok: true},
		{name: "suffix equal to a topic name", id: base + "-orders-full-index",
			want: GroupName{base, "orders", "full-index"}, ok: true},

		// Ambiguity: without commits the longest topic wins.
		{name: "longest: exact topic beats topic+suffix", id: base + "-a-b",
			want: GroupName{base, "a-b", ""}, ok: true},
		{name: "longest: three candidates", id: base + "-a-b-c",
			want: GroupName{base, "a-b-c", ""}, ok: true},
		{name: "longest: with suffix", id: base + "-a-b-c-d",
			want: GroupName{base, "a-b-c", "d"}, ok: true},
		{name: "longest: dotted", id: base + "-x.y-z",
			want: GroupName{base, "x.y-z", ""}, ok: true},
		{name: "commits on unrelated topics do not change the longest rule", id: base + "-a-b-c-d",
			committed: []string{"orders"},
			want:      GroupName{base, "a-b-c", "d"}, ok: true},

		// Ambiguity settled by commits.
		{name: "commits pick the shortest", id: base + "-a-b-c-d",
			committed: []string{"a"},
			want:      GroupName{base, "a", "b-c-d"}, ok: true},
		{name: "commits pick the middle", id: base + "-a-b-c-d",
			committed: []string{"a-b"},
			want:      GroupName{base, "a-b", "c-d"}, ok: true},
		{name: "commits over the default reading", id: base + "-a-b",
			committed: []string{"a"},
			want:      GroupName{base, "a", "b"}, ok: true},
		{name: "commits on two candidates: longest of them", id: base + "-a-b-c-d",
			committed: []string{"orders", "a", "a-b"},
			want:      GroupName{base, "a-b", "c-d"}, ok: true},
		{name: "commits on a topic the name cannot fit", id: base + "-a-b",
			committed: []string{"a-b-c"},
			want:      GroupName{base, "a-b", ""}, ok: true},
		{name: "dotted, settled by commits", id: base + "-x.y-z",
			committed: []string{"x.y"},
			want:      GroupName{base, "x.y", "z"}, ok: true},

		// Prefix traps.
		{name: "base glued to more letters", id: base + "x-orders"},
		{name: "bare base", id: base},
		{name: "base then dash then nothing", id: base + "-"},
		{name: "shorter base", id: "my-batch-orders"},
		{name: "other base", id: "other-orders"},
		{name: "base in the middle", id: "x-" + base + "-orders"},
		{name: "empty id", id: ""},

		// Unmatched under the base.
		{name: "unknown topic", id: base + "-nope"},
		{name: "unknown topic with suffix", id: base + "-nope-x"},
		{name: "empty suffix", id: base + "-orders-"},
		{name: "empty suffix after dashed topic", id: base + "-full-index-"},
		{name: "double dash before topic", id: base + "--orders"},
		{name: "topic prefix without dash", id: base + "-ordersx"},
		{name: "case differs", id: base + "-Orders"},
		{name: "commits do not make a non-topic fit", id: base + "-nope-x", committed: []string{"nope"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ParseGroupName(tt.id, base, topics, tt.committed)
			if ok != tt.ok || got != tt.want {
				t.Fatalf("ParseGroupName(%q) = %#v, %v; want %#v, %v", tt.id, got, ok, tt.want, tt.ok)
			}
			if ok && got.String() != tt.id {
				t.Errorf("String() = %q, does not round-trip %q", got.String(), tt.id)
			}
		})
	}
}

func TestParseGroupNameEmptyBase(t *testing.T) {
	if got, ok := ParseGroupName("-orders", "", NewTopicSet([]string{"orders"}), nil); ok {
		t.Fatalf("ParseGroupName with empty base = %#v, true; want no match", got)
	}
}

func TestParseGroupNameNoTopics(t *testing.T) {
	for _, topics := range []TopicSet{nil, {}} {
		if got, ok := ParseGroupName("b-t", "b", topics, nil); ok {
			t.Fatalf("ParseGroupName with no topics = %#v, true; want no match", got)
		}
	}
}

func TestDetectBases(t *testing.T) {
	tests := []struct {
		name   string
		groups []string
		topics []string
		want   []BaseCount
	}{
		{
			name:   "sorted by count then base",
			groups: []string{"svc-orders", "svc-orders-x", "svc-users", "abc-users", "zzz-users-1", "zzz-orders"},
			topics: []string{"orders", "users"},
			want:   []BaseCount{{"svc", 3}, {"zzz", 2}, {"abc", 1}},
		},
		{
			name:   "dashed base",
			groups: []string{"my-batch-consumer-spent_detail_topic", "my-batch-consumer-spent_detail_topic-full-index"},
			topics: []string{"spent_detail_topic"},
			want:   []BaseCount{{"my-batch-consumer", 2}},
		},
		{
			name:   "ambiguous prefixes are all listed",
			groups: []string{"a-b-t"},
			topics: []string{"t", "b-t"},
			want:   []BaseCount{{"a", 1}, {"a-b", 1}},
		},
		{
			name:   "a group counts once per base even when it fits several topics",
			groups: []string{"svc-a-b"},
			topics: []string{"a", "a-b"},
			want:   []BaseCount{{"svc", 1}},
		},
		{
			name:   "duplicate ids count once",
			groups: []string{"svc-t", "svc-t"},
			topics: []string{"t"},
			want:   []BaseCount{{"svc", 1}},
		},
		{
			name:   "no fit: bare topic, leading dash, empty suffix, unknown topic",
			groups: []string{"t", "-t", "svc-t-", "svc-u", "svct"},
			topics: []string{"t"},
			want:   []BaseCount{},
		},
		{
			name:   "suffix containing the topic",
			groups: []string{"svc-t-t"},
			topics: []string{"t"},
			// "svc" (topic t, suffix t) and "svc-t" (topic t).
			want: []BaseCount{{"svc", 1}, {"svc-t", 1}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := DetectBases(tt.groups, NewTopicSet(tt.topics))
			if !slices.Equal(got, tt.want) {
				t.Fatalf("DetectBases = %v, want %v", got, tt.want)
			}
		})
	}
}

// benchNames builds 500 topics, some dashed and nested, and 2,000 group ids
// under base spread over them: defaults, suffixed, dashed suffixes and
// unmatched names.
func benchNames(base string) (TopicSet, []string, [][]string) {
	topicNames := make([]string, 0, 500)
	for i := range 500 {
		switch i % 5 {
		case 0:
			topicNames = append(topicNames, fmt.Sprintf("topic-%d", i))
		case 1:
			topicNames = append(topicNames, fmt.Sprintf("topic-%d-events.v2", i-1)) // nests inside topic-{i-1}
		case 2:
			topicNames = append(topicNames, fmt.Sprintf("svc.orders_%d", i))
		default:
			topicNames = append(topicNames, fmt.Sprintf("team-x-stream-%d-raw", i))
		}
	}
	ids := make([]string, 0, 2000)
	committed := make([][]string, 0, 2000)
	for i := range 2000 {
		topic := topicNames[i%len(topicNames)]
		var id string
		switch i % 4 {
		case 0:
			id = base + "-" + topic
		case 1:
			id = base + "-" + topic + "-full-index"
		case 2:
			id = base + "-" + topic + "-incremental.job-7"
		default:
			id = base + "-unknown-topic-" + fmt.Sprint(i)
		}
		ids = append(ids, id)
		committed = append(committed, []string{topic})
	}
	return NewTopicSet(topicNames), ids, committed
}

func BenchmarkParseGroupName(b *testing.B) {
	const base = "my-batch-consumer"
	topics, ids, committed := benchNames(base)
	b.Run("no-commits", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, id := range ids {
				ParseGroupName(id, base, topics, nil)
			}
		}
	})
	b.Run("with-commits", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for i, id := range ids {
				ParseGroupName(id, base, topics, committed[i])
			}
		}
	})
}

func BenchmarkDetectBases(b *testing.B) {
	topics, ids, _ := benchNames("my-batch-consumer")
	b.ReportAllocs()
	for b.Loop() {
		DetectBases(ids, topics)
	}
}
