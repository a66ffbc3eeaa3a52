package cli

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/format"
	"github.com/kgroups/kgroups/ui/render"
)

// Defaults of lag --watch.
const (
	defaultWatchInterval = 5 * time.Second
)

// watchFlags are the flags of lag --watch.
type watchFlags struct {
	on       bool
	interval time.Duration
	window   time.Duration
	count    int
	sampling bool // lag --check --fail-on samples over --window like --watch
	budget   byteSize
}

func addWatchFlags(f *pflag.FlagSet, w *watchFlags) {
	f.BoolVar(&w.on, "watch", false, "keep sampling every --interval and print status, rates and catch-up time")
	f.DurationVar(&w.interval, "interval", defaultWatchInterval, "with --watch or --fail-on: time between samples")
	f.DurationVar(&w.window, "window", model.DefaultEvalConfig().Window, "with --watch or --fail-on: how far back statuses and rates look (at least 2 intervals)")
	f.IntVar(&w.count, "count", 0, "with --watch: stop after this many samples (0: until interrupted)")
	w.budget = defaultHistoryBudget
	f.Var(&w.budget, "history-budget", "with --watch: memory for the lag history of all groups; older samples are thinned to fit")
}

// validate rejects --watch settings that cannot work, before connecting.
func (w *watchFlags) validate(cmd *cobra.Command) error {
	if !w.on && !w.sampling {
		for _, name := range []string{"interval", "window", "count", "history-budget"} {
			if cmd.Flags().Changed(name) {
				return usagef("--%s needs --watch", name)
			}
		}
		return nil
	}
	cfg := model.DefaultEvalConfig()
	least := time.Duration(cfg.MinSamples-1) * w.interval
	if !cmd.Flags().Changed("window") {
		// The default window stretches to hold enough samples of a long interval.
		w.window = max(w.window, least)
	}
	switch {
	case w.interval <= 0:
		return usagef("--interval must be positive, got %s", w.interval)
	case w.window <= 0:
		return usagef("--window must be positive, got %s", w.window)
	case w.count < 0:
		return usagef("--count must be 0 or more, got %d", w.count)
	case w.window < least:
		return usagef("--window %s holds fewer than %d samples taken every %s: make it at least %s",
			w.window, cfg.MinSamples, w.interval, least)
	}
	return nil
}

// watchOptions configure watchLag.
type watchOptions struct {
	Base     string
	Topic    string // "" for every topic
	Interval time.Duration
	Window   time.Duration
	Count    int // samples to take; 0 until ctx ends
	// HistoryBudget bounds the memory of the lag history; 0 is
	// model.DefaultHistoryBudget.
	HistoryBudget int64
	Output        string // "table" or "json"
	Partitions    bool   // table: a row per partition under each group
	Cluster       string // names the cluster in errors
	// Paint colours a status word for the table; nil leaves it plain.
	Paint func(model.Status, string) string
	// Ticker starts the clock between samples; nil is time.NewTicker.
	// Tests pass one that never waits.
	Ticker func(time.Duration) (<-chan time.Time, func())
}

// snapshotFunc takes one snapshot of the cluster.
type snapshotFunc func(context.Context) (model.Snapshot, error)

