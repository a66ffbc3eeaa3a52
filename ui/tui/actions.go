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

// Dialog actions: what a dialog is for, interpreted by the read flow when the
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
		decoded []decoding     // by record, when decoded
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
func (e readEnv) withBase(t target) target {
	if t.Group.Base == "" {
		t.Group.Base = e.base
	}
	return t
}

// readIntent is an intent the read flows carry out.
type readIntent interface {
	intent
	isReadIntent()
}

func (intentConsume) isReadIntent()      {}
func (intentPeek) isReadIntent()         {}
func (intentNewSuffix) isReadIntent()    {}
func (intentCommitReview) isReadIntent() {}
func (intentExport) isReadIntent()       {}
func (intentCopy) isReadIntent()         {}
func (intentSearch) isReadIntent()       {}

// intent carries out what a page asked of the read flows.
func (f readFlow) intent(e readEnv, in readIntent) (readFlow, effect) {
	switch in := in.(type) {
	case intentConsume:
		return f.askConsume(e, e.withBase(in.target))
	case intentPeek:
		return f.askPeek(e, e.withBase(in.target))
	case intentNewSuffix:
		return f, effect{open: &dialog{
			kind:  dialogForm,
			title: "New suffix on " + widget.Clean(in.topic),
			body: []string{fmt.Sprintf("The group %s-{suffix} starts at earliest. Consume (%s) or peek (%s) from it next.",
				widget.Clean(e.base+"-"+in.topic), keymap.Name(e.keys.Batch.Consume), keymap.Name(e.keys.Batch.Peek))},
			fields: []field{textField("suffix", "", "e.g. full-index")},
			action: newSuffixAction{topic: in.topic},
		}}
	case intentCommitReview:
		return f.askCommit(e, in.batch)
	case intentExport:
		return f.askExport(e, in.batch)
	case intentCopy:
		return f, doCmd(copyCmd(e.res, in.record, in.decoded, in.asRecord, keymap.Name(e.keys.Batch.Export)))
	case intentSearch:
		return f, doCmd(searchCmd(in.batch, in.query, in.records, in.decoded))
	}
	return f, effect{}
}

// readOnlyRefusal refuses a write in read-only mode.
func (e readEnv) readOnlyRefusal(what string) tea.Cmd { return readOnlyRefusal(e.keys, what) }

func readOnlyRefusal(keys *keymap.KeyMap, what string) tea.Cmd {
	return widget.ReportWarn("read-only: %s is off (%s peeks without committing)", what, keymap.Name(keys.Topics.Peek))
}

func (f readFlow) askConsume(e readEnv, t target) (readFlow, effect) {
	if e.readOnly {
		return f, doCmd(e.readOnlyRefusal("consume commits offsets, so it"))
	}
	if f.batchBusy != 0 {
		return f, doCmd(widget.ReportWarn("a read is still running: wait for it"))
	}
	if g, ok := e.snap.Group(t.ID()); ok && len(g.Members) > 0 {
		// Refused before asking for a count, as R, S and D are: forcing is a
		// deliberate second step that asks for the count itself.
		ga := &kafka.GroupActiveError{Group: g.ID, State: g.State, Members: g.Members}
		return f, effect{open: ptrTo(refusal(ga, false, consumeConfirmAction{target: t}))}
	}
	return f, effect{open: &dialog{
		kind:   dialogForm,
		title:  "Consume from " + widget.Clean(t.ID()),
		body:   []string{"How many records? The group commits what it reads."},
		fields: []field{textField("records", strconv.Itoa(defaultBatch), "")},
		action: consumeCountAction{target: t},
	}}
}

func (f readFlow) askCommit(e readEnv, b batchView) (readFlow, effect) {
	switch {
	case e.readOnly:
		return f, doCmd(e.readOnlyRefusal("commit"))
	case b.kind != batchPeek:
		return f, doCmd(widget.ReportInfo("this batch was consumed: its offsets are already committed"))
	case b.committed != "":
		return f, doCmd(widget.ReportInfo("this batch is already committed"))
	case f.commitBusy:
		return f, doCmd(widget.ReportWarn("a commit is still running"))
	}
	return f.startCommitReview(e, b.target, b.id, b.records)
}

