package ops

import (
	"slices"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/kgroups/kgroups/keymap"
	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/tui/widget"
)

// Keys in an offset operation's dialog: moving between fields and buttons,
// editing text, picking a sibling, scrolling a table.

// Event is what a key did to a flow.
type Event int

const (
	Stay   Event = iota
	Close        // esc, Cancel or Close
	Submit       // the form or the pick is done: compute the plan
	Apply        // the plan or the delete is confirmed
	Back         // esc on a plan: back to the form or the pick it came from
)

// Update applies a key to the flow. rows is how many table rows its dialog
// shows, to bound scrolling.
func (f Flow) Update(msg tea.KeyMsg, k keymap.Ops, edit keymap.Input, rows int) (Flow, Event) {
	if widget.KeyMatches(msg, k.Cancel) {
		if f.Step == StepPlan && f.Op != Undo { // an undo has no form to go back to
			return f.back(), Back
		}
		return f, Close
	}
	switch f.Step {
	case StepForm:
		return f.updateForm(msg, k, edit)
	case StepPick:
		return f.updatePick(msg, k)
	case StepPlan:
		return f.updatePlan(msg, k, rows)
	case StepDelete:
		return f.updateDelete(msg, k, edit, rows)
	case StepDone:
		if widget.KeyMatches(msg, k.Press) {
			return f, Close
		}
		f.Scroll = ScrollTable(f.Scroll, msg, k, f.tableLen(), rows, true)
	}
	return f, Stay
}

// canApply reports whether the plan shown can be applied: it changes
// something.
func (f Flow) canApply() bool {
	if f.Op == Undo {
		return f.Undo.Entry.ID != "" && !f.Undo.Empty()
	}
	return len(f.Plan.Partitions) > 0
}

// back returns from the plan to the step it was asked from, with what the
// user chose there and the focus where it was.
func (f Flow) back() Flow {
	f.Step, f.Focus = f.Asked()
	f.Plan, f.Source, f.Scroll, f.Err, f.Note = model.Plan{}, nil, 0, "", ""
	return f.Refocus()
}

// Asked is the step a plan is asked from, the form or the pick of a copy,
// and the focus it had then.
func (f Flow) Asked() (Step, Control) {
	if f.Op == Copy {
		return StepPick, f.formFocus
	}
	return StepForm, f.formFocus
}

func (f Flow) updateForm(msg tea.KeyMsg, k keymap.Ops, edit keymap.Input) (Flow, Event) {
	switch {
	case widget.KeyMatches(msg, k.Press):
		f.formFocus = f.Focus
		return f, Submit
	case widget.KeyMatches(msg, k.Next):
		return f.move(1), Stay
	case widget.KeyMatches(msg, k.Prev):
		return f.move(-1), Stay
	case f.Focus == CtlMode && widget.KeyMatches(msg, k.Up, k.Down):
		d := 1
		if widget.KeyMatches(msg, k.Up) {
			d = -1
		}
		f.Mode = min(max(f.Mode+d, 0), len(ResetModes)-1)
		f.Err = ""
		return f, Stay
	case widget.KeyMatches(msg, k.Down):
		return f.move(1), Stay
	case widget.KeyMatches(msg, k.Up):
		return f.move(-1), Stay
	case f.Focus == CtlStart && widget.KeyMatches(msg, k.Left, k.Right):
		d := 1
		if widget.KeyMatches(msg, k.Left) {
			d = len(CreateStarts) - 1
		}
		f.Mode = (f.Mode + d) % len(CreateStarts)
		f.Err = ""
		return f, Stay
	}
	if in := f.input(f.Focus); in != nil {
		*in = in.Update(msg, edit)
		f.Err = ""
	}
	return f, Stay
}

func (f Flow) updatePick(msg tea.KeyMsg, k keymap.Ops) (Flow, Event) {
	switch {
	case widget.KeyMatches(msg, k.Press):
		return f, Submit
	case widget.KeyMatches(msg, k.Up, k.Prev):
		f.Pick = f.Pick.Move(-1, len(f.Siblings), PickRows)
		f.Err = ""
	case widget.KeyMatches(msg, k.Down, k.Next):
		f.Pick = f.Pick.Move(1, len(f.Siblings), PickRows)
		f.Err = ""
	}
	return f, Stay
}

func (f Flow) updatePlan(msg tea.KeyMsg, k keymap.Ops, rows int) (Flow, Event) {
	canApply := f.canApply()
	switch {
	case f.Refused != "" && widget.KeyMatches(msg, k.Force):
		return f, Submit
	case widget.KeyMatches(msg, k.Apply) && canApply:
		return f, Apply
	case widget.KeyMatches(msg, k.Press):
		if f.Focus == CtlApply && canApply {
			return f, Apply
		}
		if f.Focus == CtlCancel {
			return f, Close
		}
	case widget.KeyMatches(msg, k.Next, k.Prev, k.Left, k.Right):
		f.Focus = map[Control]Control{CtlApply: CtlCancel, CtlCancel: CtlApply}[f.Focus]
	default:
		f.Scroll = ScrollTable(f.Scroll, msg, k, f.tableLen(), rows, true)
	}
	return f, Stay
}

