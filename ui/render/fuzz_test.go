package render

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/kgroups/kgroups/model"
)

// Seeds shared by the fuzz targets: hostile and ordinary record payloads.
var fuzzPayloads = []string{
	"",
	"plain text",
	"line one\nline two\r\n\tindented",
	"\x1b[2J\x1b]0;owned\x07\x1bP+q\x1b\\",
	"\u009b31m C1 CSI \u0085 NEL",
	"a\u202egnp.exe \u2066isolate\u2069 \u200b\ufeff\U000e0041",
	"\xff\xfe invalid \xc3",
	"\x7f\x00\x01",
	`{"id":1,"name":"order-17","tags":["a","b"],"nested":{"x":null,"y":true,"z":-1.5e3}}`,
	`{"evil":"\u001b[31m","raw":"` + "\u009b\u202e" + `","esc":"\\"}`,
	`[[[[[[[[[[[[]]]]]]]]]]]]`,
	`{"a":{},"b":[],"c":""}`,
	` "just a string" `,
	`{"unterminated": [1, 2`,
	"1e999",
	"\x00\x01\x02binary\x03\xff",
}

// fuzzLimits turns fuzzer integers into small limits, zero meaning none.
func fuzzLimits(maxLines, maxBytes uint16) Limits {
	return Limits{MaxLines: int(maxLines % 40), MaxBytes: int(maxBytes % 2048)}
}

// checkWithinLimits checks that out, rendered with PlainTheme, holds at most
// lim's lines and bytes, plus one notice line when t says something was cut.
func checkWithinLimits(t *testing.T, out string, t2 Truncated, lim Limits, total int) {
	t.Helper()
	body := out
	if t2.Cut() {
		i := strings.LastIndexByte(out, '\n')
		if i < 0 {
			t.Fatalf("cut output %q has no notice line", out)
		}
		if notice := out[i+1:]; notice != t2.String() {
			t.Fatalf("notice line %q, want %q", notice, t2.String())
		}
		body = out[:i]
	}
	if lim.MaxLines > 0 {
		if n := strings.Count(body, "\n") + 1; n > lim.MaxLines {
			t.Fatalf("%d lines shown, limit %d (%+v)", n, lim.MaxLines, t2)
		}
	}
	if lim.MaxBytes > 0 {
		// A line cut mid-way ends with "…".
		if n := len(strings.TrimSuffix(body, "…")); n > lim.MaxBytes {
			t.Fatalf("%d bytes shown, limit %d", n, lim.MaxBytes)
		}
	}
	if t2.Bytes < 0 || t2.Bytes > t2.Total || t2.Lines < 0 || t2.Total != total {
		t.Fatalf("inconsistent %+v for %d input bytes", t2, total)
	}
}

func FuzzSanitize(f *testing.F) {
	for _, s := range fuzzPayloads {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		line := SanitizeLine(s)
		if msg := checkInert(line, false); msg != "" {
			t.Fatalf("SanitizeLine(%q): %s", s, msg)
		}
		if SanitizeLine(s) != line {
			t.Fatalf("Sanitize and SanitizeLine differ on %q", s)
		}
		block := SanitizeBlock(s)
		if msg := checkInert(block, true); msg != "" {
			t.Fatalf("SanitizeBlock(%q): %s", s, msg)
		}
		if got, want := strings.Count(block, "\n"), strings.Count(s, "\n"); got != want {
			t.Fatalf("SanitizeBlock(%q) has %d newlines, input %d", s, got, want)
		}
		// Clean input comes back unchanged, so sanitizing twice changes nothing.
		if checkInert(s, false) == "" && line != s {
			t.Fatalf("SanitizeLine changed clean %q to %q", s, line)
		}
		if checkInert(s, true) == "" && block != s {
			t.Fatalf("SanitizeBlock changed clean %q to %q", s, block)
		}
		if SanitizeLine(line) != line || SanitizeBlock(block) != block {
			t.Fatalf("sanitizing %q twice changes it", s)
		}
	})
}

