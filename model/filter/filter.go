// Package filter decides which records a reader keeps: by key, by header, by
// text in the value, or by a jq expression over the value parsed as JSON. It
// is the one grammar the CLI's filter flags and the TUI's filter line share,
// so a filter typed in either place keeps the same records.
//
// It lives under model because it is pure logic over model.Record (no I/O,
// no UI); it is a package of its own because it needs gojq, and model itself
// imports only the standard library.
//
// The grammar of one term (Parse, the TUI's filter line):
//
//	TEXT            the value contains TEXT, ignoring case
//	key:GLOB        the key matches GLOB
//	header:K=GLOB   some header named exactly K has a value matching GLOB
//	jq:EXPR         the jq expression EXPR is truthy for the value parsed as JSON
//
// The CLI's flags are the same terms: --grep TEXT, --key GLOB, --header K=GLOB
// (repeatable), --jq EXPR. A record is kept when it meets every term given.
//
// Globs match the whole string: * is any run of characters (a / included),
// ? is any one character, [abc], [a-z] and [!a-z] (or [^a-z]) are character
// classes, and \ makes the next character literal. Matching is
// case-sensitive and never backtracks exponentially (globs compile to
// regular expressions of the standard library).
//
// Null keys, null header values and tombstones (null values) match no key,
// header, text or jq term. A value that is not one JSON document never
// matches a jq term.
package filter

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode/utf8"

	"github.com/itchyny/gojq"

	"github.com/kgroups/kgroups/model"
)

// Filter is a compiled set of terms; a record is kept when it meets all of
// them. The zero Filter (and a nil *Filter) keeps every record. A Filter is
// safe for concurrent use.
type Filter struct {
	terms []term
	src   []string // the terms as written, for String
}

// term is one compiled condition.
type term interface {
	match(r *model.Record) bool
}

// Spec is a filter as the CLI's flags give it. Empty fields add no term.
type Spec struct {
	Key     string   // --key GLOB
	Headers []string // --header K=GLOB, each a term
	Grep    string   // --grep TEXT
	JQ      string   // --jq EXPR
}

// Compile builds the filter of spec. A bad glob, a header without "=" or a
// jq expression that does not compile fail with a *SyntaxError naming the
// flag.
func Compile(spec Spec) (*Filter, error) {
	f := &Filter{}
	if spec.Key != "" {
		t, err := keyTerm(spec.Key)
		if err != nil {
			return nil, err.withTerm("--key")
		}
		f.add("key:"+spec.Key, t)
	}
	for _, h := range spec.Headers {
		t, err := headerTerm(h)
		if err != nil {
			return nil, err.withTerm("--header")
		}
		f.add("header:"+h, t)
	}
	if spec.Grep != "" {
		f.add(spec.Grep, textTerm(spec.Grep))
	}
	if spec.JQ != "" {
		t, err := jqTerm(spec.JQ)
		if err != nil {
			return nil, err.withTerm("--jq")
		}
		f.add("jq:"+spec.JQ, t)
	}
	return f, nil
}

// Parse compiles one term of the filter line's grammar (see the package
// documentation). Blank input keeps every record. Errors are *SyntaxError
// naming the term's prefix.
func Parse(line string) (*Filter, error) {
	line = strings.TrimSpace(line)
	f := &Filter{}
	if line == "" {
		return f, nil
	}
	var (
		t   term
		err *SyntaxError
	)
	switch {
	case strings.HasPrefix(line, "key:"):
		t, err = keyTerm(line[len("key:"):])
		err = err.withTerm("key:")
	case strings.HasPrefix(line, "header:"):
		t, err = headerTerm(line[len("header:"):])
		err = err.withTerm("header:")
	case strings.HasPrefix(line, "jq:"):
		t, err = jqTerm(strings.TrimSpace(line[len("jq:"):]))
		err = err.withTerm("jq:")
	default:
		t = textTerm(line)
	}
	if err != nil {
		return nil, err
	}
	f.add(line, t)
	return f, nil
}

func (f *Filter) add(src string, t term) {
	f.terms = append(f.terms, t)
	f.src = append(f.src, src)
}

// Empty reports whether f keeps every record.
func (f *Filter) Empty() bool { return f == nil || len(f.terms) == 0 }

