package tui

import (
	"fmt"
	"strings"

	"github.com/kgroups/kgroups/keymap"
	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/format"
	"github.com/kgroups/kgroups/ui/render"
	"github.com/kgroups/kgroups/ui/tui/widget"
)

// The drawing of the follow view (follow.go). Every byte of a record goes
// through render, as in the batch view.

// title is the follow's header: what is followed, from where, and how fast
// records arrive and match, in phrases that drop whole when the line is
// narrow.
func (v followView) title() []widget.Phrase {
	what := "following " + widget.Clean(v.topic)
	if v.partition != nil {
		what += fmt.Sprintf(" partition %d", *v.partition)
	}
	state := ""
	switch {
	case v.err != nil:
		state = "stopped: "
	case v.ended:
		state = "ended: "
	case v.paused:
		state = "paused: "
	}
	arriving, matching := v.rates()
	s := []widget.Phrase{
		{Text: state + what, Need: 0},
		{Text: " from the end", Need: 3},
		{Text: " · " + widget.Count(v.arrived) + " record" + widget.Plural(int(min(v.arrived, 2))), Need: 1},
		{Text: " · " + format.PerSecond(arriving), Need: 0},
	}
	if v.filtered() {
		s = append(s, widget.Phrase{Text: " · " + widget.Count(v.matched) + " match", Need: 2},
			widget.Phrase{Text: " · " + format.PerSecond(matching) + " matching", Need: 0})
	}
	if v.paused {
		s = append(s, widget.Phrase{Text: " · " + widget.Count(v.fresh) + " new", Need: 0})
	}
	if v.dropped > 0 {
		s = append(s, widget.Phrase{Text: " · " + widget.Count(v.dropped) + " not shown", Need: 1}, widget.Phrase{Text: " (arrived too fast)", Need: 4})
	}
	return s
}

func (v followView) View() string {
	st := v.styles
	style := st.Title
	if v.err != nil {
		style = st.Bad
	}
	lines := []string{style.Render(widget.Fit(widget.FitPhrases(v.width, v.title()...), v.width, widget.AlignLeft))}
	if v.search.Visible() || v.fltErr != "" {
		suffix := ""
		switch {
		case v.fltErr != "" && v.search.Input.Value() == v.search.Value:
			suffix = "  ✗ " + widget.Clean(v.fltErr)
			if v.filtered() {
				suffix += " · still filtering by " + widget.Clean(v.flt.String())
			}
		case v.search.Input.Value() == v.flt.String():
			suffix = "  " + v.matchLine()
		}
		lines = append(lines, v.search.View(st, v.width, suffix))
	}
	if v.count() == 0 {
		lines = append(lines, "")
		return strings.Join(append(lines, v.emptyLines()...), "\n")
	}
	return strings.Join(append(lines, v.listLines(v.width, v.height-len(lines))...), "\n")
}

// emptyLines say why the list is empty.
func (v followView) emptyLines() []string {
	st := v.styles
	fit := func(s string) string { return widget.Fit(s, v.width, widget.AlignLeft) }
	switch {
	case v.err != nil:
		var out []string
		for _, l := range widget.WrapText(widget.Clean("follow stopped: "+v.err.Error()), v.width) {
			out = append(out, st.Bad.Render(fit(l)))
		}
		return append(out, "", st.Dim.Render(fit(keymap.Name(v.keys.Global.Back)+" goes back")))
	case v.filtered() && v.filtering:
		return []string{st.Dim.Render(fit("filtering the records held…"))}
	case v.filtered():
		out := []string{
			st.Warn.Render(fit(fmt.Sprintf("%s of %s records match '%s'", widget.Count(v.matched), widget.Count(v.scanned), widget.Clean(v.flt.String())))),
			st.Dim.Render(fit("new records are filtered as they arrive · " + keymap.Name(v.keys.Follow.Filter) + " edits the filter · " + keymap.Name(v.keys.Filter.Cancel) + " clears it")),
		}
		if v.dec != nil {
			// Decoded values show as JSON, yet the filter reads the
			// bytes, as consume and tail --jq/--grep do: say so where a
			// filter that should match finds nothing.
			for _, l := range widget.WrapText("the filter reads each value's bytes as they arrived, as consume --grep/--jq does, not the value decoded by its schema or decompressed", v.width) {
				out = append(out, st.Dim.Render(fit(l)))
			}
		}
		return out
	case v.ended:
		return []string{st.Dim.Render(fit("the follow ended without a record"))}
	}
	return []string{
		st.Dim.Render(fit("waiting for records: the follow started at the log end, so only records produced from now on show.")),
		st.Dim.Render(fit("nothing joins a group, nothing is committed")),
	}
}

// listLines lays out the rows on screen, the newest at the bottom.
func (v followView) listLines(width, height int) []string {
	t := widget.Table{Cols: []widget.Column{
		{Title: "p", Min: 1, Align: widget.AlignRight},
		{Title: "offset", Min: 6, Align: widget.AlignRight},
		{Title: "timestamp (UTC)", Min: 12, Max: 23},
		{Title: "key", Min: 6, Max: 24},
		{Title: "value", Min: 8, Flex: true, Fill: true},
	}}
	ring := v.shown()
	first := min(v.cur.Offset, ring.Len())
	last := min(first+max(height-1, 0), ring.Len())
	cur := v.cur
	cur.Index -= first
	cur.Offset = 0
	for i := first; i < last; i++ {
		r, d := ring.At(i), ring.DecodingAt(i)
		key := widget.Styled("<null>", v.styles.Dim)
		if d.key.Decoded() {
			key = widget.Plain(render.Preview(decodedText(d.key), 96))
		} else if r.Key != nil {
			key = widget.Plain(render.Preview(r.Key, 96))
		}
		value := widget.Styled("tombstone", v.styles.Dim)
		if r.Value != nil {
			value = widget.Plain(valuePreview(r, d, v.mode))
		}
		t.Rows = append(t.Rows, []widget.Cell{
			widget.Plain(fmt.Sprint(r.Partition)),
			widget.Plain(widget.Count(r.Offset)),
			widget.Plain(widget.Stamp(r.Timestamp)),
			key,
			value,
		})
	}
	return t.Render(v.styles, width, height, cur)
}

// valuePreview is a record's value on one line, for a list row: decoded
// when it was and the mode shows decoded values, its first bytes in hex in
// the hex mode, else its bytes. The record view shows it in full through
// renderDetail, as the batch's detail pane does, with the reason a value
// was not decoded.
func valuePreview(r model.Record, d decoding, mode valueMode) string {
	switch {
	case mode == modeHex:
		return hexPreview(r.Value, 96)
	case mode == modeAuto && d.value.Decoded():
		return render.Preview(decodedText(d.value), 256)
	}
	return render.Preview(r.Value, 256)
}

// hexPreview is the first n bytes of b in hex, spaced as the hex dump.
func hexPreview(b []byte, n int) string {
	var s strings.Builder
	for i, c := range b[:min(len(b), n)] {
		if i > 0 {
			s.WriteByte(' ')
		}
		fmt.Fprintf(&s, "%02x", c)
	}
	if len(b) > n {
		s.WriteString(" …")
	}
	return s.String()
}
