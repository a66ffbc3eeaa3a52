package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/model/filter"
	"github.com/kgroups/kgroups/ui/render"
)

// newTailCommand is kgroups tail, the short name of consume --peek --follow.
func newTailCommand(a *app) *cobra.Command {
	o := consumeOptions{output: newOutputFlag("", "jsonl", "pretty", "value"), peek: true, follow: true}
	cmd := &cobra.Command{
		Use:   "tail",
		Short: "Follow a topic as records arrive, optionally filtered (never joins a group, never commits)",
		Long: `Follow a topic: kgroups tail --topic T is kgroups consume --peek --follow --topic T.

It prints records as they are produced, from the log end unless
--from-beginning, --from-offset, --from-time or --last (with -n: the last N
records of each partition, then on as they arrive) says otherwise, and runs
until Ctrl-C (exit 0), until --until TIME, or until -n records were printed
(-n without --last). It never joins or creates a group and never commits.
A partition ends at its first record stamped at or after --until; once the
clock passes --until, tail reads on only up to the end offsets of that
moment, then stops. Partitions added while it runs are not read.

` + filterHelp,
		Example: `  kgroups tail --demo --topic spent_detail_topic
  kgroups tail --demo --topic spent_detail_topic --jq '.amount.value > 100' -o jsonl
  kgroups tail --demo --topic spent_detail_topic --from-beginning --header producer=spent-api -n 10`,
		Args: cobra.NoArgs,
		RunE: a.runE(func(cmd *cobra.Command, _ []string) error {
			return a.runConsume(cmd, &o)
		}),
	}
	cmd.Flags().StringVar(&o.topic, "topic", "", "topic to follow (required)")
	cmd.Flags().IntVarP(&o.max, "max", "n", 0, "stop after N records (of matches with a filter); with --last, start with the last N of each partition")
	addReadFlags(cmd, &o, "")
	return cmd
}

// errEnough ends a read once -n records (or matches) were printed.
var errEnough = errors.New("enough records")

// matchWriter writes the records that match a filter and counts what it
// scanned and kept; with limit > 0 it stops the read (errEnough) once limit
// records were kept, leaving the rest of the batch unscanned.
type matchWriter struct {
	out     *recordWriter
	filter  *filter.Filter
	limit   int
	scanned int
	matched int
	keep    []model.Record
}

func (w *matchWriter) write(recs []model.Record) error {
	w.keep = w.keep[:0]
	for i := range recs {
		if w.limit > 0 && w.matched == w.limit {
			break
		}
		w.scanned++
		if w.filter.Match(&recs[i]) {
			w.keep = append(w.keep, recs[i])
			w.matched++
		}
	}
	err := w.out.write(w.keep)
	clear(w.keep) // let the fetched buffers go
	if err != nil {
		return &deliveryError{err: err}
	}
	if w.limit > 0 && w.matched >= w.limit {
		return errEnough
	}
	return nil
}

// runFollow follows the topic until Ctrl-C (exit 0), --until or -n.
func (a *app) runFollow(ctx context.Context, conn *connection, o *consumeOptions, req kafka.PeekRequest) error {
	w := &matchWriter{out: a.newRecordWriter(ctx, o.output.value, o.dec), filter: o.filter}
	if !o.last {
		w.limit = o.max // with --last, -n is where to start
	}
	freq := kafka.FollowRequest{
		Topic: req.Topic, Group: req.Group, From: req.From, Offset: req.Offset, Time: req.Time,
		Partition: req.Partition, Until: o.untilT,
	}
	if o.last {
		freq.Last = o.max
	}
	_, err := conn.Cluster.Follow(ctx, freq, w.write)
	var werr *deliveryError
	switch {
	case err == nil, errors.Is(err, errEnough):
	case errors.As(err, &werr):
		return fmt.Errorf("follow %s: writing records failed: %w", o.topic, werr.err)
	case ctx.Err() != nil:
		if _, ok := signalOf(ctx); !ok {
			return fmt.Errorf("follow %s on %s: %w", o.topic, conn.Bootstrap(), err)
		}
		// Ctrl-C (or SIGTERM) is how a follow is meant to end.
	default:
		return fmt.Errorf("follow %s on %s: %w", o.topic, conn.Bootstrap(), err)
	}
	a.summarizeRead(o, w)
	return nil
}

// filteredPeek peeks up to the log end as measured when it starts, printing
// the matches as fetches arrive, and stops after -n matches. With --last,
// -n is the number of records of each partition scanned.
func (a *app) filteredPeek(ctx context.Context, conn *connection, o *consumeOptions, req kafka.PeekRequest) error {
	w := &matchWriter{out: a.newRecordWriter(ctx, o.output.value, o.dec), filter: o.filter}
	if req.From != kafka.PeekLast {
		w.limit = o.max
		req.Max = int(^uint(0) >> 1) // scan to the end unless -n matches come first
	}
	_, err := conn.Cluster.PeekEach(ctx, req, w.write)
	var werr *deliveryError
	switch {
	case err == nil, errors.Is(err, errEnough):
	case errors.As(err, &werr):
		return fmt.Errorf("peek %s: writing records failed: %w", o.topic, werr.err)
	default:
		return fmt.Errorf("peek %s on %s: %w", o.topic, conn.Bootstrap(), err)
	}
	a.summarizeRead(o, w)
	return nil
}

// summarizeRead tells people on stderr what a peek or follow printed: with a
// filter always (how many matched in how many scanned, so "0 matches in
// 2,000,000 records" is visible), else only with -o pretty.
func (a *app) summarizeRead(o *consumeOptions, w *matchWriter) {
	switch {
	case !o.filter.Empty():
		fmt.Fprintf(a.stderr, "%s; nothing committed\n", render.SanitizeLine(matchesLine(w.matched, w.scanned, o.topic)))
	case o.output.value == "pretty":
		verb := "peeked"
		if o.follow {
			verb = "followed"
		}
		fmt.Fprintf(a.stderr, "%s record(s) of %s %s; nothing committed\n", render.Thousands(w.matched), render.SanitizeLine(o.topic), verb)
	}
}
