package ui

import (
	"fmt"
	"strconv"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/model"
)

// Dialog actions: what a dialog is for, interpreted by the root when the
// user answers it. Each flow is a chain of them.
type (
	consumeCountAction   struct{ target target }
	consumeConfirmAction struct {
		target target
		n      int
	}
	forceOfferAction   consumeConfirmAction // the refusal; f leads to forceConfirmAction
	forceConfirmAction consumeConfirmAction
	peekAction         struct{ target target }
	newSuffixAction    struct{ topic string }
	commitAction       struct {
		target  target
		batch   int
		changes []offsetChange
	}
	exportAction struct {
		batch   int
		records []model.Record // what the dialog said it exports
		scope   exportScope
	}
	noticeAction struct{} // an explanation with nothing to do
)

const (
	defaultBatch = 100
	maxBatch     = 1_000_000
)

// withBase fills in the base of a target built by a view that only knows
// the topic.
func (m Model) withBase(t target) target {
	if t.Group.Base == "" {
		t.Group.Base = m.base
	}
	return t
}

// apply carries out what a view asked for.
func (m Model) apply(in intent) (Model, tea.Cmd) {
	switch in := in.(type) {
	case nil:
		return m, nil
	case intentCmd:
		return m, in.cmd
	case intentPickBase:
		m.base = in.base
		m.snapLoading = false
		m.hasSnap = false
		m.topics = newTopicsView(m.styles, m.keys, m.deps.Now)
		m.groups = newGroupsView(m.styles, m.keys, m.deps.Now)
		m = m.push(pageTopics)
		return m.refresh()
	case intentOpenTopic:
		m.groups = m.groups.open(in.topic)
		if m.hasSnap {
			m.groups = m.groups.setSnapshot(m.snap)
		}
		return m.push(pageGroups), nil
	case intentOpenGroup:
		m.partitions = m.partitions.open(in.group, in.missing, in.foreign)
		return m.push(pagePartitions), nil
	case intentOthers:
		m.othersGen++
		m.groups.othersGen = m.othersGen
		return m, othersCmd(m.res, m.deps.Cluster, m.othersGen, in.topic, m.base)
	case intentConsume:
		return m.askConsume(m.withBase(in.target))
	case intentPeek:
		return m.askPeek(m.withBase(in.target))
	case intentNewSuffix:
		return m.openDialog(dialog{
			kind:   dialogForm,
			title:  "New suffix on " + clean(in.topic),
			body:   []string{"The group " + clean(m.base+"-"+in.topic) + "-{suffix} starts at earliest. Consume (c) or peek (p) from it next."},
			fields: []field{textField("suffix", "", "e.g. full-index")},
			action: newSuffixAction{topic: in.topic},
		}), nil
	case intentOp:
		return m.openOp(in)
	case intentCommitReview:
		return m.askCommit()
	case intentExport:
		return m.askExport()
	case intentCopy:
		r, _, ok := m.batch.selected()
		if !ok {
			return m, m.batch.nothingShown("copy")
		}
		return m, copyCmd(m.res, r, in.asRecord)
	case intentSearch:
		return m, searchCmd(m.batch.id, in.query, m.batch.records)
	}
	return m, nil
}

func (m Model) openDialog(d dialog) Model {
	d = d.focusField(0, 1)
	m.dialog = &d
	return m.resize()
}

func (m Model) closeDialog() Model {
	m.dialog = nil
	return m.resize()
}

// readOnly refuses a write in read-only mode.
func (m Model) readOnly(what string) tea.Cmd {
	return reportWarn("read-only: %s is off (p peeks without committing)", what)
}

func (m Model) askConsume(t target) (Model, tea.Cmd) {
	if m.deps.ReadOnly {
		return m, m.readOnly("consume commits offsets, so it")
	}
	if m.batchBusy != 0 {
		return m, reportWarn("a read is still running: wait for it")
	}
	if g, ok := m.snap.Group(t.ID()); ok && len(g.Members) > 0 {
		// Refused before asking for a count, as R, S and D are: forcing is a
		// deliberate second step that asks for the count itself.
		ga := &kafka.GroupActiveError{Group: g.ID, State: g.State, Members: g.Members}
		return m.refuse(ga, false, consumeConfirmAction{target: t}), nil
	}
	return m.openDialog(dialog{
		kind:   dialogForm,
		title:  "Consume from " + clean(t.ID()),
		body:   []string{"How many records? The group commits what it reads."},
		fields: []field{textField("records", strconv.Itoa(defaultBatch), "")},
		action: consumeCountAction{target: t},
	}), nil
}

