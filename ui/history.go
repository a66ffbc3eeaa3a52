package ui

import (
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

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
// window is against the refresh: 1,024 samples are 48 KiB per partition.
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
func newLagState(window, refresh time.Duration, budget int64) lagState {
	cfg := model.DefaultEvalConfig()
	if window > 0 {
		cfg.Window = window
	}
	h := model.NewHistoryWith(model.HistoryOptions{Capacity: historyCapacity(cfg.Window, refresh), Budget: budget})
	return lagState{history: h, cfg: cfg}
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

// forget drops the history of group: after kgroups itself resets or
// deletes a group, the jump of its offsets is not consumption. Its verdict
// becomes UNKNOWN with no samples until the next snapshot.
func (l lagState) forget(group string) lagState {
	l.history.Reset(group)
	if _, ok := l.trends.group(group); ok {
		t := &trendSet{cfg: l.trends.cfg, groups: maps.Clone(l.trends.groups), history: l.history}
		t.groups[group] = &groupTrend{}
		l.trends = t
	}
	return l
}

// trendSet is the verdict of the history on one snapshot, per group id.
type trendSet struct {
	cfg    model.EvalConfig
	groups map[string]*groupTrend
	// history gives the lags of sparklines to the views that draw them, in
	// Update when the snapshot or the width changes: a few groups' worth,
	// where every group's would cost each refresh.
	history *model.History
}

// groupTrend is one group's verdict.
type groupTrend struct {
	model.GroupEvaluation
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
	t := &trendSet{cfg: cfg, groups: make(map[string]*groupTrend, len(snap.Groups)), history: h}
	for _, g := range snap.Groups {
		t.groups[g.ID] = &groupTrend{GroupEvaluation: h.EvaluateGroup(g.ID, cfg)}
	}
	return t
}

// groupSpark draws the lag of a group over its newest samples.
func (t *trendSet) groupSpark(id string, width int) string {
	if t == nil || width <= 0 {
		return ""
	}
	return spark(t.history.GroupSamples(id), width)
}

// partitionSpark draws the lag of one partition of a group.
func (t *trendSet) partitionSpark(id string, p int32, width int) string {
	if t == nil || width <= 0 {
		return ""
	}
	return spark(t.history.PartitionSamples(id, p), width)
}

// sparkWidth is how wide a lag sparkline is in a view width cells wide:
// none where the columns that say what to do need the room.
func sparkWidth(width int) int {
	if width < 100 {
		return 0
	}
	return min(8+(width-100)/3, sparkMax)
}

// spark draws the lags of the newest samples in width cells.
func spark(samples []model.Sample, width int) string {
	return render.Sparkline(model.Lags(samples[max(len(samples)-width, 0):]), width)
}

// lagStatus is the style of a status word: the word is always there, the
// colour only helps.
// It points into s, so a cell styled with it costs no copy.
func (s *Styles) lagStatus(st model.Status) *lipgloss.Style {
	switch st {
	case model.StatusOK:
		return &s.LagOK
	case model.StatusCatchingUp:
		return &s.LagCatchingUp
	case model.StatusFallingBehind:
		return &s.LagFallingBehind
	case model.StatusStalled:
		return &s.LagStalled
	case model.StatusStopped:
		return &s.LagStopped
	}
	return &s.LagUnknown
}

// statusCell is the status column of a group or partition: "…" (muted)
// while too few samples are in, "—" when there is no history to judge by (a
// group not created yet, another prefix's).
func statusCell(st *Styles, s model.Status, ok bool) cell {
	switch {
	case !ok:
		return cell{Text: "—", Style: &st.Dim}
	case s == model.StatusUnknown:
		return cell{Text: "…", Style: &st.LagUnknown}
	}
	return cell{Text: s.String(), Style: st.lagStatus(s)}
}

// trendLine sums a group's history up for the header of its views, in
// width cells: status, rates, catch-up time and where its time lag is
// going. With too few samples it says how many there are rather than
// guess. What does not fit is left out whole, the rates first, then the
// time lag: a cut-off "catches up in 2…" would mislead.
func trendLine(st *Styles, prefix string, t *groupTrend, cfg model.EvalConfig, width int) string {
	ev := t.Evaluation
	parts := []trendPart{{prefix + st.lagStatus(ev.Status).Render(ev.Status.String()), 0}}
	if ev.Samples >= 2 {
		parts = append(parts, trendPart{"consume " + rate(ev.ConsumeRate) + ", produce " + rate(ev.ProduceRate), 3})
	}
	if ev.Status == model.StatusUnknown {
		parts = append(parts, trendPart{st.Dim.Render(samplesNote(ev.Samples, cfg)), 1})
	} else {
		parts = append(parts, trendPart{catchUp(ev), 1})
	}
	if ev.Samples >= 2 && (ev.TimeLag > 0 || ev.TimeLagDelta != 0) {
		parts = append(parts, trendPart{timeLagTrend(ev.TimeLagDelta), 2})
	}
	sep := st.Dim.Render(" · ")
	for {
		line, drop := "", -1
		for i, p := range parts {
			if i > 0 {
				line += sep
			}
			line += p.text
			if p.rank > 0 && (drop < 0 || p.rank > parts[drop].rank) {
				drop = i
			}
		}
		if ansi.StringWidth(line) <= width || drop < 0 {
			return line
		}
		parts = slices.Delete(parts, drop, drop+1)
	}
}

// trendPart is a piece of a trend line; the highest rank goes first when
// the line is too long.
type trendPart struct {
	text string
	rank int
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
	case ev.CatchUpNever && ev.Status == model.StatusOK:
		return "keeping pace"
	case ev.CatchUpNever:
		return "never at this rate"
	case ev.CatchUp < time.Second:
		return "catches up in <1s"
	}
	return "catches up in " + age(ev.CatchUp)
}

// timeLagTrend says where the time lag went over the window. The time lag
// itself is in the table, aged by the clock.
func timeLagTrend(delta time.Duration) string {
	switch {
	case delta > 0:
		return "time lag growing ↑"
	case delta < 0:
		return "time lag shrinking ↓"
	}
	return "time lag steady"
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

// observeLag feeds a successful snapshot to the history and hands the new
// verdict to the views, before they take the snapshot.
func (m Model) observeLag(snap model.Snapshot) Model {
	if snap.TakenAt.IsZero() {
		snap.TakenAt = m.lastRefresh
	}
	m.lag = m.lag.observe(snap)
	return m.shareTrends()
}

func (m Model) shareTrends() Model {
	t := m.lag.trends
	m.topics.trends, m.groups.trends, m.partitions.trends = t, t, t
	return m
}

// forgetHistory drops the lag history of group. Call it when kgroups itself
// has reset a group's offsets or deleted it: the jump of its offsets is not
// consumption, and its status starts over at UNKNOWN. (A reset that moves
// commits back, and a group that disappears, the history notices alone.)
func (m Model) forgetHistory(group string) Model {
	m.lag = m.lag.forget(group)
	m = m.shareTrends()
	if !m.hasSnap {
		return m
	}
	m.topics = m.topics.setSnapshot(m.snap)
	if m.groups.topic != "" {
		m.groups = m.groups.setSnapshot(m.snap)
	}
	m.partitions = m.partitions.setSnapshot(m.snap)
	return m
}

// topicSeverity orders topics by the worst status of their groups; a topic
// no group of the base reads sorts last.
func topicSeverity(r topicRow) int {
	if r.Groups == 0 {
		return -1
	}
	return r.Status.Severity()
}

// status is the row's lag status; false when there is no history to judge
// by.
func (r groupRow) status() (model.Status, bool) {
	if r.Trend == nil {
		return model.StatusUnknown, false
	}
	return r.Trend.Status, true
}

// severity orders rows by status; rows without history sort last.
func (r groupRow) severity() int {
	s, ok := r.status()
	if !ok {
		return -1
	}
	return s.Severity()
}

// judge attaches its lag verdict and sparkline to every group of the base.
// It builds new rows: copies of the view share the old ones.
func (v groupsView) judge() groupsView {
	own := make([]groupRow, len(v.own))
	for i, r := range v.own {
		r.Trend, r.Spark = nil, ""
		// A group that failed to load at every refresh has nothing to be
		// judged by, and never will until it loads: no "…" waiting.
		if gt, ok := v.trends.group(r.Group.ID); ok && r.Kind == rowGroup && (r.Group.Err == nil || gt.Samples > 0) {
			r.Trend, r.Spark = gt, v.trends.groupSpark(r.Group.ID, v.sparkW)
		}
		own[i] = r
	}
	v.own = own
	return v
}

// trendLine is the lag verdict on the selected group, for the view's header.
func (v groupsView) trendLine() string {
	r, ok := v.selected()
	if !ok || r.Trend == nil {
		return ""
	}
	name := clean(r.Group.Name.Suffix)
	if r.Group.Name.IsDefault() {
		name = "(default)"
	}
	return trendLine(v.styles, v.styles.Dim.Render(name+": "), r.Trend, v.trends.cfg, v.width)
}

// judge takes the group's lag verdict and draws its partitions' sparklines.
func (v partitionsView) judge() partitionsView {
	v.trend, v.sparks = nil, nil
	gt, ok := v.trends.group(v.group.ID)
	if !ok || v.foreign || v.missing {
		return v
	}
	v.trend = gt
	v.sparks = make(map[int32]string, len(v.group.Partitions))
	for _, p := range v.group.Partitions {
		v.sparks[p.Partition] = v.trends.partitionSpark(v.group.ID, p.Partition, v.sparkW)
	}
	return v
}

// partitionStatus is a partition's lag status; false without history.
func (v partitionsView) partitionStatus(p int32) (model.Status, bool) {
	if v.trend == nil {
		return model.StatusUnknown, false
	}
	// A partition without samples (history just forgotten, offsets that
	// never loaded) is UNKNOWN like one with too few.
	return v.trend.Partitions[p].Status, true
}

// trendLine is the lag verdict on the group, for the view's header.
func (v partitionsView) trendLine() string {
	if v.trend == nil {
		return ""
	}
	return trendLine(v.styles, "", v.trend, v.trends.cfg, v.width)
}
