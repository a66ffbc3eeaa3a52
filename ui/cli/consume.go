package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/kafka/decode"
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
with --suffix) the way the service does, in chunks of at most 1,000 records:
each chunk is written and flushed to stdout first and committed after, so a
record is never committed before it was written (a failed write commits none
of its chunk; SIGINT or SIGTERM commits what was written, then exits 130 or
143): the next call continues where this one stopped. A new group starts at
the earliest offset. It refuses (exit 3) to join a group that has live members,
since that would rebalance the running service; --force joins anyway, and
exits 5 if the live members keep every partition. An empty read says the
group has read all of the topic only when its lag is 0 (else exit 5).

With --peek, it reads without joining any group and never commits: from the
group's committed position (earliest where none), or from --from-offset,
--from-time or the --last N records of each partition, optionally of one
--partition. A peek prints records as they arrive: by partition, then
offset, within each fetch from the brokers (one partition's records are
always in offset order; a later fetch may bring a lower partition).

-o jsonl prints one JSON object per record, a stable format for scripts:
  {"topic","partition","offset","timestamp","key","value","headers":[{"key","value"}]}
A value decoded by its schema (--schema-registry) or decompressed (gzip, zstd,
lz4, snappy) holds the decoded JSON, followed by "value_format" and
"value_schema"; one that failed to decode keeps its bytes and adds
"value_error". --decode raw prints the bytes as they are.
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

	dec, err := conn.Decoder()
	if err != nil {
		return err
	}
	group := ""
	if s.Base != "" {
		group = model.GroupName{Base: s.Base, Topic: o.topic, Suffix: o.suffix}.String()
	}
	if !o.peek {
		return a.consumeDelivered(ctx, conn, o, group, dec)
	}
	n, err := a.streamPeek(ctx, conn.Cluster, req, o.output.value, dec)
	if err != nil {
		return fmt.Errorf("peek %s on %s: %w", o.topic, conn.Bootstrap(), err)
	}
	if o.output.value == "pretty" {
		a.summarize(n, o, group)
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
	if !o.peek {
		// Consuming commits, which creates the group: a peek only reads.
		if err := checkNewGroupName(s, o.topic, o.suffix); err != nil {
			return req, err
		}
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
		if t.Before(model.KafkaEpoch) {
			return req, usagef("--from-time %s is before %s: Kafka timestamps start there", o.fromTime, model.KafkaEpoch.Format(time.RFC3339))
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

// consumeChunk bounds the records written, flushed and committed at a time
// by consume: a kill late in a long run re-reads at most this many. A chunk
// never waits for records that are not there yet (the registry reads up to
// the end offsets it saw when the call started), so a slow trickle is
// committed as promptly as it is written.
const consumeChunk = 1000

// deliveryError is a failure to hand records to stdout.
type deliveryError struct{ err error }

func (e *deliveryError) Error() string { return e.err.Error() }
func (e *deliveryError) Unwrap() error { return e.err }

// consumeDelivered reads up to o.max records as the group through the
// service's consumer registry, in chunks: each chunk is written and flushed
// to stdout first and committed only once the operating system took it, so
// nothing is committed that the reader did not get (at-least-once). A write
// error stops at once with the chunk uncommitted; SIGINT or SIGTERM stops
// reading, and what was written by then is committed.
func (a *app) consumeDelivered(ctx context.Context, conn *connection, o *consumeOptions, group string, dec *decode.Decoder) error {
	defer catchSIGPIPE()()
	reg, err := kafka.NewRegistry(conn.Settings.Base, conn.Config, kafka.WithForce(o.force))
	if err != nil {
		return fmt.Errorf("consume %s as group %s on %s: %w", o.topic, group, conn.Bootstrap(), err)
	}
	defer reg.Close()

	out := a.newRecordWriter(ctx, o.output.value, dec)
	committed := 0
	for committed < o.max && ctx.Err() == nil {
		want := min(consumeChunk, o.max-committed)
		got := 0
		err := reg.ConsumeFunc(ctx, o.topic, o.suffix, want, func(recs []model.Record) error {
			if err := out.write(recs); err != nil {
				return &deliveryError{err: err}
			}
			got = len(recs)
			return nil
		})
		var werr *deliveryError
		switch {
		case errors.As(err, &werr):
			return fmt.Errorf("consume %s: writing records failed: %w; %s; the next consume reads the rest again",
				o.topic, werr.err, delivered(committed, group))
		case err != nil && ctx.Err() != nil && got == 0:
			// Interrupted while reading a chunk: none of it was written,
			// and the registry committed none of it.
		case (errors.Is(err, kafka.ErrGroupActive) || errors.Is(err, kafka.ErrNotAssigned)) && committed == 0:
			return err // it names the group, its members and what to do
		case err != nil:
			// got > 0: the chunk was written, then its commit failed.
			return fmt.Errorf("consume %s as group %s on %s: %w; %s%s", o.topic, group, conn.Bootstrap(), err,
				delivered(committed, group), notCommitted(got))
		}
		committed += got
		if got < want {
			break // the end of the log
		}
	}
	if se, ok := signalOf(ctx); ok {
		return fmt.Errorf("consume %s stopped by %s: %s; the next consume continues after them",
			o.topic, se.Signal, delivered(committed, group))
	}
	if ctx.Err() != nil {
		return fmt.Errorf("consume %s: %w; %s", o.topic, ctx.Err(), delivered(committed, group))
	}
	if committed == 0 {
		// "Read all" only when the group's lag is 0.
		if err := checkNothingLeft(ctx, conn, group, o.topic); err != nil {
			return err
		}
	}
	if o.output.value == "pretty" {
		a.summarize(committed, o, group)
	}
	return nil
}

// delivered says how many records were committed, each written before its
// commit, and where the next consume starts.
func delivered(n int, group string) string {
	return fmt.Sprintf("%d record(s) committed as group %s, each written before its commit", n, group)
}

// notCommitted says that n records written were left uncommitted.
func notCommitted(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(" (%d more written but not committed: they will be read again)", n)
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
