package tui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/kgroups/kgroups/keymap"
	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/tui/widget"
)

// recordView shows one record in full, as the batch view's detail pane
// does (renderDetail): the follow view opens it for the record under its
// cursor, and the stream goes on underneath.
type recordView struct {
	styles *widget.Styles
	keys   *keymap.KeyMap
	now    func() time.Time

	topic  string
	rec    model.Record
	dec    decoding // how rec was decoded; zero when it was not
	mode   valueMode
	lines  []string // rendered for width and mode
	scroll int

	width, height int
}

func newRecordView(st *widget.Styles, keys *keymap.KeyMap, now func() time.Time, topic string, r model.Record, d decoding, mode valueMode) recordView {
	if d.value.Decoded() && mode == modeText {
		mode = modeHex // a decoded value has no text mode: its bytes are the schema's encoding
	}
	return recordView{styles: st, keys: keys, now: now, topic: topic, rec: r, dec: d, mode: mode}
}

// render lays the record out again for the width and the mode.
func (v recordView) render() recordView {
	v.lines = renderDetail(v.styles, v.rec, v.dec, v.now(), v.width, v.mode, keymap.Name(v.keys.Follow.Mode))
	return v.scrollBy(0)
}

func (v recordView) scrollBy(delta int) recordView {
	v.scroll = min(max(v.scroll+delta, 0), max(len(v.lines)-v.height, 0))
	return v
}

func (v recordView) Update(msg tea.Msg) (Page, intent) {
	key, ok := msg.(tea.KeyMsg)
	if !ok {
		return v, nil
	}
	if widget.KeyMatches(key, v.keys.Follow.Mode) {
		decoded := v.dec.value.Decoded()
		v.mode = v.mode.next(decoded)
		return v.render(), say(widget.ReportInfo("values shown as %s", v.mode.about(decoded)))
	}
	if d, ok := widget.Scroll(v.keys.List, key, max(v.height-1, 1), len(v.lines)); ok {
		return v.scrollBy(d), nil
	}
	return v, nil
}

func (v recordView) View() string {
	end := min(v.scroll+v.height, len(v.lines))
	out := slices.Clone(v.lines[min(v.scroll, end):end])
	if end < len(v.lines) && len(out) > 0 {
		l := v.keys.List
		more := fmt.Sprintf("↓ %d more lines (%s, %s)", len(v.lines)-end+1, keymap.Arrows(l.Up, l.Down), keymap.Arrows(l.PageUp, l.PageDown))
		out[len(out)-1] = v.styles.Dim.Render(widget.Fit(more, v.width, widget.AlignLeft))
	}
	return strings.Join(out, "\n")
}

func (v recordView) SetSize(w, h int) Page {
	v.width, v.height = w, h
	return v.render()
}

func (v recordView) Help() keymap.Help {
	l := v.keys.List
	back := keymap.Relabel(v.keys.Global.Back, "back to the follow")
	return keymap.Help{
		Short: []key.Binding{v.keys.Follow.Mode, l.Up, l.Down, back, v.keys.Global.Help, v.keys.Global.Quit},
		Full:  [][]key.Binding{{v.keys.Follow.Mode}, l.FullHelp()[0], {back, v.keys.Global.Help, v.keys.Global.Quit}},
	}
}

func (v recordView) Crumbs(trail []string) []string {
	return append(trail, recordPlace(v.rec))
}

func (v recordView) Capturing() bool          { return false }
func (v recordView) Escape() (Page, bool)     { return v, false }
func (v recordView) Scroll(delta int) Page    { return v.scrollBy(delta) }
func (v recordView) ItemError() string        { return "" }
func (v recordView) Empty() bool              { return false }
func (v recordView) Resume(Page) (Page, bool) { return v, false }
