package render

import (
	"fmt"
	"regexp"
	"unicode/utf8"
)

// sgr matches the Select Graphic Rendition sequences a Theme's own styling emits.
var sgr = regexp.MustCompile(`\x1b\[[0-9;]*m`)

// checkInert returns a description of the first byte or rune in out that could
// change a terminal's state, or "" if there is none. SGR sequences are assumed
// to have been stripped. Newlines are allowed only when multiline is set.
func checkInert(out string, multiline bool) string {
	for i := 0; i < len(out); {
		r, size := utf8.DecodeRuneInString(out[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			return fmt.Sprintf("invalid UTF-8 byte %#x at %d in %q", out[i], i, excerpt(out, i))
		case r == '\n' && multiline:
		case r < 0x20 || r == 0x7f:
			return fmt.Sprintf("control %#x at %d in %q", r, i, excerpt(out, i))
		case r >= 0x80 && r <= 0x9f:
			return fmt.Sprintf("C1 control U+%04X at %d in %q", r, i, excerpt(out, i))
		case unsafeRune(r):
			return fmt.Sprintf("invisible format character U+%04X at %d in %q", r, i, excerpt(out, i))
		}
		i += size
	}
	return ""
}

func excerpt(s string, i int) string {
	lo, hi := max(i-20, 0), min(i+20, len(s))
	return s[lo:hi]
}