// watchLag takes a snapshot every interval, feeds a History and prints, for
// each snapshot, every group's status, lag, rates and catch-up time: a table
// for people or one JSON object per line. It returns nil when ctx ends (an
// interrupt is the normal way to stop) or after o.Count snapshots. A failed
// snapshot is a one-line warning on stderr: the history keeps what it had and
// the next interval tries again. The first snapshot that succeeds must
// contain o.Topic when it is set.
func (a *app) watchLag(ctx context.Context, o watchOptions, snapshot snapshotFunc) error {
	ticker := o.Ticker
	if ticker == nil {
		ticker = func(d time.Duration) (<-chan time.Time, func()) {
			t := time.NewTicker(d)
			return t.C, t.Stop
		}
	}
	ticks, stop := ticker(o.Interval)
	defer stop()

	history := model.NewHistoryWith(model.HistoryOptions{Capacity: model.HistoryCapacity(o.Window, o.Interval), Budget: o.HistoryBudget})
	cfg := model.DefaultEvalConfig()
	cfg.Window = o.Window
	out := bufio.NewWriter(a.stdout)
	var lastWarnings string
	checkedTopic := false
	for taken := 0; o.Count == 0 || taken < o.Count; taken++ {
		if taken > 0 {
			select {
			case <-ctx.Done():
				return nil
			case <-ticks:
			}
		}
		snap, err := snapshot(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			fmt.Fprintln(a.stderr, errorLine(ctx, fmt.Errorf("warning: sample failed, keeping the last data: %w", err)))
			lastWarnings = ""
			continue
		}
		if o.Topic != "" && !checkedTopic {
			if _, ok := snap.Topic(o.Topic); !ok {
				return fmt.Errorf("topic %q does not exist on %s", o.Topic, o.Cluster)
			}
			checkedTopic = true
		}
		lastWarnings = a.warnPartial(ctx, snap.Errors, lastWarnings)
		history.Observe(snap)
		report := newWatchReport(snap, history, cfg)
		if o.Output == "json" {
			err = writeWatchJSON(out, report)
		} else {
			err = writeWatchTable(out, report, o)
		}
		if err == nil {
			err = out.Flush()
		}
		if err != nil {
			return fmt.Errorf("write lag: %w", err)
		}
	}
	return nil
}

// warnPartial prints a snapshot's per-item errors on stderr unless they are
// the same as the previous snapshot's, so a lasting failure is said once and
// not every interval. It returns what it compared.
func (a *app) warnPartial(ctx context.Context, errs []model.ItemError, previous string) string {
	var b strings.Builder
	for _, e := range errs {
		b.WriteString(e.Error())
		b.WriteByte('\n')
	}
	now := b.String()
	if now != previous {
		for _, e := range errs {
			fmt.Fprintln(a.stderr, errorLine(ctx, fmt.Errorf("warning: partial data: %w", e)))
		}
	}
	return now
}

// watchReport is one line of lag --watch -o json: a stable contract for
// scripts.
type watchReport struct {
	Time   string       `json:"time"` // when the snapshot was taken, RFC 3339 UTC
	Base   string       `json:"base"`
	Groups []watchGroup `json:"groups"`

	window time.Duration
	taken  time.Time
}

type watchGroup struct {
	Group       string  `json:"group"`
	Topic       string  `json:"topic"`
	Suffix      string  `json:"suffix"`
	Status      string  `json:"status"`
	Lag         int64   `json:"lag"`
	LagDelta    int64   `json:"lag_delta"`    // over the window
	ConsumeRate float64 `json:"consume_rate"` // records/s committed
	ProduceRate float64 `json:"produce_rate"` // records/s appended
	// CatchUpSeconds is null when the status is UNKNOWN or the group would
	// never catch up at these rates (then CatchUpNever is true); 0 when
	// caught up.
	CatchUpSeconds *float64         `json:"catch_up_seconds"`
	CatchUpNever   bool             `json:"catch_up_never"`
	TimeLagSeconds float64          `json:"time_lag_seconds"` // age of the oldest unconsumed record; 0 when none or unknown
	Partitions     []watchPartition `json:"partitions"`
	Error          string           `json:"error,omitempty"` // only when the group failed to load

	status  model.Status
	samples int
	eval    model.Evaluation
	parts   []model.Evaluation // beside Partitions, for the table
}

type watchPartition struct {
	Partition int32  `json:"partition"`
	Status    string `json:"status"`
	Lag       int64  `json:"lag"`

	status model.Status
}

