package widget

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/kgroups/kgroups/keymap"
)

// KeyMatches is key.Matches for a key message.
func KeyMatches(msg tea.KeyMsg, b ...key.Binding) bool { return key.Matches(msg, b...) }

// Navigate moves a list cursor for the list bindings; ok is false when msg
// is not a movement key.
func Navigate(k keymap.List, msg tea.KeyMsg, cur ListCursor, n, height int) (ListCursor, bool) {
	switch {
	case KeyMatches(msg, k.Up):
		return cur.Move(-1, n, height), true
	case KeyMatches(msg, k.Down):
		return cur.Move(1, n, height), true
	case KeyMatches(msg, k.PageUp):
		return cur.Move(-max(height-1, 1), n, height), true
	case KeyMatches(msg, k.PageDown):
		return cur.Move(max(height-1, 1), n, height), true
	case KeyMatches(msg, k.Top):
		return cur.Move(-n, n, height), true
	case KeyMatches(msg, k.Bottom):
		return cur.Move(n, n, height), true
	}
	return cur, false
}
