package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/format"
	"github.com/kgroups/kgroups/ui/render"
)

// lagScope narrows the groups lag shows or checks.
type lagScope struct {
	group       string // glob on the group id; "" for every group
	onlyLagging bool
}

// validate rejects a malformed --group glob before connecting.
func (s lagScope) validate() error {
	if s.group == "" {
		return nil
	}
	if _, err := path.Match(s.group, ""); err != nil {
		return usagef("--group %q is not a valid glob (%v): use * ? and [a-z]", s.group, err)
	}
	return nil
}

// keeps reports whether g is in scope.
func (s lagScope) keeps(g model.Group) bool {
	if s.onlyLagging && g.Lag <= 0 && g.Err == nil {
		return false
	}
	if s.group != "" {
		if ok, _ := path.Match(s.group, g.ID); !ok {
			return false
		}
	}
	return true
}

// apply keeps the groups of snap in scope.
func (s lagScope) apply(snap model.Snapshot) model.Snapshot {
	if s.group == "" && !s.onlyLagging {
		return snap
	}
	groups := make([]model.Group, 0, len(snap.Groups))
	for _, g := range snap.Groups {
		if s.keeps(g) {
			groups = append(groups, g)
		}
	}
	snap.Groups = groups
	return snap
}

// checkFlags are the flags of lag --check.
type checkFlags struct {
	on         bool
	maxLag     int64
	maxTimeLag time.Duration
	failOn     []string

	check model.LagCheck // built by validate
}

func addCheckFlags(f *pflag.FlagSet, c *checkFlags) {
	f.BoolVar(&c.on, "check", false, "check conditions and exit 4 when a group fails one (see --max-lag, --max-time-lag, --fail-on)")
	f.Int64Var(&c.maxLag, "max-lag", 0, "with --check: a group fails when its lag is above N")
	f.DurationVar(&c.maxTimeLag, "max-time-lag", 0, "with --check: a group fails when its oldest unconsumed record is older, e.g. 15m")
	f.StringSliceVar(&c.failOn, "fail-on", nil, "with --check: a group fails on these statuses of lag --watch, e.g. STALLED,STOPPED (samples over --window)")
}

// checkConditionFlags are the conditions of --check.
var checkConditionFlags = []string{"max-lag", "max-time-lag", "fail-on"}

// validate checks the --check flags before connecting and builds the check.
// --fail-on makes lag sample over --window, so it turns on w.sampling.
func (c *checkFlags) validate(cmd *cobra.Command, w *watchFlags) error {
	f := cmd.Flags()
	given := slices.ContainsFunc(checkConditionFlags, f.Changed)
	switch {
	case !c.on && given:
		for _, name := range checkConditionFlags {
			if f.Changed(name) {
				return usagef("--%s needs --check", name)
			}
		}
	case !c.on:
		return nil
	case !given:
		return usagef("--check needs a condition: --max-lag N, --max-time-lag DURATION or --fail-on STATUS")
	case w.on:
		return usagef("--check and --watch cannot be used together: --check ends with an exit code, --watch never does")
	case f.Changed("count"):
		return usagef("--count needs --watch: --check samples over --window")
	case f.Changed("max-lag") && c.maxLag < 0:
		return usagef("--max-lag must be 0 or more, got %d", c.maxLag)
	case f.Changed("max-time-lag") && c.maxTimeLag <= 0:
		return usagef("--max-time-lag must be positive, got %s", c.maxTimeLag)
	case f.Changed("partitions"):
		return usagef("--partitions does not apply to --check: it prints failing groups")
	}
	c.check = model.LagCheck{MaxLag: c.maxLag, HasMaxLag: f.Changed("max-lag"), MaxTimeLag: c.maxTimeLag}
	for _, word := range c.failOn {
		st, ok := model.ParseStatus(word)
		if !ok {
			return usagef("--fail-on %q is not a status: use %s", word, strings.Join(model.StatusWords(), ", "))
		}
		if !slices.Contains(c.check.FailOn, st) {
			c.check.FailOn = append(c.check.FailOn, st)
		}
	}
	if f.Changed("fail-on") && len(c.check.FailOn) == 0 {
		return usagef("--fail-on is empty: name a status such as STALLED")
	}
	if len(c.check.FailOn) > 0 {
		w.sampling = true
	} else {
		for _, name := range []string{"interval", "window"} {
			if f.Changed(name) {
				return usagef("--%s needs --fail-on (or --watch): only statuses are sampled", name)
			}
		}
	}
	return nil
}