// Match reports whether r meets every term of f.
func (f *Filter) Match(r *model.Record) bool {
	if f == nil {
		return true
	}
	for _, t := range f.terms {
		if !t.match(r) {
			return false
		}
	}
	return true
}

// String gives the terms in the filter line's grammar, joined by " and ".
func (f *Filter) String() string {
	if f == nil {
		return ""
	}
	return strings.Join(f.src, " and ")
}

// SyntaxError is a filter that cannot be compiled: a bad glob, a header term
// without "=", a jq expression that does not parse or compile.
type SyntaxError struct {
	Term   string // the flag or prefix: "--jq", "jq:", "--key", ...
	Input  string // what was written
	Column int    // 1-based column in Input where a jq parse error is, 0 if unknown
	Msg    string // what is wrong, in gojq's words for jq expressions
}

func (e *SyntaxError) Error() string {
	where := ""
	if e.Column > 0 {
		where = fmt.Sprintf(" at column %d", e.Column)
	}
	return fmt.Sprintf("%s %q: %s%s", e.Term, e.Input, e.Msg, where)
}

// withTerm names the flag or prefix on e; a nil e stays nil.
func (e *SyntaxError) withTerm(name string) *SyntaxError {
	if e != nil {
		e.Term = name
	}
	return e
}

// keyMatch keeps records whose key matches a glob.
type keyMatch struct{ glob *regexp.Regexp }

func (k keyMatch) match(r *model.Record) bool {
	return r.Key != nil && k.glob.Match(r.Key)
}

func keyTerm(glob string) (term, *SyntaxError) {
	re, err := compileGlob(glob)
	if err != nil {
		return nil, &SyntaxError{Input: glob, Msg: err.Error()}
	}
	return keyMatch{glob: re}, nil
}

// headerMatch keeps records with a header named name whose value matches a glob.
type headerMatch struct {
	name string
	glob *regexp.Regexp
}

func (h headerMatch) match(r *model.Record) bool {
	for _, hd := range r.Headers {
		if hd.Key == h.name && hd.Value != nil && h.glob.Match(hd.Value) {
			return true
		}
	}
	return false
}

func headerTerm(kv string) (term, *SyntaxError) {
	name, glob, ok := strings.Cut(kv, "=")
	if !ok {
		return nil, &SyntaxError{Input: kv, Msg: "want NAME=GLOB, such as trace-id=abc*"}
	}
	if name == "" {
		return nil, &SyntaxError{Input: kv, Msg: "no header name before ="}
	}
	re, err := compileGlob(glob)
	if err != nil {
		return nil, &SyntaxError{Input: kv, Msg: err.Error()}
	}
	return headerMatch{name: name, glob: re}, nil
}

// textMatch keeps records whose value contains a text, ignoring case.
type textMatch struct {
	lower []byte // the text in lower case
	ascii bool   // the text is ASCII: compare bytes without allocating
}

