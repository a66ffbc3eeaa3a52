package ops

import (
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/kgroups/kgroups/keymap"
	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/tui/widget"
)

// The dialogs of the offset operations: one bordered box per flow, with
// prose above, a table of partitions in the middle that scrolls when the
// window is short, and the fields or buttons below.

// PickRows is how many siblings the copy picker shows at once.
const PickRows = 5

// BoxWidth is the outer width of an operation's dialog: wider than the
// other dialogs, so a plan's columns fit on large screens.
func BoxWidth(width int) int { return min(max(width-4, 20), 100) }

// Layout is a dialog cut to its window: the lines above and below the
// table, and the lines left for the table.
type Layout struct {
	top, bottom []string
	table       *widget.Table
	room        int
}

// layout fits the current step in width × height. When the table would
// show fewer than three rows, blank lines go first; then the prose above
// it and the key hint at the bottom (the help bar has the keys), except
// where the prose is the list to pick from.
func (f Flow) layout(st *widget.Styles, width, height int) Layout {
	top, bottom := f.sections(st, BoxWidth(width)-4)
	l := Layout{top: top, bottom: bottom, table: f.table(st)}
	short := func() bool {
		l.room = height - 2 - len(l.top) - len(l.bottom) // 2: the border
		return l.table != nil && l.room < min(len(l.table.Rows), 3)+1
	}
	if short() {
		l.top = append(l.top[:1:1], slices.DeleteFunc(slices.Clone(l.top[1:]), widget.IsBlank)...) // keep the title
		l.bottom = slices.DeleteFunc(slices.Clone(l.bottom), widget.IsBlank)
	}
	if f.Step != StepPick && short() {
		l.top = l.top[:1]
		l.bottom = l.bottom[:len(l.bottom)-1] // the hint is always last
		short()
	}
	return l
}

// View draws the flow's dialog centred in width × height.
func (f Flow) View(st *widget.Styles, width, height int) string {
	boxW := BoxWidth(width)
	inner := boxW - 4 // border and padding
	l := f.layout(st, width, height)
	lines := append([]string(nil), l.top...)
	if l.table != nil {
		lines = append(lines, RenderTable(st, *l.table, inner, f.Scroll, l.room)...)
	}
	lines = append(lines, l.bottom...)
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, inner, "…")
	}
	// In a window too short even without the table, keep the title and
	// the buttons: drop lines from the middle.
	if maxLines := height - 2; maxLines > 3 && len(lines) > maxLines {
		cut := len(lines) - maxLines + 1
		lines = append(append(lines[:1:1], st.Dim.Render("…")), lines[1+cut:]...)
	}
	box := st.DialogBox.Width(boxW - 2).Render(strings.Join(lines, "\n"))
	return lipgloss.Place(width, height, lipgloss.Center, lipgloss.Center, box)
}

// TableRows is how many table rows the dialog shows in width × height.
func (f Flow) TableRows(st *widget.Styles, width, height int) int {
	l := f.layout(st, width, height)
	if l.table == nil {
		return 0
	}
	rows, _ := VisibleRows(len(l.table.Rows), l.room)
	return rows
}

// tableLen is how many rows the current step's table has.
func (f Flow) tableLen() int {
	switch f.Step {
	case StepPick:
		plan, _ := f.copyPreview()
		return len(plan.Partitions)
	case StepPlan:
		return len(f.Plan.Partitions)
	case StepDelete:
		return len(f.Preview.Position)
	case StepDone:
		if f.Op == Delete {
			return len(f.Deleted.After)
		}
		return len(f.Result.Plan.Partitions)
	}
	return 0
}

