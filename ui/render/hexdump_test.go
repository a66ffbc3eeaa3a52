package render

import (
	"bytes"
	"strings"
	"testing"
)

func TestHexDump(t *testing.T) {
	tests := []struct {
		name  string
		in    []byte
		limit Limits
		want  string
	}{
		{
			name: "two rows, last one short",
			in:   []byte("{\"id\":1}\x00\x1b[2J\n\a\xffABCDEFGHIJ"),
			want: "" +
				"00000000  7b 22 69 64 22 3a 31 7d  00 1b 5b 32 4a 0a 07 ff  |{\"id\":1}..[2J...|\n" +
				"00000010  41 42 43 44 45 46 47 48  49 4a                    |ABCDEFGHIJ|",
		},
		{
			name: "C1 and DEL shown as dots",
			in:   []byte("\xc2\x9b\x7f~"),
			want: "00000000  c2 9b 7f 7e                                       |...~|",
		},
		{
			name:  "row limit",
			in:    bytes.Repeat([]byte{'A'}, 64),
			limit: Limits{MaxLines: 2},
			want: "" +
				"00000000  41 41 41 41 41 41 41 41  41 41 41 41 41 41 41 41  |AAAAAAAAAAAAAAAA|\n" +
				"00000010  41 41 41 41 41 41 41 41  41 41 41 41 41 41 41 41  |AAAAAAAAAAAAAAAA|\n" +
				"… 2 more lines not shown (32 of 64 bytes)",
		},
		{name: "empty", in: []byte{}, want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := HexDump(tt.in, tt.limit); got != tt.want {
				t.Errorf("HexDump =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestHexDumpLargeValueWithinLimits(t *testing.T) {
	in := make([]byte, 1<<20)
	for i := range in {
		in[i] = byte(i)
	}
	limit := DefaultLimits()
	out := HexDump(in, limit)
	lines := strings.Split(out, "\n")
	if len(lines) != limit.MaxLines+1 {
		t.Fatalf("%d lines, want %d rows and a notice", len(lines), limit.MaxLines)
	}
	if want := "… 63,536 more lines not shown (1,016,576 of 1,048,576 bytes)"; lines[len(lines)-1] != want {
		t.Errorf("notice %q, want %q", lines[len(lines)-1], want)
	}
	if err := checkInert(out, true); err != "" {
		t.Error(err)
	}
}
