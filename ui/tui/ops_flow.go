package tui

import (
	"slices"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/kgroups/kgroups/keymap"
	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/tui/widget"
)

// Keys in an offset operation's dialog: moving between fields and buttons,
// editing text, picking a sibling, scrolling a table.

// opEvent is what a key did to a flow.
type opEvent int

const (
	opStay   opEvent = iota
	opClose          // esc, Cancel or Close
	opSubmit         // the form or the pick is done: compute the plan
	opApply          // the plan or the delete is confirmed
	opBack           // esc on a plan: back to the form or the pick it came from
)

// update applies a key to the flow. rows is how many table rows its dialog
// shows, to bound scrolling.
func (f opFlow) update(msg tea.KeyMsg, k keymap.Ops, edit keymap.Input, rows int) (opFlow, opEvent) {
	if widget.KeyMatches(msg, k.Cancel) {
		if f.step == stepPlan {
			return f.back(), opBack
		}
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
		if widget.KeyMatches(msg, k.Press) {
			return f, opClose
		}
		f.scroll = scrollTable(f.scroll, msg, k, f.tableLen(), rows, true)
	}
	return f, opStay
}

// back returns from the plan to the step it was asked from, with what the
// user chose there and the focus where it was.
func (f opFlow) back() opFlow {
	f.step, f.focus = f.asked()
	f.plan, f.source, f.scroll, f.err, f.note = model.Plan{}, nil, 0, "", ""
	return f.refocus()
}

// asked is the step a plan is asked from, the form or the pick of a copy,
// and the focus it had then.
func (f opFlow) asked() (opStep, opControl) {
	if f.op == opCopy {
		return stepPick, f.formFocus
	}
	return stepForm, f.formFocus
}

func (f opFlow) updateForm(msg tea.KeyMsg, k keymap.Ops, edit keymap.Input) (opFlow, opEvent) {
	switch {
	case widget.KeyMatches(msg, k.Press):
		f.formFocus = f.focus
		return f, opSubmit
	case widget.KeyMatches(msg, k.Next):
		return f.move(1), opStay
	case widget.KeyMatches(msg, k.Prev):
		return f.move(-1), opStay
	case f.focus == ctlMode && widget.KeyMatches(msg, k.Up, k.Down):
		d := 1
		if widget.KeyMatches(msg, k.Up) {
			d = -1
		}
		f.mode = min(max(f.mode+d, 0), len(resetModes)-1)
		f.err = ""
		return f, opStay
	case widget.KeyMatches(msg, k.Down):
		return f.move(1), opStay
	case widget.KeyMatches(msg, k.Up):
		return f.move(-1), opStay
	case f.focus == ctlStart && widget.KeyMatches(msg, k.Left, k.Right):
		d := 1
		if widget.KeyMatches(msg, k.Left) {
			d = len(createStarts) - 1
		}
		f.mode = (f.mode + d) % len(createStarts)
		f.err = ""
		return f, opStay
	}
	if in := f.input(f.focus); in != nil {
		*in = in.Update(msg, edit)
		f.err = ""
	}
	return f, opStay
}

func (f opFlow) updatePick(msg tea.KeyMsg, k keymap.Ops) (opFlow, opEvent) {
	switch {
	case widget.KeyMatches(msg, k.Press):
		return f, opSubmit
	case widget.KeyMatches(msg, k.Up, k.Prev):
		f.pick = f.pick.Move(-1, len(f.siblings), pickRows)
		f.err = ""
	case widget.KeyMatches(msg, k.Down, k.Next):
		f.pick = f.pick.Move(1, len(f.siblings), pickRows)
		f.err = ""
	}
	return f, opStay
}

func (f opFlow) updatePlan(msg tea.KeyMsg, k keymap.Ops, rows int) (opFlow, opEvent) {
	canApply := len(f.plan.Partitions) > 0
	switch {
	case widget.KeyMatches(msg, k.Apply) && canApply:
		return f, opApply
	case widget.KeyMatches(msg, k.Press):
		if f.focus == ctlApply && canApply {
			return f, opApply
		}
		if f.focus == ctlCancel {
			return f, opClose
		}
	case widget.KeyMatches(msg, k.Next, k.Prev, k.Left, k.Right):
		f.focus = map[opControl]opControl{ctlApply: ctlCancel, ctlCancel: ctlApply}[f.focus]
	default:
		f.scroll = scrollTable(f.scroll, msg, k, f.tableLen(), rows, true)
	}
	return f, opStay
}

func (f opFlow) updateDelete(msg tea.KeyMsg, k keymap.Ops, edit keymap.Input, rows int) (opFlow, opEvent) {
	switch {
	case widget.KeyMatches(msg, k.Press):
		if f.focus == ctlCancel {
			return f, opClose
		}
		if !f.nameMatches() {
			f.err = "type the group name exactly to delete it"
			return f, opStay
		}
		return f, opApply
	case widget.KeyMatches(msg, k.Next):
		return f.move(1), opStay
	case widget.KeyMatches(msg, k.Prev):
		return f.move(-1), opStay
	case widget.KeyMatches(msg, k.Down):
		return f.move(1), opStay
	case widget.KeyMatches(msg, k.Up):
		return f.move(-1), opStay
	case widget.KeyMatches(msg, k.PageUp, k.PageDown):
		f.scroll = scrollTable(f.scroll, msg, k, f.tableLen(), rows, false)
		return f, opStay
	case f.focus == ctlScope && widget.KeyMatches(msg, k.Left, k.Right):
		if f.preview.hasCommits() {
			f.mode = 1 - f.mode
		}
		return f, opStay
	case (f.focus == ctlApply || f.focus == ctlCancel) && widget.KeyMatches(msg, k.Left, k.Right):
		f.focus = map[opControl]opControl{ctlApply: ctlCancel, ctlCancel: ctlApply}[f.focus]
		return f.refocus(), opStay
	}
	if f.focus == ctlName {
		f.text = f.text.Update(msg, edit)
		f.err = ""
	}
	return f, opStay
}

// nameMatches reports whether the typed name is exactly the group's, as
// it is or as the screen shows it: a name with a tab or an ESC in it is
// shown escaped (\t, \x1b), and that is what people can type back.
func (f opFlow) nameMatches() bool {
	typed, name := f.text.Value(), f.name.String()
	return typed != "" && (typed == name || typed == widget.Clean(name))
}

// newConfirmInput is the field where the group's name is typed to confirm a
// delete: long enough for the name as shown, however long it is.
func newConfirmInput(name model.GroupName) widget.LineInput {
	in := widget.NewLineInput("", "", "")
	in.CharLimit = max(in.CharLimit, len(widget.Clean(name.String()))+1)
	return in
}

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
func (f *opFlow) input(c opControl) *widget.LineInput {
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
	case arrows && widget.KeyMatches(msg, k.Up):
		top--
	case arrows && widget.KeyMatches(msg, k.Down):
		top++
	case widget.KeyMatches(msg, k.PageUp):
		top -= rows
	case widget.KeyMatches(msg, k.PageDown):
		top += rows
	}
	return min(max(top, 0), max(n-rows, 0))
}
