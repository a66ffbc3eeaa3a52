package keymap

import (
	"testing"

	"github.com/charmbracelet/bubbles/key"
)

// views lists the bindings live at once in each view of the TUI: a key
// bound twice in one view does one of two things, and its help lies.
func views(k KeyMap) map[string][]key.Binding {
	global := []key.Binding{k.Global.Quit, k.Global.Help, k.Global.Back, k.Global.Refresh}
	list := []key.Binding{k.List.Up, k.List.Down, k.List.PageUp, k.List.PageDown, k.List.Top, k.List.Bottom}
	with := func(bs ...key.Binding) []key.Binding {
		return append(append(append([]key.Binding{}, global...), list...), bs...)
	}
	t, g, p, b, d, o := k.Topics, k.Groups, k.Partitions, k.Batch, k.Dialog, k.Ops
	return map[string][]key.Binding{
		"bases":      with(k.Bases.Select),
		"topics":     with(t.Open, t.Filter, t.Sort, t.Internal, t.Consume, t.Peek, t.NewSuffix, t.Follow),
		"groups":     with(g.Open, g.Others, g.Filter, g.Sort, g.Consume, g.Peek, g.NewSuffix, g.Follow, g.Reset, g.CopyFrom, g.Create, g.Delete, g.Undo),
		"partitions": with(p.Consume, p.Peek, p.Reset, p.CopyFrom, p.Create, p.Delete, p.Undo),
		"batch":      with(b.Focus, b.ScrollUp, b.ScrollDown, b.Search, b.Mode, b.Export, b.Copy, b.CopyRecord, b.Commit, b.Consume, b.Peek, b.Follow),
		"follow":     with(k.Follow.Pause, k.Follow.Filter, k.Follow.Open, k.Follow.Mode),
		// Each kind of dialog answers to its own keys.
		"form dialog":    {d.Confirm, d.Cancel, d.Next, d.Prev, d.Left, d.Right},
		"confirm dialog": {d.Yes, d.No},
		"refusal dialog": {d.Force, d.Close},
		"offset dialog":  {o.Apply, o.Press, o.Cancel, o.Next, o.Prev, o.Left, o.Right, o.Up, o.Down, o.PageUp, o.PageDown, o.Force},
		"filter line":    {k.Filter.Apply, k.Filter.Cancel},
		"text input": {k.Input.Left, k.Input.Right, k.Input.Home, k.Input.End, k.Input.DeleteBack,
			k.Input.DeleteForward, k.Input.DeleteWordBack, k.Input.DeleteToStart, k.Input.DeleteToEnd},
	}
}

func TestNoKeyBoundTwiceInOneView(t *testing.T) {
	for name, km := range map[string]KeyMap{"default": DefaultKeyMap(), "read-only": DefaultKeyMap().ReadOnly()} {
		for view, bindings := range views(km) {
			seen := map[string]string{}
			for _, b := range bindings {
				for _, k := range b.Keys() {
					if other, ok := seen[k]; ok {
						t.Errorf("%s key map, %s: %q is bound to %q and to %q", name, view, k, other, b.Help().Desc)
					}
					seen[k] = b.Help().Desc
				}
			}
		}
	}
}

func TestReadOnlyKeepsTheKeys(t *testing.T) {
	k := DefaultKeyMap()
	k.Groups.Reset = key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "reset offsets"))
	ro := k.ReadOnly()
	if got := ro.Groups.Reset.Help(); got.Key != "x" || got.Desc != "reset off: read-only" {
		t.Errorf("read-only reset help %+v, want x / reset off: read-only", got)
	}
	if got := ro.Batch.Commit.Help(); got.Key != "C" || got.Desc != "commit off: read-only" {
		t.Errorf("read-only commit help %+v", got)
	}
	if !Off(ro.Groups.Undo) || Off(k.Groups.Undo) {
		t.Error("Off does not tell the keys read-only mode turned off")
	}
	if keys := ro.Groups.Reset.Keys(); len(keys) != 1 || keys[0] != "x" {
		t.Errorf("read-only changed the reset keys to %v", keys)
	}
}

func TestHints(t *testing.T) {
	k := DefaultKeyMap()
	tests := []struct{ got, want string }{
		{Hints(Hint("confirm", k.Dialog.Yes, k.Dialog.Confirm), Hint("cancel", k.Dialog.No, k.Dialog.Cancel)), "y / enter: confirm · n / esc: cancel"},
		{Hint("pick", Relabel(k.Ops.Up, "ignored")), "↑/↓: pick"},
		{Arrows(k.List.Up, k.List.Down), "↑/↓"},
		{Arrows(k.List.PageUp, k.List.PageDown), "pgup/pgdn"},
		{Name(k.Batch.ScrollDown), "J"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}
