package filter

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/kgroups/kgroups/model"
)

// sample are the records the table tests filter, by name.
var sample = []struct {
	name string
	rec  model.Record
}{
	{"order-big", model.Record{Key: []byte("order/17"), Value: []byte(`{"amount":{"value":250},"note":"Rush Delivery"}`),
		Headers: []model.Header{{Key: "trace-id", Value: []byte("abc-123")}, {Key: "source", Value: []byte("web")}}}},
	{"order-small", model.Record{Key: []byte("order/18"), Value: []byte(`{"amount":{"value":40},"note":"standard"}`),
		Headers: []model.Header{{Key: "trace-id", Value: []byte("xyz-9")}}}},
	{"amount-null", model.Record{Key: []byte("order-19"), Value: []byte(`{"amount":null}`)}},
	{"array", model.Record{Key: []byte("list"), Value: []byte(`[1,2,3]`)}},
	{"text", model.Record{Key: []byte("plain"), Value: []byte("not json: amount.value > 100, RUSH")}},
	{"two-docs", model.Record{Key: []byte("two"), Value: []byte(`{"amount":{"value":500}} {"amount":{"value":500}}`)}},
	{"tombstone", model.Record{Key: []byte("order/17"), Value: nil,
		Headers: []model.Header{{Key: "trace-id", Value: []byte("abc-456")}}}},
	{"null-key", model.Record{Key: nil, Value: []byte(`{"amount":{"value":101}}`),
		Headers: []model.Header{{Key: "trace-id", Value: nil}}}},
	{"empty-value", model.Record{Key: []byte(""), Value: []byte{}}},
	{"binary", model.Record{Key: []byte{0xff, 0x00, 'k'}, Value: []byte{0xff, 0xfe, 'r', 'u', 's', 'h'}}},
	{"unicode", model.Record{Key: []byte("Größe"), Value: []byte(`{"city":"MÜNCHEN"}`)}},
}

// kept returns the names of the sample records f keeps.
func kept(f *Filter) []string {
	var out []string
	for _, s := range sample {
		if f.Match(&s.rec) {
			out = append(out, s.name)
		}
	}
	return out
}

func names(s ...string) []string { return s }

var all = func() []string {
	var out []string
	for _, s := range sample {
		out = append(out, s.name)
	}
	return out
}()

// TestParseKeepsExactlyTheExpectedRecords is the filter line's grammar, term
// by term, over records that include non-JSON values, tombstones, null keys
// and binary data.
func TestParseKeepsExactlyTheExpectedRecords(t *testing.T) {
	for _, tt := range []struct {
		line string
		want []string
	}{
		{"", all},
		{"   ", all},
		{"rush", names("order-big", "text", "binary")},
		{"RUSH delivery", names("order-big")},
		{"münchen", names("unicode")},
		{`"value":40`, names("order-small")},
		{"key:order/*", names("order-big", "order-small", "tombstone")},
		{"key:order*", names("order-big", "order-small", "amount-null", "tombstone")},
		{"key:order?1[78]", names("order-big", "order-small", "tombstone")},
		{"key:order?1[!7]", names("order-small", "amount-null")},
		{"key:*", names("order-big", "order-small", "amount-null", "array", "text", "two-docs", "tombstone", "empty-value", "binary", "unicode")},
		{"key:", names("empty-value")},
		{"key:Gr??e", names("unicode")},
		{"key:ORDER/*", nil},
		{`key:order\/17`, names("order-big", "tombstone")},
		{"header:trace-id=abc-*", names("order-big", "tombstone")},
		{"header:trace-id=*", names("order-big", "order-small", "tombstone")},
		{"header:source=web", names("order-big")},
		{"header:Source=web", nil},
		{"header:trace-id=", nil},
		{"jq:.amount.value > 100", names("order-big", "null-key")},
		{"jq: .amount.value > 100 ", names("order-big", "null-key")},
		{"jq:.amount", names("order-big", "order-small", "null-key")},
		{"jq:.amount.value", names("order-big", "order-small", "null-key")},
		{"jq:.[]?", names("order-big", "order-small", "array", "null-key", "unicode")},
		{"jq:.[] | . + 1 > 2", names("array")}, // adding 1 to an object or a string errors: no match, no crash
		{"jq:error(\"boom\")", nil},            // a runtime error is no match
		{"jq:false, null, 1", names(all2("text", "tombstone", "empty-value", "binary", "two-docs")...)},
		{"jq:repeat(false)", nil},                         // bounded, not stuck
		{"jq:.city | ascii_downcase == \"münchen\"", nil}, // ascii_downcase leaves Ü
		{"jq:.city == \"MÜNCHEN\"", names("unicode")},
		{"jq:$ENV | length == 0", names(all2("text", "tombstone", "empty-value", "binary", "two-docs")...)},
	} {
		f, err := Parse(tt.line)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.line, err)
			continue
		}
		if got := kept(f); !slices.Equal(got, tt.want) {
			t.Errorf("Parse(%q) keeps %v, want %v", tt.line, got, tt.want)
		}
	}
}

