package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/kafka/journal"
	"github.com/kgroups/kgroups/model"
	uiformat "github.com/kgroups/kgroups/ui/format"
	"github.com/kgroups/kgroups/ui/render"
)

func newHistoryCommand(a *app) *cobra.Command {
	var group string
	output := newOutputFlag("table", "table", "json")
	cmd := &cobra.Command{
		Use:   "history",
		Short: "List the offset changes kgroups made, newest first, from its undo journal",
		Long: `List the changes kgroups made to groups' offsets (reset, create, delete,
delete --offsets-only, commit after review in the terminal UI, undo), newest
first, from the undo journal in $XDG_STATE_HOME/kgroups (or
~/.local/state/kgroups). Before every write kgroups saves there the group's
offsets before and after; the newest 500 changes are kept. kgroups undo ID
restores the offsets from before a change.

-o json is a stable format for scripts:
  [{"id","time","context","brokers","cluster_id","group","kind","command",
    "via","group_deleted","topics":[{"topic","partitions":[{"partition",
    "before","after"}]}]}]
where before and after are null without a commit; a journal file that
cannot be read is listed as {"id","error"}.`,
		Example: `  kgroups history
  kgroups history --group my-batch-consumer-spent_detail_topic-incremental -o json`,
		Args: cobra.NoArgs,
		RunE: a.runE(func(cmd *cobra.Command, _ []string) error {
			j := journal.New(journalDir())
			entries, err := j.List()
			if err != nil {
				return err
			}
			shown := entries[:0:0]
			for _, e := range entries {
				if e.Err != nil {
					fmt.Fprintln(a.stderr, errorLine(cmd.Context(), fmt.Errorf("warning: %w", e.Err)))
				}
				if group == "" || e.Group == group || e.Err != nil {
					shown = append(shown, e)
				}
			}
			return writeHistory(a.stdout, output.value, j.Dir, shown, a)
		}),
	}
	cmd.Flags().StringVar(&group, "group", "", "only the changes of this group (full group id)")
	cmd.Flags().VarP(output, "output", "o", "output format: table (for people) or json (for scripts)")
	return cmd
}

// historyEntry is one entry of history -o json.
type historyEntry struct {
	journal.Entry
	Error string `json:"error,omitempty"`
}

