package cli

import (
	"bufio"
	"errors"
	"fmt"

	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/spf13/cobra"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/render"
)

// consumeOptions are the flags of consume.
type consumeOptions struct {
	topic  string
	suffix string
	max    int
	peek   bool
	force  bool
	output *outputFlag

	// Where a peek starts; only with --peek.
	fromOffset int64
	fromTime   string
	last       bool
	partition  int32
}

func newConsumeCommand(a *app) *cobra.Command {
	o := consumeOptions{output: newOutputFlag("", "jsonl", "pretty")}
	cmd := &cobra.Command{
		Use:   "consume",
		Short: "Read N records as the group {base}-{topic}[-{suffix}] (commits), or peek them (never commits)",
		Long: `Read up to N records of a topic.

Without --peek, consume joins the group {base}-{topic} (or {base}-{topic}-{suffix}
with --suffix) the way the service does, and commits exactly the records it
prints: the next call continues where this one stopped. A new group starts at
the earliest offset. It refuses (exit 3) to join a group that has live members,
since that would rebalance the running service; --force joins anyway.

With --peek, it reads without joining any group and never commits: from the
group's committed position (earliest where none), or from --from-offset,
--from-time or the --last N records of each partition, optionally of one
--partition. A peek prints records as they arrive: by partition, then
offset, within each fetch from the brokers (one partition's records are
always in offset order; a later fetch may bring a lower partition).

-o jsonl prints one JSON object per record, a stable format for scripts:
  {"topic","partition","offset","timestamp","key","value","headers":[{"key","value"}]}
-o pretty (the default on a terminal) indents and colours the records.`,
		Example: `  kgroups consume --demo --topic spent_detail_topic --suffix incremental -n 10
  kgroups consume --demo --topic user_events --suffix analytics -n 5 --peek -o jsonl
  kgroups consume --demo --topic spent_detail_topic -n 3 --peek --last`,
		Args: cobra.NoArgs,
		RunE: a.runE(func(cmd *cobra.Command, _ []string) error {
			return a.runConsume(cmd, &o)
		}),
	}
	f := cmd.Flags()
	f.StringVar(&o.topic, "topic", "", "topic to read (required)")
	f.StringVar(&o.suffix, "suffix", "", "use the group {base}-{topic}-{suffix} instead of the default {base}-{topic}")
	f.IntVarP(&o.max, "max", "n", 0, "number of records to read (required; fewer only at the end of the log)")
	f.BoolVar(&o.peek, "peek", false, "read without joining the group and never commit")
	f.BoolVar(&o.force, "force", false, "join the group even if live members hold it (rebalances them)")
	f.VarP(o.output, "output", "o", "output format: jsonl or pretty (default pretty on a terminal, else jsonl)")
	f.Int64Var(&o.fromOffset, "from-offset", 0, "with --peek: start at this offset on every partition read")
	f.StringVar(&o.fromTime, "from-time", "", "with --peek: start at the first record at or after this RFC 3339 time")
	f.BoolVar(&o.last, "last", false, "with --peek: read the last N records of each partition")
	f.Int32Var(&o.partition, "partition", 0, "with --peek: read only this partition")
	return cmd
}

func (a *app) runConsume(cmd *cobra.Command, o *consumeOptions) error {
	s, err := resolveSettings(cmd)
	if err != nil {
		return err
	}
	req, err := o.validate(cmd, s)
	if err != nil {
		return err
	}
	if s.ReadOnly && !o.peek {
		// Refused before connecting: consuming as the group commits.
		return refusef("read-only mode (%s): consume commits what it reads; add --peek to read without committing, or pass --read-only=false", readOnlyCause(s))
	}
	if o.output.value == "" {
		o.output.value = "jsonl"
		if a.stdoutIsTerminal() {
			o.output.value = "pretty"
		}
	}

	ctx := cmd.Context()
	conn, err := a.connect(ctx, s)
	if err != nil {
		return err
	}
	defer conn.Close()

	group := ""
	if s.Base != "" {
		group = model.GroupName{Base: s.Base, Topic: o.topic, Suffix: o.suffix}.String()
	}
	if o.peek {
		n, err := a.streamPeek(ctx, conn.Cluster, req, o.output.value)
		if err != nil {
			return fmt.Errorf("peek %s on %s: %w", o.topic, conn.Bootstrap(), err)
		}
		if o.output.value == "pretty" {
			a.summarize(n, o, group)
		}
		return nil
	}
	recs, err := consumeWithRegistry(cmd, conn, o)
	if errors.Is(err, kafka.ErrGroupActive) {
		return err // it names the group, its members and what to do
	}
	if err != nil {
		return fmt.Errorf("consume %s as group %s on %s: %w", o.topic, group, conn.Bootstrap(), err)
	}

	if err := a.writeRecords(recs, o.output.value); err != nil {
		return err
	}
	if o.output.value == "pretty" {
		a.summarize(len(recs), o, group)
	}
	return nil
}