// table is the current step's table of partitions, nil when it has none.
func (f Flow) table(st *widget.Styles) *widget.Table {
	switch f.Step {
	case StepPick:
		plan, source := f.copyPreview()
		return PlanTable(st, plan, source)
	case StepPlan:
		if f.Op == Undo && len(f.Plan.Partitions) == 0 {
			return nil // refused, failed, or only commits to delete
		}
		return PlanTable(st, f.Plan, f.Source)
	case StepDelete:
		return PositionTable(f.Preview.Position)
	case StepDone:
		if f.Op == Delete {
			if f.Deleted.Err != nil {
				return nil
			}
			return DeletedTable(st, f.Preview.Position, f.Deleted.After)
		}
		if f.Result.Committed == nil {
			return nil
		}
		return ResultTable(st, f.Result)
	}
	return nil
}

// sections are the lines above and below the table of the current step.
func (f Flow) sections(st *widget.Styles, inner int) (top, bottom []string) {
	title := func(s string) { top = append(top, st.DialogTitle.Render(ansi.Truncate(s, inner, "…")), "") }
	prose := func(lines *[]string, s string) { *lines = append(*lines, widget.WrapText(s, inner)...) }
	group, topic := widget.Clean(f.Name.String()), widget.Clean(f.Topic)
	errLines := func() {
		if f.Err != "" {
			bottom = append(bottom, "")
			bottom = append(bottom, StyleLines(st.DialogError, widget.WrapText(f.Err, inner))...)
		}
	}
	hint := func(s string) { bottom = append(bottom, st.Dim.Render(ansi.Truncate(s, inner, "…"))) }
	tail := func(s string) { bottom = append(bottom, ""); hint(s) }
	k := f.Keys
	switch f.Step {
	case StepForm:
		if f.Op == Create {
			title("Create a group on " + topic)
			prose(&top, fmt.Sprintf("Commits a starting offset on every partition of %s for a new group, without consuming anything. The plan shows first; nothing is written until you apply.", topic))
			top = append(top, "")
			top = append(top, f.createFields(st, inner)...)
			errLines()
			tail(keymap.Hints(keymap.Hint("show the plan", k.Press), keymap.Hint("next field", k.Next), keymap.Hint("choose", k.Left), keymap.Hint("cancel", k.Cancel)))
			return top, bottom
		}
		title("Reset " + group)
		prose(&top, fmt.Sprintf("Moves the group's offsets on %s. The plan shows first; nothing is written until you apply.", topic))
		top = append(top, "")
		top = append(top, f.resetFields(st, inner)...)
		errLines()
		tail(keymap.Hints(keymap.Hint("show the plan", k.Press), keymap.Hint("mode", k.Up), keymap.Hint("next field", k.Next), keymap.Hint("cancel", k.Cancel)))
	case StepPick:
		title("Copy offsets onto " + group)
		prose(&top, "Pick the sibling to copy from: this group moves to where the sibling is, partition by partition. The cluster's plan shows next.")
		top = append(top, "")
		top = append(top, f.pickLines(st, inner)...)
		top = append(top, "", st.Dim.Render(ansi.Truncate("side by side, from the last refresh:", inner, "…")))
		plan, _ := f.copyPreview()
		bottom = append(bottom, PlanTotals(plan, inner)...)
		errLines()
		tail(keymap.Hints(keymap.Hint("show the plan", k.Press), keymap.Hint("pick", k.Up), keymap.Hint("scroll", k.PageUp), keymap.Hint("cancel", k.Cancel)))
	case StepLoading:
		title(f.titleText())
		what := "Asking the cluster for the plan…"
		if f.Op == Delete {
			what = "Reading the group's state and commits…"
		}
		top = append(top, st.Dim.Render(what))
		tail(keymap.Hint("cancel", k.Cancel))
	case StepPlan:
		title(f.titleText())
		if f.Note != "" {
			top = append(top, StyleLines(st.Warn, widget.WrapText(f.Note, inner))...)
			top = append(top, "")
		}
		if f.Op == Undo {
			// The summary below names the change; this says when and how
			// it was made.
			prose(&top, fmt.Sprintf("The change was made %s UTC by %s.", widget.Stamp(f.Change.Time), widget.Clean(f.Change.Via)))
			top = append(top, "")
			if f.Refused != "" {
				top = append(top, StyleLines(st.DialogError, widget.WrapText(f.Refused, inner))...)
				errLines()
				bottom = append(bottom, "", f.buttons(st, "Apply", false))
				hint(keymap.Hints(keymap.Hint("plan it anyway", k.Force), keymap.Hint("close", k.Cancel)))
				return top, bottom
			}
		}
		if f.Op != Undo || len(f.Plan.Partitions) > 0 {
			prose(&top, f.planSummary())
			top = append(top, "")
			bottom = append(bottom, PlanTotals(f.Plan, inner)...)
		}
		for _, l := range f.undoExtra() {
			prose(&bottom, l)
		}
		if f.hasClamped() {
			prose(&bottom, "* clamped to [start, end]: the requested offset is not in the log")
		}
		errLines()
		bottom = append(bottom, "", f.buttons(st, "Apply", f.canApply()))
		back := keymap.Hint("back", k.Cancel)
		if f.Op == Undo {
			back = keymap.Hint("close", k.Cancel)
		}
		hint(keymap.Hints("nothing is written until you apply", keymap.Hint("apply", k.Apply), back))
	case StepDelete:
		title("Delete " + group + "?")
		if f.Note != "" {
			top = append(top, StyleLines(st.Warn, widget.WrapText(f.Note, inner))...)
			top = append(top, "")
		}
		top = append(top, f.deleteLines(st, inner)...)
		top = append(top, "")
		f.deleteBottom(st, inner, &bottom)
		hint(keymap.Hints("type the name", keymap.Hint("delete", k.Press), keymap.Hint("next", k.Next), keymap.Hint("choose", k.Left), keymap.Hint("cancel", k.Cancel)))
	case StepApplying:
		title(f.titleText())
		what := "Committing the plan, then reading it back…"
		if f.Op == Delete {
			what = "Deleting, then reading the group back…"
		}
		top = append(top, st.Dim.Render(what))
		tail(keymap.Hint("hide this dialog; the outcome shows in the status bar", k.Cancel))
	case StepDone:
		if f.Op == Delete {
			f.deletedSections(st, inner, title, &top, &bottom)
		} else {
			f.doneSections(st, inner, title, &top, &bottom)
		}
		errLines()
		bottom = append(bottom, "", f.closeButton(st))
		hint(keymap.Hints(keymap.Hint("close", k.Press, k.Cancel), keymap.Hint("scroll", k.PageUp)))
	}
	return top, bottom
}

