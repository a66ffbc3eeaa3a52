package tui

import (
	"context"
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/keymap"
	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/tui/ops"
	"github.com/kgroups/kgroups/ui/tui/widget"
)

// Commit after review (C on a peeked batch): the dialog shows the group's
// commits as the cluster has them when it opens, not as the last refresh
// had them, and the commit is written only if they are still those when the
// user confirms.

// commitReadAction is the dialog shown while the group's commits are read
// for the commit dialog; records are the reviewed records it will commit.
type commitReadAction struct {
	gen     int
	batch   int
	target  target
	records []model.Record
}

// commitReadMsg is the group's position on its topic, read to fill the
// "before" column of the commit dialog.
type commitReadMsg struct {
	gen      int
	position []model.PartitionLag
	err      error
}

// readCommitsCmd reads the position of t's group on its topic.
func readCommitsCmd(res *widget.Resources, cl *kafka.Cluster, gen int, t target) tea.Cmd {
	return widget.Run(res, commitTimeout, func(ctx context.Context) tea.Msg {
		if cl == nil {
			return commitReadMsg{gen: gen, err: widget.ErrNoCluster}
		}
		pos, err := cl.Position(ctx, t.ID(), t.Group.Topic)
		return commitReadMsg{gen: gen, position: pos, err: err}
	})
}

// readingCommits is the body of the dialog while the commits are read.
func readingCommits(spin string, t target) []string {
	return []string{spin + " reading the current offsets of " + widget.Clean(t.ID()) + " from the cluster…"}
}

// startCommitReview opens the commit dialog for records of the batch: first
// a read of the group's current commits, with a spinner.
func (f readFlow) startCommitReview(e readEnv, t target, batch int, records []model.Record) (readFlow, effect) {
	f.reviewGen++
	f.reviewing = f.reviewGen
	return f, effect{open: &dialog{
		kind:   dialogRefusal, // esc closes it; nothing to confirm yet
		title:  "Commit the reviewed batch?",
		body:   readingCommits(e.spin, t),
		action: commitReadAction{gen: f.reviewGen, batch: batch, target: t, records: records},
	}, cmd: tea.Batch(readCommitsCmd(e.res, e.cluster, f.reviewGen, t), e.tick)}
}

// handleCommitRead shows the commit dialog on the figures just read, if
// the user still waits for them.
func (f readFlow) handleCommitRead(e readEnv, msg commitReadMsg) (readFlow, effect) {
	if msg.gen == f.reviewing {
		f.reviewing = 0
	}
	if e.prompt == nil {
		return f, effect{}
	}
	a, ok := e.prompt.action.(commitReadAction)
	if !ok || a.gen != msg.gen {
		return f, effect{} // closed, or another dialog since
	}
	if a.batch != f.batchGen {
		return f, effect{close: true, cmd: widget.ReportWarn("the batch changed: review it again")}
	}
	if msg.err != nil {
		return f, effect{close: true, cmd: widget.ReportError(fmt.Errorf("reading the offsets of %s: %w; nothing committed", a.target.ID(), msg.err))}
	}
	changes := reviewChanges(a.records, model.Group{ID: a.target.ID(), Partitions: msg.position})
	return f, effect{open: ptrTo(e.commitDialog(a.target, a.batch, changes, nil))}
}

// commitDialog asks to confirm a commit of changes, with the "before"
// figures read from the cluster. stale, when set, says that a first
// confirmation was refused because the group moved, and changes already
// hold the new figures.
func (e readEnv) commitDialog(t target, batch int, changes []offsetChange, stale *kafka.StaleError) dialog {
	id := widget.Clean(t.ID())
	// The prose gives way to the refusal's note: both do not fit at 80x24.
	scope := "the whole batch"
	if b := e.shown; b != nil && batch == b.batchID() {
		scope += " (" + b.commitScope() + ")"
	}
	body := []string{fmt.Sprintf("Moves %s to the offset after the last record of %s, on this batch's partitions only. Before is what the cluster has now: if it changes before you confirm, or the group has live members, nothing is committed.", id, scope)}
	if stale != nil {
		body = []string{e.styles.Warn.Render("Not committed: the group moved while this dialog was open (" + ops.MovedText(stale.Moved) + "). Below are the new figures; " + keymap.Name(e.keys.Dialog.Yes) + " commits against them.")}
	}
	if back := movesBack(changes); len(back) > 0 {
		body = append(body, "", e.styles.Warn.Render(back))
	}
	body = append(body, "", e.styles.ColumnHeader.Render(fmt.Sprintf("%9s  %14s    %-14s  %s", "partition", "before", "after", "")))
	for _, c := range changes {
		from, note := "none", "from earliest"
		if c.HasBefore {
			from = widget.Count(c.Before)
			switch d := c.After - c.Before; {
			case d > 0:
				note = "+" + widget.Count(d)
			case d == 0:
				note = "no change"
			default:
				note = e.styles.Warn.Render("back " + widget.Count(-d) + ": re-read")
			}
		}
		body = append(body, fmt.Sprintf("%9d  %14s  → %-14s  %s", c.Partition, from, widget.Count(c.After), note))
	}
	return dialog{
		kind:   dialogConfirm,
		title:  "Commit the reviewed batch?",
		body:   body,
		action: commitAction{target: t, batch: batch, changes: changes},
	}
}

// movesBack says in words which partitions the commit moves back, or "".
func movesBack(changes []offsetChange) string {
	var back []string
	var records int64
	for _, c := range changes {
		if c.HasBefore && c.After < c.Before {
			back = append(back, fmt.Sprintf("partition %d back from %s to %s", c.Partition, widget.Count(c.Before), widget.Count(c.After)))
			records += c.Before - c.After
		}
	}
	if len(back) == 0 {
		return ""
	}
	const shown = 3
	if len(back) > shown {
		back = append(back[:shown], fmt.Sprintf("%d more", len(back)-shown))
	}
	return fmt.Sprintf("Warning: this moves %s. The group will read %s record%s again.",
		strings.Join(back, ", "), widget.Count(records), widget.Plural(int(min(records, 2))))
}

// restale applies the figures of a refused commit to its changes: the
// partitions that moved get their new "before".
func restale(changes []offsetChange, stale *kafka.StaleError) []offsetChange {
	out := make([]offsetChange, len(changes))
	copy(out, changes)
	for _, mv := range stale.Moved {
		for i := range out {
			if out[i].Partition == mv.Partition {
				out[i].Before, out[i].HasBefore = mv.Now, mv.HasNow
			}
		}
	}
	return out
}

// spinReading turns the spinner of the commit dialog while it reads the
// group's commits.
func (f readFlow) spinReading(e readEnv) (readFlow, effect) {
	if d := e.prompt; d != nil {
		if a, ok := d.action.(commitReadAction); ok {
			c := *d
			c.body = readingCommits(e.spin, a.target)
			return f, effect{keep: &c}
		}
	}
	return f, effect{}
}