// newWatchReport evaluates every group of snap against history, groups
// sorted by name and partitions by number.
func newWatchReport(snap model.Snapshot, history *model.History, cfg model.EvalConfig) watchReport {
	r := watchReport{
		Time:   snap.TakenAt.UTC().Format(timeLayout),
		Base:   snap.Base,
		Groups: make([]watchGroup, 0, len(snap.Groups)),
		window: cfg.Window,
		taken:  snap.TakenAt,
	}
	for _, g := range snap.Groups {
		ev := history.EvaluateGroup(g.ID, cfg)
		wg := watchGroup{
			Group:      g.ID,
			Topic:      g.Name.Topic,
			Suffix:     g.Name.Suffix,
			Partitions: make([]watchPartition, 0, len(g.Partitions)),
			status:     ev.Status,
			samples:    ev.Samples,
			eval:       ev.Evaluation,
		}
		if g.Err != nil {
			wg.Error = g.Err.Error()
		}
		wg.Lag = g.Lag
		if ev.Samples > 0 {
			wg.Lag = ev.Lag
		}
		wg.fill(ev.Evaluation)
		for _, p := range g.Partitions {
			pev, ok := ev.Partitions[p.Partition]
			lag := p.Lag
			if ok && pev.Samples > 0 {
				lag = pev.Lag
			}
			wg.Partitions = append(wg.Partitions, watchPartition{
				Partition: p.Partition, Status: pev.Status.String(), Lag: lag, status: pev.Status,
			})
			wg.parts = append(wg.parts, pev)
		}
		slices.SortStableFunc(wg.Partitions, func(a, b watchPartition) int { return cmp.Compare(a.Partition, b.Partition) })
		r.Groups = append(r.Groups, wg)
	}
	slices.SortFunc(r.Groups, func(a, b watchGroup) int { return strings.Compare(a.Group, b.Group) })
	return r
}

// fill sets the figures that come from an evaluation.
func (g *watchGroup) fill(ev model.Evaluation) {
	g.Status = g.status.String()
	g.LagDelta = ev.LagDelta
	g.ConsumeRate = round3(ev.ConsumeRate)
	g.ProduceRate = round3(ev.ProduceRate)
	g.TimeLagSeconds = round3(ev.TimeLag.Seconds())
	switch {
	case g.status == model.StatusUnknown:
	case ev.CatchUpNever:
		g.CatchUpNever = true
	default:
		s := round3(ev.CatchUp.Seconds())
		g.CatchUpSeconds = &s
	}
}

// round3 keeps three decimals, so JSON lines stay short and stable.
func round3(v float64) float64 { return math.Round(v*1000) / 1000 }

func writeWatchJSON(w io.Writer, r watchReport) error {
	line, err := json.Marshal(r)
	if err != nil {
		return err
	}
	line = append(line, '\n')
	_, err = w.Write(line)
	return err
}

// watchColumns are the headers of the watch table.
var watchColumns = []string{"TOPIC", "SUFFIX", "STATUS", "LAG", "LAG Δ", "CONSUME/S", "PRODUCE/S", "ETA", "TIME LAG"}

// watchStatusColumn is the index of STATUS in watchColumns.
const watchStatusColumn = 2

