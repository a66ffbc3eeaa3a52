package cli

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/render"
)

func newLagCommand(a *app) *cobra.Command {
	var (
		topic      string
		partitions bool
		output     = newOutputFlag("table", "table", "json")
		watch      watchFlags
		scope      lagScope
		check      checkFlags
	)
	cmd := &cobra.Command{
		Use:   "lag",
		Short: "Show the lag of every group under the base, per partition",
		Long: `Show the groups under the base with their state, members and lag on their
topic. Every partition of the topic counts, committed or not: a partition
without a commit counts from the log start, where the group would begin.

-o json is a stable format for scripts:
  {"base","groups":[{"group","topic","suffix","state","members","lag",
    "partitions":[{"partition","start","end","committed","lag","expired",
      "oldest_unconsumed"}]}],"unmatched":[...]}

--watch keeps sampling every --interval (default 5s) until interrupted (or
--count samples) and prints each group's status, lag, lag change, consume
and produce rates, catch-up time and time lag, evaluated over --window
(default 5m). Statuses: OK, CATCHING UP, FALLING BEHIND, STALLED (lag, members,
commits not moving), STOPPED (lag, no members, commits not moving), UNKNOWN
(fewer than 3 samples in the window). With -o json, one object per sample:
  {"time","base","groups":[{"group","topic","suffix","status","lag",
    "lag_delta","consume_rate","produce_rate","catch_up_seconds",
    "catch_up_never","time_lag_seconds","partitions":[{"partition","status",
    "lag"}]}]}`,
		Example: `  kgroups lag --demo
  kgroups lag --brokers localhost:9092 --base my-batch-consumer --topic spent_detail_topic -o json
  kgroups lag --demo --watch --interval 2s`,
		Args: cobra.NoArgs,
		RunE: a.runE(func(cmd *cobra.Command, _ []string) error {
			s, err := resolveSettings(cmd)
			if err != nil {
				return err
			}
			if err := scope.validate(); err != nil {
				return err
			}
			if err := check.validate(cmd, &watch); err != nil {
				return err
			}
			if err := watch.validate(cmd); err != nil {
				return err
			}
			ctx := cmd.Context()
			conn, err := a.connect(ctx, s)
			if err != nil {
				return err
			}
			defer conn.Close()
			if conn.Settings.Base == "" {
				if conn.Settings.Base, err = pickBase(ctx, conn); err != nil {
					return err
				}
				s.Base = conn.Settings.Base
			}
			if check.on {
				return a.runLagCheck(ctx, conn, topic, scope, check, watch, output.value)
			}
			if watch.on {
				return a.runLagWatch(ctx, conn, topic, partitions, output.value, watch, scope)
			}

			snap, err := conn.Cluster.Snapshot(ctx, s.Base, kafka.SnapshotOptions{Topic: topic})
			if err != nil {
				return fmt.Errorf("lag of base %s on %s: %w", s.Base, conn.Bootstrap(), err)
			}
			if topic != "" {
				if _, ok := snap.Topic(topic); !ok {
					return fmt.Errorf("topic %q does not exist on %s", topic, conn.Bootstrap())
				}
			}
			for _, e := range snap.Errors {
				fmt.Fprintln(a.stderr, errorLine(ctx, fmt.Errorf("warning: partial data: %w", e)))
			}
			snap = scope.apply(snap)
			if output.value == "json" {
				return writeLagJSON(a.stdout, snap)
			}
			return writeLagTable(a.stdout, snap, partitions, a.now())
		}),
	}
	f := cmd.Flags()
	f.StringVar(&topic, "topic", "", "only the groups of this topic")
	f.BoolVar(&partitions, "partitions", false, "table: list every partition under each group")
	f.VarP(output, "output", "o", "output format: table (for people) or json (for scripts)")
	addWatchFlags(f, &watch)
	f.StringVar(&scope.group, "group", "", "only the groups whose id matches this glob, e.g. '*-incremental'")
	f.BoolVar(&scope.onlyLagging, "only-lagging", false, "only the groups with lag")
	addCheckFlags(f, &check)
	return cmd
}

// lagReport is the -o json shape of lag: a stable contract for scripts.
type lagReport struct {
	Base      string     `json:"base"`
	Groups    []lagGroup `json:"groups"`
	Unmatched []string   `json:"unmatched"`
}

type lagGroup struct {
	Group      string         `json:"group"`
	Topic      string         `json:"topic"`
	Suffix     string         `json:"suffix"`
	State      string         `json:"state"`
	Members    int            `json:"members"`
	Lag        int64          `json:"lag"`
	Partitions []lagPartition `json:"partitions"`
	Error      string         `json:"error,omitempty"` // only when the group failed to load
}

type lagPartition struct {
	Partition        int32   `json:"partition"`
	Start            int64   `json:"start"`
	End              int64   `json:"end"`
	Committed        *int64  `json:"committed"` // null without a commit
	Lag              int64   `json:"lag"`
	Expired          int64   `json:"expired"`
	OldestUnconsumed *string `json:"oldest_unconsumed"` // RFC 3339, null without lag or when unknown
	Error            string  `json:"error,omitempty"`   // only when the partition failed to load
}