func textTerm(text string) term {
	lower := strings.ToLower(text)
	ascii := true
	for i := 0; i < len(lower); i++ {
		if lower[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	return textMatch{lower: []byte(lower), ascii: ascii}
}

func (t textMatch) match(r *model.Record) bool {
	if r.Value == nil {
		return false
	}
	if !t.ascii {
		return bytes.Contains(bytes.ToLower(r.Value), t.lower)
	}
	return containsFoldASCII(r.Value, t.lower)
}

// containsFoldASCII reports whether s contains lower (ASCII, lower case),
// ignoring the case of ASCII letters in s.
func containsFoldASCII(s, lower []byte) bool {
	n := len(lower)
	if n == 0 {
		return true
	}
	first, firstUp := lower[0], lower[0]
	if 'a' <= first && first <= 'z' {
		firstUp = first - 'a' + 'A'
	}
	for i := 0; i+n <= len(s); i++ {
		if c := s[i]; c != first && c != firstUp {
			continue
		}
		if equalFoldASCII(s[i+1:i+n], lower[1:]) {
			return true
		}
	}
	return false
}

func equalFoldASCII(s, lower []byte) bool {
	for i, c := range s {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// maxJQOutputs bounds how many outputs of a jq expression are looked at for
// one record: an expression that emits falsy values forever (repeat(false))
// must not stall the reader. Past it, the record does not match.
const maxJQOutputs = 1000

// jqMatch keeps records whose value, parsed as JSON, makes the expression
// emit a truthy output (anything but false and null), the way jq's
// select(EXPR) keeps its input. An error while running counts as no match.
type jqMatch struct{ code *gojq.Code }

func jqTerm(expr string) (term, *SyntaxError) {
	if strings.TrimSpace(expr) == "" {
		return nil, &SyntaxError{Input: expr, Msg: "empty jq expression"}
	}
	q, err := gojq.Parse(expr)
	if err != nil {
		se := &SyntaxError{Input: expr, Msg: err.Error()}
		var pe *gojq.ParseError
		if errors.As(err, &pe) {
			// Offset is where the lexer stood: the bad token ends there.
			start := min(max(pe.Offset-len(pe.Token), 0), len(expr))
			se.Column = utf8.RuneCountInString(expr[:start]) + 1
		}
		return nil, se
	}
	code, err := gojq.Compile(q, gojq.WithEnvironLoader(func() []string { return nil }))
	if err != nil {
		return nil, &SyntaxError{Input: expr, Msg: err.Error()}
	}
	return jqMatch{code: code}, nil
}

func (j jqMatch) match(r *model.Record) bool {
	if len(r.Value) == 0 {
		return false
	}
	var v any
	if err := json.Unmarshal(r.Value, &v); err != nil {
		return false
	}
	iter := j.code.Run(v)
	for range maxJQOutputs {
		out, ok := iter.Next()
		if !ok {
			return false
		}
		switch out := out.(type) {
		case error:
			return false
		case nil:
		case bool:
			if out {
				return true
			}
		default:
			return true
		}
	}
	return false
}

// compileGlob turns a glob (see the package documentation) into an anchored
// regular expression.
func compileGlob(glob string) (*regexp.Regexp, error) {
	var b strings.Builder
	b.WriteString(`\A(?s:`)
	for i := 0; i < len(glob); i++ {
		switch c := glob[i]; c {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		case '\\':
			if i+1 == len(glob) {
				return nil, errors.New(`bad glob: \ at the end escapes nothing`)
			}
			_, size := utf8.DecodeRuneInString(glob[i+1:])
			b.WriteString(regexp.QuoteMeta(glob[i+1 : i+1+size]))
			i += size
		case '[':
			end, class, err := globClass(glob, i)
			if err != nil {
				return nil, err
			}
			b.WriteString(class)
			i = end
		default:
			_, size := utf8.DecodeRuneInString(glob[i:])
			b.WriteString(regexp.QuoteMeta(glob[i : i+size]))
			i += size - 1
		}
	}
	b.WriteString(`)\z`)
	re, err := regexp.Compile(b.String())
	if err != nil {
		var re *syntax.Error
		if errors.As(err, &re) {
			return nil, fmt.Errorf("bad glob: %s %s", re.Code, re.Expr)
		}
		return nil, fmt.Errorf("bad glob: %w", err)
	}
	return re, nil
}

// globClass reads the class starting at glob[open] == '[' and returns the
// index of its closing ']' and the class as a regular expression.
func globClass(glob string, open int) (int, string, error) {
	var b strings.Builder
	b.WriteByte('[')
	i := open + 1
	if i < len(glob) && (glob[i] == '!' || glob[i] == '^') {
		b.WriteByte('^')
		i++
	}
	members := 0
	for ; i < len(glob); i++ {
		c := glob[i]
		switch {
		case c == ']' && members > 0:
			b.WriteByte(']')
			return i, b.String(), nil
		case c == '\\':
			if i+1 == len(glob) {
				return 0, "", errors.New(`bad glob: \ at the end escapes nothing`)
			}
			i++
			i += classMember(&b, glob[i:]) - 1
		case c == '-' && members > 0 && i+1 < len(glob) && glob[i+1] != ']':
			b.WriteByte('-')
			continue // a range: the next character is its end
		default:
			i += classMember(&b, glob[i:]) - 1
		}
		members++
	}
	return 0, "", fmt.Errorf("bad glob: [ at byte %d is never closed by ]", open+1)
}

// classMember writes the first character of s as a literal member of a
// regular expression's class and returns its size in bytes. ASCII
// punctuation is escaped so that an escaped - or ^ in the glob stays literal.
func classMember(b *strings.Builder, s string) int {
	r, size := utf8.DecodeRuneInString(s)
	if r < utf8.RuneSelf && !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9') && r > ' ' {
		b.WriteByte('\\')
	}
	b.WriteString(s[:size])
	return size
}
