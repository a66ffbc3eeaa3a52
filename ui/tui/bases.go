package tui

import (
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/kgroups/kgroups/keymap"
	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/tui/widget"
)

// basesView is the base picker shown when kgroups starts without --base:
// the prefixes detected in the cluster with their group counts.
type basesView struct {
	styles *widget.Styles
	keys   *keymap.KeyMap

	list   widget.List[model.BaseCount, string] // by base
	loaded bool
	err    error

	width, height int
}

func newBasesView(st *widget.Styles, keys *keymap.KeyMap) basesView {
	return basesView{styles: st, keys: keys, list: widget.NewList(func(b model.BaseCount) string { return b.Base })}
}

// SetSize sets the body area the view draws in.
func (v basesView) setSize(w, h int) basesView {
	v.width, v.height = w, h
	v.list = v.list.Clamp(v.listHeight())
	return v
}

func (v basesView) listHeight() int { return max(v.height-3, 1) } // intro line, blank, column header

// setBases replaces the list, keeping the selected base where it is.
func (v basesView) setBases(bases []model.BaseCount, err error) basesView {
	v.loaded, v.err = true, err
	if err != nil && len(bases) == 0 {
		return v
	}
	// A base gone from the new list leaves the cursor on the first.
	v.list.Cur.Index = 0
	v.list = v.list.Set(bases, v.listHeight())
	return v
}

func (v basesView) update(msg tea.KeyMsg) (basesView, intent) {
	var moved bool
	if v.list, moved = v.list.Navigate(v.keys.List, msg, v.listHeight()); moved {
		return v, nil
	}
	if b, ok := v.list.Selected(); ok && widget.KeyMatches(msg, v.keys.Bases.Select) {
		return v, intentPickBase{base: b.Base}
	}
	return v, nil
}

func (v basesView) scroll(delta int) basesView {
	v.list = v.list.Scroll(delta, v.listHeight())
	return v
}

func (v basesView) View() string {
	st := v.styles
	switch {
	case !v.loaded:
		return st.Dim.Render("Looking for base prefixes…")
	case v.err != nil && len(v.list.Rows) == 0:
		return st.Bad.Render(widget.Clean("Could not list groups: " + v.err.Error()))
	case len(v.list.Rows) == 0:
		return strings.Join([]string{
			"No base prefix found: no consumer group is named {base}-{topic} or {base}-{topic}-{suffix}",
			"for a topic of this cluster. Start kgroups with --base to pick one anyway.",
		}, "\n")
	}
	t := widget.Table{Cols: []widget.Column{
		{Title: "base", Min: 8, Max: 80, Flex: true},
		{Title: "groups", Min: 6, Align: widget.AlignRight},
	}}
	for _, b := range v.list.Rows {
		t.Rows = append(t.Rows, []widget.Cell{widget.Plain(widget.Clean(b.Base)), widget.Plain(widget.Count(int64(b.Groups)))})
	}
	intro := fmt.Sprintf("Pick a base prefix: %d found. Groups are named {base}-{topic}[-{suffix}].", len(v.list.Rows))
	lines := append([]string{st.Title.Render(widget.Fit(intro, v.width, widget.AlignLeft)), ""},
		t.Render(st, v.width, v.height-2, v.list.Cur)...)
	return strings.Join(lines, "\n")
}

// Page methods of the base picker.

func (v basesView) picksBase() {}

// Update takes a key or the bases detected.
func (v basesView) Update(msg tea.Msg) (Page, intent) {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		return v.update(msg)
	case basesMsg:
		return v.setBases(msg.bases, msg.err), nil
	}
	return v, nil
}

func (v basesView) SetSize(w, h int) Page          { return v.setSize(w, h) }
func (v basesView) Help() keymap.Help              { return v.keys.BasesHelp() }
func (v basesView) Crumbs(trail []string) []string { return append(trail, "bases") }
func (v basesView) Capturing() bool                { return false }
func (v basesView) Escape() (Page, bool)           { return v, false }
func (v basesView) Scroll(delta int) Page          { return v.scroll(delta) }
func (v basesView) ItemError() string              { return "" }
func (v basesView) Empty() bool                    { return len(v.list.Rows) == 0 }
func (v basesView) Resume(Page) (Page, bool)       { return v, false }
