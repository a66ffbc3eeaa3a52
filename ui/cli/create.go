package cli

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/model"
)

func newCreateCommand(a *app) *cobra.Command {
	var (
		o  opsFlags
		at string
	)
	cmd := &cobra.Command{
		Use:   "create",
		Short: "Create the group {base}-{topic}-{suffix} at a position without consuming (dry run unless --execute)",
		Long: `Create a new job's group {base}-{topic}-{suffix} by committing a starting
offset on every partition of its topic, without consuming anything: at the
log start (--at earliest, the default and what the service would do), the
log end (--at latest: only records produced from now on), or the first record
at or after an RFC 3339 time. A group that already exists is not touched:
move it with reset instead.

Without --execute nothing changes: the plan is printed. With --execute the
offsets are committed and read back. -o json prints the plan in reset's shape.`,
		Example: `  kgroups create --demo --topic spent_detail_topic --suffix audit --at latest
  kgroups create --demo --topic user_events --suffix replay --at 2025-01-15T08:00:00Z --execute`,
		Args: cobra.NoArgs,
		RunE: a.runE(func(cmd *cobra.Command, _ []string) error {
			s, err := o.resolve(cmd, "create")
			if err != nil {
				return err
			}
			if o.suffix == "" {
				return usagef("create needs --suffix: it creates the group {base}-{topic}-{suffix} of a new job")
			}
			if err := checkNewGroupName(s, o.topic, o.suffix); err != nil {
				return err
			}
			var start kafka.CreateStart
			switch at {
			case "earliest":
			case "latest":
				start.At = kafka.CreateAtLatest
			default:
				t, err := time.Parse(time.RFC3339, at)
				if err != nil {
					return usagef("--at %q: want earliest, latest or an RFC 3339 time such as 2025-01-31T09:00:00Z", at)
				}
				if t.Before(model.KafkaEpoch) {
					return usagef("--at %s is before %s: Kafka timestamps start there", at, model.KafkaEpoch.Format(time.RFC3339))
				}
				start = kafka.CreateStart{At: kafka.CreateAtTime, Time: t}
			}
			ctx := cmd.Context()
			conn, err := a.connect(ctx, s)
			if err != nil {
				return err
			}
			defer conn.Close()

			group := o.group(s)
			plan, err := conn.Cluster.PlanCreate(ctx, group, o.topic, start)
			if errors.Is(err, kafka.ErrGroupExists) {
				return fmt.Errorf("%w; move it with kgroups reset instead", err)
			}
			if err != nil {
				return fmt.Errorf("plan the creation of group %s on %s: %w", group, conn.Bootstrap(), err)
			}
			return a.applyPlan(ctx, conn, plan, &o, "creating it")
		}),
	}
	o.add(cmd, "suffix of the new group {base}-{topic}-{suffix} (required)")
	cmd.Flags().StringVar(&at, "at", "earliest", "where the group starts: earliest, latest or an RFC 3339 time")
	return cmd
}
