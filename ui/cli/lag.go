package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kgroups/kgroups/kafka"
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
    "lag"}]}]}

--check exits 0 when every group in scope passes its conditions and 4 when
any fails (--max-lag N, --max-time-lag DURATION, --fail-on STATUS[,STATUS],
the last sampling every --interval over --window first), printing one line
per failing group: group, condition, figure. With -o json:
  [{"group","topic","suffix","condition","figure"}]
--group GLOB and --topic scope the groups shown or checked; --only-lagging
keeps the groups with lag. Without --base, lag uses the cluster's only base.`,
		Example: `  kgroups lag --demo
  kgroups lag --brokers localhost:9092 --base my-batch-consumer --topic spent_detail_topic -o json
  kgroups lag --demo --watch --interval 2s
  kgroups lag --demo --check --max-lag 1000 --group '*-incremental'`,
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

			defer collectLessOften()()
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

func suffixCell(suffix string) string {
	if suffix == "" {
		return "(default)"
	}
	return render.SanitizeLine(suffix)
}

func stateCell(state, err string) string {
	switch {
	case err != "":
		return "error: " + render.SanitizeLine(err)
	case state == "":
		return "?"
	}
	return render.SanitizeLine(state)
}
