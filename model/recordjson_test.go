package model

import (
	"encoding/base64"
	"encoding/json"
	"testing"
	"time"
)

func TestEncodeRecordJSON(t *testing.T) {
	ts := time.Date(2024, 3, 5, 14, 7, 9, 123_456_789, time.FixedZone("CET", 3600))
	const head = `{"topic":"t","partition":3,"offset":42,"timestamp":"2024-03-05T13:07:09.123Z",`
	rec := func(key, value []byte, headers ...Header) Record {
		return Record{Topic: "t", Partition: 3, Offset: 42, Timestamp: ts, Key: key, Value: value, Headers: headers}
	}
	tests := []struct {
		name string
		rec  Record
		want string
	}{
		{
			name: "JSON object is embedded and compacted",
			rec:  rec([]byte("k1"), []byte("{\n  \"id\": 7,\n  \"tags\": [ \"a\", \"b\" ]\n}")),
			want: head + `"key":"k1","value":{"id":7,"tags":["a","b"]},"headers":[]}`,
		},
		{
			name: "nested JSON keeps its member order and numbers verbatim",
			rec:  rec([]byte("k"), []byte(`{"z":{"y":[{"x":1.50,"big":12345678901234567890123}]},"a":null,"s":"<&>"}`)),
			want: head + `"key":"k","value":{"z":{"y":[{"x":1.50,"big":12345678901234567890123}]},"a":null,"s":"<&>"},"headers":[]}`,
		},
		{
			name: "JSON with leading and trailing whitespace",
			rec:  rec([]byte("k"), []byte(" \t\r\n[1, 2]\n")),
			want: head + `"key":"k","value":[1,2],"headers":[]}`,
		},
		{
			name: "JSON scalars",
			rec:  rec([]byte("k"), []byte(`"quoted"`)),
			want: head + `"key":"k","value":"quoted","headers":[]}`,
		},
		{
			name: "JSON number",
			rec:  rec([]byte("k"), []byte(`-0.5e3`)),
			want: head + `"key":"k","value":-0.5e3,"headers":[]}`,
		},
		{
			name: "non-JSON text is a string",
			rec:  rec([]byte("k"), []byte(`not json {`)),
			want: head + `"key":"k","value":"not json {","headers":[]}`,
		},
		{
			name: "text with quotes, backslashes and control characters",
			rec:  rec([]byte("k"), []byte("say \"hi\"\\\n\t\x1b[31mred\x00\x7f")),
			want: head + `"key":"k","value":"say \"hi\"\\\n\t\u001b[31mred\u0000` + "\x7f" + `","headers":[]}`,
		},
		{
			name: "unicode text, line separators escaped",
			rec:  rec([]byte("clé"), []byte("héllo \u2028 wörld \u2029 ✓")),
			want: head + `"key":"clé","value":"héllo \u2028 wörld \u2029 ✓","headers":[]}`,
		},
		{
			name: "empty value is an empty string, not null",
			rec:  rec([]byte{}, []byte{}),
			want: head + `"key":"","value":"","headers":[]}`,
		},
		{
			name: "tombstone and null key",
			rec:  rec(nil, nil),
			want: head + `"key":null,"value":null,"headers":[]}`,
		},
		{
			name: "key that looks like JSON stays a string",
			rec:  rec([]byte(`42`), []byte(`42`)),
			want: head + `"key":"42","value":42,"headers":[]}`,
		},
		{
			name: "invalid UTF-8 value is base64",
			rec:  rec([]byte("k"), []byte{0xff, 0x00, 0xfe, 'a'}),
			want: head + `"key":"k","value":"/wD+YQ==","value_encoding":"base64","headers":[]}`,
		},
		{
			name: "invalid UTF-8 inside JSON is base64 too",
			rec:  rec([]byte("k"), []byte("{\"a\":\"\xc3\x28\"}")),
			want: head + `"key":"k","value":"eyJhIjoiwygifQ==","value_encoding":"base64","headers":[]}`,
		},
		{
			name: "invalid UTF-8 key is base64",
			rec:  rec([]byte{0x80}, []byte(`{}`)),
			want: head + `"key":"gA==","key_encoding":"base64","value":{},"headers":[]}`,
		},
		{
			name: "headers",
			rec: rec([]byte("k"), []byte("v"),
				Header{Key: "trace-id", Value: []byte("abc")},
				Header{Key: "json-ish", Value: []byte(`{"a":1}`)}, // header values stay strings
				Header{Key: "empty", Value: []byte{}},
				Header{Key: "null", Value: nil},
				Header{Key: "bin", Value: []byte{0xde, 0xad, 0xbe, 0xef}},
				Header{Key: "bad\xffkey", Value: []byte("x")},
			),
			want: head + `"key":"k","value":"v","headers":[` +
				`{"key":"trace-id","value":"abc"},` +
				`{"key":"json-ish","value":"{\"a\":1}"},` +
				`{"key":"empty","value":""},` +
				`{"key":"null","value":null},` +
				`{"key":"bin","value":"3q2+7w==","value_encoding":"base64"},` +
				`{"key":"YmFk/2tleQ==","key_encoding":"base64","value":"x"}]}`,
		},
		{
			name: "unset timestamp is null",
			rec:  Record{Topic: "t", Partition: 0, Offset: 0},
			want: `{"topic":"t","partition":0,"offset":0,"timestamp":null,"key":null,"value":null,"headers":[]}`,
		},
		{
			name: "whole milliseconds keep three digits",
			rec:  Record{Topic: "a.b-c", Partition: 11, Offset: 9007199254740993, Timestamp: time.UnixMilli(1700000000000)},
			want: `{"topic":"a.b-c","partition":11,"offset":9007199254740993,"timestamp":"2023-11-14T22:13:20.000Z","key":null,"value":null,"headers":[]}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := EncodeRecordJSON(tt.rec)
			if err != nil {
				t.Fatalf("EncodeRecordJSON: %v", err)
			}
			if string(got) != tt.want {
				t.Fatalf("EncodeRecordJSON =\n%s\nwant\n%s", got, tt.want)
			}
			if !json.Valid(got) {
				t.Fatalf("output is not valid JSON: %s", got)
			}
		})
	}
}

// TestEncodeRecordJSONRoundTrip checks that a decoder gets back the original
// bytes for text and base64 fields.
func TestEncodeRecordJSONRoundTrip(t *testing.T) {
	values := [][]byte{
		[]byte("plain"),
		[]byte("ctl \x00\x01\x1f \" \\ / \u2028 é 😀"),
		{0xff, 0xfe},
		[]byte("{broken"),
	}
	for _, v := range values {
		b, err := EncodeRecordJSON(Record{Topic: "t", Key: v, Value: v})
		if err != nil {
			t.Fatal(err)
		}
		var got struct {
			Key, Value string
			KE         string `json:"key_encoding"`
			VE         string `json:"value_encoding"`
		}
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("Unmarshal(%s): %v", b, err)
		}
		for _, f := range []struct{ s, enc string }{{got.Key, got.KE}, {got.Value, got.VE}} {
			s := f.s
			if f.enc == "base64" {
				dec, err := base64.StdEncoding.DecodeString(s)
				if err != nil {
					t.Fatalf("base64 %q: %v", s, err)
				}
				s = string(dec)
			}
			if s != string(v) {
				t.Errorf("round trip of %q gave %q (line %s)", v, s, b)
			}
		}
	}
}

func BenchmarkEncodeRecordJSON(b *testing.B) {
	r := Record{
		Topic: "spent_detail_topic", Partition: 3, Offset: 123456,
		Timestamp: time.UnixMilli(1700000000123),
		Key:       []byte("user-8812"),
		Value:     []byte(`{"id":"sp_001","amount":{"value":1299,"currency":"EUR"},"merchant":{"name":"Café du Coin","mcc":"5812"},"relations":[{"type":"card","id":"c_1"},{"type":"user","id":"u_8812"}]}`),
		Headers:   []Header{{Key: "trace-id", Value: []byte("4bf92f3577b34da6")}},
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := EncodeRecordJSON(r); err != nil {
			b.Fatal(err)
		}
	}
}