// describe words a failed condition and the group's figure for it, the
// way lag prints lags, ages and statuses.
func (c checkFlags) describe(f model.CheckFailure) (condition, figure string) {
	switch f.Condition {
	case model.CheckMaxLag:
		return fmt.Sprintf("lag > %d", c.check.MaxLag), strconv.FormatInt(f.Lag, 10)
	case model.CheckMaxTimeLag:
		return "time lag > " + format.Duration(c.check.MaxTimeLag), format.Duration(f.TimeLag)
	case model.CheckStatus:
		return "status " + f.Status.String(), f.Status.String()
	default:
		return "readable", errText(f.Err)
	}
}

// ErrCheckFailed is matched (errors.Is) by a lag check that some group
// failed. It exits with ExitCheckFailed.
var ErrCheckFailed = errors.New("lag check failed")

// checkFailedError says how many groups failed a lag check.
type checkFailedError struct{ failed, checked int }

func (e *checkFailedError) Error() string {
	return fmt.Sprintf("lag check failed: %d of %d group(s) fail", e.failed, e.checked)
}

func (e *checkFailedError) Is(target error) bool { return target == ErrCheckFailed }

// checkResult is one line of lag --check's output: a group that fails,
// the conditions it fails and its figures for them (joined with "; " when
// several). -o json prints a list of them, a stable contract for scripts.
type checkResult struct {
	Group     string `json:"group"`
	Topic     string `json:"topic"`
	Suffix    string `json:"suffix"`
	Condition string `json:"condition"`
	Figure    string `json:"figure"`
}

// runLagCheck is lag --check on an open connection: it reads the groups in
// scope (sampling over the window for --fail-on), prints the conditions
// they fail and fails with a *checkFailedError when any does.
func (a *app) runLagCheck(ctx context.Context, conn *connection, topic string, scope lagScope, c checkFlags, w watchFlags, output string) error {
	base := conn.Settings.Base
	// Sampling for --fail-on reads the time lags once, not every sample.
	var timeLags *rememberTimeLags
	if len(c.check.FailOn) > 0 {
		timeLags = &rememberTimeLags{}
	}
	take := func(ctx context.Context) (model.Snapshot, error) {
		snap, err := conn.Cluster.Snapshot(ctx, base, timeLags.options(kafka.SnapshotOptions{Topic: topic, SkipTimestamps: c.check.MaxTimeLag == 0}))
		timeLags.taken(err)
		if err != nil {
			return snap, fmt.Errorf("lag of base %s on %s: %w", base, conn.Bootstrap(), err)
		}
		if topic != "" {
			if _, ok := snap.Topic(topic); !ok {
				return snap, fmt.Errorf("topic %q does not exist on %s", topic, conn.Bootstrap())
			}
		}
		return scope.apply(snap), nil
	}

	var snap model.Snapshot
	statuses := map[string]model.Status{}
	var err error
	if len(c.check.FailOn) == 0 {
		if snap, err = take(ctx); err != nil {
			return err
		}
	} else if snap, statuses, err = a.sampleStatuses(ctx, take, w); err != nil {
		return err
	}
	for _, e := range snap.Errors {
		fmt.Fprintln(a.stderr, errorLine(ctx, fmt.Errorf("warning: partial data: %w", e)))
	}
	if len(snap.Groups) == 0 {
		return fmt.Errorf("lag check: no group under base %s in scope on %s: nothing checked", base, conn.Bootstrap())
	}

	now := a.now()
	results := []checkResult{}
	for _, g := range snap.Groups {
		if c.check.MaxTimeLag > 0 && g.Err == nil {
			if _, ok := model.GroupTimeLag(g, now); !ok {
				fmt.Fprintln(a.stderr, errorLine(ctx, fmt.Errorf("warning: group %s: the time of its oldest unconsumed record is unknown: --max-time-lag not checked", g.ID)))
			}
		}
		fails := c.check.Check(g, statuses[g.ID], now)
		if len(fails) == 0 {
			continue
		}
		// One line per failing group; the conditions it fails, if
		// several, share it.
		conds := make([]string, 0, len(fails))
		figures := make([]string, 0, len(fails))
		for _, f := range fails {
			cond, figure := c.describe(f)
			conds, figures = append(conds, cond), append(figures, figure)
		}
		results = append(results, checkResult{Group: g.ID, Topic: g.Name.Topic, Suffix: g.Name.Suffix,
			Condition: strings.Join(conds, "; "), Figure: strings.Join(figures, "; ")})
	}
	failed := len(results)
	if err := writeCheck(a.stdout, output, results); err != nil {
		return err
	}
	if failed > 0 {
		return &checkFailedError{failed: failed, checked: len(snap.Groups)}
	}
	fmt.Fprintf(a.stderr, "lag check: all %d group(s) pass\n", len(snap.Groups))
	return nil
}

