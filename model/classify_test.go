package model

import "testing"

func TestClassify(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"nil", nil, ""},
		{"zero bytes", []byte{}, ""},
		{"object", []byte(`{"id":1}`), FormatJSON},
		{"array with spaces", []byte(" [1, 2]\n"), FormatJSON},
		{"bare number", []byte(`42`), FormatJSON},
		{"escaped ESC in JSON", []byte(`{"m":"\u001b[2J"}`), FormatJSON},
		{"truncated JSON is text", []byte(`{"id":1`), FormatText},
		{"plain text", []byte("hello world\n"), FormatText},
		{"coloured log line", []byte("\x1b[31mERROR\x1b[0m disk full"), FormatText},
		{"whitespace only", []byte("   "), FormatText},
		{"NUL makes bytes", []byte("abc\x00def"), FormatBytes},
		{"invalid UTF-8", []byte("caf\xe9"), FormatBytes},
		{"protobuf-like bytes", []byte("\n\x05hello\x12\x03abc\x18\x01"), FormatBytes},
		{"many controls", []byte("\x01\x02\x03abc"), FormatBytes},
		{"framed Avro", []byte{0, 0, 0, 0, 7, 2, 'a'}, FormatBytes},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Classify(tt.in); got != tt.want {
				t.Errorf("Classify(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestClassifyDeepJSON(t *testing.T) {
	deep := make([]byte, 0, 400_002)
	for range 200_000 {
		deep = append(deep, '[')
	}
	deep = append(deep, '1')
	for range 200_000 {
		deep = append(deep, ']')
	}
	if got := Classify(deep); got != FormatJSON {
		t.Errorf("200,000 levels of arrays: %q, want json", got)
	}
	if got := Classify(deep[:len(deep)-1]); got != FormatText {
		t.Errorf("unclosed: %q, want text", got)
	}
}
