package ui

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/keymap"
	"github.com/kgroups/kgroups/model"
)

// Offset operations: reset (R), copy from a sibling (S), create a suffix
// group (N) and delete (D), from the groups and partitions views. Each runs
// as a flow in one dialog: a form, the plan the cluster computes, an
// explicit Apply, then what was read back. Nothing is written before Apply;
// the kafka layer refuses live groups and read-only connections as well.

// opKind is the operation a flow performs.
type opKind int

const (
	opReset opKind = iota
	opCopy
	opCreate
	opDelete
)

// String names the operation as a noun, for titles and status lines.
func (k opKind) String() string {
	return [...]string{"reset", "copy", "creation", "deletion"}[k]
}

// opStep is where a flow stands.
type opStep int

const (
	stepForm     opStep = iota // reset: the mode; create: the suffix and start
	stepPick                   // copy: the sibling to copy from
	stepLoading                // a plan or a delete preview is being read
	stepPlan                   // the plan, waiting for Apply
	stepDelete                 // what a delete removes, and the typed name
	stepApplying               // the write is running
	stepDone                   // what is committed now, read back
)

// opControl is a focusable part of a flow's dialog.
type opControl int

const (
	ctlNone       opControl = iota
	ctlMode                 // reset: the list of modes
	ctlValue                // reset: the value the mode needs
	ctlPartitions           // reset: the partitions to limit it to
	ctlSuffix               // create: the new suffix
	ctlStart                // create: earliest, latest or datetime
	ctlTime                 // create: the datetime
	ctlScope                // delete: the whole group or its offsets only
	ctlName                 // delete: the typed group name
	ctlApply                // the Apply (or Delete) button
	ctlCancel               // the Cancel button
)

// resetModes lists the reset form's modes in order, as the CLI has them.
var resetModes = [...]struct {
	label, about string
	mode         kafka.ResetMode
	field        string // label of the value field; "" when the mode needs none
	placeholder  string
}{
	{"earliest", "the log start of each partition", kafka.ResetToEarliest, "", ""},
	{"latest", "the log end: skip everything not read yet", kafka.ResetToLatest, "", ""},
	{"offset", "one offset on every partition", kafka.ResetToOffset, "offset", "e.g. 1000"},
	{"per partition", "one offset each, e.g. 0=10,1=20", kafka.ResetToOffsetMap, "offsets", "0=10,1=20"},
	{"datetime", "the first record at or after an RFC 3339 time", kafka.ResetToDatetime, "time", "2025-01-31T09:00:00Z"},
	{"duration ago", "the first record at or after that long ago", kafka.ResetByDuration, "ago", "1h, 30m, 1h30m"},
	{"shift by", "±N records from where the group is", kafka.ResetShiftBy, "shift", "-100 or +50"},
}

// Indices of resetModes the form treats specially.
const (
	modeOffsetMap = 3
	modeDatetime  = 4
)

// createStarts are where a created group can start.
var createStarts = []string{"earliest", "latest", "datetime"}

// createKinds are createStarts as the kafka layer takes them.
var createKinds = []kafka.CreateAt{kafka.CreateAtEarliest, kafka.CreateAtLatest, kafka.CreateAtTime}

const createAtDatetime = 2

// opsState is the root's part in offset operations: the open flow and the
// requests it made.
type opsState struct {
	gen     int     // bumps with every request a flow makes
	flow    *opFlow // the open dialog; nil when none
	writing int     // the write in flight (its gen), 0 if none
}

// waiting reports whether the user waits for an operation's answer.
func (s opsState) waiting() bool {
	return s.writing != 0 || (s.flow != nil && s.flow.wait != 0)
}

// opFlow is one operation from its form to its result. Its dialog is drawn
// by view (ops_view.go).
type opFlow struct {
	op    opKind
	step  opStep
	wait  int // the request whose answer the flow waits for; 0 if none
	group model.Group
	name  model.GroupName // the group acted on (for create: the new one, once named)
	topic string
	parts int // partitions of the topic, when known

	focus     opControl
	formFocus opControl                  // the focus when the form was sent, restored on going back to it
	mode      int                        // reset: index in resetModes; create: in createStarts; delete: 1 for offsets only
	vals      [len(resetModes)]lineInput // reset: one value per mode, kept while switching
	limit     lineInput                  // reset: partitions
	text      lineInput                  // create: suffix; delete: the typed name
	at        lineInput                  // create: datetime

	siblings []model.Group // copy: groups of the same topic with commits
	pick     listCursor

	plan    model.Plan
	source  []model.PartitionLag // copy: the sibling's position when the plan was made
	preview opPreviewMsg         // delete: the group as read before deleting
	others  []string             // delete: other topics the group holds commits on

	result  model.PlanResult // after Apply
	deleted opDeletedMsg     // after a delete
	scroll  int              // first table row shown
	err     string           // a validation failure or an error, shown in the dialog
	note    string           // above a plan: why it was computed again
}