func StyleLines(s lipgloss.Style, lines []string) []string {
	for i, l := range lines {
		lines[i] = s.Render(l)
	}
	return lines
}

// titleText names the operation and its group.
func (f Flow) titleText() string {
	group := widget.Clean(f.Name.String())
	switch f.Op {
	case Copy:
		return "Copy offsets onto " + group + "?"
	case Create:
		return "Create " + group + "?"
	case Delete:
		return "Delete " + group + "?"
	case Undo:
		return "Undo last change of " + widget.Clean(f.Change.Group) + "?"
	}
	return "Reset " + group + "?"
}

// planSummary is the line above a plan's table.
func (f Flow) planSummary() string {
	n := len(f.Plan.Partitions)
	s := fmt.Sprintf("%s on %s · %d partition%s", widget.Clean(f.Plan.Operation), widget.Clean(f.Plan.Topic), n, widget.Plural(n))
	if f.Parts > 0 && n < f.Parts && f.Op == Reset {
		s += fmt.Sprintf(" of %d", f.Parts)
	}
	return s
}

func (f Flow) hasClamped() bool {
	for _, p := range f.Plan.Partitions {
		if p.Clamped {
			return true
		}
	}
	return false
}

// PlanTotals sums a plan up: lag before → after, records re-read and
// skipped.
func PlanTotals(plan model.Plan, inner int) []string {
	var replayed, skipped int64
	for _, p := range plan.Partitions {
		replayed += p.Replayed()
		skipped += p.Skipped()
	}
	s := fmt.Sprintf("total lag %s → %s · %s to read again · %s skipped unread",
		widget.Count(plan.LagBefore()), widget.Count(plan.LagAfter()), widget.Count(replayed), widget.Count(skipped))
	return widget.WrapText(s, inner)
}

