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
	"github.com/kgroups/kgroups/model/filter"
	"github.com/kgroups/kgroups/ui/render"
)

// consumeOptions are the flags of consume.
type consumeOptions struct {
	topic  string
	suffix string
	max    int
	dec    *decode.Decoder // how keys and values are shown; set once connected
	peek   bool
	force  bool
	output *outputFlag

	// Where a peek starts; only with --peek.
	fromOffset    int64
	fromTime      string
	last          bool
	fromBeginning bool
	partition     int32

	// Follow: with --peek, read on as records arrive (tail sets it).
	follow bool
	until  string
	untilT time.Time

	// Filters: for peek, follow and consume alike.
	filterSpec filter.Spec
	filter     *filter.Filter
}

func newConsumeCommand(a *app) *cobra.Command {
	o := consumeOptions{output: newOutputFlag("", "jsonl", "pretty", "value")}
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
--from-time, --from-beginning or the --last N records of each partition,
optionally of one --partition. A peek prints records as they arrive: by partition, then
offset, within each fetch from the brokers (one partition's records are
always in offset order; a later fetch may bring a lower partition).

With --peek --follow (or kgroups tail), it reads on as records are produced
and prints them as they arrive, never joining a group or committing: from
the log end, or from where --from-beginning, --from-offset, --from-time or
--last (the last -n records of each partition, like tail -n 10 -f) say.
It runs until Ctrl-C (exit 0), until --until TIME (a partition ends at its
first record stamped at or after TIME; once the clock passes TIME it reads
on only up to the end offsets of that moment), or until -n records were
printed when -n is given without --last.

` + filterHelp + `

-o jsonl prints one JSON object per record, a stable format for scripts:
  {"topic","partition","offset","timestamp","key","value","headers":[{"key","value"}]}
A value decoded by its schema (--schema-registry) or decompressed (gzip, zstd,
lz4, snappy) holds the decoded JSON, followed by "value_format" and
"value_schema"; one that failed to decode keeps its bytes and adds
"value_error". --decode raw prints the bytes as they are.
-o pretty (the default on a terminal) indents and colours the records.
-o value prints each value alone on a line, as kcat -C does: decoded when
--decode finds it encoded, a tombstone as an empty line; the bytes as they
are into a pipe or a file (a value holding a newline spans lines), escaped
on a terminal.`,
		Example: `  kgroups consume --demo --topic spent_detail_topic --suffix incremental -n 10
  kgroups consume --demo --topic user_events --suffix analytics -n 5 --peek -o jsonl
  kgroups consume --demo --topic spent_detail_topic -n 3 --peek --last
  kgroups consume --demo --topic spent_detail_topic --peek --follow --jq '.amount.value > 100'
  kgroups consume --demo --topic user_events --peek -n 5 --from-beginning --grep login`,
		Args: cobra.NoArgs,
		RunE: a.runE(func(cmd *cobra.Command, _ []string) error {
			return a.runConsume(cmd, &o)
		}),
	}
	f := cmd.Flags()
	f.StringVar(&o.topic, "topic", "", "topic to read (required)")
	f.StringVar(&o.suffix, "suffix", "", "use the group {base}-{topic}-{suffix} instead of the default {base}-{topic}")
	f.IntVarP(&o.max, "max", "n", 0, "number of records to read, of matches with a filter (required, but optional with --follow)")
	f.BoolVar(&o.peek, "peek", false, "read without joining the group and never commit")
	f.BoolVar(&o.force, "force", false, "join the group even if live members hold it (rebalances them)")
	f.BoolVar(&o.follow, "follow", false, "with --peek: read on as records arrive, until Ctrl-C, --until or -n")
	addReadFlags(cmd, &o, "with --peek: ")
	return cmd
}

// addReadFlags adds the flags consume and tail share: output, start
// position, partition, --until and the filters. only prefixes the help of
// the flags that consume takes only with --peek.
func addReadFlags(cmd *cobra.Command, o *consumeOptions, only string) {
	f := cmd.Flags()
	f.VarP(o.output, "output", "o", "output format: jsonl, pretty or value (default pretty on a terminal, else jsonl)")
	f.Int64Var(&o.fromOffset, "from-offset", 0, only+"start at this offset on every partition read")
	f.StringVar(&o.fromTime, "from-time", "", only+"start at the first record at or after this RFC 3339 time")
	f.BoolVar(&o.last, "last", false, only+"start with the last N records of each partition")
	f.BoolVar(&o.fromBeginning, "from-beginning", false, only+"start at the log start of every partition read")
	f.Int32Var(&o.partition, "partition", 0, only+"read only this partition")
	untilOnly := "with --follow: "
	if only == "" {
		untilOnly = ""
	}
	f.StringVar(&o.until, "until", "", untilOnly+"stop at this RFC 3339 time")
	f.StringVar(&o.filterSpec.Key, "key", "", "keep records whose key matches this glob")
	f.StringArrayVar(&o.filterSpec.Headers, "header", nil, "keep records with a header K whose value matches a glob: K=GLOB (repeatable; all must hold)")
	f.StringVar(&o.filterSpec.Grep, "grep", "", "keep records whose value contains this text, ignoring case")
	f.StringVar(&o.filterSpec.JQ, "jq", "", "keep records whose JSON value makes this jq expression true (not false or null)")
}

// filterHelp explains the filters in the help of consume and tail.
const filterHelp = `Filters (--key GLOB, --header K=GLOB, --grep TEXT, --jq EXPR; a record is
kept when it meets all of them) work on peek, follow and consume alike; with
a filter, -n counts matches, and stderr says how many records were scanned.
Globs match the whole key or header value: * any run of characters, ? one
character, [a-z] and [!a-z] classes, \ quotes the next character. --grep
ignores case. --jq keeps a record when the expression over its value parsed
as JSON is true (anything but false and null; a runtime error is no match);
values that are not JSON, and tombstones, never match. A consume that
commits writes the matches and commits every record it scanned, matching or
not, once the matches are written: never past what was scanned and written.
A bad glob, a header without = or a jq expression that does not compile is
a usage error (exit 2) before connecting.`

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

	if o.dec, err = conn.Decoder(); err != nil {
		return err
	}
	group := ""
	if s.Base != "" {
		group = model.GroupName{Base: s.Base, Topic: o.topic, Suffix: o.suffix}.String()
	}
	switch {
	case !o.peek:
		return a.consumeDelivered(ctx, conn, o, group)
	case o.follow:
		return a.runFollow(ctx, conn, o, req)
	case !o.filter.Empty():
		return a.filteredPeek(ctx, conn, o, req)
	}
	n, err := a.streamPeek(ctx, conn.Cluster, req, o.output.value, o.dec)
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
		return req, usagef("%s needs --topic", cmd.Name())
	case o.follow && !o.peek:
		return req, usagef("--follow works only with --peek: a follow never joins the group nor commits")
	case !f.Changed("max") && !o.follow:
		return req, usagef("consume needs -n N, the number of records to read")
	case f.Changed("max") && o.max < 1:
		return req, usagef("-n must be at least 1, got %d", o.max)
	case o.follow && o.last && !f.Changed("max"):
		return req, usagef("--last needs -n N, the number of records of each partition to start with")
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
	for _, name := range []string{"from-offset", "from-time", "last", "from-beginning", "partition"} {
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
	if f.Changed("until") {
		if !o.follow {
			return req, usagef("--until works only with --follow: a peek or a consume stops at the log end")
		}
		t, err := time.Parse(time.RFC3339, o.until)
		if err != nil {
			return req, usagef("--until %q is not an RFC 3339 time such as 2025-01-31T09:00:00Z", o.until)
		}
		o.untilT = t
	}
	flt, err := filter.Compile(o.filterSpec)
	if err != nil {
		return req, usagef("%v", err)
	}
	o.filter = flt

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
	case o.fromBeginning:
		req.From = kafka.PeekEarliest
	case o.follow:
		req.From = kafka.PeekEnd
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
//
// With a filter, each chunk's matching records are written and flushed, and
// then the whole chunk is committed, matching or not: the commit covers what
// was scanned and never goes past it. -n counts matches: a chunk holding
// more matches than -n still wants is not written; it is read again cut
// just before the first match too many, so nothing past the last match
// written is committed.
func (a *app) consumeDelivered(ctx context.Context, conn *connection, o *consumeOptions, group string) error {
	defer catchSIGPIPE()()
	reg, err := kafka.NewConsumerPool(conn.Settings.Base, conn.Config, kafka.WithForce(o.force))
	if err != nil {
		return fmt.Errorf("consume %s as group %s on %s: %w", o.topic, group, conn.Bootstrap(), err)
	}
	defer reg.Close()

	out := a.newRecordWriter(ctx, o.output.value, o.dec)
	filtered := !o.filter.Empty()
	committed := 0 // records scanned, written if they matched, and committed
	matched := 0   // of those, the ones that matched (all of them without a filter)
	cut := 0       // >0: the next chunk is cut to this many records
	delivered := func() string { return deliveredMsg(committed, matched, filtered, group) }
	for matched < o.max && ctx.Err() == nil {
		want := min(consumeChunk, o.max-matched)
		if filtered {
			want = consumeChunk
		}
		if cut > 0 {
			want, cut = cut, 0
		}
		got, wrote := 0, 0
		err := reg.ConsumeFunc(ctx, o.topic, o.suffix, want, func(recs []model.Record) error {
			keep := recs
			if filtered {
				keep = nil
				for i := range recs {
					if !o.filter.Match(&recs[i]) {
						continue
					}
					if matched+len(keep) == o.max {
						// A match past -n: write nothing now, read
						// again up to just before it.
						return &overshoot{before: i}
					}
					keep = append(keep, recs[i])
				}
			}
			if err := out.write(keep); err != nil {
				return &deliveryError{err: err}
			}
			got, wrote = len(recs), len(keep)
			return nil
		})
		var (
			werr *deliveryError
			over *overshoot
		)
		switch {
		case errors.As(err, &over):
			cut = over.before
			continue
		case errors.As(err, &werr):
			return fmt.Errorf("consume %s: writing records failed: %w; %s; the next consume reads the rest again",
				o.topic, werr.err, delivered())
		case err != nil && ctx.Err() != nil && got == 0:
			// Interrupted while reading a chunk: none of it was written,
			// and the registry committed none of it.
		case (errors.Is(err, kafka.ErrGroupActive) || errors.Is(err, kafka.ErrNotAssigned)) && committed == 0:
			return err // it names the group, its members and what to do
		case err != nil:
			// got > 0: the chunk was written, then its commit failed.
			return fmt.Errorf("consume %s as group %s on %s: %w; %s%s", o.topic, group, conn.Bootstrap(), err,
				delivered(), notCommitted(wrote))
		}
		committed += got
		matched += wrote
		if got < want {
			break // the end of the log
		}
	}
	if se, ok := signalOf(ctx); ok {
		return fmt.Errorf("consume %s stopped by %s: %s; the next consume continues after them",
			o.topic, se.Signal, delivered())
	}
	if ctx.Err() != nil {
		return fmt.Errorf("consume %s: %w; %s", o.topic, ctx.Err(), delivered())
	}
	if committed == 0 {
		// "Read all" only when the group's lag is 0.
		if err := checkNothingLeft(ctx, conn, group, o.topic); err != nil {
			return err
		}
	}
	switch {
	case filtered:
		fmt.Fprintf(a.stderr, "%s; all %s committed as group %s\n",
			render.SanitizeLine(matchesLine(matched, committed, o.topic)), render.Thousands(committed), render.SanitizeLine(group))
	case o.output.value == "pretty":
		a.summarize(committed, o, group)
	}
	return nil
}

// overshoot is a chunk holding more matches than -n still wants; before is
// the index of the first match too many.
type overshoot struct{ before int }

func (e *overshoot) Error() string {
	return fmt.Sprintf("more matches than wanted from record %d", e.before)
}

// deliveredMsg says how many records were committed, each written before its
// commit (with a filter: each match written before the commit of the
// records scanned).
func deliveredMsg(committed, matched int, filtered bool, group string) string {
	if filtered {
		return fmt.Sprintf("%s record(s) scanned and committed as group %s, the %s matching written before their commit",
			render.Thousands(committed), group, render.Thousands(matched))
	}
	return fmt.Sprintf("%d record(s) committed as group %s, each written before its commit", committed, group)
}

// matchesLine says how many records matched a filter in how many scanned:
// "12 matches in 2,000,000 records of T scanned".
func matchesLine(matched, scanned int, topic string) string {
	m := "matches"
	if matched == 1 {
		m = "match"
	}
	r := "records"
	if scanned == 1 {
		r = "record"
	}
	return fmt.Sprintf("%s %s in %s %s of %s scanned", render.Thousands(matched), m, render.Thousands(scanned), r, topic)
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
		fmt.Fprintf(a.stderr, "%s peeked; nothing committed\n", render.SanitizeLine(what))
	case n == 0:
		fmt.Fprintf(a.stderr, "no records: group %s has read all of %s\n", render.SanitizeLine(group), render.SanitizeLine(o.topic))
	default:
		fmt.Fprintf(a.stderr, "%s consumed and committed as group %s\n", render.SanitizeLine(what), render.SanitizeLine(group))
	}
}