// validate checks the flag combination before anything touches the network
// and builds the peek request.
func (o *consumeOptions) validate(cmd *cobra.Command, s Settings) (kafka.PeekRequest, error) {
	f := cmd.Flags()
	req := kafka.PeekRequest{Topic: o.topic, Max: o.max}
	switch {
	case o.topic == "":
		return req, usagef("consume needs --topic")
	case !f.Changed("max"):
		return req, usagef("consume needs -n N, the number of records to read")
	case o.max < 1:
		return req, usagef("-n must be at least 1, got %d", o.max)
	case !o.peek && s.Base == "":
		return req, usagef("consume needs a base group prefix to name the group: pass --base (or set %s), or read without a group with --peek", envBase)
	case o.peek && o.force:
		return req, usagef("--force has no effect with --peek: a peek never joins the group")
	case o.suffix != "" && s.Base == "":
		return req, usagef("--suffix needs a base group prefix: pass --base (or set %s)", envBase)
	}

	var starts []string
	for _, name := range []string{"from-offset", "from-time", "last", "partition"} {
		if !f.Changed(name) {
			continue
		}
		if !o.peek {
			return req, usagef("--%s works only with --peek", name)
		}
		if name != "partition" {
			starts = append(starts, "--"+name)
		}
	}
	if len(starts) > 1 {
		return req, usagef("%s and %s cannot be used together: pick one start position", starts[0], starts[1])
	}

	switch {
	case f.Changed("from-offset"):
		if o.fromOffset < 0 {
			return req, usagef("--from-offset must be 0 or more, got %d", o.fromOffset)
		}
		req.From, req.Offset = kafka.PeekOffset, o.fromOffset
	case f.Changed("from-time"):
		t, err := time.Parse(time.RFC3339, o.fromTime)
		if err != nil {
			return req, usagef("--from-time %q is not an RFC 3339 time such as 2025-01-31T09:00:00Z", o.fromTime)
		}
		req.From, req.Time = kafka.PeekTimestamp, t
	case o.last:
		req.From = kafka.PeekLast
	case s.Base != "":
		req.From = kafka.PeekCommitted
		req.Group = model.GroupName{Base: s.Base, Topic: o.topic, Suffix: o.suffix}.String()
	default:
		req.From = kafka.PeekEarliest
	}
	if f.Changed("partition") {
		if o.partition < 0 {
			return req, usagef("--partition must be 0 or more, got %d", o.partition)
		}
		p := o.partition
		req.Partition = &p
	}
	return req, nil
}

// consumeWithRegistry reads through the service's consumer registry, which
// joins the group and commits what it returns.
func consumeWithRegistry(cmd *cobra.Command, conn *connection, o *consumeOptions) ([]model.Record, error) {
	reg, err := kafka.NewRegistry(conn.Settings.Base, conn.Config, kafka.WithForce(o.force))
	if err != nil {
		return nil, err
	}
	defer reg.Close()
	if o.suffix == "" {
		return reg.ConsumeMessages(cmd.Context(), o.topic, o.max)
	}
	return reg.ConsumeMessagesWithGroup(cmd.Context(), o.topic, o.max, o.suffix)
}

// writeRecords prints records as jsonl (one EncodeRecordJSON line each) or
// pretty: indented, coloured when a.colour(), everything from the cluster
// sanitized, one blank line between records.
func (a *app) writeRecords(recs []model.Record, format string) error {
	w := bufio.NewWriter(a.stdout)
	theme := render.PlainTheme()
	if format == "pretty" && a.colour() {
		theme = render.ColorThemeFor(lipgloss.NewRenderer(a.stdout))
	}
	for i, r := range recs {
		if format == "pretty" {
			if i > 0 {
				w.WriteString("\n")
			}
			w.WriteString(render.Record(r, theme, render.DefaultLimits()))
			w.WriteString("\n")
			continue
		}
		line, err := model.EncodeRecordJSON(r)
		if err != nil {
			return fmt.Errorf("encode %s/%d@%d: %w", r.Topic, r.Partition, r.Offset, err)
		}
		w.Write(line)
		w.WriteString("\n")
	}
	return w.Flush()
}

// summarize tells people on stderr what was read and whether it committed.
func (a *app) summarize(n int, o *consumeOptions, group string) {
	what := fmt.Sprintf("%d record(s) of %s", n, o.topic)
	switch {
	case o.peek:
		fmt.Fprintf(a.stderr, "%s peeked; nothing committed\n", render.Sanitize(what))
	case n == 0:
		fmt.Fprintf(a.stderr, "no records: group %s has read all of %s\n", render.Sanitize(group), render.Sanitize(o.topic))
	default:
		fmt.Fprintf(a.stderr, "%s consumed and committed as group %s\n", render.Sanitize(what), render.Sanitize(group))
	}
}
