package tui

import (
	"context"
	"slices"
	"strconv"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/format"
	"github.com/kgroups/kgroups/ui/render"
	"github.com/kgroups/kgroups/ui/tui/widget"
)

// Lag over time: one model.History of the base's groups is fed every
// successful snapshot and evaluates every group of it, in the snapshot's
// command, off the UI goroutine (lagWorker.land). The verdict (a trendSet)
// is immutable and comes back with the snapshot: Update only swaps it in,
// and the views only read it. Neither Update nor View touches the history.

// sparkMax is the number of samples kept for a sparkline: the widest drawn.
const sparkMax = 32

// lagWorker owns the lag history. Only commands use it, one at a time:
// the snapshot's command observes and evaluates, a partitions view's asks
// for its sparklines. It is shared by every copy of the root model.
type lagWorker struct {
	mu      sync.Mutex
	history *model.History
	cfg     model.EvalConfig
	gen     int // generation of the newest snapshot observed
	forgot  int // sequence number of the last forget applied
	// evaluations counts the snapshots evaluated, so that tests can tell
	// where evaluation happens.
	evaluations int
	// index is the group index of the newest verdict, handed on to the next
	// while the snapshot's groups stay the same (see indexOf).
	index map[string]int32
	ends  []int // scratch: where each group's partitions end in a verdict
}

// lagState is the root's view of the lag history: the worker that owns it,
// the verdict on the newest snapshot, and the groups to forget that no
// landed snapshot has forgotten yet.
type lagState struct {
	worker    *lagWorker
	cfg       model.EvalConfig
	budget    int64
	trends    *trendSet
	forgets   []forgetting // oldest first
	forgetSeq int
}

// forgetting is a group whose history kgroups itself made meaningless (a
// reset, a delete), numbered so that a worker forgets it once.
type forgetting struct {
	seq   int
	group string
}

// newLagState sizes the history to hold the window at the refresh interval,
// or the widest sparkline if that is more, and no more: the TUI shows
// nothing older.
func newLagState(window, refresh time.Duration, budget int64) lagState {
	cfg := model.DefaultEvalConfig()
	if window > 0 {
		cfg.Window = window
	}
	if budget <= 0 {
		budget = model.DefaultHistoryBudget
	}
	capacity := model.HistoryCapacity(cfg.Window, refresh)
	if refresh > 0 {
		capacity = min(capacity, max(int(cfg.Window/refresh)+2, sparkMax))
	}
	h := model.NewHistoryWith(model.HistoryOptions{Capacity: capacity, Budget: budget})
	return lagState{worker: &lagWorker{history: h, cfg: cfg}, cfg: cfg, budget: budget}
}

// lagJob is what a snapshot's command needs of the lag state, copied when
// the command is built: the worker, the groups to forget first and the
// groups whose partitions' sparklines a view shows.
type lagJob struct {
	worker  *lagWorker
	forgets []forgetting
	sparks  []string
}

// job copies what the next snapshot's command needs.
func (m Model) lagJob() lagJob {
	return lagJob{worker: m.lag.worker, forgets: slices.Clone(m.lag.forgets), sparks: m.sparkGroups()}
}

// land forgets the groups of j, observes snap of generation gen and
// evaluates every group in it. It runs in a command: at 160,000 partitions
// it takes a good part of a second. A snapshot older than one already
// observed (a refresh that predates a write, another base) is not
// observed, and gets no verdict.
func (j lagJob) land(gen int, snap model.Snapshot) *trendSet {
	w := j.worker
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, f := range j.forgets {
		if f.seq > w.forgot {
			w.history.Reset(f.group)
			w.forgot = f.seq
		}
	}
	if gen < w.gen {
		return nil
	}
	w.gen = gen
	w.history.Observe(snap)
	return w.evaluate(snap, j.sparks)
}

