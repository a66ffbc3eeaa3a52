package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/format"
	"github.com/kgroups/kgroups/ui/tui/widget"
)

// TestTopicsTitleCountsInSingular checks that a filter leaving one topic
// says "1 topic", not "1 topics".
func TestTopicsTitleCountsInSingular(t *testing.T) {
	m := loaded(fixedSnapshot(), 80, 24)
	m = press(m, "/")
	m = typeText(m, "orders")
	m = press(m, "enter")
	view := ansi.Strip(m.View())
	if !strings.Contains(view, "1 topic ") || strings.Contains(view, "1 topics") {
		t.Errorf("title does not say \"1 topic\":\n%s", view)
	}
}

// TestInternalToggleSaysWhenThereIsNone checks that i on a cluster that
// lists no internal topic says so, rather than claiming to show some.
func TestInternalToggleSaysWhenThereIsNone(t *testing.T) {
	tests := []struct {
		name string
		snap func() model.Snapshot
		want string
	}{
		{"with internal topics", fixedSnapshot, "showing internal topics"},
		{"without", func() model.Snapshot {
			s := fixedSnapshot()
			var topics []model.Topic
			for _, tp := range s.Topics {
				if !tp.Internal {
					topics = append(topics, tp)
				}
			}
			s.Topics = topics
			return s
		}, "showing internal topics: the cluster lists none"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := loaded(tt.snap(), 80, 24)
			_, cmd := update(m, keyMsg("i"))
			got := statusOf(cmd)
			if len(got) != 1 || got[0].Text != tt.want {
				t.Errorf("status %+v, want %q", got, tt.want)
			}
		})
	}
}

// TestBatchSummaryWording checks the batch header: a peek reads "of" the
// group and says nothing was committed, a consume reads "as" the group.
func TestBatchSummaryWording(t *testing.T) {
	tests := []struct {
		kind batchKind
		want string
	}{
		{batchPeek, "peeked 3 records (nothing committed) from 2 partitions of g-t"},
		{batchConsume, "consumed 3 records from 2 partitions as g-t"},
	}
	for _, tt := range tests {
		v := batchView{kind: tt.kind, target: target{Group: model.GroupName{Base: "g", Topic: "t"}},
			records: []model.Record{{Partition: 0}, {Partition: 1}, {Partition: 1}}, keys: ptrTo(DefaultKeyMap(false))}
		if got := widget.FitPhrases(200, v.summary()...); !strings.HasPrefix(got, tt.want) {
			t.Errorf("%v: %q, want it to start with %q", tt.kind, got, tt.want)
		}
	}
}

// TestCatchUpKeepingPace checks that an OK group whose consumer is no
// faster than its producer is "keeping pace", not "never at this rate".
func TestCatchUpKeepingPace(t *testing.T) {
	tests := []struct {
		ev   model.Evaluation
		want string
	}{
		{model.Evaluation{Status: model.StatusOK, Lag: 3, CatchUpNever: true}, "keeping pace"},
		{model.Evaluation{Status: model.StatusStopped, Lag: 3, CatchUpNever: true}, "never at this rate"},
		{model.Evaluation{Status: model.StatusOK, Lag: 0}, "caught up"},
		{model.Evaluation{Status: model.StatusCatchingUp, Lag: 30, CatchUp: 90 * time.Second}, "catches up in 1m30s"},
	}
	for _, tt := range tests {
		if got := format.CatchUp(tt.ev); got != tt.want {
			t.Errorf("%+v: %q, want %q", tt.ev, got, tt.want)
		}
	}
}

// TestValueModeAbout checks that cycling to auto says what auto does.
func TestValueModeAbout(t *testing.T) {
	if got := modeAuto.about(false); !strings.Contains(got, "JSON") {
		t.Errorf("auto: %q does not say what it shows", got)
	}
	if got := modeHex.about(false); got != "hex" {
		t.Errorf("hex: %q", got)
	}
}

// TestLinesDropWholePhrases: at 80 columns the batch title of a new
// suffix, the status line that announces it and the groups title leave out
// whole phrases rather than cut a word.
func TestLinesDropWholePhrases(t *testing.T) {
	newSuffix := press(openTopic(loaded(fixedSnapshot(), 80, 24), "spent_detail_topic"), "n")
	newSuffix = typeText(newSuffix, "reindex-2025")
	newSuffix, cmd := update(newSuffix, keyMsg("enter"))
	defer newSuffix.Close()
	for _, msg := range statusOf(cmd) {
		newSuffix, _ = update(newSuffix, msg)
	}
	groups := openTopic(loaded(fixedSnapshot(), 80, 24), "spent_detail_topic")
	defer groups.Close()
	id := testBase + "-spent_detail_topic-reindex-2025"
	tests := []struct {
		name string
		m    Model
		want string // a whole line of the view, trailing blanks aside
	}{
		{"batch title", newSuffix, "new group " + id + ", starts at earliest"},
		{"status line", newSuffix, "new group " + id + " starts at earliest"},
		{"groups title", groups, "topic spent_detail_topic · 3 partitions · 3,430 records · 3 groups of the base"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			view := tt.m.View()
			for _, line := range strings.Split(view, "\n") {
				if strings.TrimRight(line, " ") == tt.want {
					return
				}
			}
			t.Errorf("no line %q in\n%s", tt.want, view)
		})
	}
}

// TestPeekHelpSaysAgainOnlyAfterAPeek: the batch view offers "p peek"
// until something was peeked in it, then "p peek again".
func TestPeekHelpSaysAgainOnlyAfterAPeek(t *testing.T) {
	newSuffix := press(openTopic(loaded(fixedSnapshot(), 80, 24), "spent_detail_topic"), "n")
	newSuffix = press(typeText(newSuffix, "reindex-2025"), "enter")
	defer newSuffix.Close()
	consuming := press(openTopic(loaded(fixedSnapshot(), 80, 24), "spent_detail_topic"), "down", "c", "enter", "y")
	defer consuming.Close()
	after := peeked(80, 24)
	defer after.Close()
	tests := []struct {
		name string
		m    Model
		want string
	}{
		{"new suffix", newSuffix, "peek"},
		{"consuming", consuming, "peek"},
		{"after a peek", after, "peek again"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, column := range tt.m.helpKeys().FullHelp() {
				for _, b := range column {
					if b.Help().Key == "p" {
						got = append(got, b.Help().Desc)
					}
				}
			}
			if len(got) != 1 || got[0] != tt.want {
				t.Errorf("help offers p %q, want p %q", got, tt.want)
			}
		})
	}
}
