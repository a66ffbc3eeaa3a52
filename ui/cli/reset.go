package cli

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/model"
)

// resetOptions are the flags of reset.
type resetOptions struct {
	opsFlags
	toOffset    int64
	toOffsetMap string
	toDatetime  string
	byDuration  time.Duration
	shiftBy     int64
	fromSuffix  string
	fromFile    string
	partitions  []int32
}

// resetModeFlags are reset's mutually exclusive mode flags, in help order.
var resetModeFlags = []string{
	"to-earliest", "to-latest", "to-offset", "to-offset-map", "to-datetime",
	"by-duration", "shift-by", "from-suffix", "from-default", "from-file",
}

func newResetCommand(a *app) *cobra.Command {
	var o resetOptions
	cmd := &cobra.Command{
		Use:   "reset",
		Short: "Move the offsets of the group {base}-{topic}[-{suffix}] (dry run unless --execute)",
		Long: `Move the committed offsets of the group {base}-{topic} (or {base}-{topic}-{suffix}
with --suffix) on its topic, on every partition or on --partitions only.

Pick exactly one mode:
  --to-earliest            the log start of each partition
  --to-latest              the log end: skip everything not yet read
  --to-offset N            offset N on every partition
  --to-offset-map 0=10,1=20  one offset per partition (only those partitions)
  --to-datetime RFC3339    the first record at or after that time
  --by-duration D          the first record at or after D ago (e.g. 1h, 30m)
  --shift-by ±N            N records forward (or back) from the current position
  --from-suffix S2         copy the offsets of the sibling {base}-{topic}-S2
  --from-default           copy the offsets of the default group {base}-{topic}
  --from-file FILE         the offsets in FILE ("-": stdin), as offsets export
                           prints them: its JSON or rpk's "topic partition
                           offset" lines (only those partitions)
Every target is clamped to the partition's [start, end] and marked when it is.

Without --execute nothing changes: the plan is printed (current → new offset
and lag before → after per partition). With --execute the plan is committed,
read back, and what is now committed is printed; a partition that did not
take fails the command (exit 1). A group with live members is refused
(exit 3), as is --execute in read-only mode.

-o json is a stable format for scripts:
  {"group","topic","operation","dry_run","lag_before","lag_after",
   "partitions":[{"partition","start","end","current","new","lag_before",
     "lag_after","clamped","skipped","replayed","expired"}]}
with, after --execute, "committed" (read back) and "error" per partition.`,
		Example: `  kgroups reset --demo --topic spent_detail_topic --suffix incremental --to-earliest
  kgroups reset --demo --topic spent_detail_topic --suffix incremental --from-suffix full-index --execute
  kgroups reset --demo --topic spent_detail_topic --shift-by -10 --partitions 0,1 -o json`,
		Args: cobra.NoArgs,
		RunE: a.runE(func(cmd *cobra.Command, _ []string) error {
			return a.runReset(cmd, &o)
		}),
	}
	o.add(cmd, "reset the group {base}-{topic}-{suffix} instead of the default {base}-{topic}")
	f := cmd.Flags()
	f.Bool("to-earliest", false, "reset to the log start of each partition")
	f.Bool("to-latest", false, "reset to the log end of each partition")
	f.Int64Var(&o.toOffset, "to-offset", 0, "reset every partition to this offset")
	f.StringVar(&o.toOffsetMap, "to-offset-map", "", "reset partitions to offsets, e.g. 0=10,1=20")
	f.StringVar(&o.toDatetime, "to-datetime", "", "reset to the first record at or after this RFC 3339 time")
	f.DurationVar(&o.byDuration, "by-duration", 0, "reset to the first record at or after this long ago, e.g. 1h or 30m")
	f.Int64Var(&o.shiftBy, "shift-by", 0, "move each partition N records forward (negative: back)")
	f.StringVar(&o.fromSuffix, "from-suffix", "", "copy the offsets of the sibling group {base}-{topic}-S2")
	f.Bool("from-default", false, "copy the offsets of the default group {base}-{topic}")
	f.StringVar(&o.fromFile, "from-file", "", "reset to the offsets in this file (\"-\": stdin), as offsets export prints them (JSON or rpk lines)")
	f.Int32SliceVar(&o.partitions, "partitions", nil, "only these partitions, comma-separated (default all)")
	return cmd
}

func (a *app) runReset(cmd *cobra.Command, o *resetOptions) error {
	s, err := o.resolve(cmd, "reset")
	if err != nil {
		return err
	}
	if err := checkNewGroupName(s, o.topic, o.suffix); err != nil {
		return err
	}
	spec, err := o.spec(cmd, s, a.now)
	if err != nil {
		return err
	}
	if spec.Mode == kafka.ResetToOffsetMap && o.fromFile != "" {
		if spec.OffsetMap, err = readOffsetsFile(o.fromFile, a.stdin, o.topic); err != nil {
			return err
		}
		spec.File = o.fromFile
		if o.fromFile == "-" {
			spec.File = "stdin"
		}
	}
	ctx := cmd.Context()
	conn, err := a.connect(ctx, s)
	if err != nil {
		return err
	}
	defer conn.Close()

	group := o.group(s)
	plan, err := conn.Cluster.PlanReset(ctx, group, o.topic, spec)
	if err != nil {
		return fmt.Errorf("plan the reset of group %s on %s: %w", group, conn.Bootstrap(), err)
	}
	return a.applyPlan(ctx, conn, plan, &o.opsFlags, "resetting its offsets")
}

