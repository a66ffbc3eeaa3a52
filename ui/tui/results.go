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

func (m Model) handleBatch(msg batchMsg) (Model, tea.Cmd) {
	if msg.id == m.batchBusy {
		m.batchBusy = 0
	}
	if errors.Is(msg.err, context.Canceled) && msg.id != m.shownBatch() {
		return m, nil // the user left the read's page, which cancelled it
	}
	if msg.id != m.batchGen {
		// The user moved on to another batch. A consume still committed:
		// say so.
		if msg.kind == batchConsume && msg.err == nil {
			m, cmd := m.refresh()
			return m, tea.Batch(cmd, widget.ReportInfo("an earlier consume of %s committed %d records", widget.Clean(msg.target.ID()), len(msg.records)))
		}
		return m, nil
	}
	// The batch's page takes it, shown or left (a consume goes on when
	// its page is left: it commits what it reads).
	m, _ = m.broadcast(msg)
	m = m.offerClosed(msg)
	if ga, ok := ops.GroupActive(msg.err); ok && msg.kind == batchConsume {
		return m.refuse(ga, false, consumeConfirmAction{target: msg.target, n: msg.max}), nil
	}
	if msg.err != nil {
		return m, widget.ReportError(msg.err)
	}
	if msg.kind == batchConsume {
		m, cmd := m.refresh()
		return m, tea.Batch(cmd, consumedReport(msg))
	}
	if len(msg.records) == 0 {
		return m, widget.ReportInfo("nothing to read there")
	}
	return m, widget.ReportInfo("peeked %s records, nothing committed: %s commits exactly this batch", widget.Count(int64(len(msg.records))), keymap.Name(m.keys.Batch.Commit))
}

// refuse explains who holds a group kgroups would not touch. A consume can
// be forced; a commit cannot.
func (m Model) refuse(ga *kafka.GroupActiveError, commit bool, then consumeConfirmAction) Model {
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
	return m.openDialog(d)
}

func (m Model) handleCommit(msg commitMsg) (Model, tea.Cmd) {
	m.commitBusy = false
	if ga, ok := ops.GroupActive(msg.err); ok {
		return m.refuse(ga, true, consumeConfirmAction{}), nil
	}
	if se, ok := ops.StaleError(msg.err); ok && msg.id == m.batchGen && m.prompt() == nil {
		// Show the new figures and ask again: the user decides on them.
		m = m.openDialog(m.commitDialog(msg.target, msg.id, restale(msg.changes, se), se))
		m, cmd := m.refresh()
		return m, tea.Batch(cmd, widget.ReportWarn("not committed: %s moved since it was shown", widget.Clean(msg.target.ID())))
	}
	if msg.err != nil {
		return m, widget.ReportError(msg.err)
	}
	var moved []string
	for _, c := range msg.changes {
		moved = append(moved, fmt.Sprintf("p%d→%s", c.Partition, widget.Count(c.After)))
	}
	summary := "committed " + strings.Join(moved, " ")
	m, _ = m.broadcast(batchCommitted{id: msg.id, summary: summary})
	m, cmd := m.refresh()
	return m, tea.Batch(cmd, widget.ReportInfo("%s: %s", widget.Clean(msg.target.ID()), summary))
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