// intentOp asks the root to start an offset operation.
type intentOp struct {
	op        opKind
	group     model.Group // the group acted on; for create, the view's topic is enough
	topic     string
	partition *int32 // the partition selected in the partitions view
	missing   bool   // the group does not exist yet
	foreign   bool   // not a group of the base
}

func (intentOp) isIntent() {}

// opOfKey maps R, S, N and D to their operation.
func opOfKey(msg tea.KeyMsg, reset, copyFrom, create, del key.Binding) (opKind, bool) {
	switch {
	case keyMatches(msg, reset):
		return opReset, true
	case keyMatches(msg, copyFrom):
		return opCopy, true
	case keyMatches(msg, create):
		return opCreate, true
	case keyMatches(msg, del):
		return opDelete, true
	}
	return 0, false
}

// opIntent is what R, S, N or D asks for on the groups view.
func (v groupsView) opIntent(msg tea.KeyMsg) intent {
	k := v.keys.Groups
	op, ok := opOfKey(msg, k.Reset, k.CopyFrom, k.Create, k.Delete)
	if !ok {
		return nil
	}
	in := intentOp{op: op, topic: v.topic}
	if row, ok := v.selected(); ok {
		in.group = row.Group
		in.missing = row.Kind == rowMissingDefault
		in.foreign = row.Kind == rowUnmatched || row.Kind == rowOther
	}
	return in
}

// opIntent is what R, S, N or D asks for on the partitions view. A reset
// starts limited to the selected partition.
func (v partitionsView) opIntent(msg tea.KeyMsg) intent {
	k := v.keys.Partitions
	op, ok := opOfKey(msg, k.Reset, k.CopyFrom, k.Create, k.Delete)
	if !ok {
		return nil
	}
	in := intentOp{op: op, group: v.group, topic: v.group.Name.Topic, missing: v.missing, foreign: v.foreign}
	if v.cur.index < len(v.group.Partitions) {
		p := v.group.Partitions[v.cur.index].Partition
		in.partition = &p
	}
	return in
}

// opsReadOnly marks the keys of offset operations off in read-only mode.
func opsReadOnly(k *keymap.KeyMap, off string) {
	for _, b := range []struct {
		groups, partitions *key.Binding
		key, what          string
	}{
		{&k.Groups.Reset, &k.Partitions.Reset, "R", "reset "},
		{&k.Groups.CopyFrom, &k.Partitions.CopyFrom, "S", "copy "},
		{&k.Groups.Create, &k.Partitions.Create, "N", "create "},
		{&k.Groups.Delete, &k.Partitions.Delete, "D", "delete "},
	} {
		b.groups.SetHelp(b.key, b.what+off)
		b.partitions.SetHelp(b.key, b.what+off)
	}
}