// spec checks the mode flags, exactly one of which must be given, and builds
// the reset they ask for. It runs before anything touches the network.
func (o *resetOptions) spec(cmd *cobra.Command, s Settings, now func() time.Time) (kafka.ResetSpec, error) {
	f := cmd.Flags()
	var modes []string
	for _, name := range resetModeFlags {
		if !f.Changed(name) {
			continue
		}
		if f.Lookup(name).Value.Type() == "bool" {
			if on, _ := f.GetBool(name); !on {
				continue
			}
		}
		modes = append(modes, "--"+name)
	}
	switch len(modes) {
	case 0:
		return kafka.ResetSpec{}, usagef("reset needs one mode: --%s", strings.Join(resetModeFlags, ", --"))
	case 1:
	default:
		return kafka.ResetSpec{}, usagef("%s and %s cannot be used together: pick one reset mode", modes[0], modes[1])
	}

	spec := kafka.ResetSpec{Now: now}
	seen := make(map[int32]bool, len(o.partitions))
	for _, p := range o.partitions {
		if p < 0 {
			return spec, usagef("--partitions: partition %d is negative", p)
		}
		if seen[p] {
			return spec, usagef("--partitions: partition %d is given twice", p)
		}
		seen[p] = true
	}
	spec.Partitions = o.partitions

	switch modes[0] {
	case "--to-earliest":
		spec.Mode = kafka.ResetToEarliest
	case "--to-latest":
		spec.Mode = kafka.ResetToLatest
	case "--to-offset":
		if o.toOffset < 0 {
			return spec, usagef("--to-offset must be 0 or more, got %d", o.toOffset)
		}
		spec.Mode, spec.Offset = kafka.ResetToOffset, o.toOffset
	case "--to-offset-map":
		if len(o.partitions) > 0 {
			return spec, usagef("--to-offset-map names its partitions already: leave out --partitions")
		}
		m, err := parseOffsetMap(o.toOffsetMap)
		if err != nil {
			return spec, err
		}
		spec.Mode, spec.OffsetMap = kafka.ResetToOffsetMap, m
	case "--from-file":
		if len(o.partitions) > 0 {
			return spec, usagef("--from-file names its partitions already: leave out --partitions")
		}
		if o.fromFile == "" {
			return spec, usagef("--from-file is empty: name a file, or - for stdin")
		}
		spec.Mode = kafka.ResetToOffsetMap // the map is read once the flags are all checked
	case "--to-datetime":
		t, err := time.Parse(time.RFC3339, o.toDatetime)
		if err != nil {
			return spec, usagef("--to-datetime %q is not an RFC 3339 time such as 2025-01-31T09:00:00Z", o.toDatetime)
		}
		if t.Before(model.KafkaEpoch) {
			return spec, usagef("--to-datetime %s is before %s: Kafka timestamps start there", o.toDatetime, model.KafkaEpoch.Format(time.RFC3339))
		}
		spec.Mode, spec.Time = kafka.ResetToDatetime, t
	case "--by-duration":
		if o.byDuration <= 0 {
			return spec, usagef("--by-duration must be positive (how long ago), got %s", o.byDuration)
		}
		if at := now().Add(-o.byDuration); at.Before(model.KafkaEpoch) {
			return spec, usagef("--by-duration %s reaches back to %s, before %s: Kafka timestamps start there", o.byDuration, at.UTC().Format(model.TimeLayout), model.KafkaEpoch.Format(time.RFC3339))
		}
		spec.Mode, spec.Duration = kafka.ResetByDuration, o.byDuration
	case "--shift-by":
		spec.Mode, spec.Shift = kafka.ResetShiftBy, o.shiftBy
	case "--from-suffix", "--from-default":
		from := model.GroupName{Base: s.Base, Topic: o.topic, Suffix: o.fromSuffix}
		if modes[0] == "--from-suffix" && o.fromSuffix == "" {
			return spec, usagef("--from-suffix is empty: to copy from the default group %s use --from-default", from)
		}
		if o.fromSuffix == o.suffix {
			return spec, usagef("cannot copy group %s onto itself: pick another --from-suffix (or --from-default)", from)
		}
		spec.Mode, spec.FromGroup = kafka.ResetFromGroup, from.String()
	}
	return spec, nil
}

// parseOffsetMap parses "0=10,1=20" into offsets by partition.
func parseOffsetMap(s string) (map[int32]int64, error) {
	m := make(map[int32]int64)
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		ps, os, ok := strings.Cut(item, "=")
		p, perr := strconv.ParseInt(strings.TrimSpace(ps), 10, 32)
		off, oerr := strconv.ParseInt(strings.TrimSpace(os), 10, 64)
		switch {
		case !ok || perr != nil || oerr != nil:
			return nil, usagef("--to-offset-map: %q is not partition=offset (want e.g. 0=10,1=20)", item)
		case p < 0 || off < 0:
			return nil, usagef("--to-offset-map: %q: partition and offset must be 0 or more", item)
		}
		if _, dup := m[int32(p)]; dup {
			return nil, usagef("--to-offset-map: partition %d is given twice", p)
		}
		m[int32(p)] = off
	}
	return m, nil
}
