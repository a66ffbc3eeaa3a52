package tui

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/kgroups/kgroups/keymap"
	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/render"
	"github.com/kgroups/kgroups/ui/tui/widget"
)

// matchSet is the search applied to a batch: the query and the records that
// match it, kept as one value so a count on screen always belongs to the
// query beside it. The zero value is "no search": every record shows. An
// applied search with no match is an empty set, never "every record".
type matchSet struct {
	query   string // the applied query; "" when no search applies
	pending bool   // the search for query is still running
	indices []int  // indices into the batch's records, in order
}

// active reports whether a search narrows the list.
func (s matchSet) active() bool { return s.query != "" }

// searching starts the search for query.
func searching(query string) matchSet {
	if query == "" {
		return matchSet{}
	}
	return matchSet{query: query, pending: true}
}

// shown returns the records the list shows, and their decodings (nil when
// nothing was decoded): the matches of the applied search, or the whole
// batch.
func (v batchView) shown() ([]model.Record, []decoding) {
	if !v.matches.active() {
		return v.records, v.decoded
	}
	out := make([]model.Record, 0, len(v.matches.indices))
	var dec []decoding
	if v.decoded != nil {
		dec = make([]decoding, 0, len(v.matches.indices))
	}
	for _, i := range v.matches.indices {
		out = append(out, v.records[i])
		if dec != nil {
			dec = append(dec, v.decoded[i])
		}
	}
	return out, dec
}

// nothingShown explains why an action on the shown records does nothing.
func (v batchView) nothingShown(what string) tea.Cmd {
	if v.matches.pending {
		return widget.ReportWarn("still searching for '%s': nothing to %s yet", widget.Clean(v.matches.query), what)
	}
	if v.matches.active() {
		return widget.ReportWarnPhrases(widget.Phrase{Text: "no record matches '" + widget.Clean(v.matches.query) + "'", Need: 0},
			widget.Phrase{Text: ": nothing to " + what, Need: 0}, widget.Phrase{Text: " (" + keymap.Name(v.keys.Filter.Cancel) + " clears the search)", Need: 1})
	}
	return widget.ReportWarn("no record under the cursor: nothing to %s", what)
}

// matchCount says how many records match the applied search, for the
// search line: "3 of 50 match"; "searching…" while the search runs.
func (v batchView) matchCount() string {
	switch {
	case !v.matches.active():
		return ""
	case v.matches.pending:
		return "searching…"
	}
	return fmt.Sprintf("%s of %s match", widget.Count(int64(len(v.matches.indices))), widget.Count(int64(len(v.records))))
}

// searchCmd finds the records of a batch that contain query (case-insensitive)
// in their key, value or headers, as stored or as the screen shows them. It
// runs off the update loop: a batch can hold thousands of large records.
func searchCmd(batch int, query string, records []model.Record, decoded []decoding) tea.Cmd {
	return func() tea.Msg {
		q := newSearchQuery(query)
		matches := []int{} // never nil: an empty result is "no match"
		for i, r := range records {
			if q.matches(r) || i < len(decoded) && q.matchesDecoded(decoded[i]) {
				matches = append(matches, i)
			}
		}
		return searchMsg{batch: batch, query: query, matches: matches}
	}
}

// searchQuery is a query prepared for matching records.
type searchQuery struct {
	lower []byte // the query, ASCII lower-cased
	// hexBytes is the query read as a hex byte sequence ("1b 07", "1b07"),
	// as a hex dump shows bytes; nil when the query is not one.
	hexBytes []byte
}

func newSearchQuery(query string) searchQuery {
	q := searchQuery{lower: bytes.ToLower([]byte(query))}
	digits := strings.Join(strings.Fields(query), "")
	if len(digits) >= 2 && len(digits)%2 == 0 {
		if b, err := hex.DecodeString(digits); err == nil {
			q.hexBytes = b
		}
	}
	return q
}

// matches reports whether the record holds the query in a key, a value, a
// header key or value, or its offset. Each field is searched three ways:
// its raw bytes; the sanitized text the batch view prints for it, so `\x1b`
// finds an ESC shown as `\x1b`; and, when the query is hex digits, the
// bytes a hex dump shows as those digits.
func (q searchQuery) matches(r model.Record) bool {
	if q.field(r.Key) || q.field(r.Value) {
		return true
	}
	for _, h := range r.Headers {
		if q.field([]byte(h.Key)) || q.field(h.Value) {
			return true
		}
	}
	return strings.Contains(fmt.Sprint(r.Offset), string(q.lower))
}

// matchesDecoded reports whether a decoded key or value, as the detail pane
// shows it, holds the query.
func (q searchQuery) matchesDecoded(d decoding) bool {
	return d.key.Decoded() && q.field(decodedText(d.key)) || d.value.Decoded() && q.field(decodedText(d.value))
}

func (q searchQuery) field(b []byte) bool {
	if len(b) == 0 {
		return len(q.lower) == 0
	}
	if containsFold(b, q.lower) {
		return true
	}
	if q.hexBytes != nil && bytes.Contains(b, q.hexBytes) {
		return true
	}
	// Sanitizing escapes unsafe characters as text that starts with a
	// backslash; a query without one can only match such an escape in
	// part, and parts of `\x1b` are not what anyone looks for.
	if bytes.IndexByte(q.lower, '\\') < 0 {
		return false
	}
	shown := render.SanitizeLine(string(b))
	return len(shown) != len(b) && containsFold([]byte(shown), q.lower)
}

// containsFold is an ASCII case-insensitive bytes.Contains that does not
// allocate a lowered copy of hay.
func containsFold(hay, lowerNeedle []byte) bool {
	n := len(lowerNeedle)
	if n == 0 {
		return true
	}
	for i := 0; i+n <= len(hay); i++ {
		j := 0
		for ; j < n; j++ {
			c := hay[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != lowerNeedle[j] {
				break
			}
		}
		if j == n {
			return true
		}
	}
	return false
}
