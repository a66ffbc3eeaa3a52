package widget

import (
	"strings"
	"unicode"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/kgroups/kgroups/keymap"
)

// LineInput is a one-line text field for filters and dialog fields. Typed
// and pasted text is kept printable: control characters are dropped.
type LineInput struct {
	Prompt      string
	Placeholder string
	CharLimit   int

	value   []rune
	pos     int
	focused bool
}

func NewLineInput(prompt, value, placeholder string) LineInput {
	in := LineInput{Prompt: prompt, Placeholder: placeholder, CharLimit: 512}
	in.SetValue(value)
	return in
}

// Value returns the text.
func (in LineInput) Value() string { return string(in.value) }

// SetValue replaces the text and puts the cursor at its end.
func (in *LineInput) SetValue(s string) {
	in.value = in.value[:0:0]
	in.insert([]rune(s))
}

// Focus shows the cursor and lets update edit the text.
func (in *LineInput) Focus() { in.focused = true }

// Blur hides the cursor.
func (in *LineInput) Blur() { in.focused = false }

func (in *LineInput) insert(rs []rune) {
	clean := rs[:0:0]
	for _, r := range rs {
		if unicode.IsPrint(r) || r == ' ' {
			clean = append(clean, r)
		}
	}
	if in.CharLimit > 0 {
		clean = clean[:min(len(clean), max(in.CharLimit-len(in.value), 0))]
	}
	v := make([]rune, 0, len(in.value)+len(clean))
	v = append(v, in.value[:min(in.pos, len(in.value))]...)
	v = append(v, clean...)
	v = append(v, in.value[min(in.pos, len(in.value)):]...)
	in.value = v
	in.pos = min(in.pos, len(in.value)-len(clean)) + len(clean)
	if in.pos > len(in.value) {
		in.pos = len(in.value)
	}
}

// Update edits the text for one key; other keys are ignored.
func (in LineInput) Update(msg tea.KeyMsg, k keymap.Input) LineInput {
	if !in.focused {
		return in
	}
	switch {
	case KeyMatches(msg, k.Left):
		in.pos = max(in.pos-1, 0)
	case KeyMatches(msg, k.Right):
		in.pos = min(in.pos+1, len(in.value))
	case KeyMatches(msg, k.Home):
		in.pos = 0
	case KeyMatches(msg, k.End):
		in.pos = len(in.value)
	case KeyMatches(msg, k.DeleteBack):
		if in.pos > 0 {
			in.value = append(in.value[:in.pos-1:in.pos-1], in.value[in.pos:]...)
			in.pos--
		}
	case KeyMatches(msg, k.DeleteForward):
		if in.pos < len(in.value) {
			in.value = append(in.value[:in.pos:in.pos], in.value[in.pos+1:]...)
		}
	case KeyMatches(msg, k.DeleteWordBack):
		start := in.pos
		for start > 0 && in.value[start-1] == ' ' {
			start--
		}
		for start > 0 && in.value[start-1] != ' ' {
			start--
		}
		in.value = append(in.value[:start:start], in.value[in.pos:]...)
		in.pos = start
	case KeyMatches(msg, k.DeleteToStart):
		in.value = in.value[in.pos:]
		in.pos = 0
	case KeyMatches(msg, k.DeleteToEnd):
		in.value = in.value[:in.pos]
	case msg.Type == tea.KeyRunes:
		in.insert(msg.Runes)
	case msg.Type == tea.KeySpace:
		in.insert([]rune{' '})
	}
	return in
}

// View draws the prompt and the text in width cells, scrolled so the cursor
// shows, the cursor in reverse video when focused.
func (in LineInput) View(st *Styles, width int) string {
	prompt := in.Prompt
	room := max(width-ansi.StringWidth(prompt), 1)
	if len(in.value) == 0 && !in.focused {
		return prompt + st.Dim.Render(ansi.Truncate(in.Placeholder, room, "…"))
	}
	if len(in.value) == 0 {
		cursor := st.Cursor.Render(" ")
		return prompt + cursor + st.Dim.Render(ansi.Truncate(in.Placeholder, max(room-1, 0), "…"))
	}
	// Show a window of the text that contains the cursor.
	start := 0
	if in.pos >= room {
		start = in.pos - room + 1
	}
	end := min(start+room, len(in.value))
	var b strings.Builder
	b.WriteString(prompt)
	for i := start; i < end; i++ {
		s := string(in.value[i])
		if in.focused && i == in.pos {
			s = st.Cursor.Render(s)
		}
		b.WriteString(s)
	}
	if in.focused && in.pos == len(in.value) && end-start < room {
		b.WriteString(st.Cursor.Render(" "))
	}
	return b.String()
}