// buttons draws the action and Cancel buttons; the focused one in reverse
// video, a disabled one dim.
func (f Flow) buttons(st *widget.Styles, action string, enabled bool) string {
	apply := "[ " + action + " ]"
	switch {
	case !enabled:
		apply = st.Dim.Render(apply)
	case f.Focus == CtlApply:
		apply = st.Selected.Render(apply)
	}
	cancel := "[ Cancel ]"
	if f.Focus == CtlCancel {
		cancel = st.Selected.Render(cancel)
	}
	line := "  " + apply + "  " + cancel
	if !enabled && f.Op == Delete {
		line += st.Dim.Render("  ← type the name first")
	}
	return line
}

func (f Flow) closeButton(st *widget.Styles) string { return "  " + st.Selected.Render("[ Close ]") }

// marker points at the focused control.
func (f Flow) marker(c Control) string {
	if f.Focus == c {
		return "› "
	}
	return "  "
}

// fieldLine draws one labelled field.
func (f Flow) fieldLine(st *widget.Styles, c Control, label string, labelWidth int, value string) string {
	ls := st.DialogLabel
	if f.Focus == c {
		ls = st.DialogActive
	}
	return f.marker(c) + ls.Render(widget.Fit(label, labelWidth, widget.AlignLeft)) + "  " + value
}

func (f Flow) resetFields(st *widget.Styles, inner int) []string {
	var lines []string
	labelW := 0
	for _, rm := range ResetModes {
		labelW = max(labelW, ansi.StringWidth(rm.Label))
	}
	for i, rm := range ResetModes {
		marker, radio, label := "  ", "○ ", st.DialogLabel.Render(widget.Fit(rm.Label, labelW, widget.AlignLeft))
		if i == f.Mode {
			radio = "● "
			label = st.DialogActive.Render(widget.Fit(rm.Label, labelW, widget.AlignLeft))
			if f.Focus == CtlMode {
				marker = "› "
			}
		}
		lines = append(lines, marker+radio+label+"  "+st.Dim.Render(rm.About))
	}
	lines = append(lines, "")
	const fieldW = 10 // "partitions"
	valueW := max(inner-fieldW-4, 4)
	if rm := ResetModes[f.Mode]; rm.Field != "" {
		lines = append(lines, f.fieldLine(st, CtlValue, rm.Field, fieldW, f.Vals[f.Mode].View(st, valueW)))
	}
	if f.Mode != ModeOffsetMap {
		lines = append(lines, f.fieldLine(st, CtlPartitions, "partitions", fieldW, f.Limit.View(st, valueW)))
	} else {
		lines = append(lines, "  "+st.Dim.Render(widget.Fit("partitions", fieldW, widget.AlignLeft)+"  only those named"))
	}
	return lines
}