// evaluate is the verdict of the history on every group of snap, with the
// lags of their sparklines: every group's, and every partition's of the
// groups in sparks. The caller holds w.mu.
//
// The verdict is a few flat blocks rather than a map a group: the groups'
// verdicts in one slice, every partition's status in one block and every
// group's sparkline lags in another, neither holding pointers, so that a
// refresh of 160,000 partitions allocates a few megabytes the garbage
// collector does not scan.
func (w *lagWorker) evaluate(snap model.Snapshot, sparks []string) *trendSet {
	w.evaluations++
	t := &trendSet{cfg: w.cfg, index: w.indexOf(snap), groups: make([]groupTrend, len(snap.Groups)),
		memory: w.history.Memory(), forgot: w.forgot}
	parts := make([]partitionStatus, 0, t.memory.Partitions)
	lags := make([]int64, 0, len(snap.Groups)*sparkMax)
	ends := slices.Grow(w.ends[:0], 2*len(snap.Groups))[:2*len(snap.Groups)]
	for i, g := range snap.Groups {
		from := len(parts)
		ev, ok := w.history.EvaluateGroupEach(g.ID, w.cfg, func(p int32, ev model.Evaluation) {
			parts = append(parts, partitionStatus{partition: p, status: uint8(ev.Status)})
		})
		slices.SortFunc(parts[from:], func(a, b partitionStatus) int { return int(a.partition) - int(b.partition) })
		lags = w.history.GroupLags(g.ID, sparkMax, lags)
		t.groups[i].Evaluation = ev
		ends[2*i], ends[2*i+1] = len(parts), len(lags)
		if !ok {
			ends[2*i] = -1 // no history: no partitions' verdicts either
		}
	}
	// Sliced once every group is in: a block that grew moved.
	partFrom, lagFrom := 0, 0
	for i := range t.groups {
		gt := &t.groups[i]
		if end := ends[2*i]; end >= 0 {
			gt.parts = parts[partFrom:end:end]
			partFrom = end
		}
		end := ends[2*i+1]
		gt.lags = lags[lagFrom:end:end]
		lagFrom = end
	}
	w.ends = ends
	for _, id := range sparks {
		if gt, ok := t.group(id); ok {
			gt.partLags = w.partitionLags(id, gt.parts)
		}
	}
	return t
}

// indexOf is the index of snap's groups in a verdict: the newest
// verdict's when the groups are the same, in the same order, as they are
// from one refresh to the next. An index is never changed once made, so
// verdicts share it. The caller holds w.mu.
func (w *lagWorker) indexOf(snap model.Snapshot) map[string]int32 {
	same := len(w.index) == len(snap.Groups)
	for i := 0; same && i < len(snap.Groups); i++ {
		k, ok := w.index[snap.Groups[i].ID]
		same = ok && int(k) == i
	}
	if same {
		return w.index
	}
	index := make(map[string]int32, len(snap.Groups))
	for i, g := range snap.Groups {
		index[g.ID] = int32(i) // the last of a repeated id, as before
	}
	w.index = index
	return index
}

// partitionLags is the sparkline lags of the partitions of group that
// have a verdict. The caller holds w.mu.
func (w *lagWorker) partitionLags(group string, parts []partitionStatus) map[int32][]int64 {
	out := make(map[int32][]int64, len(parts))
	for _, p := range parts {
		out[p.partition] = w.history.PartitionLags(group, p.partition, sparkMax, nil)
	}
	return out
}

// sparksFor reads the partitions' sparkline lags of group, for a
// partitions view opened between two refreshes. It runs in a command.
func (w *lagWorker) sparksFor(group string) map[int32][]int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	var parts []partitionStatus
	w.history.EvaluateGroupEach(group, w.cfg, func(p int32, _ model.Evaluation) {
		parts = append(parts, partitionStatus{partition: p})
	})
	return w.partitionLags(group, parts)
}

// sparkWanter is a page that draws the sparklines of a group's partitions.
type sparkWanter interface{ sparkGroup() string }

func (v partitionsView) sparkGroup() string { return v.group.ID }

// sparkGroups are the groups whose partitions' sparklines a page of the
// stack draws.
func (m Model) sparkGroups() []string {
	var out []string
	for _, e := range m.stack {
		if p, ok := e.page.(sparkWanter); ok {
			out = append(out, p.sparkGroup())
		}
	}
	return out
}

// askSparks reads the partitions' sparklines of group when the verdict in
// hand lacks them: a partitions view opened between two refreshes.
func (m Model) askSparks(group string) tea.Cmd {
	if m.lag.trends.hasPartitionLags(group) {
		return nil
	}
	w, trends := m.lag.worker, m.lag.trends
	return widget.Run(m.res, snapshotTimeout, func(context.Context) tea.Msg {
		return sparksMsg{group: group, trends: trends, lags: w.sparksFor(group)}
	})
}

