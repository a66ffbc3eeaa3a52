package render

import "unicode/utf8"

// PrettyJSON pretty-prints a JSON value with two-space indentation and syntax
// highlighting from theme, within limit. Strings are shown as they are written
// in the JSON text, so an escaped `\u001b` stays those six characters, and any
// raw character that is unsafe on a terminal (DEL, C1, bidi overrides, ...) is
// escaped as SanitizeLine does. Empty objects and arrays stay on one line.
//
// It scans the input once, without recursion, so any nesting depth and any size
// is fine; past the limit it keeps scanning only to count the lines it leaves
// out. Indentation stops growing past 100 levels, so even with no limits the
// output stays linear in the input. Input that is not valid JSON (or not valid
// UTF-8) is shown as Text.
func PrettyJSON(b []byte, theme Theme, limit Limits) (string, Truncated) {
	if out, t, ok := prettyJSON(string(b), theme.palette(), limit); ok {
		return out, t
	}
	return Text(b, theme, limit)
}

func prettyJSON(s string, pal *palette, limit Limits) (string, Truncated, bool) {
	if !utf8.ValidString(s) {
		return "", Truncated{}, false
	}
	p := jsonPrinter{s: s, w: newCapWriter(limit, len(s)), pal: pal}
	if !p.run() {
		return "", Truncated{}, false
	}
	out, t := p.w.finish(len(s), pal.muted)
	return out, t, true
}

// jsonPrinter is a streaming JSON tokenizer that writes the pretty form as it
// goes. The nesting is an explicit stack of '{' and '[' bytes.
type jsonPrinter struct {
	s     string
	i     int
	w     *capWriter
	pal   *palette
	stack []byte
	esc   paintedSink
}

// run prints the whole input and reports whether it is valid JSON.
func (p *jsonPrinter) run() bool {
	p.skipSpace()
	for {
		// A value starts at p.i.
		opened, ok := p.value()
		if !ok {
			return false
		}
		if opened {
			continue
		}
		// After a value: close containers until one has a next element.
		if !p.afterValue() {
			return false
		}
		if len(p.stack) == 0 {
			return p.i == len(p.s)
		}
	}
}

// value prints the value at p.i. opened is true when it opened a non-empty
// container, in which case p.i is at its first element.
func (p *jsonPrinter) value() (opened, ok bool) {
	if p.i >= len(p.s) {
		return false, false
	}
	switch c := p.s[p.i]; c {
	case '{', '[':
		return p.open(c)
	case '"':
		return false, p.str(p.pal.str)
	case 't':
		return false, p.literal("true", p.pal.boolean)
	case 'f':
		return false, p.literal("false", p.pal.boolean)
	case 'n':
		return false, p.literal("null", p.pal.null)
	default:
		if c == '-' || isDigit(c) {
			return false, p.number()
		}
		return false, false
	}
}

func (p *jsonPrinter) open(c byte) (opened, ok bool) {
	openText, closeText := "{", "}"
	if c == '[' {
		openText, closeText = "[", "]"
	}
	p.w.piece(openText, p.pal.punct, p.i)
	p.i++
	p.skipSpace()
	if p.i < len(p.s) && p.s[p.i] == closeText[0] {
		p.w.piece(closeText, p.pal.punct, p.i)
		p.i++
		return false, true
	}
	p.stack = append(p.stack, c)
	p.newline()
	if c == '{' {
		return true, p.member()
	}
	return true, true
}

// afterValue handles what follows a value: commas and closing brackets.
// It returns with p.i at the next value, or at the end of the top-level value.
func (p *jsonPrinter) afterValue() bool {
	for {
		p.skipSpace()
		if len(p.stack) == 0 {
			return true
		}
		if p.i >= len(p.s) {
			return false
		}
		top, c := p.stack[len(p.stack)-1], p.s[p.i]
		switch {
		case c == ',':
			p.w.piece(",", p.pal.punct, p.i)
			p.i++
			p.newline()
			p.skipSpace()
			if top == '{' {
				return p.member()
			}
			return true
		case top == '{' && c == '}', top == '[' && c == ']':
			p.stack = p.stack[:len(p.stack)-1]
			p.newline()
			p.w.piece(p.s[p.i:p.i+1], p.pal.punct, p.i)
			p.i++
		default:
			return false
		}
	}
}