func FuzzPrettyJSON(f *testing.F) {
	for i, s := range fuzzPayloads {
		f.Add([]byte(s), uint16(i), uint16(i*37))
	}
	f.Fuzz(func(t *testing.T, b []byte, maxLines, maxBytes uint16) {
		lim := fuzzLimits(maxLines, maxBytes)
		out, tr := PrettyJSON(b, PlainTheme(), lim)
		if msg := checkInert(out, true); msg != "" {
			t.Fatalf("PrettyJSON(%q): %s", b, msg)
		}
		checkWithinLimits(t, out, tr, lim, len(b))

		// Without limits, safe valid JSON comes out exactly as json.Indent
		// lays it out.
		if !utf8.Valid(b) || !json.Valid(b) || jsonDepth(b) > maxIndentDepth {
			return
		}
		var compact, want bytes.Buffer
		if err := json.Compact(&compact, b); err != nil {
			t.Fatalf("json.Compact on valid input: %v", err)
		}
		if firstUnsafe(compact.String(), false) >= 0 {
			return
		}
		if err := json.Indent(&want, compact.Bytes(), "", "  "); err != nil {
			t.Fatalf("json.Indent on valid input: %v", err)
		}
		got, tr := PrettyJSON(b, PlainTheme(), Limits{})
		if got != want.String() || tr.Cut() {
			t.Fatalf("PrettyJSON(%q) = %q (%+v), json.Indent gives %q", b, got, tr, want.String())
		}
	})
}

// jsonDepth returns the deepest nesting of b, counting brackets outside
// strings.
func jsonDepth(b []byte) int {
	depth, deepest, inString := 0, 0, false
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case inString && c == '\\':
			i++
		case c == '"':
			inString = !inString
		case inString:
		case c == '{' || c == '[':
			depth++
			deepest = max(deepest, depth)
		case c == '}' || c == ']':
			depth--
		}
	}
	return deepest
}

func FuzzValue(f *testing.F) {
	for i, s := range fuzzPayloads {
		f.Add([]byte(s), uint16(i), uint16(i*53))
	}
	f.Fuzz(func(t *testing.T, b []byte, maxLines, maxBytes uint16) {
		lim := fuzzLimits(maxLines, maxBytes)
		out, tr := Value(b, PlainTheme(), lim)
		if msg := checkInert(out, true); msg != "" {
			t.Fatalf("Value(%q): %s", b, msg)
		}
		if len(b) == 0 {
			// The <tombstone> and <empty> placeholders are not laid out.
			if out != "<empty>" || tr.Cut() {
				t.Fatalf("Value(%q) = %q (%+v)", b, out, tr)
			}
			return
		}
		checkWithinLimits(t, out, tr, lim, len(b))
		if _, kind, _ := value(b, &palette{}, lim); kind != KindOf(b) {
			t.Fatalf("Value shows %q as %v, KindOf says %v", b, kind, KindOf(b))
		}
	})
}

func FuzzRecord(f *testing.F) {
	for i, s := range fuzzPayloads {
		f.Add("spent_detail_topic", []byte("order-17"), "trace-id", []byte(s), []byte(s), uint16(i), uint16(i*61))
	}
	f.Add("\x1b]0;topic\x07", []byte("\u009bkey\n"), "h\u202ek", []byte("\r\nv"), []byte(nil), uint16(3), uint16(0))
	f.Fuzz(func(t *testing.T, topic string, key []byte, headerKey string, headerValue, value []byte, maxLines, maxBytes uint16) {
		lim := fuzzLimits(maxLines, maxBytes)
		if len(value) == 0 && maxLines%2 == 1 {
			value = nil // tombstones too
		}
		r := model.Record{
			Topic: topic, Partition: 3, Offset: 1234, Timestamp: time.UnixMilli(1_700_000_000_123).UTC(),
			Key: key, Value: value,
			Headers: []model.Header{{Key: headerKey, Value: headerValue}, {Key: "second", Value: nil}},
		}
		out := Record(r, PlainTheme(), lim)
		if msg := checkInert(out, true); msg != "" {
			t.Fatalf("Record: %s", msg)
		}
		// Title, two header lines and the value line, then the value's body
		// (limit plus a notice) when there is one: nothing from the cluster
		// starts a line of its own.
		lines := strings.Split(out, "\n")
		headerLines := 1 + len(r.Headers) + 1
		if !strings.HasPrefix(lines[0], SanitizeLine(topic)+"/3@1234  ") {
			t.Fatalf("title line %q", lines[0])
		}
		for i := range r.Headers {
			if !strings.HasPrefix(lines[1+i], "  header: ") {
				t.Fatalf("header %d line %q", i, lines[1+i])
			}
		}
		if !strings.HasPrefix(lines[headerLines-1], "  value: ") {
			t.Fatalf("value line %q", lines[headerLines-1])
		}
		if lim.MaxLines > 0 && len(lines) > headerLines+lim.MaxLines+1 {
			t.Fatalf("%d lines, want at most %d", len(lines), headerLines+lim.MaxLines+1)
		}
		for _, l := range lines[headerLines:] {
			if !strings.HasPrefix(l, "  ") {
				t.Fatalf("value body line %q is not indented", l)
			}
		}
	})
}