func writeHistory(w io.Writer, format, dir string, entries []journal.Entry, a *app) error {
	if format == "json" {
		out := make([]any, 0, len(entries))
		for _, e := range entries {
			if e.Err != nil {
				out = append(out, struct {
					ID    string `json:"id"`
					Error string `json:"error"`
				}{e.ID, e.Err.Error()})
				continue
			}
			out = append(out, historyEntry{Entry: e})
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	if len(entries) == 0 {
		_, err := fmt.Fprintf(w, "no changes in the journal %s\n", dir)
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tAGE\tGROUP\tCHANGE\tTOPICS\tCONTEXT")
	for _, e := range entries {
		if e.Err != nil {
			fmt.Fprintf(tw, "%s\t?\t(unreadable: see the warning)\t\t\t\n", render.SanitizeLine(e.ID))
			continue
		}
		ctxName := e.Context
		if ctxName == "" {
			ctxName = "-"
		}
		fmt.Fprintf(tw, "%s\t%s ago\t%s\t%s\t%s\t%s\n", e.ID, uiformat.AgeSince(a.now(), e.Time), render.SanitizeLine(e.Group),
			render.SanitizeLine(e.Command), render.SanitizeLine(strings.Join(e.TopicNames(), ",")), render.SanitizeLine(ctxName))
	}
	return tw.Flush()
}

// undoOptions are the flags of undo.
type undoOptions struct {
	execute bool
	force   bool
	output  *outputFlag
}

func newUndoCommand(a *app) *cobra.Command {
	o := undoOptions{output: newOutputFlag("table", "table", "json")}
	cmd := &cobra.Command{
		Use:   "undo [ID]",
		Short: "Restore a group's offsets from before a change kgroups made (dry run unless --execute)",
		Long: `Restore the offsets a group had before a change kgroups made (see kgroups
history), by default the newest change. It plans like reset: per partition the
current → restored offset and lag before → after; partitions that had no
commit before lose theirs; a deleted group is recreated with its offsets.
Nothing changes without --execute.

Undo is refused (exit 3) when the change was made on another cluster (the
journal keeps the cluster id), when the group's offsets moved since the change
(unless --force), while the group has live members, and in read-only mode.
An undo is itself a change in the journal: undoing it redoes the change.

-o json is a stable format for scripts:
  {"id","group","command","dry_run","plans":[...as reset -o json...],
   "drop":[{"topic","partitions"}]}`,
		Example: `  kgroups undo --demo
  kgroups undo 20250115-093000.123 --brokers localhost:9092 --execute`,
		Args: cobra.MaximumNArgs(1),
		RunE: a.runE(func(cmd *cobra.Command, args []string) error {
			return a.runUndo(cmd, args, &o)
		}),
	}
	f := cmd.Flags()
	f.BoolVar(&o.execute, "execute", false, "apply the undo; without it only the plan is printed (dry run)")
	f.BoolVar(&o.force, "force", false, "restore even though the group's offsets moved since the change")
	f.VarP(o.output, "output", "o", "output format: table (for people) or json (for scripts)")
	return cmd
}

func (a *app) runUndo(cmd *cobra.Command, args []string, o *undoOptions) error {
	s, err := resolveSettings(cmd)
	if err != nil {
		return err
	}
	if o.execute && s.ReadOnly {
		return refusef("read-only mode (%s): undo --execute would write to the cluster; run without --execute to see the plan, or pass --read-only=false",
			readOnlyCause(s))
	}
	j := journal.New(journalDir())
	var entry journal.Entry
	if len(args) == 1 {
		if entry, err = j.Get(args[0]); err != nil {
			return err
		}
	} else {
		entries, err := j.List()
		if err != nil {
			return err
		}
		if len(entries) == 0 {
			return fmt.Errorf("no change to undo: the journal %s is empty", j.Dir)
		}
		entry = entries[0]
	}
	if entry.Err != nil {
		return fmt.Errorf("cannot undo change %s: %w; other changes stay usable (see kgroups history)", entry.ID, entry.Err)
	}

	ctx := cmd.Context()
	conn, err := a.connect(ctx, s)
	if err != nil {
		return err
	}
	defer conn.Close()
	up, err := conn.Cluster.PlanUndo(ctx, entry, o.force)
	var moved *kafka.MovedSinceError
	var other *kafka.OtherClusterError
	switch {
	case errors.As(err, &moved):
		return &undoRefusedError{err: err, advice: "pass --force to restore anyway"}
	case errors.As(err, &other):
		return &undoRefusedError{err: err, advice: "undo it with --brokers or --context of that cluster"}
	case err != nil:
		return fmt.Errorf("plan the undo of change %s on %s: %w", entry.ID, conn.Bootstrap(), err)
	}
	for _, m := range up.Moved {
		for _, mo := range m.Moved {
			fmt.Fprintln(a.stderr, errorLine(ctx, fmt.Errorf("warning: --force: %s/%d moved since the change (left %s, now %s): restoring anyway",
				m.Topic, mo.Partition, commitWord(mo.Shown, mo.HadShown), commitWord(mo.Now, mo.HasNow))))
		}
	}
	if up.Empty() {
		fmt.Fprintln(a.stderr, "nothing to undo: the group's offsets are already those from before the change")
	}
	if !o.execute {
		a.warnLive(ctx, conn, entry.Group)
		if err := writeUndo(a.stdout, o.output.value, up, nil); err != nil {
			return err
		}
		fmt.Fprintln(a.stderr, dryRunNote)
		return nil
	}
	res, err := conn.Cluster.ExecuteUndo(ctx, up)
	if err != nil {
		return opsError(err, entry.Group, "undoing change "+entry.ID, conn)
	}
	if err := writeUndo(a.stdout, o.output.value, up, &res); err != nil {
		return err
	}
	for _, r := range res.Results {
		if err := notTaken(r); err != nil {
			return err
		}
	}
	for t, ps := range res.DropFailed {
		for p, err := range ps {
			return fmt.Errorf("the commit of group %s on %s/%d could not be deleted: %w", entry.Group, t, p, err)
		}
	}
	return nil
}

func commitWord(o int64, ok bool) string {
	if !ok {
		return "no commit"
	}
	return fmt.Sprint(o)
}

// undoReport is the -o json shape of undo.
type undoReport struct {
	ID      string       `json:"id"`
	Group   string       `json:"group"`
	Command string       `json:"command"`
	DryRun  bool         `json:"dry_run"`
	Plans   []planReport `json:"plans"`
	DropJS  []dropJSON   `json:"drop"`
}

type dropJSON struct {
	Topic      string  `json:"topic"`
	Partitions []int32 `json:"partitions"`
}

func writeUndo(w io.Writer, format string, up kafka.UndoPlan, res *kafka.UndoResult) error {
	r := undoReport{ID: up.Entry.ID, Group: up.Entry.Group, Command: up.Entry.Command, DryRun: res == nil,
		Plans: []planReport{}, DropJS: []dropJSON{}}
	for i, p := range up.Plans {
		var pr *model.PlanResult
		if res != nil && i < len(res.Results) {
			pr = &res.Results[i]
		}
		r.Plans = append(r.Plans, newPlanReport(p, pr))
	}
	for _, d := range up.Drop {
		r.DropJS = append(r.DropJS, dropJSON{Topic: d.Topic, Partitions: d.Partitions})
	}
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	fmt.Fprintf(w, "change %s: %s of group %s, made %s\n\n", r.ID, render.SanitizeLine(r.Command), render.SanitizeLine(r.Group),
		up.Entry.Time.UTC().Format(timeLayout))
	for i, p := range r.Plans {
		if i > 0 {
			fmt.Fprintln(w)
		}
		if err := writePlanTable(w, p); err != nil {
			return err
		}
	}
	for _, d := range r.DropJS {
		verb := "will lose their commits"
		if res != nil {
			verb = "lost their commits"
			if failed := res.DropFailed[d.Topic]; len(failed) > 0 {
				verb += fmt.Sprintf(" but partition(s) %s did not", joinPartitions(slices.Sorted(maps.Keys(failed))))
			}
		}
		fmt.Fprintf(w, "topic %s: partition(s) %s had no commit before the change and %s\n", render.SanitizeLine(d.Topic),
			joinPartitions(d.Partitions), verb)
	}
	return nil
}

// undoRefusedError refuses an undo for safety, saying what to do instead.
// It exits with ExitRefused.
type undoRefusedError struct {
	err    error
	advice string
}

func (e *undoRefusedError) Error() string {
	return fmt.Sprintf("refused: %v: %s; nothing changed", e.err, e.advice)
}

func (e *undoRefusedError) Unwrap() error { return e.err }