// all2 is every sample record but the ones named.
func all2(except ...string) []string {
	var out []string
	for _, n := range all {
		if !slices.Contains(except, n) {
			out = append(out, n)
		}
	}
	return out
}

// TestCompileFlagsAreAllRequired checks the CLI's flags: every term must hold.
func TestCompileFlagsAreAllRequired(t *testing.T) {
	for _, tt := range []struct {
		spec Spec
		want []string
	}{
		{Spec{}, all},
		{Spec{Key: "order/*", Grep: "rush"}, names("order-big")},
		{Spec{Key: "order/*", Headers: []string{"trace-id=abc*"}}, names("order-big", "tombstone")},
		{Spec{Headers: []string{"trace-id=abc*", "source=web"}}, names("order-big")},
		{Spec{Headers: []string{"trace-id=abc*", "source=app"}}, nil},
		{Spec{JQ: ".amount.value > 100", Key: "*"}, names("order-big")},
		{Spec{JQ: ".amount.value > 100", Grep: "amount"}, names("order-big", "null-key")},
	} {
		f, err := Compile(tt.spec)
		if err != nil {
			t.Errorf("Compile(%+v): %v", tt.spec, err)
			continue
		}
		if got := kept(f); !slices.Equal(got, tt.want) {
			t.Errorf("Compile(%+v) keeps %v, want %v", tt.spec, got, tt.want)
		}
	}
}

func TestSyntaxErrors(t *testing.T) {
	for _, tt := range []struct {
		line   string
		spec   *Spec
		says   string
		column int
	}{
		{line: "jq:.amount.value >", says: `jq: ".amount.value >": unexpected EOF at column 16`, column: 16},
		{line: "jq:.a | | .b", says: `unexpected token "|" at column 6`, column: 6},
		{line: "jq:.a[", says: "unexpected EOF", column: 4},
		{line: "jq:foo(1)", says: "function not defined: foo/1"},
		{line: "jq:$x", says: "variable not defined: $x"},
		{line: "jq:", says: "empty jq expression"},
		{line: "key:order[", says: "never closed"},
		{line: `key:order\`, says: "escapes nothing"},
		{line: "key:[z-a]", says: "bad glob"},
		{line: "header:trace-id", says: "want NAME=GLOB"},
		{line: "header:=x", says: "no header name"},
		{line: "header:a=[", says: "never closed"},
		{spec: &Spec{JQ: ".x |"}, says: `--jq ".x |": unexpected EOF at column 5`, column: 5},
		{spec: &Spec{Key: "a["}, says: `--key "a["`},
		{spec: &Spec{Headers: []string{"ok=1", "nope"}}, says: `--header "nope": want NAME=GLOB`},
	} {
		var err error
		if tt.spec != nil {
			_, err = Compile(*tt.spec)
		} else {
			_, err = Parse(tt.line)
		}
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("%q %+v: error %v, want a *SyntaxError", tt.line, tt.spec, err)
			continue
		}
		if !strings.Contains(err.Error(), tt.says) || se.Column != tt.column {
			t.Errorf("%q %+v: %q (column %d), want it to say %q at column %d", tt.line, tt.spec, err, se.Column, tt.says, tt.column)
		}
	}
}

func TestGlobClassesAndEscapes(t *testing.T) {
	for _, tt := range []struct {
		glob, s string
		want    bool
	}{
		{"a-[0-9]", "a-5", true},
		{"a-[0-9]", "a-x", false},
		{`[a\-z]`, "-", true},
		{`[a\-z]`, "m", false},
		{"[^a]", "b", true},
		{"[!a]", "a", false},
		{"[]a]", "]", true},
		{"[a-]", "-", true},
		{`\*`, "*", true},
		{`\*`, "x", false},
		{"*.json", "dir/file.json", true},
		{"?", "é", true},
		{"a.c", "abc", false},
		{"(x)|y", "(x)|y", true},
	} {
		re, err := compileGlob(tt.glob)
		if err != nil {
			t.Errorf("compileGlob(%q): %v", tt.glob, err)
			continue
		}
		if got := re.MatchString(tt.s); got != tt.want {
			t.Errorf("glob %q on %q = %v, want %v", tt.glob, tt.s, got, tt.want)
		}
	}
}

func TestStringAndEmpty(t *testing.T) {
	var nilFilter *Filter
	if !nilFilter.Empty() || !nilFilter.Match(&model.Record{}) {
		t.Error("a nil filter must keep everything")
	}
	f, err := Compile(Spec{Key: "k*", Headers: []string{"a=b"}, Grep: "x", JQ: ".y"})
	if err != nil {
		t.Fatal(err)
	}
	if f.Empty() {
		t.Error("a filter with terms is not empty")
	}
	if got, want := f.String(), "key:k* and header:a=b and x and jq:.y"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}
