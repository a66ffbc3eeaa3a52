package render

import (
	"strings"
	"testing"
)

func TestSanitizeLine(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain ASCII unchanged", "spent_detail_topic", "spent_detail_topic"},
		{"UTF-8 text unchanged", "café ☕ 日本 👨‍👩‍👧", "café ☕ 日本 👨‍👩‍👧"},
		{"replacement character itself is fine", "a\uFFFDb", "a\uFFFDb"},
		{"clear screen", "\x1b[2J\x1b[H", `\x1b[2J\x1b[H`},
		{"SGR colour", "\x1b[31mred\x1b[0m", `\x1b[31mred\x1b[0m`},
		{"window title OSC with BEL", "\x1b]0;title\a", `\x1b]0;title\x07`},
		{"OSC 8 hyperlink", "\x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\", `\x1b]8;;http://evil.example\x1b\click\x1b]8;;\x1b\`},
		{"OSC 52 clipboard write", "\x1b]52;c;cm0gLXJmIH4=\a", `\x1b]52;c;cm0gLXJmIH4=\x07`},
		{"C1 CSI as UTF-8 rune", "\u009b2J", `\u009b2J`},
		{"C1 OSC as UTF-8 rune", "\u009d0;t\u009c", `\u009d0;t\u009c`},
		{"raw C1 byte is invalid UTF-8", "a\x9bb", `a\x9bb`},
		{"BEL", "ding\a", `ding\x07`},
		{"DEL", "a\x7fb", `a\x7fb`},
		{"NUL", "a\x00b", `a\x00b`},
		{"CR overwrites the line", "safe\rEVIL", `safe\rEVIL`},
		{"newline and tab kept on one line", "a\nb\tc", `a\nb\tc`},
		{"backspace", "abc\b\b\bxyz", `abc\x08\x08\x08xyz`},
		{"invalid UTF-8 bytes", "ok\xff\xfe\xc3", `ok\xff\xfe\xc3`},
		{"truncated multibyte sequence", "\xe2\x82", `\xe2\x82`},
		{"UTF-16 surrogate encoded in UTF-8", "\xed\xa0\x80", `\xed\xa0\x80`},
		{"bidi override (trojan source)", "admin\u202Enimda", `admin\u202enimda`},
		{"bidi embeddings and pop", "\u202A\u202B\u202C\u202D", `\u202a\u202b\u202c\u202d`},
		{"bidi isolates", "\u2066x\u2067y\u2068z\u2069", `\u2066x\u2067y\u2068z\u2069`},
		{"direction marks", "\u200Ea\u200F\u061C", `\u200ea\u200f\u061c`},
		{"zero width space and BOM", "top\u200Bic\uFEFF", `top\u200bic\ufeff`},
		{"line and paragraph separators", "a\u2028b\u2029c", `a\u2028b\u2029c`},
		{"tag characters", "hi\U000E0041\U000E007F", `hi\U000e0041\U000e007f`},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SanitizeLine(tt.in); got != tt.want {
				t.Errorf("SanitizeLine(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if got := SanitizeLine(tt.in); got != tt.want {
				t.Errorf("SanitizeLine(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSanitizeBlock(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"newlines kept", "a\nb\n", "a\nb\n"},
		{"CRLF becomes LF", "a\r\nb\r\n", "a\nb\n"},
		{"lone CR escaped", "a\rb", `a\rb`},
		{"tab to the next 4-column stop", "\tx\nab\ty\nabcd\tz", "    x\nab  y\nabcd    z"},
		{"tab after multibyte runes counts runes", "é\tx", "é   x"},
		{"tab after an escape counts the escape", "\x1b\tx", `\x1b` + "    x"},
		{"ESC still escaped", "\x1b[2J\nok", "\\x1b[2J\nok"},
		{"bidi still escaped", "\u202E\n", "\\u202e\n"},
		{"invalid UTF-8 still escaped", "\xff\n", "\\xff\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SanitizeBlock(tt.in); got != tt.want {
				t.Errorf("SanitizeBlock(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestSanitizeOutputIsInert runs every byte value and every interesting rune
// through the sanitizers and checks no control survives.
func TestSanitizeOutputIsInert(t *testing.T) {
	var in strings.Builder
	for b := range 256 {
		in.WriteByte(byte(b))
	}
	for r := rune(0x80); r <= 0x9f; r++ {
		in.WriteRune(r)
	}
	in.WriteString("\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069\u200B\u200E\u200F\u2028\u2029\uFEFF")
	for _, tt := range []struct {
		name      string
		sanitize  func(string) string
		multiline bool
	}{
		{"SanitizeLine", SanitizeLine, false},
		{"SanitizeBlock", SanitizeBlock, true},
	} {
		if err := checkInert(tt.sanitize(in.String()), tt.multiline); err != "" {
			t.Errorf("%s: %s", tt.name, err)
		}
	}
}

func TestSanitizeFastPathDoesNotAllocate(t *testing.T) {
	s := strings.Repeat("my-batch-consumer-spent_detail_topic-full-index café ", 20)
	for _, f := range []func(string) string{SanitizeLine, SanitizeBlock} {
		allocs := testing.AllocsPerRun(100, func() { _ = f(s) })
		if allocs != 0 {
			t.Errorf("fast path allocates %v times per call, want 0", allocs)
		}
	}
	if got := SanitizeBlock("a\nb"); got != "a\nb" {
		t.Errorf("SanitizeBlock changed safe multi-line text: %q", got)
	}
}
