package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/kgroups/kgroups/keymap"
	"github.com/kgroups/kgroups/ui/tui/ops"
	"github.com/kgroups/kgroups/ui/tui/widget"
)

// dialogKind says how a dialog is answered.
type dialogKind int

const (
	dialogForm    dialogKind = iota // fields, enter submits
	dialogConfirm                   // y or enter confirms, n or esc cancels
	dialogRefusal                   // an explanation; f offers to force, esc closes
)

// field is one input of a form dialog: a text input, or a choice among
// options cycled with ←/→.
type field struct {
	Label   string
	Input   widget.LineInput
	Choices []string // non-nil: a choice field
	Choice  int
	// ShowIf, when set, shows the field only while field ShowIf.Field has
	// one of the choices in ShowIf.Choices.
	ShowIf *showIf
}

type showIf struct {
	Field   int
	Choices []int
}

func textField(label, value, placeholder string) field {
	return field{Label: label, Input: widget.NewLineInput("", value, placeholder)}
}

func choiceField(label string, choices []string, choice int) field {
	return field{Label: label, Choices: choices, Choice: choice}
}

// dialog is the one modal of the TUI. What it is for is its action, which
// the root interprets when it is submitted; the dialog itself only collects
// answers.
type dialog struct {
	kind   dialogKind
	title  string
	body   []string // already sanitized; may carry the UI's own styling
	fields []field
	focus  int
	err    string // shown under the fields, e.g. a validation failure
	action any

	canForce bool  // a refusal that f can override (after a second confirmation)
	under    modal // the operation the dialog covers, shown again when it closes
}

// dialogResult is what a key did to the dialog.
type dialogResult int

const (
	dialogOpen dialogResult = iota
	dialogSubmit
	dialogCancel
	dialogForce
)

func (d dialog) visible(i int) bool {
	f := d.fields[i]
	if f.ShowIf == nil {
		return true
	}
	for _, c := range f.ShowIf.Choices {
		if d.fields[f.ShowIf.Field].Choice == c {
			return true
		}
	}
	return false
}

// focusField focuses field i (or the next visible one) and blurs the others.
func (d dialog) focusField(i, dir int) dialog {
	n := len(d.fields)
	if n == 0 {
		return d
	}
	for range n {
		i = ((i % n) + n) % n
		if d.visible(i) {
			break
		}
		i += dir
	}
	d.focus = i
	for j := range d.fields {
		if j == i {
			d.fields[j].Input.Focus()
		} else {
			d.fields[j].Input.Blur()
		}
	}
	return d
}

// value returns the trimmed text of field i, or its choice index as text.
func (d dialog) value(i int) string { return strings.TrimSpace(d.fields[i].Input.Value()) }

func (d dialog) update(msg tea.KeyMsg, k keymap.Dialog, edit keymap.Input) (dialog, dialogResult) {
	switch d.kind {
	case dialogConfirm:
		switch {
		case widget.KeyMatches(msg, k.Yes, k.Confirm):
			return d, dialogSubmit
		case widget.KeyMatches(msg, k.No, k.Cancel):
			return d, dialogCancel
		}
		return d, dialogOpen
	case dialogRefusal:
		switch {
		case d.canForce && widget.KeyMatches(msg, k.Force):
			return d, dialogForce
		case widget.KeyMatches(msg, k.Close):
			return d, dialogCancel
		}
		return d, dialogOpen
	}
	switch {
	case widget.KeyMatches(msg, k.Cancel):
		return d, dialogCancel
	case widget.KeyMatches(msg, k.Confirm):
		return d, dialogSubmit
	case widget.KeyMatches(msg, k.Next):
		return d.focusField(d.focus+1, 1), dialogOpen
	case widget.KeyMatches(msg, k.Prev):
		return d.focusField(d.focus-1, -1), dialogOpen
	}
	if len(d.fields) == 0 {
		return d, dialogOpen
	}
	f := &d.fields[d.focus]
	if f.Choices != nil {
		switch {
		case widget.KeyMatches(msg, k.Left):
			f.Choice = (f.Choice + len(f.Choices) - 1) % len(f.Choices)
		case widget.KeyMatches(msg, k.Right):
			f.Choice = (f.Choice + 1) % len(f.Choices)
		}
		return d, dialogOpen
	}
	f.Input = f.Input.Update(msg, edit)
	d.err = ""
	return d, dialogOpen
}

