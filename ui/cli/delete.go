package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/render"
)

// Operations delete reports.
const (
	opDeleteGroup   = "delete group"
	opDeleteOffsets = "delete offsets"
)

func newDeleteCommand(a *app) *cobra.Command {
	var (
		o           opsFlags
		offsetsOnly bool
	)
	cmd := &cobra.Command{
		Use:   "delete",
		Short: "Delete the group {base}-{topic}[-{suffix}] or its offsets on the topic (dry run unless --execute)",
		Long: `Delete the group {base}-{topic} (or {base}-{topic}-{suffix} with --suffix), for
example a job's suffix that is no longer used, or with --offsets-only just
its commits on the topic. Either way the group's next read starts again from
the earliest offset, as a new group would.

Without --execute nothing changes: the group, its state, members and the
commits that would go are printed. With --execute it is deleted and the
commits are read back to check none is left. A group with live members is
refused (exit 3), as is --execute in read-only mode.

-o json is a stable format for scripts:
  {"group","topic","operation","dry_run","state","members","lag",
   "partitions":[{"partition","start","end","committed","lag"}],
   "topics":[{"topic","partitions"}]}
with, after --execute, "read_back" per partition: the commit left (null).
"topics" lists every topic whose commits the delete drops: all the group's
topics for a whole-group delete, only --topic with --offsets-only.`,
		Example: `  kgroups delete --demo --topic spent_detail_topic --suffix incremental
  kgroups delete --demo --topic spent_detail_topic --suffix incremental --offsets-only --execute`,
		Args: cobra.NoArgs,
		RunE: a.runE(func(cmd *cobra.Command, _ []string) error {
			return a.runDelete(cmd, &o, offsetsOnly)
		}),
	}
	o.add(cmd, "delete the group {base}-{topic}-{suffix} instead of the default {base}-{topic}")
	cmd.Flags().BoolVar(&offsetsOnly, "offsets-only", false, "delete only the group's commits on the topic, not the group")
	return cmd
}

func (a *app) runDelete(cmd *cobra.Command, o *opsFlags, offsetsOnly bool) error {
	s, err := o.resolve(cmd, "delete")
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	conn, err := a.connect(ctx, s)
	if err != nil {
		return err
	}
	defer conn.Close()

	group := o.group(s)
	r, err := loadDeleteReport(ctx, conn, group, o.topic, offsetsOnly)
	if err != nil {
		return err
	}
	if !o.execute {
		if len(r.Members) > 0 {
			fmt.Fprintln(a.stderr, errorLine(ctx, fmt.Errorf("warning: group %s has %d live member(s) (%s): --execute will be refused until they stop",
				group, len(r.members), memberList(r.members))))
		}
		if err := writeDelete(a.stdout, o.output.value, r); err != nil {
			return err
		}
		fmt.Fprintln(a.stderr, dryRunNote)
		return nil
	}

	// Delete only what was read: commits that moved since refuse it.
	before := map[int32]int64{}
	for _, p := range r.Partitions {
		if p.Committed != nil {
			before[p.Partition] = *p.Committed
		}
	}
	action := "deleting it"
	if offsetsOnly {
		err = conn.Cluster.DeleteGroupOffsetsIfUnchanged(ctx, group, o.topic, before)
		action = "deleting its offsets"
	} else {
		err = conn.Cluster.DeleteGroupIfUnchanged(ctx, group, o.topic, before)
	}
	if err != nil {
		return opsError(err, group, action, conn)
	}
	r.DryRun = false
	// Read back: no commit on the topic may be left.
	after, err := conn.Cluster.Position(ctx, group, o.topic)
	if err != nil {
		return fmt.Errorf("read back the offsets of group %s: %w", group, err)
	}
	var left []int32
	back := make(map[int32]model.PartitionLag, len(after))
	for _, p := range after {
		back[p.Partition] = p
		if p.HasCommitted {
			left = append(left, p.Partition)
		}
	}
	for i, p := range r.Partitions {
		r.Partitions[i].ReadBack = json.RawMessage("null")
		if b, ok := back[p.Partition]; ok && b.HasCommitted {
			r.Partitions[i].ReadBack = json.RawMessage(strconv.FormatInt(b.Committed, 10))
		}
	}
	if err := writeDelete(a.stdout, o.output.value, r); err != nil {
		return err
	}
	if len(left) > 0 {
		return fmt.Errorf("group %s still has commits on %s after the delete: partition(s) %s", group, o.topic, joinPartitions(left))
	}
	return nil
}

// deleteReport is the -o json shape of delete: the group and the commits it
// had when the command ran.
type deleteReport struct {
	Group      string            `json:"group"`
	Topic      string            `json:"topic"`
	Operation  string            `json:"operation"` // "delete group" or "delete offsets"
	DryRun     bool              `json:"dry_run"`
	State      string            `json:"state"`
	Members    []string          `json:"members"` // client-id@host of live members
	Lag        int64             `json:"lag"`
	Partitions []deletePartition `json:"partitions"`
	// Topics lists every topic whose commits the delete drops: all the
	// group's topics for a whole-group delete, the one topic otherwise.
	Topics []deleteTopic `json:"topics"`

	members []model.Member
}

type deleteTopic struct {
	Topic      string  `json:"topic"`
	Partitions []int32 `json:"partitions"` // the partitions with a commit
}

