package tui

import (
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/kgroups/kgroups/keymap"
)

// filterLine is the one-line filter or search input of a list view. While
// editing it captures every key; once applied its value stays shown.
type filterLine struct {
	input   lineInput
	editing bool
	value   string // the applied value
	live    bool   // apply on every keystroke (cheap filters) or on enter
	hint    string // how to edit or clear an applied value
}

// newFilterLine builds a filter line that edit opens and clear empties.
func newFilterLine(prompt string, live bool, edit, clear key.Binding) filterLine {
	hint := fmt.Sprintf("(%s to edit, %s clears)", keymap.Name(edit), keymap.Name(clear))
	return filterLine{input: newLineInput(prompt, "", ""), live: live, hint: hint}
}

// start begins editing from the applied value.
func (f filterLine) start() filterLine {
	f.editing = true
	f.input.SetValue(f.value)
	f.input.Focus()
	return f
}

// update handles a key while editing. changed reports that the applied value
// changed (on every keystroke for live filters, on enter otherwise).
func (f filterLine) update(msg tea.KeyMsg, k keymap.Filter, edit keymap.Input) (filterLine, bool) {
	old := f.value
	switch {
	case keyMatches(msg, k.Apply):
		f.editing = false
		f.input.Blur()
		f.value = f.input.Value()
	case keyMatches(msg, k.Cancel):
		f.editing = false
		f.input.Blur()
		f.input.SetValue("")
		f.value = ""
	default:
		f.input = f.input.update(msg, edit)
		if f.live {
			f.value = f.input.Value()
		}
	}
	return f, f.value != old
}

// visible reports whether the line takes a row.
// clear drops the applied value; cleared is false when there was none.
func (f filterLine) clear() (filterLine, bool) {
	if f.value == "" {
		return f, false
	}
	f.value = ""
	f.input.SetValue("")
	return f, true
}

func (f filterLine) visible() bool { return f.editing || f.value != "" }

func (f filterLine) view(st *Styles, width int, suffix string) string {
	if f.editing {
		return f.input.view(st, max(width-len(suffix)-1, 1)) + st.Dim.Render(suffix)
	}
	return fit(st.FilterPrompt.Render(f.input.Prompt)+clean(f.value)+st.Dim.Render(suffix+"  "+f.hint), width, alignLeft)
}
