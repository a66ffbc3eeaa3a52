package render

import "strings"

// Text renders b as a block of text within limit: lines as they are (CRLF
// counts as a line break), tabs expanded, every unsafe character escaped as
// SanitizeBlock does and styled with theme.Escape.
func Text(b []byte, theme Theme, limit Limits) (string, Truncated) {
	return text(string(b), theme.palette(), limit)
}

func text(s string, pal *palette, limit Limits) (string, Truncated) {
	w := newCapWriter(limit, len(s))
	sink := paintedSink{w: w, escPaint: pal.esc}
	for start := 0; ; {
		line, next := s[start:], len(s)
		if n := strings.IndexByte(line, '\n'); n >= 0 {
			line, next = line[:n], start+n+1
			line = strings.TrimSuffix(line, "\r")
		}
		if start > 0 {
			w.newline(start)
			if w.cut {
				w.lost = countLines(s[start:])
				break
			}
		}
		if firstUnsafe(line, true) < 0 {
			w.verbatim(line, paint{}, start)
		} else {
			walk(line, start, true, &sink)
		}
		if w.cut {
			w.lost = countLines(s[next:])
			break
		}
		if next >= len(s) {
			break
		}
		start = next
	}
	return w.finish(len(s), pal.muted)
}

// countLines returns how many lines s holds, a final newline ending the last
// line rather than starting an empty one.
func countLines(s string) int {
	if s == "" {
		return 0
	}
	n := strings.Count(s, "\n")
	if s[len(s)-1] != '\n' {
		n++
	}
	return n
}
