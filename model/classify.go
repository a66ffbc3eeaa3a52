package model

import "unicode/utf8"

// Plain formats: how a key or value that needs no decoding is best read.
// They are the Format of a plain Decoded, and what Classify returns.
const (
	FormatJSON  = "json"  // one JSON value in valid UTF-8
	FormatText  = "text"  // valid UTF-8, mostly printable
	FormatBytes = "bytes" // anything else
)

// Classify sniffs bytes that need no decoding: FormatJSON when b is one
// JSON value in valid UTF-8 (nested to any depth), FormatText when it is
// valid UTF-8 with no NUL and at most one rune in ten a control character
// (tabs, newlines and ESC of coloured log lines count as text), else
// FormatBytes; "" for no bytes. It is the one sniffing of kgroups: the
// decoders, the CLI and the terminal UI all ask it.
func Classify(b []byte) string {
	switch {
	case len(b) == 0:
		return ""
	case !utf8.Valid(b):
		return FormatBytes
	}
	if validJSON(b) {
		return FormatJSON
	}
	if looksLikeText(b) {
		return FormatText
	}
	return FormatBytes
}

// looksLikeText reports whether valid UTF-8 b reads as text: no NUL and at
// most one rune in ten a control character.
func looksLikeText(b []byte) bool {
	runes, controls := 0, 0
	for _, r := range unsafeString(b) {
		runes++
		switch {
		case r == 0:
			return false
		case r == '\t' || r == '\n' || r == '\r' || r == '\f' || r == '\v' || r == 0x1b:
		case r < 0x20 || (r >= 0x7f && r <= 0x9f):
			controls++
		}
	}
	return controls*10 <= runes
}