type deletePartition struct {
	Partition int32  `json:"partition"`
	Start     int64  `json:"start"`
	End       int64  `json:"end"`
	Committed *int64 `json:"committed"` // null without a commit
	Lag       int64  `json:"lag"`
	// ReadBack is the commit read back after --execute: null when none is
	// left, as it should be; absent in a dry run.
	ReadBack json.RawMessage `json:"read_back,omitempty"`
}

// loadDeleteReport describes group and reads its commits on topic. There
// must be something to delete.
func loadDeleteReport(ctx context.Context, conn *connection, group, topic string, offsetsOnly bool) (deleteReport, error) {
	r := deleteReport{Group: group, Topic: topic, Operation: opDeleteGroup, DryRun: true, Members: []string{}}
	if offsetsOnly {
		r.Operation = opDeleteOffsets
	}
	state, members, err := conn.Cluster.LiveMembers(ctx, group)
	if err != nil {
		return r, fmt.Errorf("describe group %s on %s: %w", group, conn.Bootstrap(), err)
	}
	r.State, r.members = state, members
	for _, m := range members {
		r.Members = append(r.Members, m.ClientID+"@"+m.Host)
	}
	pos, err := conn.Cluster.Position(ctx, group, topic)
	if err != nil {
		return r, fmt.Errorf("offsets of group %s on %s: %w", group, conn.Bootstrap(), err)
	}
	commits := 0
	for _, p := range pos {
		dp := deletePartition{Partition: p.Partition, Start: p.Start, End: p.End, Lag: p.Lag}
		if p.HasCommitted {
			dp.Committed = &p.Committed
			commits++
		}
		r.Lag += p.Lag
		r.Partitions = append(r.Partitions, dp)
	}
	if offsetsOnly {
		r.Topics = []deleteTopic{{Topic: topic, Partitions: []int32{}}}
		for _, p := range r.Partitions {
			if p.Committed != nil {
				r.Topics[0].Partitions = append(r.Topics[0].Partitions, p.Partition)
			}
		}
	} else {
		// Deleting the group drops its commits on every topic, not only
		// on the one named: list them all.
		all, err := conn.Cluster.CommittedTopics(ctx, group)
		if err != nil {
			return r, fmt.Errorf("topics of group %s on %s: %w", group, conn.Bootstrap(), err)
		}
		r.Topics = make([]deleteTopic, 0, len(all))
		for _, t := range all {
			r.Topics = append(r.Topics, deleteTopic{Topic: t.Topic, Partitions: t.Partitions})
		}
	}
	switch {
	case offsetsOnly && commits == 0:
		return r, fmt.Errorf("group %s has no commits on %s: nothing to delete", group, topic)
	case state == "Dead" && commits == 0:
		return r, fmt.Errorf("group %s does not exist on %s: nothing to delete", group, conn.Bootstrap())
	}
	return r, nil
}

func writeDelete(w io.Writer, format string, r deleteReport) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	return writeDeleteTable(w, r)
}

// writeDeleteTable writes what a delete removes (or removed) for people.
func writeDeleteTable(w io.Writer, r deleteReport) error {
	state := "plan (dry run)"
	if !r.DryRun {
		state = "executed"
	}
	fmt.Fprintf(w, "%s: group %s on topic %s, %s\n", r.Operation, render.SanitizeLine(r.Group), render.SanitizeLine(r.Topic), state)
	fmt.Fprintf(w, "state %s, %d live member(s), lag %d\n\n", stateCell(r.State, ""), len(r.Members), r.Lag)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	if r.DryRun {
		fmt.Fprintln(tw, "PARTITION\tSTART\tCOMMITTED\tEND\tLAG")
	} else {
		// The commits as they were, then what is committed now.
		fmt.Fprintln(tw, "PARTITION\tSTART\tWAS COMMITTED\tEND\tLAG\tREAD BACK")
	}
	for _, p := range r.Partitions {
		committed := "-"
		if p.Committed != nil {
			committed = strconv.FormatInt(*p.Committed, 10)
		}
		fmt.Fprintf(tw, "%d\t%d\t%s\t%d\t%d", p.Partition, p.Start, committed, p.End, p.Lag)
		if !r.DryRun {
			back := "none"
			if len(p.ReadBack) > 0 && string(p.ReadBack) != "null" {
				back = string(p.ReadBack) + " (still committed)"
			}
			fmt.Fprintf(tw, "\t%s", back)
		}
		fmt.Fprintln(tw)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	what := "the whole group, with its commits on 1 topic"
	if len(r.Topics) != 1 {
		what = fmt.Sprintf("the whole group, with its commits on %d topics", len(r.Topics))
	}
	if r.Operation == opDeleteOffsets {
		what = "the group's commits on " + render.SanitizeLine(r.Topic) + " only"
	} else if len(r.Topics) > 0 {
		names := make([]string, 0, len(r.Topics))
		for _, t := range r.Topics {
			names = append(names, fmt.Sprintf("%s (partitions %s)", render.SanitizeLine(t.Topic), joinPartitions(t.Partitions)))
		}
		what += ": " + strings.Join(names, ", ")
	}
	if r.DryRun {
		fmt.Fprintf(w, "\nwould delete %s; its next read would start from the earliest offset\n", what)
	} else {
		fmt.Fprintf(w, "\ndeleted %s; its next read starts from the earliest offset\n", what)
	}
	return nil
}