// openOp starts the flow in asks for, or says why not.
func (m Model) openOp(in intentOp) (Model, tea.Cmd) {
	id := clean(in.group.ID)
	switch {
	case m.deps.ReadOnly:
		return m, m.readOnly(in.op.String() + " writes offsets, so it")
	case m.ops.writing != 0:
		return m, reportWarn("an offset change is still running: wait for it")
	case in.op != opCreate && in.group.ID == "":
		return m, reportInfo("no group selected")
	case in.op != opCreate && in.foreign:
		return m, reportWarn("%s is not a group of the base: %s acts on {base}-{topic}[-{suffix}]", id, in.op)
	case in.op == opDelete && in.missing:
		return m, reportInfo("%s does not exist yet: nothing to delete", id)
	case in.op != opCreate && len(in.group.Members) > 0:
		return m.refuseOp(in.group.ID, in.group.Members, in.op), nil
	}
	f := opFlow{op: in.op, group: in.group, name: in.group.Name, topic: in.topic}
	if t, ok := m.snap.Topic(in.topic); ok {
		f.parts = len(t.Partitions)
	}
	if f.name.Base == "" {
		f.name.Base = m.base
	}
	switch in.op {
	case opReset:
		f.step, f.focus = stepForm, ctlMode
		for i, rm := range resetModes {
			f.vals[i] = newLineInput("", "", rm.placeholder)
		}
		f.vals[modeDatetime].SetValue(m.deps.Now().UTC().Truncate(time.Minute).Format(time.RFC3339))
		part := ""
		if in.partition != nil {
			part = strconv.Itoa(int(*in.partition))
		}
		f.limit = newLineInput("", part, "all")
	case opCopy:
		f.siblings = m.siblingsOf(in.group)
		if len(f.siblings) == 0 {
			return m, reportInfo("no other group of the base has commits on %s to copy from", clean(in.topic))
		}
		f.step = stepPick
	case opCreate:
		f.step, f.focus = stepForm, ctlSuffix
		f.name = model.GroupName{Base: m.base, Topic: in.topic}
		f.text = newLineInput("", "", "e.g. full-index")
		f.at = newLineInput("", m.deps.Now().UTC().Truncate(time.Minute).Format(time.RFC3339), "2025-01-31T09:00:00Z")
	case opDelete:
		f.text = newConfirmInput(f.name)
		f.focus = ctlName
		f.others = otherTopics(in.group)
		m.ops.flow = &f
		return m.request(func(gen int) tea.Cmd {
			return deletePreviewCmd(m.res, m.deps.Cluster, gen, f.group.ID, f.topic)
		})
	}
	f = f.refocus()
	m.ops.flow = &f
	return m.resize(), nil
}

