package render

import "testing"

func TestKindOf(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want Kind
	}{
		{"nil is a tombstone", nil, KindNull},
		{"zero bytes", []byte{}, KindEmpty},
		{"object", []byte(`{"id":1}`), KindJSON},
		{"array with spaces", []byte(" [1, 2]\n"), KindJSON},
		{"bare number", []byte(`42`), KindJSON},
		{"bare string", []byte(`"x"`), KindJSON},
		{"escaped ESC in JSON", []byte(`{"m":"\u001b[2J"}`), KindJSON},
		{"truncated JSON is text", []byte(`{"id":1`), KindText},
		{"plain text", []byte("hello world\n"), KindText},
		{"coloured log line", []byte("\x1b[31mERROR\x1b[0m disk full"), KindText},
		{"OSC 52 payload inside text", []byte("see \x1b]52;c;cm0gLXJmIH4=\a now"), KindText},
		{"whitespace only", []byte("   "), KindText},
		{"NUL makes binary", []byte("abc\x00def"), KindBinary},
		{"invalid UTF-8 is binary", []byte("caf\xe9"), KindBinary},
		{"protobuf-like bytes", []byte("\n\x05hello\x12\x03abc\x18\x01"), KindBinary},
		{"many controls", []byte("\x01\x02\x03abc"), KindBinary},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := KindOf(tt.in); got != tt.want {
				t.Errorf("KindOf(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}