// newLagReport converts a snapshot to the JSON shape, groups sorted by name
// and partitions by number.
func newLagReport(snap model.Snapshot) lagReport {
	r := lagReport{Base: snap.Base, Groups: []lagGroup{}, Unmatched: []string{}}
	for _, g := range snap.Groups {
		jg := lagGroup{
			Group:      g.ID,
			Topic:      g.Name.Topic,
			Suffix:     g.Name.Suffix,
			State:      g.State,
			Members:    len(g.Members),
			Lag:        g.Lag,
			Partitions: make([]lagPartition, 0, len(g.Partitions)),
		}
		if g.Err != nil {
			jg.Error = g.Err.Error()
		}
		for _, p := range g.Partitions {
			jp := lagPartition{Partition: p.Partition, Start: p.Start, End: p.End, Lag: p.Lag, Expired: p.Expired}
			if p.HasCommitted {
				jp.Committed = &p.Committed
			}
			if !p.OldestUnconsumed.IsZero() {
				ts := p.OldestUnconsumed.UTC().Format(timeLayout)
				jp.OldestUnconsumed = &ts
			}
			if p.Err != nil {
				jp.Error = p.Err.Error()
			}
			jg.Partitions = append(jg.Partitions, jp)
		}
		slices.SortFunc(jg.Partitions, func(a, b lagPartition) int { return cmp.Compare(a.Partition, b.Partition) })
		r.Groups = append(r.Groups, jg)
	}
	slices.SortFunc(r.Groups, func(a, b lagGroup) int { return strings.Compare(a.Group, b.Group) })
	r.Unmatched = append(r.Unmatched, snap.Unmatched...)
	slices.Sort(r.Unmatched)
	return r
}

func writeLagJSON(w io.Writer, snap model.Snapshot) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(newLagReport(snap))
}

// writeLagTable writes the lag of each group for people: one row per group,
// and with withPartitions one block of partitions under each group.
func writeLagTable(w io.Writer, snap model.Snapshot, withPartitions bool, now time.Time) error {
	r := newLagReport(snap)
	var total int64
	for _, g := range r.Groups {
		total += g.Lag
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "base %s: %d group(s), total lag %d\n\n", render.Sanitize(r.Base), len(r.Groups), total)
	if len(r.Groups) == 0 {
		fmt.Fprintf(tw, "no groups named %s-{topic}[-{suffix}]\n", render.Sanitize(r.Base))
	} else {
		fmt.Fprintln(tw, "TOPIC\tSUFFIX\tSTATE\tMEMBERS\tLAG\tEXPIRED\tOLDEST UNCONSUMED")
		for _, g := range r.Groups {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%s\n", render.Sanitize(g.Topic), suffixCell(g.Suffix),
				stateCell(g.State, g.Error), g.Members, g.Lag, expiredTotal(g), oldestCell(g.Partitions, now))
		}
		writeTopicTotals(tw, r.Groups)
	}
	if withPartitions {
		for _, g := range r.Groups {
			fmt.Fprintf(tw, "\n%s (%s, %d member(s), lag %d)\n", render.Sanitize(g.Group), stateCell(g.State, g.Error), g.Members, g.Lag)
			fmt.Fprintln(tw, "  PARTITION\tSTART\tCOMMITTED\tEND\tLAG\tEXPIRED\tOLDEST UNCONSUMED")
			for _, p := range g.Partitions {
				committed := "-"
				if p.Committed != nil {
					committed = strconv.FormatInt(*p.Committed, 10)
				}
				fmt.Fprintf(tw, "  %d\t%d\t%s\t%d\t%d\t%d\t%s\n", p.Partition, p.Start, committed, p.End, p.Lag, p.Expired,
					oldestCell([]lagPartition{p}, now))
				if p.Error != "" {
					fmt.Fprintf(tw, "    error: %s\n", render.Sanitize(p.Error))
				}
			}
		}
	}
	if len(r.Unmatched) > 0 {
		fmt.Fprintf(tw, "\nunder the base but fitting no topic: %s\n", render.Sanitize(strings.Join(r.Unmatched, ", ")))
	}
	return tw.Flush()
}

func suffixCell(suffix string) string {
	if suffix == "" {
		return "(default)"
	}
	return render.Sanitize(suffix)
}

func stateCell(state, err string) string {
	switch {
	case err != "":
		return "error: " + render.Sanitize(err)
	case state == "":
		return "?"
	}
	return render.Sanitize(state)
}

func expiredTotal(g lagGroup) int64 {
	var n int64
	for _, p := range g.Partitions {
		n += p.Expired
	}
	return n
}

// oldestCell shows the oldest unconsumed record of partitions as an age,
// or "-" when nothing is waiting or its time is unknown.
func oldestCell(parts []lagPartition, now time.Time) string {
	var oldest time.Time
	for _, p := range parts {
		if p.OldestUnconsumed == nil {
			continue
		}
		t, err := time.Parse(timeLayout, *p.OldestUnconsumed)
		if err == nil && (oldest.IsZero() || t.Before(oldest)) {
			oldest = t
		}
	}
	if oldest.IsZero() {
		return "-"
	}
	return formatAge(now, oldest) + " ago"
}

// writeTopicTotals writes the total lag of each topic's groups, topics
// sorted by name.
func writeTopicTotals(w io.Writer, groups []lagGroup) {
	lag := map[string]int64{}
	count := map[string]int{}
	for _, g := range groups {
		lag[g.Topic] += g.Lag
		count[g.Topic]++
	}
	fmt.Fprintln(w, "\nTOPIC\tGROUPS\tTOTAL LAG")
	for _, t := range slices.Sorted(maps.Keys(lag)) {
		fmt.Fprintf(w, "%s\t%d\t%d\n", render.Sanitize(t), count[t], lag[t])
	}
}
