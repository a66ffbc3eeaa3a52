package ops

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/kafka/journal"
	"github.com/kgroups/kgroups/keymap"
	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/tui/widget"
)

// Undo (u): the groups and partitions views show the newest change of the
// selected group from the undo journal, and u plans restoring the offsets
// from before it, in the same dialog as the other operations. The kafka
// layer refuses another cluster and, unless forced, a group that moved
// since the change; Apply checks again that nothing moved since the plan.

// ChangesMsg is the newest change of each group in the undo journal, read
// after each snapshot. It is not a Msg: every page gets it.
type ChangesMsg struct {
	Seq    int                      // orders the reads: an older one is dropped
	Latest map[string]journal.Entry // by group id
	// Stamp is the journal directory's modification time when it was
	// read; Unchanged says it is still the last read's, and Latest was not
	// read again (every change adds a file, so the directory changes).
	Stamp     time.Time
	Unchanged bool
	Err       error
}

// UndoPlanMsg is the plan of an undo, computed by the cluster.
type UndoPlanMsg struct {
	Gen  int
	Plan kafka.UndoPlan
	Err  error
}

// UndoneMsg is the outcome of an undo, read back.
type UndoneMsg struct {
	Gen    int
	Group  string
	Result kafka.UndoResult
	Err    error
}

func (m UndoPlanMsg) RequestGen() int { return m.Gen }
func (m UndoneMsg) RequestGen() int   { return m.Gen }

// ReadChangesCmd reads the newest change of each group in j, unless its
// directory is as it was at since.
func ReadChangesCmd(res *widget.Resources, j *journal.Journal, seq int, since time.Time) tea.Cmd {
	return widget.Run(res, writeTimeout, func(context.Context) tea.Msg {
		var stamp time.Time
		if fi, err := os.Stat(j.Dir); err == nil {
			stamp = fi.ModTime()
		}
		if !since.IsZero() && stamp.Equal(since) {
			return ChangesMsg{Seq: seq, Stamp: stamp, Unchanged: true}
		}
		entries, err := j.List()
		latest := map[string]journal.Entry{}
		for _, e := range entries { // newest first
			if _, seen := latest[e.Group]; e.Err == nil && !seen {
				latest[e.Group] = e
			}
		}
		return ChangesMsg{Seq: seq, Latest: latest, Stamp: stamp, Err: err}
	})
}

// PlanUndoCmd plans undoing change e.
func PlanUndoCmd(res *widget.Resources, cl *kafka.Cluster, gen int, e journal.Entry, force bool) tea.Cmd {
	return widget.Run(res, writeTimeout, func(ctx context.Context) tea.Msg {
		if cl == nil {
			return UndoPlanMsg{Gen: gen, Err: widget.ErrNoCluster}
		}
		up, err := cl.PlanUndo(ctx, e, force)
		return UndoPlanMsg{Gen: gen, Plan: up, Err: err}
	})
}

// UndoCmd applies an undo plan and reads it back. The cluster refuses a
// group with live members, a read-only connection, and a group whose
// offsets moved since the plan.
func UndoCmd(res *widget.Resources, cl *kafka.Cluster, gen int, up kafka.UndoPlan) tea.Cmd {
	return widget.Run(res, writeTimeout, func(ctx context.Context) tea.Msg {
		if cl == nil {
			return UndoneMsg{Gen: gen, Group: up.Entry.Group, Err: widget.ErrNoCluster}
		}
		result, err := cl.ExecuteUndo(ctx, up)
		return UndoneMsg{Gen: gen, Group: up.Entry.Group, Result: result, Err: err}
	})
}

// ReadChanges reads the journal again, if the cluster keeps one.
func (c Controller) ReadChanges(env Env) (Controller, tea.Cmd) {
	if env.Cluster == nil || env.Cluster.Journal() == nil {
		return c, nil
	}
	c.seq++
	return c, ReadChangesCmd(env.Res, env.Cluster.Journal(), c.seq, c.changes.Stamp)
}

// TakeChanges keeps msg unless an answer to a newer read came first; fresh
// says it is the newest.
func (c Controller) TakeChanges(msg ChangesMsg) (_ Controller, fresh bool) {
	if msg.Seq < c.changes.Seq || msg.Unchanged {
		return c, false
	}
	c.changes = msg
	return c, true
}

