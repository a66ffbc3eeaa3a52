package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/render"
	"github.com/kgroups/kgroups/ui/tui/widget"
)

// valueMode is how the detail pane shows a record value.
type valueMode int

const (
	modeAuto valueMode = iota // JSON pretty-printed, text as text, binary as hex
	modeText
	modeHex
	valueModes
)

func (m valueMode) String() string {
	switch m {
	case modeText:
		return "text"
	case modeHex:
		return "hex"
	}
	return "auto"
}

// next is the mode v cycles to. A decoded value has two: decoded, and its
// raw bytes in hex (as text they are the schema's binary encoding).
func (m valueMode) next(decoded bool) valueMode {
	n := (m + 1) % valueModes
	if decoded && n == modeText {
		n = modeHex
	}
	return n
}

// about names the mode for the status line when v cycles to it.
func (m valueMode) about(decoded bool) string {
	switch {
	case decoded && m == modeAuto:
		return "decoded (by their schema, or decompressed)"
	case decoded && m == modeHex:
		return "raw hex (the bytes on the wire)"
	case m == modeAuto:
		return "auto (JSON pretty-printed, text as text, binary as hex)"
	}
	return m.String()
}

// label names the mode in the detail pane's value line.
func (m valueMode) label(decoded bool) string {
	switch {
	case decoded && m == modeAuto:
		return "decoded"
	case decoded && m == modeHex:
		return "raw hex"
	}
	return m.String()
}

// detailLimits caps what the detail pane lays out for one value: enough to
// read any sensible record, bounded for a 1 MB one (the pane says what it
// left out; e exports everything).
var detailLimits = render.Limits{MaxLines: 3000, MaxBytes: 256 << 10}

// detailKey identifies one rendering of the detail pane.
type detailKey struct {
	batch  int
	index  int // index in the batch's records
	width  int
	mode   valueMode
	styled bool
}

// detailCache holds the rendered lines of the selected record. Only the
// selected record is ever rendered, once per key.
type detailCache struct {
	key   detailKey
	valid bool
	lines []string
}

// renderDetail lays out one record for a pane width cells wide: where it
// sits, its key, headers and value. Every byte from the record goes through
// render, which makes control characters visible and inert. A value d
// decoded shows as its JSON under a line naming its format, schema and size
// on the wire ("avro · schema 7 (orders-value v3) · 212 B"); one that failed
// to decode shows as raw hex under one line saying why. modeKey is the key
// that changes the mode.
func renderDetail(st *widget.Styles, r model.Record, d decoding, now time.Time, width int, mode valueMode, modeKey string) []string {
	width = max(width, 8)
	label := func(s string) string { return st.DetailLabel.Render(fmt.Sprintf("%-8s", s)) }
	var lines []string
	where := fmt.Sprintf("partition %d · offset %s", r.Partition, widget.Count(r.Offset))
	if !r.Timestamp.IsZero() {
		where += " · " + widget.Stamp(r.Timestamp) + " UTC · " + widget.Age(now.Sub(r.Timestamp)) + " ago"
	}
	lines = append(lines, st.Title.Render(ansi.Truncate(where, width, "…")))
	key := fieldText(r.Key)
	switch {
	case d.key.Decoded():
		key = render.Preview(decodedText(d.key), 512) + st.Dim.Render(" ("+render.SanitizeLine(d.key.Label())+")")
	case d.key.Err != nil:
		key += st.Warn.Render(" (! " + render.SanitizeLine(widget.OneLine(d.key.Err.Error())) + ")")
	}
	lines = append(lines, ansi.Truncate(label("key")+" "+key, width, "…"))
	for _, h := range r.Headers {
		lines = append(lines, ansi.Truncate(label("header")+" "+render.Preview([]byte(h.Key), 128)+": "+fieldText(h.Value), width, "…"))
	}
	decoded := d.value.Decoded()
	desc := render.KindOf(r.Value).String()
	if decoded {
		desc = render.SanitizeLine(d.value.Label())
	}
	// What gives way first in a narrow pane: the hint, the view's name,
	// the size; never the format and schema.
	phrases := []widget.Phrase{{Text: desc, Need: 0}}
	if r.Value != nil {
		phrases = append(phrases, widget.Phrase{Text: " · " + widget.Size(len(r.Value)), Need: 1})
	}
	phrases = append(phrases, widget.Phrase{Text: " · view " + mode.label(decoded), Need: 2}, widget.Phrase{Text: " (" + modeKey + " changes)", Need: 3})
	lines = append(lines, ansi.Truncate(label("value")+" "+st.Dim.Render(widget.FitPhrases(width-9, phrases...)), width, "…"))
	if err := d.value.Err; err != nil {
		// Wrapped, not cut: the reason is the point.
		for _, l := range widget.WrapText("! not decoded: "+render.SanitizeLine(widget.OneLine(err.Error())), width) {
			lines = append(lines, st.Warn.Render(l))
		}
	}
	lines = append(lines, st.DetailRule.Render(strings.Repeat("─", width)))

	// A value that failed to decode shows its bytes as they are.
	hex := mode == modeHex || d.value.Err != nil && mode == modeAuto
	var body string
	switch {
	case r.Value == nil:
		body = st.Dim.Render("(tombstone: the value is null)")
	case len(r.Value) == 0:
		body = st.Dim.Render("(empty value)")
	case mode == modeText:
		body, _ = render.Text(r.Value, st.Theme, detailLimits)
	case hex:
		body = render.HexDump(r.Value, detailLimits)
	case decoded && strings.HasSuffix(d.value.Format, "+text"):
		body, _ = render.Text(decodedText(d.value), st.Theme, detailLimits)
	case decoded:
		body, _ = render.Value(d.value.Value, st.Theme, detailLimits)
	default:
		body, _ = render.Value(r.Value, st.Theme, detailLimits)
	}
	for _, l := range strings.Split(body, "\n") {
		if hex {
			lines = append(lines, ansi.Truncate(l, width, "…"))
			continue
		}
		// Long JSON strings and text lines wrap: the pane is for reading.
		lines = append(lines, strings.Split(ansi.Hardwrap(l, width, true), "\n")...)
	}
	return lines
}

// fieldText shows a key or header value on one line, capped.
func fieldText(b []byte) string {
	switch {
	case b == nil:
		return "<null>"
	case len(b) == 0:
		return "<empty>"
	}
	return render.Preview(b, 512)
}
