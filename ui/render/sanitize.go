package render

import "unicode/utf8"

// tabWidth is the tab stop used when a block of text has its tabs expanded.
const tabWidth = 4

// SanitizeLine returns s as a single line in which nothing can change a
// terminal's state or hide text: use it for names, keys, client ids and
// header values. Every unsafe character is replaced by a visible, inert
// escape, newlines and tabs included (`\n`, `\t`, `\r`), so the result
// always fits on one line. Unsafe characters are:
//   - C0 controls and DEL: `\x1b`, `\x07`, `\x00`, `\x7f`;
//   - bytes that are not valid UTF-8: `\xff`;
//   - C1 controls encoded as UTF-8 (U+0080–U+009F): `\u009b`;
//   - bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069),
//     direction marks, zero-width and other invisible format characters, line
//     and paragraph separators and Unicode tag characters: `\u202e`.
//
// Zero width joiners and non-joiners and variation selectors are kept: emoji
// and several scripts need them. When nothing needs escaping s is returned as
// is, without allocating.
//
// A literal backslash is left alone, so in plain output the text `\x1b` and an
// escaped ESC look the same; the themes style escapes so they stand out.
func SanitizeLine(s string) string { return sanitize(s, false) }

// SanitizeBlock is SanitizeLine for multi-line text: newlines are kept, a CR
// right before a newline is dropped (CRLF text), tabs are expanded to spaces
// at 4-column stops, and everything else unsafe is escaped as SanitizeLine does.
func SanitizeBlock(s string) string { return sanitize(s, true) }

func sanitize(s string, block bool) string {
	if firstUnsafe(s, block) < 0 {
		return s
	}
	out := appendSink{b: make([]byte, 0, len(s)+len(s)/8+16)}
	walk(s, 0, block, &out)
	return string(out.b)
}

// firstUnsafe returns the index of the first byte of s that needs escaping
// (or, in block mode, a tab or CR to rewrite), or -1 when s is safe as is.
func firstUnsafe(s string, block bool) int {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if (c >= 0x20 && c != 0x7f) || (block && c == '\n') {
				i++
				continue
			}
			return i
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || unsafeRune(r) {
			return i
		}
		i += size
	}
	return -1
}

// unsafeRune reports whether a decoded non-ASCII rune must be escaped: C1
// controls, which terminals may obey as escape sequences (U+009B is CSI), and
// invisible characters that reorder or hide text.
func unsafeRune(r rune) bool {
	switch {
	case r <= 0x9f:
		return r < 0x20 || r >= 0x7f // C0, DEL and the C1 controls
	case r < 0x061c:
		return false
	case r == 0x061c: // Arabic letter mark
	case r == 0x115f, r == 0x1160, r == 0x3164, r == 0xffa0: // Hangul fillers, drawn blank
	case r == 0x180e: // Mongolian vowel separator
	case r == 0x200b: // zero width space
	case r == 0x200e, r == 0x200f: // left-to-right and right-to-left marks
	case r >= 0x2028 && r <= 0x202e: // line/paragraph separators, bidi embeddings and overrides
	case r >= 0x2060 && r <= 0x2064: // word joiner, invisible operators
	case r >= 0x2066 && r <= 0x206f: // bidi isolates, deprecated format characters
	case r == 0xfeff: // zero width no-break space (BOM)
	case r >= 0xfff9 && r <= 0xfffb: // interlinear annotations
	case r >= 0xe0000 && r <= 0xe007f: // tag characters (invisible text)
	default:
		return false
	}
	return true
}

// sink receives sanitized output in order: runs of input that are safe as they
// are, and generated pieces (an escape, or spaces for a tab).
type sink interface {
	// text gets s, a safe run of the input starting at input offset at.
	text(s string, at int)
	// escape gets the visible form of the unsafe character at offset at.
	escape(s string, at int)
	// pad gets spaces standing for the tab at offset at.
	pad(s string, at int)
}

// walk sanitizes s into out. base is the offset of s in the whole input so the
// sink can tell where output was cut. In block mode newlines pass through,
// CRLF becomes LF and tabs are expanded; otherwise they are escaped.
func walk(s string, base int, block bool, out sink) {
	col, run := 0, 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			i++
			col++
			continue
		}
		var esc string
		size := 1
		if c >= utf8.RuneSelf {
			var r rune
			r, size = utf8.DecodeRuneInString(s[i:])
			switch {
			case r == utf8.RuneError && size == 1:
				esc = byteEscapes[c]
			case unsafeRune(r):
				esc = runeEscape(r)
			default:
				i += size
				col++
				continue
			}
		} else if block {
			switch {
			case c == '\n':
				i++
				col = 0
				continue
			case c == '\t':
				if run < i {
					out.text(s[run:i], base+run)
				}
				n := tabWidth - col%tabWidth
				out.pad(blanks[:n], base+i)
				col += n
				i++
				run = i
				continue
			case c == '\r' && i+1 < len(s) && s[i+1] == '\n':
				if run < i {
					out.text(s[run:i], base+run)
				}
				i++
				run = i
				continue
			}
		}
		if esc == "" {
			esc = byteEscapes[c]
		}
		if run < i {
			out.text(s[run:i], base+run)
		}
		out.escape(esc, base+i)
		col += len(esc)
		i += size
		run = i
	}
	if run < len(s) {
		out.text(s[run:], base+run)
	}
}

// blanks holds spaces to slice tab expansions and indentation from.
const blanks = "                                                                                                                                "

// byteEscapes maps a byte to its visible escape: the short forms for newline,
// tab and CR, `\xNN` for the rest.
var byteEscapes = func() (t [256]string) {
	const hex = "0123456789abcdef"
	for i := range t {
		t[i] = `\x` + string(hex[i>>4]) + string(hex[i&0xf])
	}
	t['\n'], t['\t'], t['\r'] = `\n`, `\t`, `\r`
	return t
}()

// runeEscape returns `\uXXXX` for a rune in the BMP, `\UXXXXXXXX` beyond.
func runeEscape(r rune) string {
	if r >= 0x80 && r <= 0x9f {
		return c1Escapes[r-0x80]
	}
	const hex = "0123456789abcdef"
	var buf [10]byte
	b := append(buf[:0], '\\', 'u')
	width := 4
	if r > 0xffff {
		b[1], width = 'U', 8
	}
	for shift := 4 * (width - 1); shift >= 0; shift -= 4 {
		b = append(b, hex[(r>>shift)&0xf])
	}
	return string(b)
}

// c1Escapes holds the escapes of the C1 controls, the most common unsafe runes.
var c1Escapes = func() (t [0x20]string) {
	for i := range t {
		t[i] = `\u00` + byteEscapes[0x80+i][2:]
	}
	return t
}()

// appendSink collects sanitized output into a byte slice.
type appendSink struct{ b []byte }

func (a *appendSink) text(s string, _ int)   { a.b = append(a.b, s...) }
func (a *appendSink) escape(s string, _ int) { a.b = append(a.b, s...) }
func (a *appendSink) pad(s string, _ int)    { a.b = append(a.b, s...) }