func (f Flow) createFields(st *widget.Styles, inner int) []string {
	const fieldW = 6 // "suffix"
	valueW := max(inner-fieldW-4, 4)
	lines := []string{f.fieldLine(st, CtlSuffix, "suffix", fieldW, f.Text.View(st, valueW))}
	opts := make([]string, len(CreateStarts))
	for i, c := range CreateStarts {
		if i == f.Mode {
			opts[i] = st.DialogActive.Render("[" + c + "]")
		} else {
			opts[i] = " " + c + " "
		}
	}
	lines = append(lines, f.fieldLine(st, CtlStart, "start", fieldW, strings.Join(opts, "")))
	if f.Mode == CreateAtDatetime {
		lines = append(lines, f.fieldLine(st, CtlTime, "time", fieldW, f.At.View(st, valueW)))
	}
	suffix := strings.TrimSpace(f.Text.Value())
	if suffix == "" {
		suffix = "{suffix}"
	}
	name := model.GroupName{Base: f.Name.Base, Topic: f.Name.Topic, Suffix: suffix}
	lines = append(lines, "", st.Dim.Render(ansi.Truncate("new group: "+widget.Clean(name.String()), inner, "…")))
	return lines
}

// pickLines lists the siblings a copy can come from, the picked one marked.
func (f Flow) pickLines(st *widget.Styles, inner int) []string {
	cur := f.Pick.Clamp(len(f.Siblings), PickRows)
	nameW := 0
	for _, s := range f.Siblings {
		nameW = max(nameW, ansi.StringWidth(SiblingName(s)))
	}
	nameW = min(nameW, max(inner/2, 10))
	var lines []string
	for i := cur.Offset; i < len(f.Siblings) && i < cur.Offset+PickRows; i++ {
		s := f.Siblings[i]
		line := widget.Fit(SiblingName(s), nameW, widget.AlignLeft) + "  " + fmt.Sprintf("lag %s · %s", widget.Count(s.Lag), widget.StateLabel(s))
		if i == cur.Index {
			lines = append(lines, st.Selected.Render(ansi.Truncate("› "+line, inner, "…")))
		} else {
			lines = append(lines, "  "+line)
		}
	}
	if len(f.Siblings) > PickRows {
		lines = append(lines, st.Dim.Render(fmt.Sprintf("  %d of %d siblings · ↑/↓ for more", cur.Index+1, len(f.Siblings))))
	}
	return lines
}

func SiblingName(g model.Group) string {
	if g.Name.IsDefault() {
		return "(default)"
	}
	return widget.Clean(g.Name.Suffix)
}

// deleteLines describe the group about to go.
func (f Flow) deleteLines(st *widget.Styles, inner int) []string {
	p := f.Preview
	commits := 0
	var lag int64
	for _, pl := range p.Position {
		if pl.HasCommitted {
			commits++
		}
		lag += pl.Lag
	}
	state := p.State
	if state == "" {
		state = "unknown"
	}
	lines := widget.WrapText(fmt.Sprintf("%s · no live member · lag %s · commits on %d of %d partition%s",
		widget.Clean(state), widget.Count(lag), commits, len(p.Position), widget.Plural(len(p.Position))), inner)
	opts := []string{"whole group", "offsets on " + widget.Clean(f.Topic) + " only"}
	for i, c := range opts {
		switch {
		case i == f.Mode:
			opts[i] = st.DialogActive.Render("[" + c + "]")
		case i == 1 && !p.hasCommits():
			opts[i] = st.Dim.Render(" " + c + " (none) ")
		default:
			opts[i] = " " + c + " "
		}
	}
	lines = append(lines, f.fieldLine(st, CtlScope, "delete", 6, strings.Join(opts, "")))
	return lines
}

func (f Flow) deleteBottom(st *widget.Styles, inner int, bottom *[]string) {
	topic := widget.Clean(f.Topic)
	if f.Mode == 0 {
		*bottom = append(*bottom, widget.WrapText("Removes the group and all its commits; it would restart from earliest.", inner)...)
		if len(f.Others) > 0 {
			*bottom = append(*bottom, StyleLines(st.Warn, widget.WrapText("That includes its commits on "+widget.Clean(strings.Join(f.Others, ", "))+".", inner))...)
		}
	} else {
		*bottom = append(*bottom, widget.WrapText("Removes its commits on "+topic+" only; it would restart there from earliest.", inner)...)
	}
	*bottom = append(*bottom, "", "Type the group name to confirm:")
	*bottom = append(*bottom, f.marker(CtlName)+f.Text.View(st, max(inner-2, 4)))
	if f.Err != "" {
		*bottom = append(*bottom, StyleLines(st.DialogError, widget.WrapText(f.Err, inner))...)
	}
	*bottom = append(*bottom, "")
	label := "Delete"
	if f.Mode == 1 {
		label = "Delete offsets"
	}
	*bottom = append(*bottom, f.buttons(st, label, f.NameMatches()))
}

