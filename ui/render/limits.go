package render

import (
	"strconv"
	"unicode/utf8"
)

// Limits caps how much of a value is laid out. A zero field means no limit.
// The truncation notice is one extra line after MaxLines.
type Limits struct {
	MaxLines int // lines of output
	MaxBytes int // bytes of output text, not counting styling sequences
}

// DefaultLimits returns the limits the CLI and TUI use for one record's value:
// enough to read any sensible record, small enough to lay out at once.
func DefaultLimits() Limits {
	return Limits{MaxLines: 2000, MaxBytes: 256 << 10}
}

// Truncated says what part of a value was left out of the output.
type Truncated struct {
	Lines int // output lines not shown
	Bytes int // input bytes not shown
	Total int // input bytes in all
}

// Cut reports whether anything was left out.
func (t Truncated) Cut() bool { return t.Lines > 0 || t.Bytes > 0 }

// String is the notice shown in place of what was left out, such as
// "… 12,345 more lines not shown (823,456 of 1,048,576 bytes)".
func (t Truncated) String() string {
	switch {
	case !t.Cut():
		return ""
	case t.Lines == 1:
		return "… 1 more line not shown (" + t.bytes() + ")"
	case t.Lines > 0:
		return "… " + thousands(t.Lines) + " more lines not shown (" + t.bytes() + ")"
	default:
		return "… rest not shown (" + t.bytes() + ")"
	}
}

func (t Truncated) bytes() string {
	return thousands(t.Bytes) + " of " + thousands(t.Total) + " bytes"
}

// Thousands formats n with commas between groups of three digits, the way
// every count shown to people is spelled (2,000,000 records).
func Thousands(n int) string { return thousands(n) }

// thousands formats n with commas between groups of three digits.
func thousands(n int) string {
	s := strconv.Itoa(n)
	start := 0
	if n < 0 {
		start = 1
	}
	if len(s)-start <= 3 {
		return s
	}
	out := make([]byte, 0, len(s)+len(s)/3)
	out = append(out, s[:start]...)
	digits := s[start:]
	first := len(digits) % 3
	if first == 0 {
		first = 3
	}
	out = append(out, digits[:first]...)
	for i := first; i < len(digits); i += 3 {
		out = append(out, ',')
		out = append(out, digits[i:i+3]...)
	}
	return string(out)
}

// capWriter accumulates styled output within Limits. Once a limit is reached it
// is cut: further writes are dropped but newlines are still counted, so the
// caller can keep scanning the input and report how many lines were left out.
type capWriter struct {
	buf   []byte
	lim   Limits
	plain int // bytes written, not counting styling
	lines int // lines started
	cut   bool
	cutAt int // input offset of the first byte not shown
	lost  int // lines not shown
}

func newCapWriter(lim Limits, sizeHint int) *capWriter {
	size := sizeHint + sizeHint/4 + 64
	if lim.MaxBytes > 0 {
		size = min(size, lim.MaxBytes+lim.MaxBytes/2+256)
	}
	return &capWriter{buf: make([]byte, 0, size), lim: lim, lines: 1}
}

// discardWriter returns a writer that is cut from the start: scanning with it
// validates and counts without producing output.
func discardWriter() *capWriter { return &capWriter{cut: true} }

// verbatim writes s, which is the input from offset at on, styled with p.
// Past the byte limit it writes what fits, cut on a rune boundary.
func (w *capWriter) verbatim(s string, p paint, at int) {
	if w.cut || s == "" {
		return
	}
	if w.lim.MaxBytes > 0 && w.plain+len(s) > w.lim.MaxBytes {
		room := runeFloor(s, w.lim.MaxBytes-w.plain)
		if room > 0 {
			w.styled(s[:room], p)
		}
		w.stopMidLine(at + room)
		return
	}
	w.styled(s, p)
}

// piece writes s, text generated for the input at offset at (an escape,
// punctuation, indentation), all of it or none.
func (w *capWriter) piece(s string, p paint, at int) {
	if w.cut || s == "" {
		return
	}
	if w.lim.MaxBytes > 0 && w.plain+len(s) > w.lim.MaxBytes {
		w.stopMidLine(at)
		return
	}
	w.styled(s, p)
}

// pieceBytes is piece for a byte slice.
func (w *capWriter) pieceBytes(b []byte, p paint, at int) {
	if w.cut || len(b) == 0 {
		return
	}
	if w.lim.MaxBytes > 0 && w.plain+len(b) > w.lim.MaxBytes {
		w.stopMidLine(at)
		return
	}
	w.buf = append(w.buf, p.pre...)
	w.buf = append(w.buf, b...)
	w.buf = append(w.buf, p.post...)
	w.plain += len(b)
}

// indent writes n spaces for the input at offset at.
func (w *capWriter) indent(n, at int) {
	for n > 0 && !w.cut {
		k := min(n, len(blanks))
		w.piece(blanks[:k], paint{}, at)
		n -= k
	}
}

// newline ends the current line; at is the input offset of what follows.
func (w *capWriter) newline(at int) {
	if w.cut {
		w.lost++
		return
	}
	if (w.lim.MaxLines > 0 && w.lines >= w.lim.MaxLines) || (w.lim.MaxBytes > 0 && w.plain >= w.lim.MaxBytes) {
		w.cut, w.cutAt = true, at
		w.lost++
		return
	}
	w.buf = append(w.buf, '\n')
	w.plain++
	w.lines++
}

func (w *capWriter) styled(s string, p paint) {
	w.buf = append(w.buf, p.pre...)
	w.buf = append(w.buf, s...)
	w.buf = append(w.buf, p.post...)
	w.plain += len(s)
}

func (w *capWriter) stopMidLine(at int) {
	w.buf = append(w.buf, "…"...)
	w.cut, w.cutAt = true, at
}

// finish returns the output, with the truncation notice on a line of its own
// when something was cut, for an input of total bytes.
func (w *capWriter) finish(total int, muted paint) (string, Truncated) {
	if !w.cut {
		return string(w.buf), Truncated{Total: total}
	}
	t := Truncated{Lines: w.lost, Bytes: total - w.cutAt, Total: total}
	w.buf = append(w.buf, '\n')
	w.buf = append(w.buf, muted.wrap(t.String())...)
	return string(w.buf), t
}

// runeFloor returns the largest n <= max such that s[:n] ends on a rune
// boundary.
func runeFloor[T string | []byte](s T, max int) int {
	if max >= len(s) {
		return len(s)
	}
	if max <= 0 {
		return 0
	}
	n := max
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return n
}

// paintedSink writes sanitized text into a capWriter: safe runs in the token's
// paint, escapes in the escape paint.
type paintedSink struct {
	w        *capWriter
	base     paint
	escPaint paint
}

func (s *paintedSink) text(t string, at int)   { s.w.verbatim(t, s.base, at) }
func (s *paintedSink) escape(t string, at int) { s.w.piece(t, s.escPaint, at) }
func (s *paintedSink) pad(t string, at int)    { s.w.piece(t, s.base, at) }
