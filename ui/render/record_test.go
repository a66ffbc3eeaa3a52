package render

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/kgroups/kgroups/model"
)

var at = time.Date(2024, 5, 1, 12, 0, 0, 123e6, time.UTC)

func TestRecordPlain(t *testing.T) {
	tests := []struct {
		name string
		in   model.Record
		want string
	}{
		{
			name: "JSON value with key and headers",
			in: model.Record{
				Topic: "spent_detail_topic", Partition: 3, Offset: 1234, Timestamp: at,
				Key:     []byte("order-17"),
				Headers: []model.Header{{Key: "trace-id", Value: []byte("abc")}, {Key: "empty", Value: []byte{}}, {Key: "null", Value: nil}},
				Value:   []byte(`{"id":1,"tags":["a"]}`),
			},
			want: "" +
				"spent_detail_topic/3@1234  2024-05-01T12:00:00.123Z  key: order-17\n" +
				"  header: trace-id: abc\n" +
				"  header: empty: <empty>\n" +
				"  header: null: <null>\n" +
				"  value: json, 21 bytes\n" +
				"  {\n" +
				"    \"id\": 1,\n" +
				"    \"tags\": [\n" +
				"      \"a\"\n" +
				"    ]\n" +
				"  }",
		},
		{
			name: "tombstone with null key",
			in:   model.Record{Topic: "t", Partition: 0, Offset: 9, Timestamp: at},
			want: "t/0@9  2024-05-01T12:00:00.123Z  key: <null>\n  value: <tombstone>",
		},
		{
			name: "empty value, empty key, no timestamp",
			in:   model.Record{Topic: "t", Key: []byte{}, Value: []byte{}},
			want: "t/0@0  key: <empty>\n  value: <empty>",
		},
		{
			name: "text value",
			in:   model.Record{Topic: "t", Value: []byte("line one\n\tline two\n")},
			want: "t/0@0  key: <null>\n  value: text, 19 bytes\n  line one\n      line two",
		},
		{
			name: "binary value",
			in:   model.Record{Topic: "t", Value: []byte("\x00\x01\x02ABC\xff")},
			want: "t/0@0  key: <null>\n  value: binary, 7 bytes\n" +
				"  00000000  00 01 02 41 42 43 ff                              |...ABC.|",
		},
		{
			name: "hostile key, header and topic made visible",
			in: model.Record{
				Topic: "t\x1b[2J", Key: []byte("k\x1b]52;c;aGk=\a"),
				Headers: []model.Header{{Key: "h\u202e", Value: []byte("v\r\xff")}},
				Value:   []byte("ok"),
			},
			want: `t\x1b[2J/0@0  key: k\x1b]52;c;aGk=\x07` + "\n" +
				`  header: h\u202e: v\r\xff` + "\n" +
				"  value: text, 2 bytes\n  ok",
		},
		{
			name: "long key cut",
			in:   model.Record{Topic: "t", Key: bytes.Repeat([]byte("k"), 600), Value: []byte("1")},
			want: "t/0@0  key: " + strings.Repeat("k", maxFieldBytes) + "… (600 bytes)\n  value: json, 1 bytes\n  1",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Record(tt.in, PlainTheme(), DefaultLimits()); got != tt.want {
				t.Errorf("Record =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestRecordValueLimitAndNotice(t *testing.T) {
	r := model.Record{Topic: "t", Value: []byte(`[1,2,3,4,5,6,7,8,9,10]`)}
	want := "t/0@0  key: <null>\n  value: json, 22 bytes\n  [\n    1,\n    2,\n  … 9 more lines not shown (17 of 22 bytes)"
	if got := Record(r, PlainTheme(), Limits{MaxLines: 3}); got != want {
		t.Errorf("Record =\n%s\nwant\n%s", got, want)
	}
}

// hostile holds payloads meant to change a terminal's state, one of each kind.
var hostile = map[string]string{
	"clear screen":          "\x1b[2J\x1b[H",
	"SGR colour":            "\x1b[31mred\x1b[0m",
	"cursor move":           "\x1b[10;10H\x1b[1A",
	"window title":          "\x1b]0;pwned\a",
	"OSC 8 hyperlink":       "\x1b]8;;https://evil.example\x1b\\click me\x1b]8;;\x1b\\",
	"OSC 52 clipboard":      "\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\a",
	"DCS":                   "\x1bP+q544e\x1b\\",
	"C1 CSI rune":           "\u009b2J\u009d0;title\u009c",
	"raw C1 bytes":          "\x9b2J\x9d0;t\x9c",
	"BEL":                   "\a\a\a",
	"DEL and backspace":     "abc\x7f\b\b",
	"NUL":                   "a\x00b",
	"CR overwrite":          "innocent\rEVIL",
	"invalid UTF-8":         "\xff\xfe\xc3\x28\xed\xa0\x80",
	"bidi override":         "user\u202Enimda\u2066x\u2069",
	"JSON with escapes":     `{"m":"\u001b[2J\u0007\u009b","n":"\u202e"}`,
	"JSON with raw C1 bidi": "{\"m\":\"\u009b2J\u202Eabc\x7f\",\"\u009dk\":[\"\u2067\"]}",
	"JSON with ESC in text": "{\"m\":\"\x1b[2J\"}",
}

func TestHostilePayloadsRenderInert(t *testing.T) {
	color := ColorThemeFor(colorRenderer())
	big := append(spentDetails(1<<20), "\u009b\x1b"...) // not JSON any more: text
	deep := strings.Repeat("[", 10_000) + "\"\u009b\"" + strings.Repeat("]", 10_000)
	values := map[string][]byte{"tombstone": nil, "empty": {}, "1 MB": big, "10,000 deep": []byte(deep)}
	for name, s := range hostile {
		values[name] = []byte(s)
	}

	for name, v := range values {
		s := string(v)
		rec := model.Record{
			Topic: "topic" + s, Partition: 1, Offset: 2, Timestamp: at,
			Key:     v,
			Headers: []model.Header{{Key: s, Value: v}},
			Value:   v,
		}
		outputs := map[string]func(Theme) string{
			"Record": func(th Theme) string { return Record(rec, th, DefaultLimits()) },
			"PrettyJSON": func(th Theme) string {
				out, _ := PrettyJSON(v, th, DefaultLimits())
				return out
			},
			"Text": func(th Theme) string {
				out, _ := Text(v, th, DefaultLimits())
				return out
			},
			"Value": func(th Theme) string {
				out, _ := Value(v, th, DefaultLimits())
				return out
			},
			"HexDump":       func(Theme) string { return HexDump(v, DefaultLimits()) },
			"SanitizeBlock": func(Theme) string { return SanitizeBlock(s) },
		}
		singleLine := map[string]string{
			"SanitizeLine": SanitizeLine(s),
			"Preview":      Preview(v, 80),
		}
		for fn, render := range outputs {
			plain, colored := render(PlainTheme()), render(color)
			if err := checkInert(plain, true); err != "" {
				t.Errorf("%s(%s) with PlainTheme: %s", fn, name, err)
			}
			if fn == "Record" && !strings.Contains(colored, "\x1b[") {
				t.Fatalf("Record(%s) with ColorTheme has no styling: the test would prove nothing", name)
			}
			stripped := sgr.ReplaceAllString(colored, "")
			if err := checkInert(stripped, true); err != "" {
				t.Errorf("%s(%s) with ColorTheme: %s", fn, name, err)
			}
			if stripped != plain {
				t.Errorf("%s(%s): colour output without its styling differs from the plain output", fn, name)
			}
		}
		for fn, out := range singleLine {
			if err := checkInert(out, false); err != "" {
				t.Errorf("%s(%s): %s", fn, name, err)
			}
		}
	}
}

func TestColorThemeStyles(t *testing.T) {
	color := ColorThemeFor(colorRenderer())
	out, _ := PrettyJSON([]byte("{\"k\":\"v\u009b\",\"n\":1,\"b\":true,\"z\":null}"), color, Limits{})
	pal := color.palette()
	for _, want := range []string{
		pal.key.wrap(`"k"`), pal.str.wrap(`"v`), pal.esc.wrap(`\u009b`), pal.num.wrap("1"),
		pal.boolean.wrap("true"), pal.null.wrap("null"), pal.punct.wrap("{"),
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output %q lacks styled piece %q", out, want)
		}
	}
	if pal.key.pre == "" || pal.key.pre == pal.str.pre {
		t.Errorf("keys and strings are not styled apart: %q vs %q", pal.key.pre, pal.str.pre)
	}
	if plain := PlainTheme().palette(); *plain != (palette{}) {
		t.Errorf("PlainTheme emits styling: %+v", *plain)
	}
}

func TestPreview(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		max  int
		want string
	}{
		{"null", nil, 10, "<null>"},
		{"empty", []byte{}, 10, ""},
		{"short", []byte("order-17"), 10, "order-17"},
		{"cut on a rune boundary", []byte("ééééé"), 5, "éé…"},
		{"escaped on one line", []byte("a\nb\x1b"), 0, `a\nb\x1b`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Preview(tt.in, tt.max); got != tt.want {
				t.Errorf("Preview(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
			}
		})
	}
}

// TestRecordPrinterPrintsAsDecodedRecord checks that a printer reused over
// many records prints each exactly as DecodedRecord does alone, in colour
// and plain, decoded or not.
func TestRecordPrinterPrintsAsDecodedRecord(t *testing.T) {
	recs := []model.Record{
		{Topic: "t", Partition: 1, Offset: 2, Timestamp: at, Key: []byte("k"), Value: []byte(`{"a":[1,true,null,"x"]}`),
			Headers: []model.Header{{Key: "h", Value: []byte("v\x1b")}}},
		{Topic: "t", Offset: 3, Value: []byte("plain text\nsecond line")},
		{Topic: "t", Offset: 4, Value: []byte{0, 1, 2, 0xff}},
		{Topic: "t", Offset: 5},
	}
	decoded := model.Decoded{Format: "avro", Value: []byte(`{"id":7}`)}
	for _, theme := range []Theme{PlainTheme(), ColorThemeFor(colorRenderer())} {
		p := NewRecordPrinter(theme, DefaultLimits())
		for i, r := range recs {
			for _, dv := range []model.Decoded{{}, decoded} {
				if got, want := p.DecodedRecord(r, model.Decoded{}, dv), DecodedRecord(r, model.Decoded{}, dv, theme, DefaultLimits()); got != want {
					t.Errorf("record %d: printer gave\n%q\nwant\n%q", i, got, want)
				}
			}
		}
	}
}
