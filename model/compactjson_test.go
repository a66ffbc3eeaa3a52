package model

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzAppendCompactJSON checks the one-pass check-and-compact against
// utf8.Valid, json.Valid and json.Compact, which it replaces.
func FuzzAppendCompactJSON(f *testing.F) {
	for _, s := range []string{
		`{}`, `[]`, ` {"a" : [1, 2.5e-3, -0, true, false, null, "x\"\u00e9\\"]} `, `{"a":}`, `[1,]`, `01`, `1.`, `-`, `1e`,
		`"\ud800"`, "\"\xff\"", "\"a\tb\"", `{"a":1}{}`, `tru`, `nul`, `"\x"`, `"\u12g4"`, strings.Repeat("[", 10001) + strings.Repeat("]", 10001),
		strings.Repeat("[", 10000) + strings.Repeat("]", 10000), `{"k":{"k":[{"k":"v"}]}}`, "\u2028", `"<&>"`, ``, ` `,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, ok := appendCompactJSON([]byte("prefix"), data)
		wantOK := utf8.Valid(data) && json.Valid(data)
		if ok != wantOK {
			t.Fatalf("%q: ok %v, want %v", data, ok, wantOK)
		}
		if !ok {
			if string(got) != "prefix" {
				t.Fatalf("%q: left %q after failing", data, got)
			}
			return
		}
		var want bytes.Buffer
		want.WriteString("prefix")
		if err := json.Compact(&want, data); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("%q: got %q, want %q", data, got, want.Bytes())
		}
	})
}
