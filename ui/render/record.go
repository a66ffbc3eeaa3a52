package render

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/kgroups/kgroups/model"
)

// maxFieldBytes caps how much of a key or header value is shown in a record's
// header lines; the value itself is capped by Limits.
const maxFieldBytes = 512

// timestampLayout is RFC 3339 with milliseconds, as Kafka timestamps have.
const timestampLayout = "2006-01-02T15:04:05.000Z07:00"

// Record renders one record as the pretty CLI shows it and the TUI's detail
// pane does:
//
//	spent_detail_topic/3@1234  2024-05-01T12:00:00.123Z  key: order-17
//	  header: trace-id: abc
//	  value: json, 15 bytes
//	  {
//	    "id": 1
//	  }
//
// Everything from the cluster is sanitized. The value is laid out by its Kind
// within limit; a tombstone shows as `value: <tombstone>`, an empty value as
// `value: <empty>`. There is no trailing newline.
func Record(r model.Record, theme Theme, limit Limits) string {
	return DecodedRecord(r, model.Decoded{}, model.Decoded{}, theme, limit)
}

// DecodedRecord is Record for a record whose key and value went through a
// decoder first. A decoded value shows its provenance and the size of the
// bytes on the wire, then its JSON:
//
//	value: avro · schema 7 (orders-value v3) · 212 B
//	{
//	  "id": "ord_000001"
//	}
//
// A value that failed to decode shows as Record shows it, after one line
// saying why (`! schema registry … has no schema 42`). A decoded key shows
// as its JSON followed by its provenance.
func DecodedRecord(r model.Record, dk, dv model.Decoded, theme Theme, limit Limits) string {
	return NewRecordPrinter(theme, limit).DecodedRecord(r, dk, dv)
}

// RecordPrinter renders records as DecodedRecord does with one Theme and
// Limits, working out the theme's escape sequences once instead of for
// every record (they were half the time of printing a small record).
type RecordPrinter struct {
	pal   *palette
	limit Limits
}

// NewRecordPrinter returns a RecordPrinter for theme and limit.
func NewRecordPrinter(theme Theme, limit Limits) *RecordPrinter {
	return &RecordPrinter{pal: theme.palette(), limit: limit}
}

// DecodedRecord is the package's DecodedRecord with the printer's theme and
// limits.
func (p *RecordPrinter) DecodedRecord(r model.Record, dk, dv model.Decoded) string {
	pal, limit := p.pal, p.limit
	var b strings.Builder

	b.WriteString(pal.title.wrap(SanitizeLine(r.Topic) + "/" + strconv.Itoa(int(r.Partition)) + "@" + strconv.FormatInt(r.Offset, 10)))
	if !r.Timestamp.IsZero() {
		b.WriteString("  ")
		b.WriteString(pal.muted.wrap(r.Timestamp.Format(timestampLayout)))
	}
	b.WriteString("  ")
	b.WriteString(pal.label.wrap("key:"))
	b.WriteString(" ")
	switch {
	case dk.Decoded():
		b.WriteString(field(dk.Value, pal))
		b.WriteString(" ")
		b.WriteString(pal.muted.wrap("(" + SanitizeLine(dk.Label()) + ")"))
	case dk.Err != nil:
		b.WriteString(field(r.Key, pal))
		b.WriteString(" ")
		b.WriteString(pal.muted.wrap("(! " + SanitizeLine(dk.Err.Error()) + ")"))
	default:
		b.WriteString(field(r.Key, pal))
	}

	for _, h := range r.Headers {
		b.WriteString("\n  ")
		b.WriteString(pal.label.wrap("header:"))
		b.WriteString(" ")
		b.WriteString(field([]byte(h.Key), pal))
		b.WriteString(pal.punct.wrap(":"))
		b.WriteString(" ")
		b.WriteString(field(h.Value, pal))
	}

	if dv.Decoded() {
		var body string
		var str string
		if strings.HasSuffix(dv.Format, "+text") && json.Unmarshal(dv.Value, &str) == nil {
			// Decompressed text reads as text, not as a JSON string.
			body, _ = text(str, pal, limit)
		} else if out, _, ok := prettyJSON(string(dv.Value), pal, limit); ok {
			body = out
		} else {
			body, _ = text(string(dv.Value), pal, limit)
		}
		b.WriteString("\n  ")
		b.WriteString(pal.label.wrap("value:"))
		b.WriteString(" ")
		b.WriteString(pal.muted.wrap(SanitizeLine(dv.Label()) + " · " + byteSize(len(r.Value))))
		b.WriteString("\n  ")
		b.WriteString(strings.ReplaceAll(body, "\n", "\n  "))
		return b.String()
	}
	if dv.Err != nil {
		b.WriteString("\n  ")
		b.WriteString(pal.esc.wrap("! " + SanitizeLine(dv.Err.Error())))
	}
	body, kind, _ := value(r.Value, pal, limit)
	b.WriteString("\n  ")
	b.WriteString(pal.label.wrap("value:"))
	b.WriteString(" ")
	if kind == KindNull || kind == KindEmpty {
		b.WriteString(body)
		return b.String()
	}
	b.WriteString(pal.muted.wrap(kind.String() + ", " + thousands(len(r.Value)) + " bytes"))
	b.WriteString("\n  ")
	b.WriteString(strings.ReplaceAll(body, "\n", "\n  "))
	return b.String()
}