// writeWatchTable writes one interval for people: a heading with the time
// and the total lag, then a row per group (and per partition with
// o.Partitions), then a blank line.
func writeWatchTable(w io.Writer, r watchReport, o watchOptions) error {
	var total int64
	for _, g := range r.Groups {
		total += g.Lag
	}
	fmt.Fprintf(w, "%s  base %s: %d group(s), total lag %d, window %s\n", r.taken.Format("15:04:05"),
		render.SanitizeLine(r.Base), len(r.Groups), total, format.Duration(r.window))
	if len(r.Groups) == 0 {
		fmt.Fprintf(w, "no groups named %s-{topic}[-{suffix}]\n\n", render.SanitizeLine(r.Base))
		return nil
	}
	rows := [][]string{watchColumns}
	statuses := []model.Status{-1}
	for _, g := range r.Groups {
		rows = append(rows, watchRow(render.SanitizeLine(g.Topic), suffixCell(g.Suffix), g.status, g.eval, g.Lag, g.samples))
		statuses = append(statuses, g.status)
		if !o.Partitions {
			continue
		}
		for i, p := range g.Partitions {
			ev := g.parts[i]
			rows = append(rows, watchRow("", "  partition "+strconv.Itoa(int(p.Partition)), p.status, ev, p.Lag, ev.Samples))
			statuses = append(statuses, p.status)
		}
	}
	writeColumns(w, rows, func(row int, cell string) string {
		if st := statuses[row]; st >= 0 && o.Paint != nil {
			return o.Paint(st, cell)
		}
		return cell
	})
	// Below the table, so a long message does not widen the columns.
	for _, g := range r.Groups {
		if g.Error != "" {
			fmt.Fprintf(w, "%s: error: %s\n", render.SanitizeLine(g.Group), render.SanitizeLine(g.Error))
		}
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// watchRow formats the cells of one group or partition.
func watchRow(topic, suffix string, st model.Status, ev model.Evaluation, lag int64, samples int) []string {
	delta, consume, produce := format.None, format.None, format.None
	if samples >= 2 {
		delta = format.Signed(ev.LagDelta)
		consume, produce = format.Rate(ev.ConsumeRate), format.Rate(ev.ProduceRate)
	}
	timeLag := format.None
	if ev.TimeLag > 0 {
		timeLag = format.Duration(ev.TimeLag)
	}
	// The row's status and lag are the ones shown; judge the estimate on them.
	ev.Status, ev.Lag = st, lag
	eta := format.None
	if st != model.StatusUnknown {
		eta = format.ETA(ev)
	}
	return []string{topic, suffix, st.String(), strconv.FormatInt(lag, 10), delta, consume, produce, eta, timeLag}
}

// writeColumns writes rows as left-aligned columns two spaces apart, with no
// trailing spaces. paint styles a status cell after it is padded, so colour
// sequences do not count towards the width.
func writeColumns(w io.Writer, rows [][]string, paint func(row int, cell string) string) {
	var widths []int
	for _, row := range rows {
		for i, c := range row {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], lipgloss.Width(c))
		}
	}
	var b strings.Builder
	for r, row := range rows {
		b.Reset()
		for i, c := range row {
			cell := c
			if i == watchStatusColumn && r > 0 {
				cell = paint(r, c)
			}
			b.WriteString(cell)
			if i < len(row)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-lipgloss.Width(c)+2))
			}
		}
		io.WriteString(w, strings.TrimRight(b.String(), " ")+"\n")
	}
}

// statusPainter colours status words on r with the statuses' shared look:
// the word is always there, the colour only helps.
func statusPainter(r *lipgloss.Renderer) func(model.Status, string) string {
	return func(st model.Status, word string) string {
		return format.StatusStyle(r.NewStyle(), st).Render(word)
	}
}

// runLagWatch is lag --watch on an open connection.
func (a *app) runLagWatch(ctx context.Context, conn *connection, topic string, partitions bool, output string, w watchFlags, scope lagScope) error {
	o := watchOptions{
		Base:          conn.Settings.Base,
		Topic:         topic,
		Interval:      w.interval,
		Window:        w.window,
		Count:         w.count,
		HistoryBudget: int64(w.budget),
		Output:        output,
		Partitions:    partitions,
		Cluster:       conn.Bootstrap(),
	}
	if output == "table" && a.colour() {
		o.Paint = statusPainter(lipgloss.NewRenderer(a.stdout))
	}
	// A sample is several requests each bounded by the timeout; bound the
	// whole so that a hung cluster shows as a warning, not a frozen screen.
	bound := 3 * conn.Settings.Timeout
	timeLags := &rememberTimeLags{}
	return a.watchLag(ctx, o, func(ctx context.Context) (model.Snapshot, error) {
		ctx, cancel := context.WithTimeout(ctx, bound)
		defer cancel()
		snap, err := conn.Cluster.Snapshot(ctx, o.Base, timeLags.options(kafka.SnapshotOptions{Topic: topic}))
		timeLags.taken(err)
		return scope.apply(snap), err
	})
}

// rememberTimeLags keeps a kafka.TimeLagMemo across the samples of one
// connection, so that each sample fetches only the oldest-unconsumed
// records it has not read. A sample that fails as a whole forgets them:
// the cluster that answers next may not be the same one. A nil
// *rememberTimeLags remembers nothing.
type rememberTimeLags struct{ memo *kafka.TimeLagMemo }

// options is opt with the memo, made on first use.
func (r *rememberTimeLags) options(opt kafka.SnapshotOptions) kafka.SnapshotOptions {
	if r == nil {
		return opt
	}
	if r.memo == nil {
		r.memo = kafka.NewTimeLagMemo()
	}
	opt.TimeLagMemo = r.memo
	return opt
}

// taken forgets the memo when a sample failed.
func (r *rememberTimeLags) taken(err error) {
	if r != nil && err != nil {
		r.memo = nil
	}
}
