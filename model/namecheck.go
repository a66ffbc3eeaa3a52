package model

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

// GroupIDMaxBytes is the longest group id Kafka's protocol can carry: group
// ids travel as STRING fields, whose length is a signed 16-bit number.
const GroupIDMaxBytes = 32767

// BadCharError says where a name holds a character that has no place in a
// group name: whitespace, a control or format character, or bytes that are
// not UTF-8. Such a name cannot be typed back, shows differently from what
// it is, and is almost always a mistake (a pasted tab or line break).
type BadCharError struct {
	Rune     rune // utf8.RuneError for bytes that are not UTF-8
	Position int  // 1-based character position
	Byte     byte // the offending byte when Rune is utf8.RuneError
}

func (e *BadCharError) Error() string {
	if e.Rune == utf8.RuneError {
		return fmt.Sprintf("byte 0x%02X at position %d is not UTF-8", e.Byte, e.Position)
	}
	return fmt.Sprintf("%s at position %d", DescribeRune(e.Rune), e.Position)
}

// CheckNameChars returns a *BadCharError for the first character of s that
// has no place in a group name, or nil.
func CheckNameChars(s string) error {
	pos := 0
	for i, r := range s {
		pos++
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return &BadCharError{Rune: r, Position: pos, Byte: s[i]}
			}
		}
		if unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return &BadCharError{Rune: r, Position: pos}
		}
	}
	return nil
}

// runeNames names the characters people paste by mistake.
var runeNames = map[rune]string{
	' ':      "space",
	'\t':     "tab",
	'\n':     "line feed",
	'\r':     "carriage return",
	'\v':     "vertical tab",
	'\f':     "form feed",
	0:        "NUL",
	0x1b:     "escape",
	0x7f:     "delete",
	0x85:     "next line",
	0xa0:     "no-break space",
	0x200b:   "zero width space",
	0x200d:   "zero width joiner",
	0x2028:   "line separator",
	0xfeff:   "byte order mark",
	0x202e:   "right-to-left override",
	'\u3000': "ideographic space",
}

// DescribeRune names a character for an error message: its code point and,
// for the usual suspects, its name ("U+0009 (tab)").
func DescribeRune(r rune) string {
	name, ok := runeNames[r]
	switch {
	case ok:
	case unicode.IsSpace(r):
		name = "a space character"
	case unicode.IsControl(r):
		name = "a control character"
	case unicode.Is(unicode.Cf, r):
		name = "an invisible format character"
	default:
		return fmt.Sprintf("U+%04X %q", r, r)
	}
	return fmt.Sprintf("U+%04X (%s)", r, name)
}
