package render

import (
	"strings"
	"testing"
)

func TestText(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		limit     Limits
		want      string
		wantLines int
	}{
		{name: "lines kept, final newline dropped", in: "one\ntwo\n", want: "one\ntwo"},
		{name: "CRLF", in: "one\r\ntwo\r\n", want: "one\ntwo"},
		{name: "tabs expanded", in: "a\tb\n\tc", want: "a   b\n    c"},
		{name: "controls escaped", in: "\x1b[2J\x1b]0;t\a\rX\x00\x7f", want: `\x1b[2J\x1b]0;t\x07\rX\x00\x7f`},
		{name: "empty lines kept", in: "a\n\nb", want: "a\n\nb"},
		{
			name: "line limit", in: "1\n2\n3\n4\n5\n", limit: Limits{MaxLines: 2},
			want: "1\n2\n… 3 more lines not shown (6 of 10 bytes)", wantLines: 3,
		},
		{
			name: "byte limit in a long line", in: strings.Repeat("x", 100) + "\nnext", limit: Limits{MaxBytes: 10},
			want: "xxxxxxxxxx…\n… 1 more line not shown (95 of 105 bytes)", wantLines: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, tr := Text([]byte(tt.in), PlainTheme(), tt.limit)
			if got != tt.want {
				t.Errorf("Text(%q) =\n%s\nwant\n%s", tt.in, got, tt.want)
			}
			if tr.Lines != tt.wantLines {
				t.Errorf("Truncated.Lines = %d, want %d", tr.Lines, tt.wantLines)
			}
		})
	}
}

func TestTruncatedString(t *testing.T) {
	tests := []struct {
		in   Truncated
		want string
	}{
		{Truncated{Total: 10}, ""},
		{Truncated{Lines: 12345, Bytes: 823456, Total: 1048576}, "… 12,345 more lines not shown (823,456 of 1,048,576 bytes)"},
		{Truncated{Lines: 1, Bytes: 3, Total: 999}, "… 1 more line not shown (3 of 999 bytes)"},
		{Truncated{Bytes: 1000, Total: 1000000}, "… rest not shown (1,000 of 1,000,000 bytes)"},
	}
	for _, tt := range tests {
		if got := tt.in.String(); got != tt.want {
			t.Errorf("%+v.String() = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 123456: "123,456", 1234567: "1,234,567", -1234: "-1,234"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