// Changes is the newest read of the journal; Seq is 0 before the first.
func (c Controller) Changes() ChangesMsg { return c.changes }

// ChangePhrases describe the newest change of a group after what a view's
// line says already, and the key that undoes it: " · last change 12m05s
// ago: reset to earliest (id …) · u: undo". A narrow line drops the id,
// then the command; the age and the key go together.
func ChangePhrases(now time.Time, e journal.Entry, undo key.Binding) []widget.Phrase {
	return []widget.Phrase{
		{Text: " · last change " + widget.AgeSince(now, e.Time) + " ago", Need: 1},
		{Text: ": " + widget.Clean(e.Command), Need: 2},
		{Text: " (id " + widget.Clean(e.ID) + ")", Need: 3},
		{Text: " · " + UndoHint(undo), Need: 1},
	}
}

// UndoHint names the key that undoes a change, or says read-only mode has
// it off.
func UndoHint(undo key.Binding) string {
	if keymap.Off(undo) {
		return keymap.Hint(undo.Help().Desc, undo)
	}
	return keymap.Hint("undo", undo)
}

// openUndo plans undoing req's change, after the refusals that need no
// cluster (read-only, live members, nothing in the journal).
func (c Controller) openUndo(env Env, req Request) (Controller, Outcome) {
	id := widget.Clean(req.Group.ID)
	switch {
	case req.Group.ID == "":
		return c, Outcome{Cmd: widget.ReportInfo("no group selected")}
	case len(req.Group.Members) > 0:
		return c, refuse(req.Group.ID, req.Group.Members, Undo)
	case req.Change == nil:
		return c, Outcome{Cmd: widget.ReportInfo("no change of %s in the undo journal: nothing to undo", id)}
	}
	f := Flow{Op: Undo, Group: req.Group, Name: req.Group.Name, Topic: req.Topic, Keys: env.Keys.Ops, Change: *req.Change}
	cl, res, e := env.Cluster, env.Res, f.Change
	return c.request(env, f, func(gen int) tea.Cmd { return PlanUndoCmd(res, cl, gen, e, false) })
}

// takeUndoPlan shows the plan of an undo, or why it is refused.
func takeUndoPlan(f Flow, msg UndoPlanMsg) Outcome {
	f.Wait = 0
	f.Step, f.Focus, f.Scroll = StepPlan, CtlCancel, 0
	f.Undo, f.Plan, f.Refused = kafka.UndoPlan{}, model.Plan{}, ""
	var moved *kafka.MovedSinceError
	var other *kafka.OtherClusterError
	switch {
	case errors.As(msg.Err, &other):
		return Outcome{Refusal: &Refusal{
			Title: "Undo refused: another cluster",
			Body: []string{fmt.Sprintf("Change %s was made on cluster %s (%s); this is cluster %s. kgroups undoes a change only on the cluster it was made on: connect to that one.",
				widget.Clean(other.ID), widget.Clean(other.Recorded), widget.Clean(strings.Join(other.Brokers, ",")), widget.Clean(other.Connected))},
		}}
	case errors.As(msg.Err, &moved):
		f.Refused = fmt.Sprintf("Refused: %s moved since change %s (%s). Undoing it would throw away what happened since.",
			widget.Clean(moved.Group), widget.Clean(moved.ID), topicMovedText(moved.Moved))
		return show(f.Refocus())
	case msg.Err != nil:
		f.Err = widget.Clean(msg.Err.Error())
		return show(f.Refocus())
	}
	f.Undo = msg.Plan
	f.Plan = undoShown(msg.Plan, f.Topic)
	if len(msg.Plan.Moved) > 0 {
		f.Note = fmt.Sprintf("Forced: %s moved since the change (%s); this restores it anyway.", widget.Clean(f.Change.Group), topicMovedText(msg.Plan.Moved))
	}
	if msg.Plan.Empty() {
		f.Err = "the group's offsets are already those from before the change: nothing to undo"
	}
	return show(f.Refocus())
}