func FuzzHexDump(f *testing.F) {
	for i, s := range fuzzPayloads {
		f.Add([]byte(s), uint16(i), uint16(i*71))
	}
	f.Add(bytes.Repeat([]byte{0x00, 0xff, 0x1b, 'a'}, 40), uint16(3), uint16(0))
	f.Fuzz(func(t *testing.T, b []byte, maxLines, maxBytes uint16) {
		lim := fuzzLimits(maxLines, maxBytes)
		out, tr := hexDump(b, &palette{}, lim)
		if HexDump(b, lim) != out {
			t.Fatal("HexDump differs from hexDump with no styling")
		}
		checkWithinLimits(t, out, tr, lim, len(b))
		for i := 0; i < len(out); i++ {
			if strings.HasPrefix(out[i:], "…") {
				i += len("…") - 1
				continue
			}
			if c := out[i]; (c < 0x20 || c > 0x7e) && c != '\n' {
				t.Fatalf("byte %#x at %d in the dump of %q", c, i, b)
			}
		}

		// Without limits the dump holds every byte: its hex columns decode
		// back to the input and its ASCII column matches.
		full := HexDump(b, Limits{})
		var got []byte
		for _, row := range strings.Split(full, "\n") {
			if row == "" {
				continue
			}
			bar := strings.IndexByte(row, '|')
			if bar < 0 || !strings.HasSuffix(row, "|") {
				t.Fatalf("row %q has no ASCII column", row)
			}
			hexCols, ascii := row[:bar], row[bar+1:len(row)-1]
			fields := strings.Fields(hexCols)
			if len(fields) < 1 {
				t.Fatalf("row %q has no offset", row)
			}
			chunk, err := hex.DecodeString(strings.Join(fields[1:], ""))
			if err != nil {
				t.Fatalf("row %q: %v", row, err)
			}
			if len(ascii) != len(chunk) {
				t.Fatalf("row %q: %d ASCII columns for %d bytes", row, len(ascii), len(chunk))
			}
			for i, c := range chunk {
				want := c
				if c < 0x20 || c > 0x7e {
					want = '.'
				}
				if ascii[i] != want {
					t.Fatalf("row %q: ASCII column %d is %q, want %q", row, i, ascii[i], want)
				}
			}
			got = append(got, chunk...)
		}
		if !bytes.Equal(got, b) {
			t.Fatalf("dump decodes to %x, want %x", got, b)
		}
	})
}

func FuzzKindOf(f *testing.F) {
	for _, s := range fuzzPayloads {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		kind := KindOf(b)
		isJSON := utf8.Valid(b) && json.Valid(b)
		switch {
		case len(b) == 0:
			if kind != KindEmpty {
				t.Fatalf("KindOf(empty) = %v", kind)
			}
		case (kind == KindJSON) != isJSON:
			t.Fatalf("KindOf(%q) = %v, but json.Valid and utf8.Valid say %v", b, kind, isJSON)
		case kind == KindText && !utf8.Valid(b):
			t.Fatalf("KindOf(%q) = text for invalid UTF-8", b)
		case kind != KindJSON && kind != KindText && kind != KindBinary:
			t.Fatalf("KindOf(%q) = %v", b, kind)
		}
		if KindOf(nil) != KindNull {
			t.Fatal("nil is not a tombstone")
		}
	})
}
