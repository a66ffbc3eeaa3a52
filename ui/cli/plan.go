package cli

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/render"
)

// dryRunNote is printed on stderr after every plan shown without --execute.
const dryRunNote = "dry run: nothing changed; add --execute to apply"

// opsFlags are the flags every offset operation shares.
type opsFlags struct {
	topic   string
	suffix  string
	execute bool
	output  *outputFlag
}

func (o *opsFlags) add(cmd *cobra.Command, suffixHelp string) {
	o.output = newOutputFlag("table", "table", "json")
	f := cmd.Flags()
	f.StringVar(&o.topic, "topic", "", "topic of the group (required)")
	f.StringVar(&o.suffix, "suffix", "", suffixHelp)
	f.BoolVar(&o.execute, "execute", false, "apply the change; without it only the plan is printed (dry run)")
	f.VarP(o.output, "output", "o", "output format: table (for people) or json (for scripts)")
}

// resolve reads the settings and checks everything that can be checked
// before connecting: the topic, the base and, for --execute, read-only mode.
func (o *opsFlags) resolve(cmd *cobra.Command, verb string) (Settings, error) {
	s, err := resolveSettings(cmd)
	if err != nil {
		return s, err
	}
	switch {
	case o.topic == "":
		return s, usagef("%s needs --topic", verb)
	case s.Base == "":
		return s, usagef("%s needs a base group prefix to name the group: pass --base (or set %s)", verb, envBase)
	case cmd.Flags().Changed("suffix") && o.suffix == "":
		return s, usagef("--suffix is empty: leave it out to mean the default group %s", o.group(s))
	}
	if o.execute && s.ReadOnly {
		// Refused before connecting; the kafka layer would refuse too.
		return s, refusef("read-only mode (%s): %s --execute would write to the cluster; run without --execute to see the plan, or pass --read-only=false",
			readOnlyCause(s), verb)
	}
	return s, nil
}

// group is the group the operation acts on: {base}-{topic}[-{suffix}].
func (o *opsFlags) group(s Settings) string {
	return model.GroupName{Base: s.Base, Topic: o.topic, Suffix: o.suffix}.String()
}

// applyPlan prints plan as a dry run, or with --execute commits it, reads it
// back and prints what is now committed. A partition that did not take
// fails the command after the output is written.
func (a *app) applyPlan(ctx context.Context, conn *connection, plan model.Plan, o *opsFlags, action string) error {
	if !o.execute {
		a.warnLive(ctx, conn, plan.Group)
		if err := writePlan(a.stdout, o.output.value, plan, nil); err != nil {
			return err
		}
		fmt.Fprintln(a.stderr, dryRunNote)
		return nil
	}
	res, err := conn.Cluster.Execute(ctx, plan)
	if err != nil {
		return opsError(err, plan.Group, action, conn)
	}
	if err := writePlan(a.stdout, o.output.value, plan, &res); err != nil {
		return err
	}
	return notTaken(res)
}

// warnLive tells people on stderr that --execute would be refused because
// group has live members. It only warns: a plan is a read.
func (a *app) warnLive(ctx context.Context, conn *connection, group string) {
	_, members, err := conn.Cluster.LiveMembers(ctx, group)
	switch {
	case err != nil:
		fmt.Fprintln(a.stderr, errorLine(ctx, fmt.Errorf("warning: could not check group %s for live members: %w", group, err)))
	case len(members) > 0:
		fmt.Fprintln(a.stderr, errorLine(ctx, fmt.Errorf("warning: group %s has %d live member(s) (%s): --execute will be refused until they stop",
			group, len(members), memberList(members))))
	}
}

// memberList names members as client-id@host, the way the kafka layer does.
func memberList(members []model.Member) string {
	ids := make([]string, 0, len(members))
	for _, m := range members {
		ids = append(ids, m.ClientID+"@"+m.Host)
	}
	return strings.Join(ids, ", ")
}

// liveGroupError refuses an offset operation on a group that live members
// hold: the broker would reject the commit or the service would overwrite
// it. It names the members and exits with ExitRefused.
type liveGroupError struct {
	active *kafka.GroupActiveError
	action string // what was refused, e.g. "resetting its offsets"
}

func (e *liveGroupError) Error() string {
	return fmt.Sprintf("refused: group %s has %d live member(s) (%s): stop them before %s; nothing changed",
		e.active.Group, len(e.active.Members), memberList(e.active.Members), e.action)
}

func (e *liveGroupError) Unwrap() error { return e.active }

// opsError explains a failed write: live members and read-only mode are
// refusals (exit 3), anything else names the group and the cluster.
func opsError(err error, group, action string, conn *connection) error {
	var active *kafka.GroupActiveError
	switch {
	case errors.As(err, &active):
		return &liveGroupError{active: active, action: action}
	case errors.Is(err, kafka.ErrReadOnly), errors.Is(err, kafka.ErrOffsetsMoved), errors.Is(err, kafka.ErrJournal):
		return err
	}
	return fmt.Errorf("%s of group %s on %s: %w", action, group, conn.Bootstrap(), err)
}

// notTaken fails when some partition of an executed plan did not take its
// new offset.
func notTaken(res model.PlanResult) error {
	if res.OK() {
		return nil
	}
	parts := slices.Sorted(maps.Keys(res.Failed))
	msgs := make([]string, 0, len(parts))
	for _, p := range parts {
		msgs = append(msgs, fmt.Sprintf("partition %d: %v", p, res.Failed[p]))
	}
	return fmt.Errorf("%d of %d partition(s) of group %s did not take their new offset: %s",
		len(parts), len(res.Plan.Partitions), res.Plan.Group, strings.Join(msgs, "; "))
}

