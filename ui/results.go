package ui

import (
	"fmt"
	"strconv"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/kgroups/kgroups/kafka"
)

// Results of reads and commits: what the user sees when a consume, a peek
// or a commit comes back, whether or not its view is focused.

func (m Model) handleBatch(msg batchMsg) (Model, tea.Cmd) {
	if msg.id == m.batchBusy {
		m.batchBusy = 0
	}
	if msg.id != m.batch.id {
		// The user moved on. A consume still committed: say so.
		if msg.kind == batchConsume && msg.err == nil {
			m, cmd := m.refresh()
			return m, tea.Batch(cmd, reportInfo("an earlier consume of %s committed %d records", clean(msg.target.ID()), len(msg.records)))
		}
		return m, nil
	}
	m.batch = m.batch.setResult(msg)
	if ga, ok := groupActive(msg.err); ok && msg.kind == batchConsume {
		return m.refuse(ga, false, consumeConfirmAction{target: msg.target, n: msg.max}), nil
	}
	if msg.err != nil {
		return m, ReportError(msg.err)
	}
	if msg.kind == batchConsume {
		m, cmd := m.refresh()
		return m, tea.Batch(cmd, consumedReport(msg))
	}
	if len(msg.records) == 0 {
		return m, reportInfo("nothing to read there")
	}
	return m, reportInfo("peeked %s records, nothing committed: C commits exactly this batch", count(int64(len(msg.records))))
}

// refuse explains who holds a group kgroups would not touch. A consume can
// be forced; a commit cannot.
func (m Model) refuse(ga *kafka.GroupActiveError, commit bool, then consumeConfirmAction) Model {
	body := []string{fmt.Sprintf("%d live member(s) hold it:", len(ga.Members))}
	for _, mem := range ga.Members {
		line := "  " + clean(mem.ClientID+"@"+mem.Host)
		var parts []string
		for _, tp := range mem.Assigned {
			for _, p := range tp.Partitions {
				parts = append(parts, clean(tp.Topic)+"/"+strconv.Itoa(int(p)))
			}
		}
		if len(parts) > 0 {
			line += " holds " + strings.Join(parts, ", ")
		}
		body = append(body, line)
	}
	for _, mem := range ga.KgroupsMembers() {
		body = append(body, "", clean(mem.ClientID+"@"+mem.Host)+fmt.Sprintf(" uses kgroups' client id: probably a kgroups that was killed before it could leave. The broker drops it once its session times out, %s after its last heartbeat.", kafka.ConsumerSessionTimeout))
	}
	d := dialog{kind: dialogRefusal, title: clean(ga.Group) + " is in use: refused"}
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
	if ga, ok := groupActive(msg.err); ok {
		return m.refuse(ga, true, consumeConfirmAction{}), nil
	}
	if se, ok := staleError(msg.err); ok && msg.id == m.batch.id && m.dialog == nil {
		// Show the new figures and ask again: the user decides on them.
		m = m.openDialog(m.commitDialog(msg.target, msg.id, restale(msg.changes, se), se))
		m, cmd := m.refresh()
		return m, tea.Batch(cmd, reportWarn("not committed: %s moved since it was shown", clean(msg.target.ID())))
	}
	if msg.err != nil {
		return m, ReportError(msg.err)
	}
	var moved []string
	for _, c := range msg.changes {
		moved = append(moved, fmt.Sprintf("p%d→%s", c.Partition, count(c.After)))
	}
	summary := "committed " + strings.Join(moved, " ")
	if msg.id == m.batch.id {
		m.batch.committed = summary
	}
	m, cmd := m.refresh()
	return m, tea.Batch(cmd, reportInfo("%s: %s", clean(msg.target.ID()), summary))
}

// consumedReport says what a consume did. An empty batch claims the group
// has read everything only when its lag, read after the call, is 0.
func consumedReport(msg batchMsg) tea.Cmd {
	id, topic := clean(msg.target.ID()), clean(msg.target.Group.Topic)
	switch {
	case len(msg.records) > 0:
		return reportInfo("consumed %s records as %s: offsets committed", count(int64(len(msg.records))), id)
	case !msg.lagKnown:
		return reportWarn("consumed nothing as %s, nothing committed; its lag could not be read", id)
	case msg.lagLeft == 0:
		return reportInfo("nothing to consume: %s has read all of %s", id, topic)
	}
	return reportWarn("consumed nothing as %s, nothing committed: its lag on %s is %s, on partitions other members hold", id, topic, count(msg.lagLeft))
}