func (m Model) askCommit() (Model, tea.Cmd) {
	b := m.batch
	switch {
	case m.deps.ReadOnly:
		return m, m.readOnly("commit")
	case b.kind != batchPeek:
		return m, reportInfo("this batch was consumed: its offsets are already committed")
	case b.committed != "":
		return m, reportInfo("this batch is already committed")
	case m.commitBusy:
		return m, reportWarn("a commit is still running")
	}
	return m.startCommitReview(b.target, b.id, b.records)
}

// askExport offers to write what the list shows: the matches of a search,
// or the whole batch.
func (m Model) askExport() (Model, tea.Cmd) {
	b := m.batch
	records := b.shown()
	if len(records) == 0 {
		return m, b.nothingShown("export")
	}
	scope := exportScope{total: len(b.records)}
	title, what := "Export the whole batch as JSON lines", fmt.Sprintf("All %s records of the batch", count(int64(len(b.records))))
	if b.matches.active() {
		scope.query = b.matches.query
		title = "Export the matching records as JSON lines"
		what = fmt.Sprintf("The %s of %s records that match '%s' (esc, then esc clears the search to export all)", count(int64(len(records))), count(int64(len(b.records))), clean(b.matches.query))
	}
	name := fileSafe(b.target.ID()) + "-" + m.deps.Now().UTC().Format("20060102-150405") + ".jsonl"
	return m.openDialog(dialog{
		kind:   dialogForm,
		title:  title,
		body:   []string{what + ", one JSON object a line (the CLI's jsonl shape).", "An existing file is never overwritten."},
		fields: []field{textField("file", "./"+name, "")},
		action: exportAction{batch: b.id, records: records, scope: scope},
	}), nil
}

// fileSafe keeps a group id usable as a file name.
func fileSafe(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			return r
		}
		return '_'
	}, s)
}

func (m Model) handleDialogKey(msg tea.KeyMsg) (Model, tea.Cmd) {
	d, res := m.dialog.update(msg, m.keys.Dialog, m.keys.Input)
	m.dialog = &d
	switch res {
	case dialogCancel:
		return m.closeDialog(), nil
	case dialogSubmit:
		return m.submit(d)
	case dialogForce:
		if a, ok := d.action.(forceOfferAction); ok {
			fields := []field{textField("confirm", "", "force")}
			if a.n == 0 {
				// Refused before the count was asked: ask it here.
				fields = []field{textField("records", strconv.Itoa(defaultBatch), ""), fields[0]}
			}
			m = m.openDialog(dialog{
				kind:  dialogForm,
				title: "Force-join " + clean(a.target.ID()) + "?",
				body: []string{
					"Joining rebalances the live members: the running service loses partitions to kgroups until this batch is read and kgroups leaves.",
					"Type force to go ahead.",
				},
				fields: fields,
				action: forceConfirmAction(a),
			})
			typed := m.dialog.focusField(len(fields)-1, 1) // the word to type
			m.dialog = &typed
			return m, nil
		}
	}
	return m, nil
}

// invalid keeps the dialog open with an explanation.
func (m Model) invalid(d dialog, format string, args ...any) (Model, tea.Cmd) {
	d.err = fmt.Sprintf(format, args...)
	m.dialog = &d
	return m, nil
}

