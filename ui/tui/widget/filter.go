package widget

import (
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/kgroups/kgroups/keymap"
)

// FilterLine is the one-line filter or search input of a list view. While
// editing it captures every key; once applied its value stays shown.
type FilterLine struct {
	Input   LineInput
	Editing bool
	Value   string // the applied value
	live    bool   // apply on every keystroke (cheap filters) or on enter
	hint    string // how to edit or clear an applied value
}

// NewFilterLine builds a filter line that edit opens and clear empties.
func NewFilterLine(prompt string, live bool, edit, clear key.Binding) FilterLine {
	hint := fmt.Sprintf("(%s to edit, %s clears)", keymap.Name(edit), keymap.Name(clear))
	return FilterLine{Input: NewLineInput(prompt, "", ""), live: live, hint: hint}
}

// Start begins editing from the applied value.
func (f FilterLine) Start() FilterLine {
	f.Editing = true
	f.Input.SetValue(f.Value)
	f.Input.Focus()
	return f
}

// Update handles a key while editing. changed reports that the applied value
// changed (on every keystroke for live filters, on enter otherwise).
func (f FilterLine) Update(msg tea.KeyMsg, k keymap.Filter, edit keymap.Input) (FilterLine, bool) {
	old := f.Value
	switch {
	case KeyMatches(msg, k.Apply):
		f.Editing = false
		f.Input.Blur()
		f.Value = f.Input.Value()
	case KeyMatches(msg, k.Cancel):
		f.Editing = false
		f.Input.Blur()
		f.Input.SetValue("")
		f.Value = ""
	default:
		f.Input = f.Input.Update(msg, edit)
		if f.live {
			f.Value = f.Input.Value()
		}
	}
	return f, f.Value != old
}

// Clear drops the applied value; cleared is false when there was none.
func (f FilterLine) Clear() (FilterLine, bool) {
	if f.Value == "" {
		return f, false
	}
	f.Value = ""
	f.Input.SetValue("")
	return f, true
}

// Visible reports whether the line takes a row.
func (f FilterLine) Visible() bool { return f.Editing || f.Value != "" }

// View draws the line: the input while editing, else the applied value
// with how to edit or clear it.
func (f FilterLine) View(st *Styles, width int, suffix string) string {
	if f.Editing {
		return f.Input.View(st, max(width-len(suffix)-1, 1)) + st.Dim.Render(suffix)
	}
	return Fit(st.FilterPrompt.Render(f.Input.Prompt)+Clean(f.Value)+st.Dim.Render(suffix+"  "+f.hint), width, AlignLeft)
}
