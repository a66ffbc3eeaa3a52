package ui

import (
	"errors"
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

func (k opKind) String() string {
	return [...]string{"reset", "copy", "create", "delete"}[k]
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

const createAtDatetime = 2

// deleteScopes are what a delete can remove.
var deleteScopes = []string{"whole group", "offsets on the topic only"}

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

	focus opControl
	mode  int                        // reset: index in resetModes; create: in createStarts; delete: in deleteScopes
	vals  [len(resetModes)]lineInput // reset: one value per mode, kept while switching
	limit lineInput                  // reset: partitions
	text  lineInput                  // create: suffix; delete: the typed name
	at    lineInput                  // create: datetime

	siblings []model.Group // copy: groups of the same topic with commits
	pick     listCursor

	plan    model.Plan
	source  []model.PartitionLag // copy: the sibling's position when the plan was made
	from    string               // copy: the sibling's id
	preview opPreviewMsg         // delete: the group as read before deleting
	others  []string             // delete: other topics the group holds commits on

	result  model.PlanResult // after Apply
	deleted opDeletedMsg     // after a delete
	scroll  int              // first table row shown
	err     string           // a validation failure or an error, shown in the dialog
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
		f.text = newLineInput("", "", f.group.ID)
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
	body := []string{fmt.Sprintf("%d live member(s) hold it:", len(members))}
	body = append(body, memberLines(members)...)
	body = append(body, "", fmt.Sprintf("The broker would reject the %s, or the running service would overwrite it. Stop them first, then try again.", op))
	return m.openDialog(dialog{
		kind:   dialogRefusal,
		title:  clean(group) + " is in use: " + op.String() + " refused",
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

// opEvent is what a key did to a flow.
type opEvent int

const (
	opStay   opEvent = iota
	opClose          // esc, Cancel or Close
	opSubmit         // the form or the pick is done: compute the plan
	opApply          // the plan or the delete is confirmed
)

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
	case opSubmit:
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
		at := createStarts[f.mode]
		if f.mode == createAtDatetime {
			t, err := parseRFC3339(f.at.Value())
			if err != nil {
				return m.opInvalid(f, err)
			}
			at = t.Format(time.RFC3339Nano)
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
		offsetsOnly := f.mode == 1
		cmd = func(gen int) tea.Cmd { return deleteCmd(res, cl, gen, f.name.String(), f.topic, offsetsOnly) }
	} else {
		plan := f.plan
		cmd = func(gen int) tea.Cmd { return applyPlanCmd(res, cl, gen, f.op, plan) }
	}
	m, c := m.request(cmd)
	m.ops.writing = m.ops.gen
	return m, c
}

// handleOpMsg takes the answer to a flow's request. Plans and previews the
// user moved past are dropped; the outcome of a write is always shown.
func (m Model) handleOpMsg(msg opMsg) (Model, tea.Cmd) {
	f := m.ops.flow
	current := f != nil && f.wait == msg.opGen()
	switch msg := msg.(type) {
	case opPlanMsg:
		if !current {
			return m, nil
		}
		return m.takePlan(*f, msg)
	case opPreviewMsg:
		if !current {
			return m, nil
		}
		return m.takePreview(*f, msg)
	case opAppliedMsg:
		if msg.gen == m.ops.writing {
			m.ops.writing = 0
		}
		return m.takeApplied(f, current, msg)
	case opDeletedMsg:
		if msg.gen == m.ops.writing {
			m.ops.writing = 0
		}
		return m.takeDeleted(f, current, msg)
	}
	return m, nil
}

func (m Model) takePlan(f opFlow, msg opPlanMsg) (Model, tea.Cmd) {
	f.wait = 0
	if msg.err != nil {
		// Back to where the request came from, with the reason.
		f.step = stepForm
		if f.op == opCopy {
			f.step = stepPick
		}
		f.err = clean(msg.err.Error())
		m.ops.flow = &f
		return m.resize(), nil
	}
	f.step, f.focus, f.scroll = stepPlan, ctlCancel, 0
	f.plan, f.source = msg.plan, msg.source
	if f.op == opCopy {
		f.from = f.siblings[f.pick.index].ID
	}
	if len(msg.plan.Partitions) == 0 {
		f.err = "the plan moves no partition: nothing to apply"
	}
	f = f.refocus()
	m.ops.flow = &f
	return m.resize(), nil
}

func (m Model) takePreview(f opFlow, msg opPreviewMsg) (Model, tea.Cmd) {
	f.wait = 0
	if msg.err != nil {
		m.ops.flow = nil
		return m.resize(), ReportError(msg.err)
	}
	if len(msg.members) > 0 {
		return m.refuseOp(f.group.ID, msg.members, opDelete), nil
	}
	hasCommits := slices.ContainsFunc(msg.position, func(p model.PartitionLag) bool { return p.HasCommitted })
	if !hasCommits && (msg.state == "" || msg.state == "Dead") {
		m.ops.flow = nil
		return m.resize(), reportInfo("%s does not exist: nothing to delete", clean(f.group.ID))
	}
	f.preview = msg
	f.step, f.focus, f.scroll = stepDelete, ctlName, 0
	if !hasCommits {
		f.mode = 0 // no commit on the topic: only the whole group can go
	}
	f = f.refocus()
	m.ops.flow = &f
	return m.resize(), nil
}

func (m Model) takeApplied(f *opFlow, current bool, msg opAppliedMsg) (Model, tea.Cmd) {
	group := clean(msg.result.Plan.Group)
	if ga, ok := groupActive(msg.err); ok {
		m = m.refuseOp(ga.Group, ga.Members, msg.op)
		m, cmd := m.refreshAfterWrite()
		return m, cmd
	}
	m, refresh := m.refreshAfterWrite()
	if !current {
		// The dialog was closed while the write ran: report in the status bar.
		switch {
		case msg.err != nil:
			return m, tea.Batch(refresh, ReportError(fmt.Errorf("%s of %s: %w", msg.op, group, msg.err)))
		case !msg.result.OK():
			return m, tea.Batch(refresh, reportWarn("%s of %s: %d partition(s) did not take their new offset", msg.op, group, len(msg.result.Failed)))
		}
		return m, tea.Batch(refresh, reportInfo("%s of %s: committed and read back", msg.op, group))
	}
	g := *f
	g.wait, g.step, g.scroll, g.focus = 0, stepDone, 0, ctlNone
	g.result = msg.result
	if msg.err != nil {
		if errors.Is(msg.err, kafka.ErrReadOnly) {
			g.err = "read-only: nothing was written"
		} else {
			g.err = clean(msg.err.Error())
		}
	}
	m.ops.flow = &g
	m = m.resize()
	if msg.err != nil {
		return m, refresh
	}
	if !msg.result.OK() {
		return m, tea.Batch(refresh, reportWarn("%s of %s: %d partition(s) did not take their new offset", msg.op, group, len(msg.result.Failed)))
	}
	return m, tea.Batch(refresh, reportInfo("%s of %s: committed and read back", msg.op, group))
}

func (m Model) takeDeleted(f *opFlow, current bool, msg opDeletedMsg) (Model, tea.Cmd) {
	group := clean(msg.group)
	if ga, ok := groupActive(msg.err); ok {
		m = m.refuseOp(ga.Group, ga.Members, opDelete)
		return m.refreshAfterWrite()
	}
	m, refresh := m.refreshAfterWrite()
	left := msg.left()
	var status tea.Cmd
	switch {
	case msg.err != nil:
		status = ReportError(fmt.Errorf("delete of %s: %w", group, msg.err))
	case msg.readErr != nil:
		status = reportWarn("deleted %s, but reading it back failed: %v", group, msg.readErr)
	case len(left) > 0:
		status = reportWarn("deleted %s, but it still has commits on partition(s) %s", group, joinInts(left))
	default:
		status = reportInfo("deleted %s: read back, no commit left on %s", group, clean(msg.topic))
	}
	if !current {
		return m, tea.Batch(refresh, status)
	}
	g := *f
	g.wait, g.step, g.scroll, g.focus = 0, stepDone, 0, ctlNone
	g.deleted = msg
	if msg.err != nil {
		g.err = clean(msg.err.Error())
	}
	m.ops.flow = &g
	return m.resize(), tea.Batch(refresh, status)
}

// refreshAfterWrite takes a new snapshot even if one is in flight: that one
// may predate the write, and its answer is then dropped by generation.
func (m Model) refreshAfterWrite() (Model, tea.Cmd) {
	m.snapLoading = false
	return m.refresh()
}

func joinInts(ps []int32) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = strconv.Itoa(int(p))
	}
	return strings.Join(s, ",")
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

// update applies a key to the flow. rows is how many table rows its dialog
// shows, to bound scrolling.
func (f opFlow) update(msg tea.KeyMsg, k keymap.Ops, edit keymap.Input, rows int) (opFlow, opEvent) {
	if keyMatches(msg, k.Cancel) {
		return f, opClose
	}
	switch f.step {
	case stepForm:
		return f.updateForm(msg, k, edit)
	case stepPick:
		return f.updatePick(msg, k)
	case stepPlan:
		return f.updatePlan(msg, k, rows)
	case stepDelete:
		return f.updateDelete(msg, k, edit, rows)
	case stepDone:
		if keyMatches(msg, k.Press) {
			return f, opClose
		}
		f.scroll = scrollTable(f.scroll, msg, k, f.tableLen(), rows, true)
	}
	return f, opStay
}

func (f opFlow) updateForm(msg tea.KeyMsg, k keymap.Ops, edit keymap.Input) (opFlow, opEvent) {
	switch {
	case keyMatches(msg, k.Press):
		return f, opSubmit
	case keyMatches(msg, k.Next):
		return f.move(1), opStay
	case keyMatches(msg, k.Prev):
		return f.move(-1), opStay
	case f.focus == ctlMode && keyMatches(msg, k.Up, k.Down):
		d := 1
		if keyMatches(msg, k.Up) {
			d = -1
		}
		f.mode = min(max(f.mode+d, 0), len(resetModes)-1)
		f.err = ""
		return f, opStay
	case keyMatches(msg, k.Down):
		return f.move(1), opStay
	case keyMatches(msg, k.Up):
		return f.move(-1), opStay
	case f.focus == ctlStart && keyMatches(msg, k.Left, k.Right):
		d := 1
		if keyMatches(msg, k.Left) {
			d = len(createStarts) - 1
		}
		f.mode = (f.mode + d) % len(createStarts)
		f.err = ""
		return f, opStay
	}
	if in := f.input(f.focus); in != nil {
		*in = in.update(msg, edit)
		f.err = ""
	}
	return f, opStay
}

func (f opFlow) updatePick(msg tea.KeyMsg, k keymap.Ops) (opFlow, opEvent) {
	switch {
	case keyMatches(msg, k.Press):
		return f, opSubmit
	case keyMatches(msg, k.Up, k.Prev):
		f.pick = f.pick.move(-1, len(f.siblings), pickRows)
		f.err = ""
	case keyMatches(msg, k.Down, k.Next):
		f.pick = f.pick.move(1, len(f.siblings), pickRows)
		f.err = ""
	}
	return f, opStay
}

func (f opFlow) updatePlan(msg tea.KeyMsg, k keymap.Ops, rows int) (opFlow, opEvent) {
	canApply := len(f.plan.Partitions) > 0
	switch {
	case keyMatches(msg, k.Apply) && canApply:
		return f, opApply
	case keyMatches(msg, k.Press):
		if f.focus == ctlApply && canApply {
			return f, opApply
		}
		if f.focus == ctlCancel {
			return f, opClose
		}
	case keyMatches(msg, k.Next, k.Prev, k.Left, k.Right):
		f.focus = map[opControl]opControl{ctlApply: ctlCancel, ctlCancel: ctlApply}[f.focus]
	default:
		f.scroll = scrollTable(f.scroll, msg, k, f.tableLen(), rows, true)
	}
	return f, opStay
}

func (f opFlow) updateDelete(msg tea.KeyMsg, k keymap.Ops, edit keymap.Input, rows int) (opFlow, opEvent) {
	switch {
	case keyMatches(msg, k.Press):
		if f.focus == ctlCancel {
			return f, opClose
		}
		if !f.nameMatches() {
			f.err = "type the group name exactly to delete it"
			return f, opStay
		}
		return f, opApply
	case keyMatches(msg, k.Next):
		return f.move(1), opStay
	case keyMatches(msg, k.Prev):
		return f.move(-1), opStay
	case keyMatches(msg, k.Down):
		return f.move(1), opStay
	case keyMatches(msg, k.Up):
		return f.move(-1), opStay
	case keyMatches(msg, k.PageUp, k.PageDown):
		f.scroll = scrollTable(f.scroll, msg, k, f.tableLen(), rows, false)
		return f, opStay
	case f.focus == ctlScope && keyMatches(msg, k.Left, k.Right):
		if f.preview.hasCommits() {
			f.mode = 1 - f.mode
		}
		return f, opStay
	case (f.focus == ctlApply || f.focus == ctlCancel) && keyMatches(msg, k.Left, k.Right):
		f.focus = map[opControl]opControl{ctlApply: ctlCancel, ctlCancel: ctlApply}[f.focus]
		return f.refocus(), opStay
	}
	if f.focus == ctlName {
		f.text = f.text.update(msg, edit)
		f.err = ""
	}
	return f, opStay
}

// nameMatches reports whether the typed name is exactly the group's.
func (f opFlow) nameMatches() bool { return f.text.Value() == f.name.String() }

// controls lists the focusable parts of the current step, in tab order.
func (f opFlow) controls() []opControl {
	switch f.step {
	case stepForm:
		if f.op == opCreate {
			c := []opControl{ctlSuffix, ctlStart}
			if f.mode == createAtDatetime {
				c = append(c, ctlTime)
			}
			return c
		}
		c := []opControl{ctlMode}
		if resetModes[f.mode].field != "" {
			c = append(c, ctlValue)
		}
		if f.mode != modeOffsetMap {
			c = append(c, ctlPartitions)
		}
		return c
	case stepPlan:
		return []opControl{ctlApply, ctlCancel}
	case stepDelete:
		return []opControl{ctlScope, ctlName, ctlApply, ctlCancel}
	}
	return nil
}

// move focuses the next (d = 1) or previous (d = −1) control.
func (f opFlow) move(d int) opFlow {
	cs := f.controls()
	if len(cs) == 0 {
		return f
	}
	i := slices.Index(cs, f.focus)
	if i < 0 {
		i = 0
	} else {
		i = (i + d + len(cs)) % len(cs)
	}
	f.focus = cs[i]
	return f.refocus()
}

// refocus shows the cursor in the focused text field only.
func (f opFlow) refocus() opFlow {
	for i := range f.vals {
		f.vals[i].Blur()
	}
	f.limit.Blur()
	f.text.Blur()
	f.at.Blur()
	if in := f.input(f.focus); in != nil {
		in.Focus()
	}
	return f
}

// input is the text field of control c, nil if c is not one.
func (f *opFlow) input(c opControl) *lineInput {
	switch c {
	case ctlValue:
		return &f.vals[f.mode]
	case ctlPartitions:
		return &f.limit
	case ctlSuffix, ctlName:
		return &f.text
	case ctlTime:
		return &f.at
	}
	return nil
}

// scrollTable moves the first shown row of a table of n rows, rows at a
// time on the screen. arrows says whether ↑/↓ scroll (they move the focus
// where there are fields).
func scrollTable(top int, msg tea.KeyMsg, k keymap.Ops, n, rows int, arrows bool) int {
	rows = max(rows, 1)
	switch {
	case arrows && keyMatches(msg, k.Up):
		top--
	case arrows && keyMatches(msg, k.Down):
		top++
	case keyMatches(msg, k.PageUp):
		top -= rows
	case keyMatches(msg, k.PageDown):
		top += rows
	}
	return min(max(top, 0), max(n-rows, 0))
}

// resetSpec reads the reset form. It checks everything that can be checked
// before asking the cluster.
func (f opFlow) resetSpec(now func() time.Time) (kafka.ResetSpec, error) {
	rm := resetModes[f.mode]
	spec := kafka.ResetSpec{Mode: rm.mode, Now: now}
	val := strings.TrimSpace(f.vals[f.mode].Value())
	switch rm.mode {
	case kafka.ResetToOffset:
		o, err := strconv.ParseInt(strings.ReplaceAll(val, ",", ""), 10, 64)
		if err != nil || o < 0 {
			return spec, fmt.Errorf("offset: give a number, 0 or more")
		}
		spec.Offset = o
	case kafka.ResetToOffsetMap:
		m, err := parseOffsetMap(val, f.parts)
		if err != nil {
			return spec, err
		}
		spec.OffsetMap = m
	case kafka.ResetToDatetime:
		t, err := parseRFC3339(val)
		if err != nil {
			return spec, err
		}
		spec.Time = t
	case kafka.ResetByDuration:
		d, err := time.ParseDuration(val)
		if err != nil || d <= 0 {
			return spec, fmt.Errorf("ago: give how long ago, e.g. 1h, 30m or 1h30m")
		}
		spec.Duration = d
	case kafka.ResetShiftBy:
		n, err := strconv.ParseInt(strings.TrimPrefix(val, "+"), 10, 64)
		if err != nil || n == 0 {
			return spec, fmt.Errorf("shift: give ±N records, e.g. -100 or +50")
		}
		spec.Shift = n
	}
	if f.mode != modeOffsetMap {
		parts, err := parsePartitions(f.limit.Value(), f.parts)
		if err != nil {
			return spec, err
		}
		spec.Partitions = parts
	}
	return spec, nil
}

// parseRFC3339 reads a datetime field.
func parseRFC3339(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(s))
	if err != nil {
		return t, fmt.Errorf("time: give an RFC 3339 time such as 2025-01-31T09:00:00Z")
	}
	return t, nil
}

// parsePartitions reads "0,2" ("" or "all": every partition). n is the
// topic's partition count, 0 when unknown.
func parsePartitions(s string, n int) ([]int32, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "all" {
		return nil, nil
	}
	var out []int32
	for _, item := range strings.Split(s, ",") {
		p, err := strconv.ParseInt(strings.TrimSpace(item), 10, 32)
		if err != nil || p < 0 {
			return nil, fmt.Errorf("partitions: give numbers like 0,2 (empty: all)")
		}
		if err := partitionInRange(int32(p), n); err != nil {
			return nil, err
		}
		if !slices.Contains(out, int32(p)) {
			out = append(out, int32(p))
		}
	}
	slices.Sort(out)
	return out, nil
}

// parseOffsetMap reads "0=10,1=20".
func parseOffsetMap(s string, n int) (map[int32]int64, error) {
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("offsets: give partition=offset pairs, e.g. 0=10,1=20")
	}
	out := make(map[int32]int64)
	for _, item := range strings.Split(s, ",") {
		ps, os, ok := strings.Cut(strings.TrimSpace(item), "=")
		p, perr := strconv.ParseInt(strings.TrimSpace(ps), 10, 32)
		o, oerr := strconv.ParseInt(strings.TrimSpace(os), 10, 64)
		switch {
		case !ok || perr != nil || oerr != nil:
			return nil, fmt.Errorf("offsets: %q is not partition=offset (e.g. 0=10,1=20)", clean(strings.TrimSpace(item)))
		case p < 0 || o < 0:
			return nil, fmt.Errorf("offsets: %q: partition and offset must be 0 or more", clean(strings.TrimSpace(item)))
		}
		if _, dup := out[int32(p)]; dup {
			return nil, fmt.Errorf("offsets: partition %d is given twice", p)
		}
		if err := partitionInRange(int32(p), n); err != nil {
			return nil, err
		}
		out[int32(p)] = o
	}
	return out, nil
}

func partitionInRange(p int32, n int) error {
	if n > 0 && int(p) >= n {
		return fmt.Errorf("partitions: the topic has partitions 0 to %d", n-1)
	}
	return nil
}