func (m Model) submit(d dialog) (Model, tea.Cmd) {
	switch a := d.action.(type) {
	case consumeCountAction:
		n, err := parseCount(d.value(0))
		if err != nil {
			return m.invalid(d, "%v", err)
		}
		body := []string{
			fmt.Sprintf("Read up to %s records of %s as %s.", count(int64(n)), clean(a.target.Group.Topic), clean(a.target.ID())),
			"kgroups joins the group, commits the offsets of what it returns (like the service) and leaves.",
		}
		if g, ok := m.snap.Group(a.target.ID()); ok && len(g.Members) > 0 {
			body = append(body, "", m.styles.Warn.Render(fmt.Sprintf("%s has %d live member(s): kgroups will refuse unless forced.", clean(g.ID), len(g.Members))))
		}
		return m.openDialog(dialog{kind: dialogConfirm, title: "Consume and commit?", body: body,
			action: consumeConfirmAction{target: a.target, n: n}}), nil
	case consumeConfirmAction:
		return m.startConsume(a.target, a.n, false)
	case forceConfirmAction:
		n := a.n
		if n == 0 {
			var err error
			if n, err = parseCount(d.value(0)); err != nil {
				return m.invalid(d, "%v", err)
			}
		}
		if d.value(len(d.fields)-1) != "force" {
			return m.invalid(d, "type force (or esc to cancel)")
		}
		return m.startConsume(a.target, n, true)
	case peekAction:
		req, err := m.peekRequest(a.target, d)
		if err != nil {
			return m.invalid(d, "%v", err)
		}
		return m.startPeek(a.target, req)
	case newSuffixAction:
		suffix := d.value(0)
		if err := validSuffix(suffix); err != nil {
			return m.invalid(d, "%v", err)
		}
		t := target{Group: model.GroupName{Base: m.base, Topic: a.topic, Suffix: suffix}}
		m = m.closeDialog()
		m.batchGen++
		m.batch = m.batch.reset(t)
		m.batch.id = m.batchGen
		_, exists := m.snap.Group(t.ID())
		m.batch.isNew = !exists
		m = m.push(pageBatch)
		if exists {
			return m, reportPhrases(phrase{clean(t.ID()), 0}, phrase{" already exists", 1}, phrase{": c consumes, p peeks", 2})
		}
		return m, reportPhrases(phrase{"new group " + clean(t.ID()), 0}, phrase{" starts at earliest", 1}, phrase{": c consumes, p peeks", 2})
	case commitAction:
		if a.batch != m.batch.id {
			return m.closeDialog(), reportWarn("the batch changed: review it again")
		}
		m = m.closeDialog()
		m.commitBusy = true
		return m, tea.Batch(commitCmd(m.res, m.deps.Cluster, a.batch, a.target, a.changes), m.spinner.Tick)
	case exportAction:
		path := d.value(0)
		if path == "" {
			return m.invalid(d, "give a file name")
		}
		if a.batch != m.batch.id {
			return m.closeDialog(), reportWarn("the batch changed: export again")
		}
		return m.closeDialog(), exportCmd(m.res, path, a.records, a.scope)
	}
	return m.closeDialog(), nil
}

func (m Model) startConsume(t target, n int, force bool) (Model, tea.Cmd) {
	m = m.closeDialog()
	if m.batchBusy != 0 {
		return m, reportWarn("a read is still running: wait for it")
	}
	m.batchGen++
	m.batchBusy = m.batchGen
	m.batch = m.batch.start(m.batchGen, batchConsume, t, n, kafka.PeekRequest{})
	m.batch.forced = force
	m.batch.spin = m.spinner.View()
	m = m.push(pageBatch)
	cfg := kafka.Config{}
	if m.deps.Cluster != nil {
		cfg = m.deps.Cluster.Config()
	}
	return m, tea.Batch(consumeCmd(m.res, cfg, m.batchGen, t, n, force), m.spinner.Tick)
}

func (m Model) startPeek(t target, req kafka.PeekRequest) (Model, tea.Cmd) {
	m = m.closeDialog()
	m.batchGen++
	m.batchBusy = m.batchGen
	t.Partition = req.Partition
	m.batch = m.batch.start(m.batchGen, batchPeek, t, req.Max, req)
	m.batch.spin = m.spinner.View()
	m = m.push(pageBatch)
	return m, tea.Batch(peekCmd(m.res, m.deps.Cluster, m.batchGen, t, req), m.spinner.Tick)
}

// validSuffix keeps new suffixes to names the service's jobs would use.
func validSuffix(s string) error {
	if s == "" {
		return fmt.Errorf("give a suffix, e.g. full-index")
	}
	if len(s) > 200 {
		return fmt.Errorf("suffix: at most 200 characters")
	}
	if err := model.CheckNameChars(s); err != nil {
		return fmt.Errorf("suffix: %v: use letters, digits, '-', '_' and '.' only", err)
	}
	for _, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.'
		if !ok {
			return fmt.Errorf("suffix: use letters, digits, '-', '_' and '.' only")
		}
	}
	return nil
}