// member prints an object key and its colon, leaving p.i at the value.
func (p *jsonPrinter) member() bool {
	if p.i >= len(p.s) || p.s[p.i] != '"' || !p.str(p.pal.key) {
		return false
	}
	p.skipSpace()
	if p.i >= len(p.s) || p.s[p.i] != ':' {
		return false
	}
	p.w.piece(":", p.pal.punct, p.i)
	p.w.piece(" ", paint{}, p.i)
	p.i++
	p.skipSpace()
	return true
}

// maxIndentDepth is the nesting depth past which indentation stops growing,
// so that even without limits the output stays linear in the input.
const maxIndentDepth = 100

// newline starts a new line indented for the current depth.
func (p *jsonPrinter) newline() {
	p.w.newline(p.i)
	p.w.indent(2*min(len(p.stack), maxIndentDepth), p.i)
}

// str prints the string token at p.i in paint pt, escaping what is unsafe.
func (p *jsonPrinter) str(pt paint) bool {
	start := p.i
	i := start + 1
	for {
		for i < len(p.s) && plainStringByte[p.s[i]] {
			i++
		}
		if i >= len(p.s) {
			return false
		}
		c := p.s[i]
		switch {
		case c == '"':
			i++
			p.i = i
			p.emitString(p.s[start:i], pt, start)
			return true
		case c == '\\':
			n := escapeLen(p.s[i:])
			if n == 0 {
				return false
			}
			i += n
		case c < 0x20:
			return false
		default:
			i++
		}
	}
}

func (p *jsonPrinter) emitString(token string, pt paint, at int) {
	if p.w.cut {
		return
	}
	if firstUnsafe(token, false) < 0 {
		p.w.verbatim(token, pt, at)
		return
	}
	p.esc = paintedSink{w: p.w, base: pt, escPaint: p.pal.esc}
	walk(token, at, false, &p.esc)
}

// plainStringByte marks the bytes a JSON string can hold as they are: not the
// quote, the backslash or a control character.
var plainStringByte = func() (t [256]bool) {
	for c := 0x20; c < 256; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// escapeLen returns the length of the JSON escape sequence at the start of s
// (which starts with a backslash), or 0 if it is not a valid one.
func escapeLen(s string) int {
	if len(s) < 2 {
		return 0
	}
	switch s[1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return 2
	case 'u':
		if len(s) < 6 {
			return 0
		}
		for _, c := range []byte(s[2:6]) {
			if !isHex(c) {
				return 0
			}
		}
		return 6
	}
	return 0
}

// number prints the number at p.i: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func (p *jsonPrinter) number() bool {
	s, start := p.s, p.i
	i := start
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		i = digits(s, i)
	default:
		return false
	}
	if i < len(s) && s[i] == '.' {
		j := digits(s, i+1)
		if j == i+1 {
			return false
		}
		i = j
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		j := digits(s, i)
		if j == i {
			return false
		}
		i = j
	}
	p.i = i
	p.w.verbatim(s[start:i], p.pal.num, start)
	return true
}

func (p *jsonPrinter) literal(word string, pt paint) bool {
	if len(p.s)-p.i < len(word) || p.s[p.i:p.i+len(word)] != word {
		return false
	}
	p.w.verbatim(word, pt, p.i)
	p.i += len(word)
	return true
}

func (p *jsonPrinter) skipSpace() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// digits returns the index of the first non-digit in s at or after i.
func digits(s string, i int) int {
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isHex(c byte) bool {
	return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}
