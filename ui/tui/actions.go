package tui

import (
	"fmt"
	"strconv"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/keymap"
	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/tui/widget"
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

// apply carries out what a page asked for; the commands it starts for the
// page live in scope, and end when the page is left.
func (m Model) apply(in intent, scope *widget.Resources) (Model, tea.Cmd) {
	switch in := in.(type) {
	case nil:
		return m, nil
	case intentCmd:
		return m, in.cmd
	case intentPush:
		return m.push(in.page), nil
	case intentPickBase:
		m.base = in.base
		m.snapLoading = false
		m.hasSnap = false
		m = m.reset().push(newTopicsView(m.styles, m.keys, m.deps.Now))
		return m.refresh()
	case intentOpenTopic:
		return m.push(newGroupsView(m.styles, m.keys, m.deps.Now).open(in.topic)), nil
	case intentOpenGroup:
		m = m.push(newPartitionsView(m.styles, m.keys, m.deps.Now).open(in.group, in.missing, in.foreign))
		return m, m.askSparks(in.group.ID)
	case intentOthers:
		return m, othersCmd(scope, m.deps.Cluster, in.gen, in.topic, m.base)
	case intentConsume:
		return m.askConsume(m.withBase(in.target))
	case intentPeek:
		return m.askPeek(m.withBase(in.target))
	case intentNewSuffix:
		return m.openDialog(dialog{
			kind:  dialogForm,
			title: "New suffix on " + widget.Clean(in.topic),
			body: []string{fmt.Sprintf("The group %s-{suffix} starts at earliest. Consume (%s) or peek (%s) from it next.",
				widget.Clean(m.base+"-"+in.topic), keymap.Name(m.keys.Batch.Consume), keymap.Name(m.keys.Batch.Peek))},
			fields: []field{textField("suffix", "", "e.g. full-index")},
			action: newSuffixAction{topic: in.topic},
		}), nil
	case intentOp:
		return m.openOp(in)
	case intentCommitReview:
		return m.askCommit(in.batch)
	case intentExport:
		return m.askExport(in.batch)
	case intentCopy:
		return m, copyCmd(m.res, in.record, in.asRecord, keymap.Name(m.keys.Batch.Export))
	case intentSearch:
		return m, searchCmd(in.batch, in.query, in.records)
	}
	return m, nil
}

// openDialog opens d over the page, or over the operation open there (a
// result that needs an answer can arrive while one is): closing d shows
// that operation again.
func (m Model) openDialog(d dialog) Model {
	d = d.focusField(0, 1)
	d.under = m.modal
	if cur := m.prompt(); cur != nil {
		d.under = cur.under // the next step of the same prompt
	}
	m.modal = &d
	return m.resize()
}

func (m Model) closeDialog() Model {
	if d := m.prompt(); d != nil {
		m.modal = d.under
	}
	return m.resize()
}

// readOnly refuses a write in read-only mode.
func (m Model) readOnly(what string) tea.Cmd {
	return widget.ReportWarn("read-only: %s is off (%s peeks without committing)", what, keymap.Name(m.keys.Topics.Peek))
}

func (m Model) askConsume(t target) (Model, tea.Cmd) {
	if m.deps.ReadOnly {
		return m, m.readOnly("consume commits offsets, so it")
	}
	if m.batchBusy != 0 {
		return m, widget.ReportWarn("a read is still running: wait for it")
	}
	if g, ok := m.snap.Group(t.ID()); ok && len(g.Members) > 0 {
		// Refused before asking for a count, as R, S and D are: forcing is a
		// deliberate second step that asks for the count itself.
		ga := &kafka.GroupActiveError{Group: g.ID, State: g.State, Members: g.Members}
		return m.refuse(ga, false, consumeConfirmAction{target: t}), nil
	}
	return m.openDialog(dialog{
		kind:   dialogForm,
		title:  "Consume from " + widget.Clean(t.ID()),
		body:   []string{"How many records? The group commits what it reads."},
		fields: []field{textField("records", strconv.Itoa(defaultBatch), "")},
		action: consumeCountAction{target: t},
	}), nil
}

func (m Model) askCommit(b batchView) (Model, tea.Cmd) {
	switch {
	case m.deps.ReadOnly:
		return m, m.readOnly("commit")
	case b.kind != batchPeek:
		return m, widget.ReportInfo("this batch was consumed: its offsets are already committed")
	case b.committed != "":
		return m, widget.ReportInfo("this batch is already committed")
	case m.commitBusy:
		return m, widget.ReportWarn("a commit is still running")
	}
	return m.startCommitReview(b.target, b.id, b.records)
}

// askExport offers to write what the list shows: the matches of a search,
// or the whole batch.
func (m Model) askExport(b batchView) (Model, tea.Cmd) {
	records := b.shown()
	if len(records) == 0 {
		return m, b.nothingShown("export")
	}
	scope := exportScope{total: len(b.records)}
	title, what := "Export the whole batch as JSON lines", fmt.Sprintf("All %s records of the batch", widget.Count(int64(len(b.records))))
	if b.matches.active() {
		scope.query = b.matches.query
		title = "Export the matching records as JSON lines"
		back := keymap.Name(m.keys.Dialog.Cancel) + ", then " + keymap.Name(m.keys.Filter.Cancel)
		what = fmt.Sprintf("The %s of %s records that match '%s' (%s clears the search to export all)", widget.Count(int64(len(records))), widget.Count(int64(len(b.records))), widget.Clean(b.matches.query), back)
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
	d, res := m.prompt().update(msg, m.keys.Dialog, m.keys.Input)
	m.modal = &d
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
				title: "Force-join " + widget.Clean(a.target.ID()) + "?",
				body: []string{
					"Joining rebalances the live members: the running service loses partitions to kgroups until this batch is read and kgroups leaves.",
					"Type force to go ahead.",
				},
				fields: fields,
				action: forceConfirmAction(a),
			})
			typed := m.prompt().focusField(len(fields)-1, 1) // the word to type
			m.modal = &typed
			return m, nil
		}
	}
	return m, nil
}

