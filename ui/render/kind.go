package render

import "unicode/utf8"

// Kind is how a record value is best shown.
type Kind int

const (
	KindNull   Kind = iota // a tombstone: the value is null (nil slice)
	KindEmpty              // present but zero bytes
	KindJSON               // one valid JSON value in valid UTF-8
	KindText               // valid UTF-8, mostly printable
	KindBinary             // anything else
)

func (k Kind) String() string {
	switch k {
	case KindNull:
		return "tombstone"
	case KindEmpty:
		return "empty"
	case KindJSON:
		return "json"
	case KindText:
		return "text"
	case KindBinary:
		return "binary"
	}
	return "unknown"
}

// KindOf classifies a value. A nil slice is a tombstone, as Kafka null values
// are; JSON is recognised at any nesting depth and in linear time.
func KindOf(b []byte) Kind {
	switch {
	case b == nil:
		return KindNull
	case len(b) == 0:
		return KindEmpty
	case !utf8.Valid(b):
		return KindBinary
	}
	s := string(b)
	if validJSON(s) {
		return KindJSON
	}
	if looksLikeText(s) {
		return KindText
	}
	return KindBinary
}

// looksLikeText reports whether valid UTF-8 s reads as text: no NUL and at
// most one rune in ten a control character. Tabs, newlines, CR, form feeds
// and ESC (coloured log lines) count as text.
func looksLikeText(s string) bool {
	runes, controls := 0, 0
	for _, r := range s {
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