// Value renders a record value by its Kind within limit: JSON pretty-printed,
// text as text, binary as a hex dump (offsets styled Muted), and `<tombstone>`
// or `<empty>` for values without bytes.
func Value(b []byte, theme Theme, limit Limits) (string, Truncated) {
	out, _, t := value(b, theme.palette(), limit)
	return out, t
}

// value renders b and says which Kind it found, scanning a JSON value once.
func value(b []byte, pal *palette, limit Limits) (string, Kind, Truncated) {
	switch {
	case b == nil:
		return pal.muted.wrap("<tombstone>"), KindNull, Truncated{}
	case len(b) == 0:
		return pal.muted.wrap("<empty>"), KindEmpty, Truncated{}
	}
	s := string(b)
	switch kind := KindOf(b); kind {
	case KindJSON:
		if out, t, ok := prettyJSON(s, pal, limit); ok {
			return out, KindJSON, t
		}
		out, t := text(s, pal, limit)
		return out, KindText, t
	case KindText:
		out, t := text(s, pal, limit)
		return out, KindText, t
	}
	out, t := hexDump(b, pal, limit)
	return out, KindBinary, t
}

// field renders a key or header value on one line: sanitized, escapes styled,
// cut after maxFieldBytes, `<null>` for a null key and `<empty>` for no bytes.
func field(b []byte, pal *palette) string {
	switch {
	case b == nil:
		return pal.muted.wrap("<null>")
	case len(b) == 0:
		return pal.muted.wrap("<empty>")
	}
	s := string(b[:runeFloor(b, maxFieldBytes)])
	w := newCapWriter(Limits{}, len(s))
	walk(s, 0, false, &paintedSink{w: w, escPaint: pal.esc})
	if len(s) < len(b) {
		w.buf = append(w.buf, pal.muted.wrap("… ("+thousands(len(b))+" bytes)")...)
	}
	return string(w.buf)
}

// Preview returns b sanitized on one line with at most maxBytes of it shown
// (0 for all), followed by "…" when cut: for list cells such as a batch's key
// column. A nil slice is "<null>".
func Preview(b []byte, maxBytes int) string {
	if b == nil {
		return "<null>"
	}
	if maxBytes > 0 && len(b) > maxBytes {
		return SanitizeLine(string(b[:runeFloor(b, maxBytes)])) + "…"
	}
	return SanitizeLine(string(b))
}

// byteSize prints a size on the wire for people: "212 B", "1.5 KiB".
func byteSize(n int) string {
	switch {
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB"
	case n >= 1<<10:
		return strconv.FormatFloat(float64(n)/(1<<10), 'f', 1, 64) + " KiB"
	}
	return strconv.Itoa(n) + " B"
}