// invalid keeps the dialog open with an explanation.
func (m Model) invalid(d dialog, format string, args ...any) (Model, tea.Cmd) {
	d.err = fmt.Sprintf(format, args...)
	m.modal = &d
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
			fmt.Sprintf("Read up to %s records of %s as %s.", widget.Count(int64(n)), widget.Clean(a.target.Group.Topic), widget.Clean(a.target.ID())),
			"kgroups joins the group, commits the offsets of what it returns (like the service) and leaves.",
		}
		if g, ok := m.snap.Group(a.target.ID()); ok && len(g.Members) > 0 {
			body = append(body, "", m.styles.Warn.Render(fmt.Sprintf("%s has %d live member(s): kgroups will refuse unless forced.", widget.Clean(g.ID), len(g.Members))))
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
			return m.invalid(d, "type force (or %s to cancel)", keymap.Name(m.keys.Dialog.Cancel))
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
		b := m.newBatch()
		b.target, b.id = t, m.batchGen
		_, exists := m.snap.Group(t.ID())
		b.isNew = !exists
		m = m.openBatch(b)
		if exists {
			return m, widget.ReportPhrases(widget.Phrase{Text: widget.Clean(t.ID()), Need: 0}, widget.Phrase{Text: " already exists", Need: 1}, widget.Phrase{Text: ": " + readHint(m.keys.Batch.Consume, m.keys.Batch.Peek), Need: 2})
		}
		return m, widget.ReportPhrases(widget.Phrase{Text: "new group " + widget.Clean(t.ID()), Need: 0}, widget.Phrase{Text: " starts at earliest", Need: 1}, widget.Phrase{Text: ": " + readHint(m.keys.Batch.Consume, m.keys.Batch.Peek), Need: 2})
	case commitAction:
		if a.batch != m.shownBatch() {
			return m.closeDialog(), widget.ReportWarn("the batch changed: review it again")
		}
		m = m.closeDialog()
		m.commitBusy = true
		return m, tea.Batch(commitCmd(m.res, m.deps.Cluster, a.batch, a.target, a.changes), m.spinner.Tick)
	case exportAction:
		path := d.value(0)
		if path == "" {
			return m.invalid(d, "give a file name")
		}
		if a.batch != m.shownBatch() {
			return m.closeDialog(), widget.ReportWarn("the batch changed: export again")
		}
		return m.closeDialog(), exportCmd(m.res, path, a.records, a.scope)
	}
	return m.closeDialog(), nil
}

func (m Model) startConsume(t target, n int, force bool) (Model, tea.Cmd) {
	m = m.closeDialog()
	if m.batchBusy != 0 {
		return m, widget.ReportWarn("a read is still running: wait for it")
	}
	m.batchGen++
	m.batchBusy = m.batchGen
	b := m.newBatch().start(m.batchGen, batchConsume, t, n, kafka.PeekRequest{})
	b.forced = force
	b.spin = m.spinner.View()
	m = m.openBatch(b)
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
	b := m.newBatch().start(m.batchGen, batchPeek, t, req.Max, req)
	b.spin = m.spinner.View()
	m = m.openBatch(b)
	// A peek only reads: leaving its page cancels it.
	return m, tea.Batch(peekCmd(m.topScope(), m.deps.Cluster, m.batchGen, t, req), m.spinner.Tick)
}

// newBatch is an empty batch page.
func (m Model) newBatch() batchView {
	b := newBatchView(m.styles, m.keys, m.deps.Now)
	b.readOnly = m.deps.ReadOnly
	return b
}

// openBatch focuses b: in the place of the batch shown, or on top.
func (m Model) openBatch(b batchView) Model {
	if _, ok := m.top().(batchShower); ok {
		return m.replaceTop(b)
	}
	return m.push(b)
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