// view draws the dialog centred in a width × height area.
func (d dialog) view(st *widget.Styles, k keymap.Dialog, width, height int) string {
	boxWidth := min(max(width-4, 20), 76)
	inner := boxWidth - 4 // border and padding
	var lines []string
	lines = append(lines, st.DialogTitle.Render(ansi.Truncate(d.title, inner, "…")), "")
	for _, b := range d.body {
		// Prose wraps; a word longer than the box (a group id) is cut.
		lines = append(lines, widget.WrapText(b, inner)...)
	}
	if len(d.fields) > 0 && len(d.body) > 0 {
		lines = append(lines, "")
	}
	labelWidth := 0
	for i, f := range d.fields {
		if d.visible(i) {
			labelWidth = max(labelWidth, ansi.StringWidth(f.Label))
		}
	}
	for i, f := range d.fields {
		if !d.visible(i) {
			continue
		}
		label := st.DialogLabel
		marker := "  "
		if i == d.focus {
			label, marker = st.DialogActive, "› "
		}
		var val string
		if f.Choices != nil {
			opts := make([]string, len(f.Choices))
			for j, c := range f.Choices {
				if j == f.Choice {
					opts[j] = st.DialogActive.Render("[" + c + "]")
				} else {
					opts[j] = " " + c + " "
				}
			}
			val = strings.Join(opts, "")
		} else {
			val = f.Input.View(st, max(inner-labelWidth-4, 4))
		}
		lines = append(lines, ansi.Truncate(marker+label.Render(widget.Fit(f.Label, labelWidth, widget.AlignLeft))+"  "+val, inner, "…"))
	}
	if d.err != "" {
		// Wrapped, not cut: the end of a reason is often what to do.
		lines = append(lines, "")
		lines = append(lines, ops.StyleLines(st.DialogError, widget.WrapText(d.err, inner))...)
	}
	lines = append(lines, "", st.Dim.Render(d.hint(k)))
	// Keep the box inside the area: drop body lines from the middle if needed.
	if maxLines := height - 2; maxLines > 3 && len(lines) > maxLines {
		cut := len(lines) - maxLines + 1
		keep := lines[:2]
		rest := lines[2+cut:]
		lines = append(append(keep, st.Dim.Render("…")), rest...)
	}
	box := st.DialogBox.Width(boxWidth - 2).Render(strings.Join(lines, "\n"))
	return lipgloss.Place(width, height, lipgloss.Center, lipgloss.Center, box)
}

// dialogHelp is the help bar while d is open.
func (m Model) dialogHelp(d dialog) keymap.Help {
	k := m.keys.Dialog
	var short []key.Binding
	switch d.kind {
	case dialogConfirm:
		short = []key.Binding{k.Yes, k.No}
	case dialogRefusal:
		if d.canForce {
			short = append(short, k.Force)
		}
		short = append(short, k.Close)
	default:
		short = []key.Binding{k.Confirm, k.Cancel}
		if len(d.fields) > 1 {
			short = append(short, k.Next, k.Left)
		}
	}
	return keymap.Help{Short: short, Full: [][]key.Binding{short}}
}

// hint is the line under the dialog naming the keys that answer it.
func (d dialog) hint(k keymap.Dialog) string {
	switch d.kind {
	case dialogConfirm:
		return keymap.Hints(keymap.Hint("confirm", k.Yes, k.Confirm), keymap.Hint("cancel", k.No, k.Cancel))
	case dialogRefusal:
		if d.canForce {
			return keymap.Hints(keymap.Hint("force anyway (asks again)", k.Force), keymap.Hint("close", k.Close))
		}
		return keymap.Hint("close", k.Close)
	}
	if len(d.fields) > 1 {
		return keymap.Hints(keymap.Hint("ok", k.Confirm), keymap.Hint("cancel", k.Cancel), keymap.Hint("next field", k.Next), keymap.Hint("choose", k.Left))
	}
	return keymap.Hints(keymap.Hint("ok", k.Confirm), keymap.Hint("cancel", k.Cancel))
}