func (f Flow) doneSections(st *widget.Styles, inner int, title func(string), top, bottom *[]string) {
	group := widget.Clean(f.Name.String())
	if f.Op == Undo {
		group = widget.Clean(f.Change.Group) // any group of the journal, not only the base's
	}
	r := f.Result
	switch {
	case f.Err != "":
		title(widget.Capitalize(f.Op.String()) + " of " + group + " failed")
	case !r.OK():
		title(fmt.Sprintf("%s of %s: %d partition(s) did not take", widget.Capitalize(f.Op.String()), group, len(r.Failed)))
	case len(f.Undone.DropFailed) > 0:
		title("Undo of " + group + ": some commits were not deleted")
	default:
		title(widget.Capitalize(f.Op.String()) + " of " + group + ": done")
	}
	if f.Err == "" {
		// An undo also deletes the commits of partitions that had none
		// before the change: below the table, whatever it shows.
		defer func() { *bottom = append(*bottom, f.droppedLines(st, inner)...) }()
	}
	if r.Committed == nil {
		if f.Op != Undo || len(f.Undo.Drop) == 0 {
			*top = append(*top, widget.WrapText("Nothing was committed.", inner)...)
		}
		return
	}
	*top = append(*top, widget.WrapText(widget.Clean(r.Plan.Operation)+" on "+widget.Clean(r.Plan.Topic)+": committed, then read back from the cluster:", inner)...)
	*top = append(*top, "")
	if r.OK() {
		var lag int64
		for _, p := range r.Plan.Partitions {
			l, _ := model.ComputeLag(p.Start, p.End, r.Committed[p.Partition], true)
			lag += l
		}
		*bottom = append(*bottom, st.Good.Render(ansi.Truncate("every partition took its new offset · lag now "+widget.Count(lag), inner, "…")))
		return
	}
	var failed []int32
	for _, p := range r.Plan.Partitions {
		if r.Failed[p.Partition] != nil {
			failed = append(failed, p.Partition)
		}
	}
	*bottom = append(*bottom, st.Bad.Render(ansi.Truncate("did not take: partition(s) "+JoinInts(failed), inner, "…")))
}

func (f Flow) deletedSections(st *widget.Styles, inner int, title func(string), top, bottom *[]string) {
	group, topic := widget.Clean(f.Name.String()), widget.Clean(f.Topic)
	d := f.Deleted
	what := "the whole group"
	if d.OffsetsOnly {
		what = "its commits on " + topic
	}
	switch {
	case d.Err != nil:
		title("Delete of " + group + " failed")
		*top = append(*top, widget.WrapText("Nothing was deleted.", inner)...)
		return
	case d.ReadErr != nil:
		title("Deleted " + group)
		*top = append(*top, widget.WrapText("Deleted "+what+", but reading it back failed: "+widget.Clean(d.ReadErr.Error()), inner)...)
		return
	}
	title("Deleted " + group)
	*top = append(*top, widget.WrapText("Deleted "+what+". Read back from the cluster:", inner)...)
	*top = append(*top, "")
	if left := d.Left(); len(left) > 0 {
		*bottom = append(*bottom, st.Bad.Render(ansi.Truncate("still committed on partition(s) "+JoinInts(left), inner, "…")))
		return
	}
	*bottom = append(*bottom, st.Good.Render(ansi.Truncate("no commit left on "+topic+": it would restart from earliest", inner, "…")))
}