// sampleStatuses takes snapshots every w.interval until they span
// w.window, saying how far it is on stderr, and returns the last snapshot
// with each group's status over the window.
func (a *app) sampleStatuses(ctx context.Context, take snapshotFunc, w watchFlags) (model.Snapshot, map[string]model.Status, error) {
	cfg := model.DefaultEvalConfig()
	cfg.Window = w.window
	samples := max(int(w.window/w.interval)+1, cfg.MinSamples)
	ticker := a.ticker
	if ticker == nil {
		ticker = func(d time.Duration) (<-chan time.Time, func()) {
			t := time.NewTicker(d)
			return t.C, t.Stop
		}
	}
	ticks, stop := ticker(w.interval)
	defer stop()
	o := watchOptions{Interval: w.interval, Window: w.window}
	history := model.NewHistoryWith(model.HistoryOptions{Capacity: model.HistoryCapacity(o.Window, o.Interval), Budget: o.HistoryBudget})
	var snap model.Snapshot
	var first time.Time
	for i := range samples {
		if i > 0 {
			select {
			case <-ctx.Done():
				return snap, nil, ctx.Err()
			case <-ticks:
			}
		}
		var err error
		if snap, err = take(ctx); err != nil {
			return snap, nil, err
		}
		if i == 0 {
			first = snap.TakenAt
		}
		history.Observe(snap)
		fmt.Fprintf(a.stderr, "lag check: sample %d of %d (every %s over %s)\n", i+1, samples, w.interval, w.window)
	}
	// The samples span the window give or take the ticker's jitter:
	// evaluate over every one of them.
	cfg.Window = max(cfg.Window, snap.TakenAt.Sub(first)+time.Millisecond)
	statuses := make(map[string]model.Status, len(snap.Groups))
	for _, g := range snap.Groups {
		statuses[g.ID] = history.EvaluateGroup(g.ID, cfg).Status
	}
	return snap, statuses, nil
}

// writeCheck prints the failed conditions: one line per group and
// condition (group, condition, figure), or a JSON list.
func writeCheck(w io.Writer, output string, results []checkResult) error {
	if output == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(results)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, r := range results {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", render.SanitizeLine(r.Group), r.Condition, render.SanitizeLine(r.Figure))
	}
	return tw.Flush()
}

// pickBase is the base lag uses when none is given: the only base the
// cluster's group names suggest. With none or several it fails with a
// usage error listing them.
func pickBase(ctx context.Context, conn *connection) (string, error) {
	bases, err := conn.Cluster.DetectBases(ctx)
	if err != nil {
		return "", fmt.Errorf("no --base given, and the bases on %s could not be listed: %w", conn.Bootstrap(), err)
	}
	switch len(bases) {
	case 0:
		return "", usagef("lag needs a base group prefix: pass --base (or set %s); no group on %s is named {base}-{topic}[-{suffix}]", envBase, conn.Bootstrap())
	case 1:
		return bases[0].Base, nil
	}
	names := make([]string, 0, len(bases))
	for _, b := range bases {
		names = append(names, fmt.Sprintf("%s (%d group(s))", render.SanitizeLine(b.Base), b.Groups))
	}
	return "", usagef("lag needs a base group prefix: pass --base (or set %s); the cluster has %d: %s", envBase, len(bases), strings.Join(names, ", "))
}