// askExport offers to write what the list shows: the matches of a search,
// or the whole batch.
func (f readFlow) askExport(e readEnv, b batchView) (readFlow, effect) {
	records, decoded := b.shown()
	if len(records) == 0 {
		return f, doCmd(b.nothingShown("export"))
	}
	scope := exportScope{total: len(b.records)}
	title, what := "Export the whole batch as JSON lines", fmt.Sprintf("All %s records of the batch", widget.Count(int64(len(b.records))))
	if b.matches.active() {
		scope.query = b.matches.query
		title = "Export the matching records as JSON lines"
		back := keymap.Name(e.keys.Dialog.Cancel) + ", then " + keymap.Name(e.keys.Filter.Cancel)
		what = fmt.Sprintf("The %s of %s records that match '%s' (%s clears the search to export all)", widget.Count(int64(len(records))), widget.Count(int64(len(b.records))), widget.Clean(b.matches.query), back)
	}
	name := fileSafe(b.target.ID()) + "-" + e.now().UTC().Format("20060102-150405") + ".jsonl"
	return f, effect{open: &dialog{
		kind:   dialogForm,
		title:  title,
		body:   []string{what + ", one JSON object a line (the CLI's jsonl shape).", "An existing file is never overwritten."},
		fields: []field{textField("file", "./"+name, "")},
		action: exportAction{batch: b.id, records: records, decoded: decoded, scope: scope},
	}}
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

// force asks to type "force" before joining a group with live members.
func (f readFlow) force(d dialog) (readFlow, effect) {
	a, ok := d.action.(forceOfferAction)
	if !ok {
		return f, effect{}
	}
	fields := []field{textField("confirm", "", "force")}
	if a.n == 0 {
		// Refused before the count was asked: ask it here.
		fields = []field{textField("records", strconv.Itoa(defaultBatch), ""), fields[0]}
	}
	return f, effect{focusLast: true, open: &dialog{
		kind:  dialogForm,
		title: "Force-join " + widget.Clean(a.target.ID()) + "?",
		body: []string{
			"Joining rebalances the live members: the running service loses partitions to kgroups until this batch is read and kgroups leaves.",
			"Type force to go ahead.",
		},
		fields: fields,
		action: forceConfirmAction(a),
	}}
}

// invalid keeps the dialog open with an explanation.
func invalid(f readFlow, d dialog, format string, args ...any) (readFlow, effect) {
	d.err = fmt.Sprintf(format, args...)
	return f, effect{keep: &d}
}

// submit carries out the answer to a dialog of the read flows.
func (f readFlow) submit(e readEnv, d dialog) (readFlow, effect) {
	switch a := d.action.(type) {
	case consumeCountAction:
		n, err := parseCount(d.value(0))
		if err != nil {
			return invalid(f, d, "%v", err)
		}
		body := []string{
			fmt.Sprintf("Read up to %s records of %s as %s.", widget.Count(int64(n)), widget.Clean(a.target.Group.Topic), widget.Clean(a.target.ID())),
			"kgroups joins the group, commits the offsets of what it returns (like the service) and leaves.",
		}
		if g, ok := e.snap.Group(a.target.ID()); ok && len(g.Members) > 0 {
			body = append(body, "", e.styles.Warn.Render(fmt.Sprintf("%s has %d live member(s): kgroups will refuse unless forced.", widget.Clean(g.ID), len(g.Members))))
		}
		return f, effect{open: &dialog{kind: dialogConfirm, title: "Consume and commit?", body: body,
			action: consumeConfirmAction{target: a.target, n: n}}}
	case consumeConfirmAction:
		return f.startConsume(e, a.target, a.n, false)
	case forceConfirmAction:
		n := a.n
		if n == 0 {
			var err error
			if n, err = parseCount(d.value(0)); err != nil {
				return invalid(f, d, "%v", err)
			}
		}
		if d.value(len(d.fields)-1) != "force" {
			return invalid(f, d, "type force (or %s to cancel)", keymap.Name(e.keys.Dialog.Cancel))
		}
		return f.startConsume(e, a.target, n, true)
	case peekAction:
		req, err := peekRequest(e, a.target, d)
		if err != nil {
			return invalid(f, d, "%v", err)
		}
		return f.startPeek(e, a.target, req)
	case newSuffixAction:
		suffix := d.value(0)
		if err := widget.ValidSuffix(suffix); err != nil {
			return invalid(f, d, "%v", err)
		}
		t := target{Group: model.GroupName{Base: e.base, Topic: a.topic, Suffix: suffix}}
		f.batchGen++
		b := e.newBatch()
		b.target, b.id = t, f.batchGen
		_, exists := e.snap.Group(t.ID())
		b.isNew = !exists
		hint := widget.Phrase{Text: ": " + readHint(e.keys.Batch.Consume, e.keys.Batch.Peek), Need: 2}
		if exists {
			return f, effect{close: true, page: b, cmd: widget.ReportPhrases(widget.Phrase{Text: widget.Clean(t.ID()), Need: 0}, widget.Phrase{Text: " already exists", Need: 1}, hint)}
		}
		return f, effect{close: true, page: b, cmd: widget.ReportPhrases(widget.Phrase{Text: "new group " + widget.Clean(t.ID()), Need: 0}, widget.Phrase{Text: " starts at earliest", Need: 1}, hint)}
	case commitAction:
		if a.batch != e.shownBatch() {
			return f, effect{close: true, cmd: widget.ReportWarn("the batch changed: review it again")}
		}
		f.commitBusy = true
		return f, effect{close: true, cmd: tea.Batch(commitCmd(e.res, e.cluster, a.batch, a.target, a.changes), e.tick)}
	case exportAction:
		path := d.value(0)
		if path == "" {
			return invalid(f, d, "give a file name")
		}
		if a.batch != e.shownBatch() {
			return f, effect{close: true, cmd: widget.ReportWarn("the batch changed: export again")}
		}
		return f, effect{close: true, cmd: exportCmd(e.res, path, a.records, a.decoded, a.scope)}
	}
	return f, effect{close: true}
}

func (f readFlow) startConsume(e readEnv, t target, n int, force bool) (readFlow, effect) {
	if f.batchBusy != 0 {
		return f, effect{close: true, cmd: widget.ReportWarn("a read is still running: wait for it")}
	}
	f.batchGen++
	f.batchBusy = f.batchGen
	b := e.newBatch().start(f.batchGen, batchConsume, t, n, kafka.PeekRequest{})
	b.forced = force
	b.spin = e.spin
	cfg := kafka.Config{}
	if e.cluster != nil {
		cfg = e.cluster.Config()
	}
	return f, effect{close: true, page: b, cmd: tea.Batch(consumeCmd(e.res, cfg, e.decoder, f.batchGen, t, n, force), e.tick)}
}

// startPeek reads without committing. A peek only reads: it runs in the
// scope of its batch page, so leaving the page cancels it.
func (f readFlow) startPeek(e readEnv, t target, req kafka.PeekRequest) (readFlow, effect) {
	f.batchGen++
	f.batchBusy = f.batchGen
	t.Partition = req.Partition
	b := e.newBatch().start(f.batchGen, batchPeek, t, req.Max, req)
	b.spin = e.spin
	id, cl, dec := f.batchGen, e.cluster, e.decoder
	return f, effect{close: true, page: b, cmd: e.tick, inPage: func(scope *widget.Resources) tea.Cmd {
		return peekCmd(scope, cl, dec, id, t, req)
	}}
}

// newBatch is an empty batch page.
func (e readEnv) newBatch() batchView {
	b := newBatchView(e.styles, e.keys, e.now)
	b.readOnly = e.readOnly
	return b
}