// handleSparks gives the partitions' sparklines to the pages that draw
// them, if the verdict they were read for is still the one shown.
func (m Model) handleSparks(msg sparksMsg) (Model, tea.Cmd) {
	if msg.trends != m.lag.trends {
		return m, nil // a newer snapshot landed, with them if still wanted
	}
	m.lag.trends = m.lag.trends.withPartitionLags(msg.group, msg.lags)
	m.stack = slices.Clone(m.stack)
	for i, e := range m.stack {
		if p, ok := e.page.(sparkWanter); ok && p.sparkGroup() == msg.group {
			m.stack[i].page, _ = e.page.Update(snapshotTaken{snap: m.snap, trends: m.lag.trends, again: true})
		}
	}
	return m, nil
}

// landed takes the verdict of a snapshot's command. The groups forgotten
// since that command started are forgotten in it too: their history is
// forgotten by the next command.
func (l lagState) landed(t *trendSet) lagState {
	if t == nil {
		return l // not observed: the history has seen a newer snapshot
	}
	for len(l.forgets) > 0 && l.forgets[0].seq <= t.forgot {
		l.forgets = l.forgets[1:]
	}
	l.trends = t
	for _, f := range l.forgets {
		l.trends = l.trends.without(f.group)
	}
	return l
}

// forget drops the history of group: after kgroups itself resets or
// deletes a group, the jump of its offsets is not consumption. Its verdict
// becomes UNKNOWN with no samples at once; the history itself forgets it
// in the next snapshot's command.
func (l lagState) forget(group string) lagState {
	l.forgetSeq++
	l.forgets = append(slices.Clip(l.forgets), forgetting{seq: l.forgetSeq, group: group})
	l.trends = l.trends.without(group)
	return l
}

// memoryLine says what the lag history holds, for the full help: its
// memory against its budget, and the partitions it follows.
func (l lagState) memoryLine() string {
	var mem model.HistoryMemory
	if l.trends != nil {
		mem = l.trends.memory
	}
	line := "lag history " + format.Size(int(mem.Bytes)) + " of " + format.Size(int(l.budget))
	if mem.Bytes > l.budget {
		// Each partition keeps the fewest samples the status rules need
		// whatever the budget: say so, or the figure reads as a leak.
		line += ", the least it keeps"
	}
	return line + " · " + format.Count(int64(mem.Partitions)) + " partitions"
}

// trendSet is the verdict of the history on one snapshot, per group id.
// It is never changed once made: a change makes a new one.
type trendSet struct {
	cfg    model.EvalConfig
	index  map[string]int32 // group id → its verdict in groups; shared, never changed
	groups []groupTrend
	memory model.HistoryMemory // what the history held after this snapshot
	forgot int                 // the last forget the history had applied
}

// groupTrend is one group's verdict, and the lags its sparklines draw.
type groupTrend struct {
	model.Evaluation
	parts    []partitionStatus // by partition; nil when the history had nothing of the group
	lags     []int64           // the group's newest lags, at most sparkMax, oldest first
	partLags map[int32][]int64 // the same per partition; nil unless a view asked
}

// partitionStatus is one partition's status in a group's verdict: all a
// view shows of a partition's evaluation besides its sparkline.
type partitionStatus struct {
	partition int32
	status    uint8 // a model.Status
}

// partitionStatus is the status of partition p; UNKNOWN when it has no
// verdict.
func (gt *groupTrend) partitionStatus(p int32) model.Status {
	i, ok := slices.BinarySearchFunc(gt.parts, p, func(x partitionStatus, p int32) int { return int(x.partition) - int(p) })
	if !ok {
		return model.StatusUnknown
	}
	return model.Status(gt.parts[i].status)
}

// group returns the verdict on a group; false when there is none (a group
// not in the base's snapshot, or no snapshot yet).
func (t *trendSet) group(id string) (*groupTrend, bool) {
	if t == nil {
		return nil, false
	}
	i, ok := t.index[id]
	if !ok {
		return nil, false
	}
	return &t.groups[i], true
}

// with is t with the verdict on group changed by change, in a copy of the
// groups' verdicts: the blocks they point into are shared, never changed.
func (t *trendSet) with(group string, change func(*groupTrend)) *trendSet {
	if t == nil {
		return t
	}
	i, ok := t.index[group]
	if !ok {
		return t
	}
	c := *t
	c.groups = slices.Clone(t.groups)
	change(&c.groups[i])
	return &c
}