func (f Flow) updateDelete(msg tea.KeyMsg, k keymap.Ops, edit keymap.Input, rows int) (Flow, Event) {
	switch {
	case widget.KeyMatches(msg, k.Press):
		if f.Focus == CtlCancel {
			return f, Close
		}
		if !f.NameMatches() {
			f.Err = "type the group name exactly to delete it"
			return f, Stay
		}
		return f, Apply
	case widget.KeyMatches(msg, k.Next):
		return f.move(1), Stay
	case widget.KeyMatches(msg, k.Prev):
		return f.move(-1), Stay
	case widget.KeyMatches(msg, k.Down):
		return f.move(1), Stay
	case widget.KeyMatches(msg, k.Up):
		return f.move(-1), Stay
	case widget.KeyMatches(msg, k.PageUp, k.PageDown):
		f.Scroll = ScrollTable(f.Scroll, msg, k, f.tableLen(), rows, false)
		return f, Stay
	case f.Focus == CtlScope && widget.KeyMatches(msg, k.Left, k.Right):
		if f.Preview.hasCommits() {
			f.Mode = 1 - f.Mode
		}
		return f, Stay
	case (f.Focus == CtlApply || f.Focus == CtlCancel) && widget.KeyMatches(msg, k.Left, k.Right):
		f.Focus = map[Control]Control{CtlApply: CtlCancel, CtlCancel: CtlApply}[f.Focus]
		return f.Refocus(), Stay
	}
	if f.Focus == CtlName {
		f.Text = f.Text.Update(msg, edit)
		f.Err = ""
	}
	return f, Stay
}

// NameMatches reports whether the typed name is exactly the group's, as
// it is or as the screen shows it: a name with a tab or an ESC in it is
// shown escaped (\t, \x1b), and that is what people can type back.
func (f Flow) NameMatches() bool {
	typed, name := f.Text.Value(), f.Name.String()
	return typed != "" && (typed == name || typed == widget.Clean(name))
}

// NewConfirmInput is the field where the group's name is typed to confirm a
// delete: long enough for the name as shown, however long it is.
func NewConfirmInput(name model.GroupName) widget.LineInput {
	in := widget.NewLineInput("", "", "")
	in.CharLimit = max(in.CharLimit, len(widget.Clean(name.String()))+1)
	return in
}

// controls lists the focusable parts of the current step, in tab order.
func (f Flow) controls() []Control {
	switch f.Step {
	case StepForm:
		if f.Op == Create {
			c := []Control{CtlSuffix, CtlStart}
			if f.Mode == CreateAtDatetime {
				c = append(c, CtlTime)
			}
			return c
		}
		c := []Control{CtlMode}
		if ResetModes[f.Mode].Field != "" {
			c = append(c, CtlValue)
		}
		if f.Mode != ModeOffsetMap {
			c = append(c, CtlPartitions)
		}
		return c
	case StepPlan:
		return []Control{CtlApply, CtlCancel}
	case StepDelete:
		return []Control{CtlScope, CtlName, CtlApply, CtlCancel}
	}
	return nil
}

// move focuses the next (d = 1) or previous (d = −1) control.
func (f Flow) move(d int) Flow {
	cs := f.controls()
	if len(cs) == 0 {
		return f
	}
	i := slices.Index(cs, f.Focus)
	if i < 0 {
		i = 0
	} else {
		i = (i + d + len(cs)) % len(cs)
	}
	f.Focus = cs[i]
	return f.Refocus()
}

// Refocus shows the cursor in the focused text field only.
func (f Flow) Refocus() Flow {
	for i := range f.Vals {
		f.Vals[i].Blur()
	}
	f.Limit.Blur()
	f.Text.Blur()
	f.At.Blur()
	if in := f.input(f.Focus); in != nil {
		in.Focus()
	}
	return f
}

// input is the text field of control c, nil if c is not one.
func (f *Flow) input(c Control) *widget.LineInput {
	switch c {
	case CtlValue:
		return &f.Vals[f.Mode]
	case CtlPartitions:
		return &f.Limit
	case CtlSuffix, CtlName:
		return &f.Text
	case CtlTime:
		return &f.At
	}
	return nil
}

// ScrollTable moves the first shown row of a table of n rows, rows at a
// time on the screen. arrows says whether ↑/↓ scroll (they move the focus
// where there are fields).
func ScrollTable(top int, msg tea.KeyMsg, k keymap.Ops, n, rows int, arrows bool) int {
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
