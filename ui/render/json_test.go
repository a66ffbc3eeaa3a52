package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func TestPrettyJSONPlain(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"scalar number", ` 42 `, `42`},
		{"scalar string", `"hi"`, `"hi"`},
		{"literals", `[true,false,null]`, "[\n  true,\n  false,\n  null\n]"},
		{"empty containers stay compact", `{"a":{},"b":[ ],"c":[{}]}`, "{\n  \"a\": {},\n  \"b\": [],\n  \"c\": [\n    {}\n  ]\n}"},
		{"nested", `{"id":7,"tags":["a","b"],"rel":{"n":-1.5e+3}}`,
			"{\n  \"id\": 7,\n  \"tags\": [\n    \"a\",\n    \"b\"\n  ],\n  \"rel\": {\n    \"n\": -1.5e+3\n  }\n}"},
		{"whitespace in the input is dropped", "{ \"a\" :\n\t1 ,\r\n \"b\" : 2 }", "{\n  \"a\": 1,\n  \"b\": 2\n}"},
		{"escaped ESC stays six characters", `{"m":"\u001b[2J"}`, "{\n  \"m\": \"\\u001b[2J\"\n}"},
		{"JSON escapes kept as written", `["a\"b\\c\/d\n"]`, "[\n  \"a\\\"b\\\\c\\/d\\n\"\n]"},
		{"raw C1 in a string escaped", "[\"\u009b2J\"]", "[\n  \"\\u009b2J\"\n]"},
		{"raw DEL in a key escaped", "{\"k\x7f\":1}", "{\n  \"k\\x7f\": 1\n}"},
		{"raw bidi override escaped", "[\"abc\u202Efed\"]", "[\n  \"abc\\u202efed\"\n]"},
		{"unicode text kept", `{"name":"Zoë 日本"}`, "{\n  \"name\": \"Zoë 日本\"\n}"},
		{"invalid JSON falls back to text", `{"a":1,}`, `{"a":1,}`},
		{"trailing garbage falls back to text", `{} x`, `{} x`},
		{"raw control in a string is not JSON", "[\"a\x1bb\"]", `["a\x1bb"]`},
		{"bad number is not JSON", `[01]`, `[01]`},
		{"bad escape is not JSON", `["\x41"]`, `["\x41"]`},
		{"invalid UTF-8 is not JSON", "[\"\xff\"]", `["\xff"]`},
		{"unclosed is not JSON", `[[1]`, `[[1]`},
		{"mismatched brackets are not JSON", `[1}`, `[1}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, tr := PrettyJSON([]byte(tt.in), PlainTheme(), Limits{})
			if got != tt.want {
				t.Errorf("PrettyJSON(%q) =\n%s\nwant\n%s", tt.in, got, tt.want)
			}
			if tr.Cut() {
				t.Errorf("PrettyJSON(%q) cut without limits: %+v", tt.in, tr)
			}
		})
	}
}

// TestPrettyJSONMatchesIndent checks the layout against encoding/json's own
// indenter on clean inputs, where the two must agree byte for byte.
func TestPrettyJSONMatchesIndent(t *testing.T) {
	inputs := []string{
		`{"a":[1,2,{"b":null,"c":[[],{}]}],"d":"e","f":0.5,"g":-0,"h":1E9}`,
		`[[[[["deep"]]]]]`,
		`"just a string"`,
		string(spentDetails(10 << 10)),
	}
	for _, in := range inputs {
		var want bytes.Buffer
		if err := json.Indent(&want, []byte(in), "", "  "); err != nil {
			t.Fatalf("json.Indent: %v", err)
		}
		got, _ := PrettyJSON([]byte(in), PlainTheme(), Limits{})
		if got != want.String() {
			t.Errorf("PrettyJSON differs from json.Indent for %.60q…\n got: %.300s\nwant: %.300s", in, got, want.String())
		}
	}
}

func TestPrettyJSONLimits(t *testing.T) {
	array := `[1,2,3,4,5,6,7,8,9,10]` // 12 lines pretty
	tests := []struct {
		name      string
		in        string
		limit     Limits
		want      string
		wantLines int
		wantBytes int
	}{
		{
			name: "line limit", in: array, limit: Limits{MaxLines: 4},
			want:      "[\n  1,\n  2,\n  3,\n… 8 more lines not shown (15 of 22 bytes)",
			wantLines: 8, wantBytes: 15,
		},
		{
			name: "one line left out", in: array, limit: Limits{MaxLines: 11},
			want:      "[\n  1,\n  2,\n  3,\n  4,\n  5,\n  6,\n  7,\n  8,\n  9,\n  10\n… 1 more line not shown (1 of 22 bytes)",
			wantLines: 1, wantBytes: 1,
		},
		{
			name: "byte limit inside a string", in: `["abcdefghij"]`, limit: Limits{MaxBytes: 8},
			want:      "[\n  \"abc…\n… 1 more line not shown (9 of 14 bytes)",
			wantLines: 1, wantBytes: 9,
		},
		{
			name: "byte limit never splits an escape", in: "[\"ab\u009bcd\"]", limit: Limits{MaxBytes: 10},
			want:      "[\n  \"ab…\n… 1 more line not shown (6 of 10 bytes)",
			wantLines: 1, wantBytes: 6,
		},
		{
			name: "exact fit is not cut", in: array, limit: Limits{MaxLines: 12},
			want: "[\n  1,\n  2,\n  3,\n  4,\n  5,\n  6,\n  7,\n  8,\n  9,\n  10\n]",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, tr := PrettyJSON([]byte(tt.in), PlainTheme(), tt.limit)
			if got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
			if tr.Lines != tt.wantLines || tr.Bytes != tt.wantBytes || tr.Total != len(tt.in) {
				t.Errorf("Truncated = %+v, want Lines %d Bytes %d Total %d", tr, tt.wantLines, tt.wantBytes, len(tt.in))
			}
		})
	}
}

func TestPrettyJSONLargeValue(t *testing.T) {
	in := spentDetails(1 << 20)
	var indented bytes.Buffer
	if err := json.Indent(&indented, in, "", "  "); err != nil {
		t.Fatal(err)
	}
	totalLines := strings.Count(indented.String(), "\n") + 1

	limit := DefaultLimits()
	out, tr := PrettyJSON(in, ColorThemeFor(colorRenderer()), limit)
	plain := sgr.ReplaceAllString(out, "")
	lines := strings.Split(plain, "\n")
	if len(lines) > limit.MaxLines+1 {
		t.Fatalf("output has %d lines, limit is %d plus the notice", len(lines), limit.MaxLines)
	}
	if len(plain) > limit.MaxBytes+200 {
		t.Fatalf("output has %d bytes, limit is %d", len(plain), limit.MaxBytes)
	}
	shown := len(lines) - 1
	if tr.Lines+shown != totalLines {
		t.Errorf("shown %d + not shown %d lines != %d lines in all", shown, tr.Lines, totalLines)
	}
	wantNotice := fmt.Sprintf("… %s more lines not shown", thousands(tr.Lines))
	if !strings.HasPrefix(lines[len(lines)-1], wantNotice) {
		t.Errorf("last line %q, want it to start with %q", lines[len(lines)-1], wantNotice)
	}
	if got, want := strings.Join(lines[:shown], "\n"), strings.Join(strings.SplitN(indented.String(), "\n", shown+1)[:shown], "\n"); got != want {
		t.Errorf("shown lines differ from the start of the indented value")
	}
}

func TestPrettyJSONDeepNesting(t *testing.T) {
	for _, depth := range []int{10_000, 200_000} {
		for _, shape := range []struct {
			name        string
			open, close string
		}{
			{"arrays", "[", "]"},
			{"objects", `{"a":`, "}"},
		} {
			t.Run(fmt.Sprintf("%s %d", shape.name, depth), func(t *testing.T) {
				in := strings.Repeat(shape.open, depth) + "1" + strings.Repeat(shape.close, depth)
				if KindOf([]byte(in)) != KindJSON {
					t.Fatalf("KindOf = %v, want json", KindOf([]byte(in)))
				}
				limit := DefaultLimits()
				out, tr := PrettyJSON([]byte(in), PlainTheme(), limit)
				lines := strings.Split(out, "\n")
				if len(lines) > limit.MaxLines+1 || len(out) > limit.MaxBytes+200 {
					t.Fatalf("output of %d lines, %d bytes exceeds %+v", len(lines), len(out), limit)
				}
				totalLines := 2*depth + 1 // each open, the value, each close
				if shown := len(lines) - 1; shown+tr.Lines != totalLines {
					t.Errorf("shown %d + not shown %d != %d lines", shown, tr.Lines, totalLines)
				}
				if !strings.Contains(lines[len(lines)-1], "more lines not shown") {
					t.Errorf("no truncation notice, last line %q", lines[len(lines)-1])
				}
			})
		}
	}
	t.Run("indentation stops growing so unlimited output stays linear", func(t *testing.T) {
		depth := 10_000
		in := strings.Repeat("[", depth) + strings.Repeat("]", depth)
		out, tr := PrettyJSON([]byte(in), PlainTheme(), Limits{})
		if tr.Cut() {
			t.Fatalf("cut without limits: %+v", tr)
		}
		lines := strings.Split(out, "\n")
		if len(lines) != 2*depth-1 {
			t.Errorf("%d lines, want %d", len(lines), 2*depth-1)
		}
		widest := 0
		for _, l := range lines {
			widest = max(widest, len(l))
		}
		if want := 2*maxIndentDepth + 2; widest != want {
			t.Errorf("widest line is %d bytes, want %d", widest, want)
		}
	})
	t.Run("unclosed deep nesting falls back to text", func(t *testing.T) {
		in := strings.Repeat("[", 100_000)
		out, tr := PrettyJSON([]byte(in), PlainTheme(), DefaultLimits())
		if !strings.HasPrefix(out, "[[[[") || tr.Cut() {
			t.Errorf("got %.20q, %+v; want the text, uncut", out, tr)
		}
	})
}

// spentDetails returns a JSON array of realistic records of about size bytes.
func spentDetails(size int) []byte {
	var b bytes.Buffer
	b.WriteByte('[')
	for i := 0; b.Len() < size; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":%d,"account":"acc-%05d","amount":%d.%02d,"currency":"EUR","spent_at":"2024-05-01T12:%02d:00Z",`+
			`"merchant":{"name":"Café n°%d","mcc":5812,"tags":["food","eu"]},"relations":[{"type":"card","id":"c-%d"},{"type":"budget","id":null}],"flags":{},"notes":[]}`,
			i, i%1000, i*37%10000, i%100, i%60, i, i*7)
	}
	b.WriteByte(']')
	return b.Bytes()
}