// without is t with group's verdict UNKNOWN, without samples.
func (t *trendSet) without(group string) *trendSet {
	return t.with(group, func(gt *groupTrend) { *gt = groupTrend{} })
}

// withPartitionLags is t with the partitions' sparkline lags of group.
func (t *trendSet) withPartitionLags(group string, lags map[int32][]int64) *trendSet {
	return t.with(group, func(gt *groupTrend) { gt.partLags = lags })
}

// hasPartitionLags reports whether t holds the partitions' sparkline lags
// of group, or has no verdict on it to draw them for.
func (t *trendSet) hasPartitionLags(group string) bool {
	gt, ok := t.group(group)
	return !ok || gt.partLags != nil || gt.parts == nil
}

// groupSpark draws the lag of a group over its newest samples.
func (t *trendSet) groupSpark(id string, width int) string {
	gt, ok := t.group(id)
	if !ok || width <= 0 {
		return ""
	}
	return render.Sparkline(gt.lags, width)
}

// partitionSpark draws the lag of one partition of a group.
func (t *trendSet) partitionSpark(id string, p int32, width int) string {
	gt, ok := t.group(id)
	if !ok || width <= 0 {
		return ""
	}
	return render.Sparkline(gt.partLags[p], width)
}

// sparkWidth is how wide a lag sparkline is in a view width cells wide:
// none where the columns that say what to do need the room.
func sparkWidth(width int) int {
	if width < 100 {
		return 0
	}
	return min(8+(width-100)/3, sparkMax)
}

// lagStatus is the style of a status word: the word is always there, the
// colour only helps.
// It points into s, so a cell styled with it costs no copy.
func lagStatus(s *widget.Styles, st model.Status) *lipgloss.Style {
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
func statusCell(st *widget.Styles, s model.Status, ok bool) widget.Cell {
	switch {
	case !ok:
		return widget.Cell{Text: "—", Style: &st.Dim}
	case s == model.StatusUnknown:
		return widget.Cell{Text: "…", Style: &st.LagUnknown}
	}
	return widget.Cell{Text: s.String(), Style: lagStatus(st, s)}
}

// trendLine sums a group's history up for the header of its views, in
// width cells: status, rates, catch-up time and where its time lag is
// going. With too few samples it says how many there are rather than
// guess. What does not fit is left out whole, the rates first, then the
// time lag: a cut-off "catches up in 2…" would mislead.
func trendLine(st *widget.Styles, prefix string, t *groupTrend, cfg model.EvalConfig, width int) string {
	ev := t.Evaluation
	parts := []trendPart{{prefix + lagStatus(st, ev.Status).Render(ev.Status.String()), 0}}
	if ev.Samples >= 2 {
		parts = append(parts, trendPart{"consume " + format.PerSecond(ev.ConsumeRate) + ", produce " + format.PerSecond(ev.ProduceRate), 3})
	}
	if ev.Status == model.StatusUnknown {
		parts = append(parts, trendPart{st.Dim.Render(samplesNote(ev.Samples, cfg)), 1})
	} else {
		parts = append(parts, trendPart{format.CatchUp(ev), 1})
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
	return strconv.Itoa(n) + " of " + strconv.Itoa(cfg.MinSamples) + " samples in the " + widget.Age(cfg.Window) + " window"
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

// forgetHistory drops the lag history of group. Call it when kgroups itself
// has reset a group's offsets or deleted it: the jump of its offsets is not
// consumption, and its status starts over at UNKNOWN. (A reset that moves
// commits back, and a group that disappears, the history notices alone.)
func (m Model) forgetHistory(group string) Model {
	m.lag = m.lag.forget(group)
	if !m.hasSnap {
		return m
	}
	m, _ = m.broadcast(snapshotTaken{snap: m.snap, trends: m.lag.trends, again: true})
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
	name := widget.Clean(r.Group.Name.Suffix)
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
	return v.trend.partitionStatus(p), true
}

// trendLine is the lag verdict on the group, for the view's header.
func (v partitionsView) trendLine() string {
	if v.trend == nil {
		return ""
	}
	return trendLine(v.styles, "", v.trend, v.trends.cfg, v.width)
}
