package widget

import (
	"slices"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/kgroups/kgroups/keymap"
)

func self(s string) string { return s }

func keyMsg(s string) tea.KeyMsg {
	switch s {
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "end":
		return tea.KeyMsg{Type: tea.KeyEnd}
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}
}

// TestListFollowsTheSelectedRow refreshes a list under a selected row: the
// cursor stays on that row wherever it moves, stays in place when it is
// gone, and finds it again when it comes back after an empty list.
func TestListFollowsTheSelectedRow(t *testing.T) {
	keys := keymap.DefaultKeyMap()
	start := func() List[string, string] {
		l := NewList(self).Set([]string{"a", "b", "c"}, 10)
		l, _ = l.Navigate(keys.List, keyMsg("down"), 10)
		return l
	}
	for _, tt := range []struct {
		name   string
		after  [][]string // the lists set one after the other
		want   string     // selected row, "" for none
		wantAt int
	}{
		{"reordered", [][]string{{"c", "b", "a"}}, "b", 1},
		{"moved to the end", [][]string{{"a", "c", "d", "b"}}, "b", 3},
		{"gone: same place", [][]string{{"a", "c", "d"}}, "c", 1},
		{"gone, list shorter", [][]string{{"a"}}, "a", 0},
		{"empty", [][]string{{}}, "", 0},
		{"back after empty", [][]string{{}, {"x", "a", "b"}}, "b", 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			l := start()
			for _, rows := range tt.after {
				l = l.Set(slices.Clone(rows), 10)
			}
			got, ok := l.Selected()
			if got != tt.want || ok != (tt.want != "") || l.Cur.Index != tt.wantAt {
				t.Errorf("selected %q (%v) at %d, want %q at %d", got, ok, l.Cur.Index, tt.want, tt.wantAt)
			}
		})
	}
}

// TestListScrollKeepsTheCursorInView moves through a list taller than its
// window: the row under the cursor is always among the rows shown.
func TestListScrollKeepsTheCursorInView(t *testing.T) {
	rows := []string{"a", "b", "c", "d", "e", "f"}
	l := NewList(self).Set(rows, 3)
	for i, delta := range []int{1, 1, 1, 2, -4, 10} {
		l = l.Scroll(delta, 3)
		if l.Cur.Index < l.Cur.Offset || l.Cur.Index >= l.Cur.Offset+3 {
			t.Fatalf("step %d: cursor %d outside rows %d..%d", i, l.Cur.Index, l.Cur.Offset, l.Cur.Offset+2)
		}
		if got, _ := l.Selected(); l.Sel != got {
			t.Fatalf("step %d: selected %q, remembered %q", i, got, l.Sel)
		}
	}
	if got, _ := l.Selected(); got != "f" {
		t.Errorf("scrolled past the end onto %q, want f", got)
	}
}

// TestFilteredListNarrowsByKey types into the filter of a list of names:
// the rows narrow on every keystroke to the names holding the text in any
// case, the filter line takes a row of the list, and esc brings every row
// back with the cursor on the row it was on.
func TestFilteredListNarrowsByKey(t *testing.T) {
	keys := keymap.DefaultKeyMap()
	all := []string{"orders", "Payments", "payouts", "users"}
	l := NewFilteredList(self, keys.Topics.Filter, keys.Filter.Cancel).Set(slices.Clone(all), 10)
	if l.Height(10) != 10 {
		t.Errorf("list height %d without a filter, want 10", l.Height(10))
	}
	press := func(k string) (handled, refilter bool) {
		l, handled, refilter = l.Update(keyMsg(k), &keys, keys.Topics.Filter, 10)
		if refilter {
			l = l.Set(slices.Clone(all), 10)
		}
		return handled, refilter
	}
	if handled, _ := press("/"); !handled || !l.Capturing() {
		t.Fatal("/ did not open the filter")
	}
	if l.Height(10) != 9 {
		t.Errorf("list height %d with the filter open, want 9", l.Height(10))
	}
	press("P")
	press("a")
	if got := strings.Join(l.Rows, " "); got != "Payments payouts" {
		t.Errorf("filter 'Pa' shows %q, want Payments payouts", got)
	}
	press("enter")
	if l.Capturing() {
		t.Error("enter left the filter open")
	}
	press("down")
	if got, _ := l.Selected(); got != "payouts" {
		t.Fatalf("down selected %q, want payouts", got)
	}
	if handled, _ := press("x"); handled {
		t.Error("a page's own key was taken by the list")
	}
	var cleared bool
	if l, cleared = l.Escape(); !cleared {
		t.Fatal("esc did not clear the applied filter")
	}
	l = l.Set(slices.Clone(all), 10)
	if got, _ := l.Selected(); len(l.Rows) != 4 || got != "payouts" {
		t.Errorf("after esc: %d rows, on %q; want 4 on payouts", len(l.Rows), got)
	}
	if _, cleared = l.Escape(); cleared {
		t.Error("esc without a filter said it cleared one")
	}
}
