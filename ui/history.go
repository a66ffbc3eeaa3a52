package ui

import (
	"strconv"
	"time"

	"github.com/charmbracelet/lipgloss"

	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/render"
)

// Lag over time: the root feeds every successful snapshot to one
// model.History and evaluates every group of the base once, when the
// snapshot arrives. The verdict (a trendSet) is immutable and shared by the
// views, which only read it: View never evaluates anything.

// sparkMax is the number of samples kept for a sparkline: the widest drawn.
const sparkMax = 32

// maxHistoryCapacity bounds the samples kept per partition however long the
// window is against the refresh: 1,024 samples are 64 KiB per partition.
const maxHistoryCapacity = 1024

// lagState is the root's lag history and its verdict on the newest snapshot.
type lagState struct {
	// history is shared by every copy of the root model; only Update
	// touches it.
	history *model.History
	cfg     model.EvalConfig
	trends  *trendSet
}

// newLagState sizes the history to hold the window at the refresh interval
// (plus the widest sparkline), and no more.
func newLagState(window, refresh time.Duration) lagState {
	cfg := model.DefaultEvalConfig()
	if window > 0 {
		cfg.Window = window
	}
	return lagState{history: model.NewHistory(historyCapacity(cfg.Window, refresh)), cfg: cfg}
}

// historyCapacity is how many samples per partition a window needs at a
// refresh interval, with two to spare and room for the widest sparkline.
// Without auto-refresh, samples come as the user asks: keep the model's
// default.
func historyCapacity(window, refresh time.Duration) int {
	if refresh <= 0 {
		return model.DefaultHistoryCapacity
	}
	need := int(min(window/refresh, maxHistoryCapacity)) + 2
	return min(max(need, sparkMax), maxHistoryCapacity)
}

// observe records snap and evaluates every group in it.
func (l lagState) observe(snap model.Snapshot) lagState {
	l.history.Observe(snap)
	l.trends = evaluateTrends(l.history, snap, l.cfg)
	return l
}

// forget drops the history of group and its verdict: after kgroups itself
// resets or deletes a group, the jump of its offsets is not consumption.
func (l lagState) forget(group string) lagState {
	l.history.Reset(group)
	if _, ok := l.trends.group(group); ok {
		t := &trendSet{cfg: l.trends.cfg, groups: make(map[string]*groupTrend, len(l.trends.groups))}
		for id, g := range l.trends.groups {
			if id != group {
				t.groups[id] = g
			}
		}
		l.trends = t
	}
	return l
}

// trendSet is the verdict of the history on one snapshot, per group id.
type trendSet struct {
	cfg    model.EvalConfig
	groups map[string]*groupTrend
}

// groupTrend is one group's verdict and the lags its sparklines draw.
type groupTrend struct {
	model.GroupEvaluation
	lags  []int64           // the group's newest lags, oldest first
	parts map[int32][]int64 // the same per partition
}

// group returns the verdict on a group; false when there is none (a group
// not in the base's snapshot, or no snapshot yet).
func (t *trendSet) group(id string) (*groupTrend, bool) {
	if t == nil {
		return nil, false
	}
	g, ok := t.groups[id]
	return g, ok
}

// evaluateTrends evaluates every group of snap against h.
func evaluateTrends(h *model.History, snap model.Snapshot, cfg model.EvalConfig) *trendSet {
	t := &trendSet{cfg: cfg, groups: make(map[string]*groupTrend, len(snap.Groups))}
	for _, g := range snap.Groups {
		gt := &groupTrend{
			GroupEvaluation: h.EvaluateGroup(g.ID, cfg),
			lags:            newestLags(h.GroupSamples(g.ID)),
			parts:           make(map[int32][]int64, len(g.Partitions)),
		}
		for _, p := range g.Partitions {
			gt.parts[p.Partition] = newestLags(h.PartitionSamples(g.ID, p.Partition))
		}
		t.groups[g.ID] = gt
	}
	return t
}

func newestLags(samples []model.Sample) []int64 {
	return model.Lags(samples[max(len(samples)-sparkMax, 0):])
}

// sparkWidth is how wide a lag sparkline is in a view width cells wide:
// none where the columns that say what to do need the room.
func sparkWidth(width int) int {
	if width < 100 {
		return 0
	}
	return min(8+(width-100)/3, sparkMax)
}

// spark draws lags in width cells.
func spark(lags []int64, width int) string { return render.Sparkline(lags, width) }

// lagStatus is the style of a status word: the word is always there, the
// colour only helps.
func (s *Styles) lagStatus(st model.Status) lipgloss.Style {
	switch st {
	case model.StatusOK:
		return s.LagOK
	case model.StatusCatchingUp:
		return s.LagCatchingUp
	case model.StatusFallingBehind:
		return s.LagFallingBehind
	case model.StatusStalled:
		return s.LagStalled
	case model.StatusStopped:
		return s.LagStopped
	}
	return s.LagUnknown
}

// statusCell is the status column of a group or partition; "—" when there
// is no history to judge by (a group not created yet, another prefix's).
func statusCell(st *Styles, s model.Status, ok bool) cell {
	if !ok {
		return styled("—", st.Dim)
	}
	return styled(s.String(), st.lagStatus(s))
}

// trendLine sums a group's history up for the header of its views: status,
// rates, catch-up time and where its time lag is going. With too few
// samples it says how many there are rather than guess.
func trendLine(st *Styles, t *groupTrend, cfg model.EvalConfig) string {
	ev := t.Evaluation
	line := st.lagStatus(ev.Status).Render(ev.Status.String())
	sep := st.Dim.Render(" · ")
	if ev.Samples < 2 {
		return line + sep + st.Dim.Render(samplesNote(ev.Samples, cfg))
	}
	line += sep + "consuming " + rate(ev.ConsumeRate) + sep + "producing " + rate(ev.ProduceRate)
	if ev.Status == model.StatusUnknown {
		line += sep + st.Dim.Render(samplesNote(ev.Samples, cfg))
	} else {
		line += sep + catchUp(ev)
	}
	if ev.TimeLag > 0 || ev.TimeLagDelta != 0 {
		line += sep + "time lag " + age(ev.TimeLag) + " " + timeLagTrend(ev.TimeLagDelta)
	}
	return line
}

// samplesNote says why a status is UNKNOWN.
func samplesNote(n int, cfg model.EvalConfig) string {
	return strconv.Itoa(n) + " of " + strconv.Itoa(cfg.MinSamples) + " samples in the " + age(cfg.Window) + " window"
}

// catchUp is the catch-up estimate in words.
func catchUp(ev model.Evaluation) string {
	switch {
	case ev.Lag == 0:
		return "caught up"
	case ev.CatchUpNever:
		return "never at this rate"
	case ev.CatchUp < time.Second:
		return "catches up in <1s"
	}
	return "catches up in " + age(ev.CatchUp)
}

// timeLagTrend is an arrow for a change of time lag over the window.
func timeLagTrend(delta time.Duration) string {
	switch {
	case delta > 0:
		return "↑"
	case delta < 0:
		return "↓"
	}
	return "steady"
}

// rate formats records per second with about three significant digits, as
// lag --watch does.
func rate(v float64) string {
	var s string
	switch {
	case v == 0:
		s = "0"
	case v < 0.01:
		s = "<0.01"
	case v < 10:
		s = strconv.FormatFloat(v, 'f', 2, 64)
	case v < 100:
		s = strconv.FormatFloat(v, 'f', 1, 64)
	default:
		s = strconv.FormatFloat(v, 'f', 0, 64)
	}
	return s + "/s"
}