// planReport is the -o json shape of a plan (and, after --execute, of its
// result): a stable contract for scripts.
type planReport struct {
	Group      string          `json:"group"`
	Topic      string          `json:"topic"`
	Operation  string          `json:"operation"`
	DryRun     bool            `json:"dry_run"`
	LagBefore  int64           `json:"lag_before"`
	LagAfter   int64           `json:"lag_after"`
	Partitions []planPartition `json:"partitions"`
}

type planPartition struct {
	Partition int32  `json:"partition"`
	Start     int64  `json:"start"`
	End       int64  `json:"end"`
	Current   *int64 `json:"current"` // null without a commit
	New       int64  `json:"new"`
	LagBefore int64  `json:"lag_before"`
	LagAfter  int64  `json:"lag_after"`
	Clamped   bool   `json:"clamped"`  // the requested offset was outside [start, end]
	Skipped   int64  `json:"skipped"`  // records jumped over unread
	Replayed  int64  `json:"replayed"` // records to be read again
	// Expired counts the records between the current commit and the log
	// start: deleted by retention before the group read them.
	Expired int64 `json:"expired"`
	// Committed is what was read back after --execute (null if nothing);
	// absent in a dry run.
	Committed json.RawMessage `json:"committed,omitempty"`
	Error     string          `json:"error,omitempty"` // after --execute: why it did not take
}

// newPlanReport converts a plan, and the result of executing it when res is
// not nil, to the JSON shape. Partitions are sorted by number.
func newPlanReport(plan model.Plan, res *model.PlanResult) planReport {
	r := planReport{
		Group:      plan.Group,
		Topic:      plan.Topic,
		Operation:  plan.Operation,
		DryRun:     res == nil,
		LagBefore:  plan.LagBefore(),
		LagAfter:   plan.LagAfter(),
		Partitions: make([]planPartition, 0, len(plan.Partitions)),
	}
	for _, p := range plan.Partitions {
		jp := planPartition{
			Partition: p.Partition,
			Start:     p.Start,
			End:       p.End,
			New:       p.New,
			LagBefore: p.LagBefore,
			LagAfter:  p.LagAfter,
			Clamped:   p.Clamped,
			Skipped:   p.Skipped(),
			Replayed:  p.Replayed(),
		}
		jp.Expired = p.Expired()
		if p.HasCurrent {
			jp.Current = &p.Current
		}
		if res != nil {
			jp.Committed = json.RawMessage("null")
			if c, ok := res.Committed[p.Partition]; ok {
				jp.Committed = json.RawMessage(strconv.FormatInt(c, 10))
			}
			if err := res.Failed[p.Partition]; err != nil {
				jp.Error = err.Error()
			}
		}
		r.Partitions = append(r.Partitions, jp)
	}
	slices.SortFunc(r.Partitions, func(a, b planPartition) int { return cmp.Compare(a.Partition, b.Partition) })
	return r
}

// writePlan writes a plan (res nil) or an executed plan in format.
func writePlan(w io.Writer, format string, plan model.Plan, res *model.PlanResult) error {
	r := newPlanReport(plan, res)
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	return writePlanTable(w, r)
}

// writePlanTable writes a plan for people: per partition current → new and
// lag before → after, clamped targets marked, then the totals; after
// --execute, what was read back.
func writePlanTable(w io.Writer, r planReport) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	state := "plan (dry run)"
	if !r.DryRun {
		state = "executed"
	}
	fmt.Fprintf(tw, "%s: group %s on topic %s, %s\n\n", render.SanitizeLine(r.Operation), render.SanitizeLine(r.Group), render.SanitizeLine(r.Topic), state)
	header := "PARTITION\tCURRENT\t\tNEW\tLAG BEFORE\t\tLAG AFTER"
	if !r.DryRun {
		header += "\tCOMMITTED"
	}
	fmt.Fprintln(tw, header)
	var clamped, skipped, replayed, expired int64
	var failed []int32
	for _, p := range r.Partitions {
		current := "-"
		if p.Current != nil {
			current = strconv.FormatInt(*p.Current, 10)
		}
		newCell := strconv.FormatInt(p.New, 10)
		if p.Clamped {
			newCell += "*"
			clamped++
		}
		skipped += p.Skipped
		replayed += p.Replayed
		expired += p.Expired
		fmt.Fprintf(tw, "%d\t%s\t→\t%s\t%d\t→\t%d", p.Partition, current, newCell, p.LagBefore, p.LagAfter)
		if !r.DryRun {
			got := "nothing"
			if string(p.Committed) != "null" {
				got = string(p.Committed)
			}
			if p.Error != "" {
				got += " (did not take)"
				failed = append(failed, p.Partition)
			}
			fmt.Fprintf(tw, "\t%s", got)
		}
		fmt.Fprintln(tw)
	}
	fmt.Fprintf(tw, "total\t\t\t\t%d\t→\t%d\n", r.LagBefore, r.LagAfter)
	if err := tw.Flush(); err != nil {
		return err
	}

	fmt.Fprintf(w, "\n%d partition(s): %d record(s) to read again, %d skipped unread\n", len(r.Partitions), replayed, skipped)
	if clamped > 0 {
		fmt.Fprintln(w, "* clamped to the partition's [start, end]: the requested offset is not in the log")
	}
	if expired > 0 {
		fmt.Fprintf(w, "%d record(s) between the current commits and the log start were deleted by retention before the group read them (expired)\n", expired)
	}
	if !r.DryRun {
		if len(failed) == 0 {
			fmt.Fprintln(w, "committed and read back: every partition took its new offset")
		} else {
			fmt.Fprintf(w, "did not take: partition(s) %s\n", joinPartitions(failed))
		}
	}
	return nil
}

func joinPartitions(ps []int32) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = strconv.Itoa(int(p))
	}
	return strings.Join(s, ",")
}