// undoShown is the plan of an undo the dialog's table shows: the one on
// topic, or else the first.
func undoShown(up kafka.UndoPlan, topic string) model.Plan {
	for _, p := range up.Plans {
		if p.Topic == topic {
			return p
		}
	}
	if len(up.Plans) > 0 {
		return up.Plans[0]
	}
	return model.Plan{}
}

// topicMovedText lists what moved since a change, e.g. "t/0 left at 10,
// now 12".
func topicMovedText(moved []kafka.TopicMoved) string {
	var parts []string
	for _, t := range moved {
		for _, mv := range t.Moved {
			parts = append(parts, fmt.Sprintf("%s/%d left at %s, now %s", widget.Clean(t.Topic), mv.Partition, commitWord(mv.Shown, mv.HadShown), commitWord(mv.Now, mv.HasNow)))
		}
	}
	return strings.Join(parts, "; ")
}

// undoExtra describes what an undo does besides the table: plans on other
// topics and partitions that lose their commit.
func (f Flow) undoExtra() []string {
	var out []string
	for _, p := range f.Undo.Plans {
		if p.Topic != f.Plan.Topic {
			out = append(out, fmt.Sprintf("also restores %d partition(s) on %s", len(p.Partitions), widget.Clean(p.Topic)))
		}
	}
	for _, d := range f.Undo.Drop {
		out = append(out, fmt.Sprintf("partition(s) %s of %s had no commit before the change and lose theirs", JoinInts(d.Partitions), widget.Clean(d.Topic)))
	}
	return out
}

func (c Controller) takeUndone(env Env, f *Flow, current bool, msg UndoneMsg) (Controller, Outcome) {
	group := widget.Clean(msg.Group)
	if ga, ok := GroupActive(msg.Err); ok {
		return c, written(refuse(ga.Group, ga.Members, Undo), "")
	}
	if se, ok := StaleError(msg.Err); ok && current {
		// The plan's figures are stale: plan again on the new ones, with
		// what moved; nothing was written.
		g := *f
		g.Wait, g.Step = 0, StepPlan
		g.Note = fmt.Sprintf("Not applied: %s moved since the plan was read (%s); nothing was written. Below is the undo planned again.", group, MovedText(se.Moved))
		c, out := c.submit(env, g)
		return c, written(out, "", widget.ReportWarn("undo of %s not applied: its offsets moved since the plan was read", group))
	}
	forget := ""
	if msg.Err == nil {
		forget = msg.Group
	}
	var status tea.Cmd
	switch {
	case msg.Err != nil && !current:
		status = widget.ReportError(fmt.Errorf("undo of %s: %w", group, msg.Err))
	case msg.Err != nil:
	case !msg.Result.OK():
		status = widget.ReportWarn("undo of %s: some partitions did not take their restored offset", group)
	default:
		status = widget.ReportInfo("undo of %s: restored and read back", group)
	}
	if !current {
		return c, written(Outcome{}, forget, status)
	}
	g := f.done(msg.Err)
	g.Result = model.PlanResult{Plan: g.Plan}
	for i, p := range g.Undo.Plans {
		if p.Topic == g.Plan.Topic && i < len(msg.Result.Results) {
			g.Result = msg.Result.Results[i]
		}
	}
	g.Undone = msg.Result
	return c, written(show(g), forget, status)
}

// droppedLines say which commits an undo deleted, and which it could not.
func (f Flow) droppedLines(st *widget.Styles, inner int) []string {
	var out []string
	for _, d := range f.Undo.Drop {
		failed := f.Undone.DropFailed[d.Topic]
		var gone, kept []int32
		for _, p := range d.Partitions {
			if failed[p] != nil {
				kept = append(kept, p)
			} else {
				gone = append(gone, p)
			}
		}
		topic := widget.Clean(d.Topic)
		if len(gone) > 0 {
			out = append(out, StyleLines(st.Good, widget.WrapText(fmt.Sprintf("%s partition(s) %s: commit deleted, as before the change", topic, JoinInts(gone)), inner))...)
		}
		if len(kept) > 0 {
			out = append(out, StyleLines(st.Bad, widget.WrapText(fmt.Sprintf("%s partition(s) %s: commit not deleted (%s)", topic, JoinInts(kept), widget.Clean(failed[kept[0]].Error())), inner))...)
		}
	}
	return out
}
