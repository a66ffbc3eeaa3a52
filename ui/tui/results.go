package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/keymap"
	"github.com/kgroups/kgroups/ui/tui/ops"
	"github.com/kgroups/kgroups/ui/tui/widget"
)

// Results of reads and commits: what the user sees when a consume, a peek
// or a commit comes back, whether or not its view is focused.

// result takes the result of a command of the read flows: a batch read,
// a commit, or the read of a group's commits for the commit dialog.
func (f readFlow) result(e readEnv, msg tea.Msg) (readFlow, effect) {
	switch msg := msg.(type) {
	case batchMsg:
		return f.handleBatch(e, msg)
	case commitMsg:
		return f.handleCommit(e, msg)
	case commitReadMsg:
		return f.handleCommitRead(e, msg)
	}
	return f, effect{}
}

func (f readFlow) handleBatch(e readEnv, msg batchMsg) (readFlow, effect) {
	if msg.id == f.batchBusy {
		f.batchBusy = 0
	}
	if errors.Is(msg.err, context.Canceled) && msg.id != e.shownBatch() {
		return f, effect{} // the user left the read's page, which cancelled it
	}
	if msg.id != f.batchGen {
		// The user moved on to another batch. A consume still committed:
		// say so.
		if msg.kind == batchConsume && msg.err == nil {
			return f, effect{refresh: true, cmd: widget.ReportInfo("an earlier consume of %s committed %d records", widget.Clean(msg.target.ID()), len(msg.records))}
		}
		return f, effect{}
	}
	// The batch's page takes it, shown or left (a consume goes on when
	// its page is left: it commits what it reads).
	took := effect{tell: msg, offer: true}
	if ga, ok := ops.GroupActive(msg.err); ok && msg.kind == batchConsume {
		took.open = ptrTo(refusal(ga, false, consumeConfirmAction{target: msg.target, n: msg.max}))
		return f, took
	}
	switch {
	case msg.err != nil:
		took.cmd = widget.ReportError(msg.err)
	case msg.kind == batchConsume:
		took.refresh, took.cmd = true, consumedReport(msg)
	case len(msg.records) == 0:
		took.cmd = widget.ReportInfo("nothing to read there")
	default:
		took.cmd = widget.ReportInfo("peeked %s records, nothing committed: %s commits exactly this batch", widget.Count(int64(len(msg.records))), keymap.Name(e.keys.Batch.Commit))
	}
	return f, took
}

// refusal explains who holds a group kgroups would not touch. A consume
// can be forced; a commit cannot.
func refusal(ga *kafka.GroupActiveError, commit bool, then consumeConfirmAction) dialog {
	body := append([]string{fmt.Sprintf("%d live member(s) hold it:", len(ga.Members))}, ops.MemberLines(ga.Members)...)
	for _, mem := range ga.KgroupsMembers() {
		body = append(body, "", widget.Clean(mem.ClientID+"@"+mem.Host)+fmt.Sprintf(" uses kgroups' client id: probably a kgroups that was killed before it could leave. The broker drops it once its session times out, %s after its last heartbeat.", kafka.ConsumerSessionTimeout))
	}
	d := dialog{kind: dialogRefusal, title: widget.Clean(ga.Group) + " is in use: refused"}
	if commit {
		body = append(body, "", "Their next commit would overwrite this one. Stop them first, then commit again.")
		d.action = noticeAction{}
	} else {
		body = append(body, "", "Joining would rebalance them and take partitions from the running service.")
		d.action = forceOfferAction(then)
		d.canForce = true
	}
	d.body = body
	return d
}

func (f readFlow) handleCommit(e readEnv, msg commitMsg) (readFlow, effect) {
	f.commitBusy = false
	if ga, ok := ops.GroupActive(msg.err); ok {
		return f, effect{open: ptrTo(refusal(ga, true, consumeConfirmAction{}))}
	}
	if se, ok := ops.StaleError(msg.err); ok && msg.id == f.batchGen && e.prompt == nil {
		// Show the new figures and ask again: the user decides on them.
		return f, effect{open: ptrTo(e.commitDialog(msg.target, msg.id, restale(msg.changes, se), se)), refresh: true,
			cmd: widget.ReportWarn("not committed: %s moved since it was shown", widget.Clean(msg.target.ID()))}
	}
	if msg.err != nil {
		return f, doCmd(widget.ReportError(msg.err))
	}
	var moved []string
	for _, c := range msg.changes {
		moved = append(moved, fmt.Sprintf("p%d→%s", c.Partition, widget.Count(c.After)))
	}
	summary := "committed " + strings.Join(moved, " ")
	return f, effect{tell: batchCommitted{id: msg.id, summary: summary}, refresh: true,
		cmd: widget.ReportInfo("%s: %s", widget.Clean(msg.target.ID()), summary)}
}

// exportReport says what an export wrote: the matches of a search, or all
// of the batch.
func exportReport(msg exportMsg) tea.Cmd {
	to := widget.Phrase{Text: " to " + widget.Clean(msg.path), Need: 0}
	if msg.scope.query != "" {
		return widget.ReportPhrases(widget.Phrase{Text: fmt.Sprintf("exported %s record%s", widget.Count(int64(msg.records)), widget.Plural(msg.records)), Need: 0},
			widget.Phrase{Text: " matching '" + widget.Clean(msg.scope.query) + "'", Need: 0},
			widget.Phrase{Text: " (of " + widget.Count(int64(msg.scope.total)) + " in the batch)", Need: 1}, to)
	}
	return widget.ReportPhrases(widget.Phrase{Text: fmt.Sprintf("exported all %s record%s", widget.Count(int64(msg.records)), widget.Plural(msg.records)), Need: 0},
		widget.Phrase{Text: " of the batch", Need: 1}, to)
}

// copyReport says what was copied, and why as JSON when the value was
// not plain text.
func copyReport(msg copyMsg) tea.Cmd {
	what := "copied the value of " + msg.place
	if msg.what != "value" {
		what = "copied " + msg.place + " as a JSON record"
	}
	s := []widget.Phrase{{Text: what, Need: 0}, {Text: " (" + widget.Size(msg.bytes) + ")", Need: 3}, {Text: " to the clipboard", Need: 2}}
	if msg.why != "" {
		s = append(s, widget.Phrase{Text: ": " + msg.why, Need: 1})
	}
	return widget.ReportPhrases(s...)
}

// consumedReport says what a consume did. An empty batch claims the group
// has read everything only when its lag, read after the call, is 0.
func consumedReport(msg batchMsg) tea.Cmd {
	id, topic := widget.Clean(msg.target.ID()), widget.Clean(msg.target.Group.Topic)
	switch {
	case len(msg.records) > 0:
		return widget.ReportInfo("consumed %s records as %s: offsets committed", widget.Count(int64(len(msg.records))), id)
	case !msg.lagKnown:
		return widget.ReportWarn("consumed nothing as %s, nothing committed; its lag could not be read", id)
	case msg.lagLeft == 0:
		return widget.ReportInfo("nothing to consume: %s has read all of %s", id, topic)
	}
	return widget.ReportWarn("consumed nothing as %s, nothing committed: its lag on %s is %s, on partitions other members hold", id, topic, widget.Count(msg.lagLeft))
}