// siblingsOf lists the groups of the base on g's topic that a copy can take
// offsets from: every one but g that holds a commit there.
func (m Model) siblingsOf(g model.Group) []model.Group {
	var out []model.Group
	for _, s := range m.snap.GroupsOf(g.Name.Topic) {
		if s.ID == g.ID || s.Err != nil {
			continue
		}
		if slices.ContainsFunc(s.Partitions, func(p model.PartitionLag) bool { return p.HasCommitted }) {
			out = append(out, s)
		}
	}
	slices.SortStableFunc(out, func(a, b model.Group) int {
		// The default group first, as in the groups view.
		if a.Name.IsDefault() != b.Name.IsDefault() {
			if a.Name.IsDefault() {
				return -1
			}
			return 1
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}

// otherTopics lists the topics other than its own a group has commits on:
// deleting the whole group removes those too.
func otherTopics(g model.Group) []string {
	var out []string
	for _, c := range g.OtherCommits {
		if !slices.Contains(out, c.Topic) {
			out = append(out, c.Topic)
		}
	}
	slices.Sort(out)
	return out
}

// request starts a command of the open flow under a new generation; the
// flow waits for its answer.
func (m Model) request(cmd func(gen int) tea.Cmd) (Model, tea.Cmd) {
	m.ops.gen++
	f := *m.ops.flow
	f.wait = m.ops.gen
	f.err = ""
	if f.step != stepApplying {
		f.step = stepLoading
	}
	m.ops.flow = &f
	return m.resize(), tea.Batch(cmd(m.ops.gen), m.spinner.Tick)
}

// refuseOp explains that live members hold the group: the broker would
// reject the change or the service would overwrite it.
func (m Model) refuseOp(group string, members []model.Member, op opKind) Model {
	m.ops.flow = nil
	body := []string{fmt.Sprintf("%s has %d live member(s):", clean(group), len(members))}
	body = append(body, memberLines(members)...)
	body = append(body, "", fmt.Sprintf("The broker would reject the %s, or the running service would overwrite it. Stop them first, then try again.", op))
	return m.openDialog(dialog{
		kind:   dialogRefusal,
		title:  capitalize(op.String()) + " refused: the group is in use",
		body:   body,
		action: noticeAction{},
	})
}

// memberLines names members and what they hold, one line each.
func memberLines(members []model.Member) []string {
	var out []string
	for _, mem := range members {
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
		out = append(out, line)
	}
	return out
}

// handleOpKey gives a key to the open flow and acts on what it did.
func (m Model) handleOpKey(msg tea.KeyMsg) (Model, tea.Cmd) {
	f, ev := m.ops.flow.update(msg, m.keys.Ops, m.keys.Input, m.opRows())
	m.ops.flow = &f
	switch ev {
	case opClose:
		if f.step == stepApplying {
			m.ops.flow = nil
			return m.resize(), reportInfo("the %s goes on: its outcome will show here", f.op)
		}
		m.ops.flow = nil
		return m.resize(), nil
	case opBack:
		return m.resize(), nil
	case opSubmit:
		f.note = ""
		return m.submitOp(f)
	case opApply:
		return m.applyOp(f)
	}
	return m, nil
}

// opRows is how many table rows the open flow's dialog shows at the
// current size.
func (m Model) opRows() int {
	return m.ops.flow.tableRows(m.styles, m.width, m.bodyHeight())
}

// submitOp checks the form (or the pick) and asks the cluster for the plan.
func (m Model) submitOp(f opFlow) (Model, tea.Cmd) {
	cl, res := m.deps.Cluster, m.res
	switch f.op {
	case opReset:
		spec, err := f.resetSpec(m.deps.Now)
		if err != nil {
			return m.opInvalid(f, err)
		}
		return m.request(func(gen int) tea.Cmd { return planResetCmd(res, cl, gen, f.name.String(), f.topic, spec) })
	case opCopy:
		from := f.siblings[f.pick.index]
		return m.request(func(gen int) tea.Cmd { return planCopyCmd(res, cl, gen, f.name.String(), from.ID, f.topic) })
	case opCreate:
		suffix := strings.TrimSpace(f.text.Value())
		if err := validSuffix(suffix); err != nil {
			return m.opInvalid(f, err)
		}
		name := model.GroupName{Base: m.base, Topic: f.topic, Suffix: suffix}
		if g, ok := m.snap.Group(name.String()); ok && g.Exists() {
			return m.opInvalid(f, fmt.Errorf("%s already exists: move it with R instead", name))
		}
		at := kafka.CreateStart{At: createKinds[f.mode]}
		if f.mode == createAtDatetime {
			t, err := parseRFC3339(f.at.Value())
			if err != nil {
				return m.opInvalid(f, err)
			}
			at.Time = t
		}
		f.name = name
		m.ops.flow = &f
		return m.request(func(gen int) tea.Cmd { return planCreateCmd(res, cl, gen, name.String(), f.topic, at) })
	}
	return m, nil
}

func (m Model) opInvalid(f opFlow, err error) (Model, tea.Cmd) {
	f.err = clean(err.Error())
	m.ops.flow = &f
	return m, nil
}

// applyOp runs the confirmed write.
func (m Model) applyOp(f opFlow) (Model, tea.Cmd) {
	if m.ops.writing != 0 {
		return m.opInvalid(f, fmt.Errorf("an offset change is still running: wait for it"))
	}
	f.step = stepApplying
	m.ops.flow = &f
	cl, res := m.deps.Cluster, m.res
	var cmd func(gen int) tea.Cmd
	if f.op == opDelete {
		offsetsOnly, shown := f.mode == 1, f.preview.position
		cmd = func(gen int) tea.Cmd { return deleteCmd(res, cl, gen, f.name.String(), f.topic, offsetsOnly, shown) }
	} else {
		plan := f.plan
		cmd = func(gen int) tea.Cmd { return applyPlanCmd(res, cl, gen, f.op, plan) }
	}
	m, c := m.request(cmd)
	m.ops.writing = m.ops.gen
	return m, c
}

// opHelp is the help bar while a flow is open.
func (m Model) opHelp() keymap.Help {
	k := m.keys.Ops
	f := m.ops.flow
	press, cancel := k.Press, k.Cancel
	var short []key.Binding
	switch f.step {
	case stepForm:
		press.SetHelp("enter", "show the plan")
		short = []key.Binding{press, k.Next, k.Up, cancel}
		if f.op == opCreate {
			short = []key.Binding{press, k.Next, k.Left, cancel}
		}
	case stepPick:
		press.SetHelp("enter", "show the plan")
		up := k.Up
		up.SetHelp("↑/↓", "pick")
		short = []key.Binding{press, up, cancel}
	case stepLoading:
		short = []key.Binding{cancel}
	case stepPlan:
		press.SetHelp("enter", "press button")
		next := k.Next
		next.SetHelp("tab", "button")
		cancel.SetHelp(cancel.Help().Key, "back")
		short = []key.Binding{k.Apply, next, press, k.PageUp, cancel}
	case stepDelete:
		press.SetHelp("enter", "delete (once the name matches)")
		short = []key.Binding{press, k.Next, k.Left, k.PageUp, cancel}
	case stepApplying:
		cancel.SetHelp("esc", "hide (it goes on)")
		short = []key.Binding{cancel}
	case stepDone:
		press.SetHelp("enter", "close")
		cancel.SetHelp("esc", "close")
		short = []key.Binding{press, k.PageUp, cancel}
	}
	return keymap.Help{Short: short, Full: [][]key.Binding{short}}
}
