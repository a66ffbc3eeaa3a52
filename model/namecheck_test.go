package model

import (
	"strings"
	"testing"
)

func TestCheckNameChars(t *testing.T) {
	tests := []struct {
		in   string
		want string // part of the error; "" for none
	}{
		{"full-index", ""},
		{"índice_2.v1", ""},
		{"", ""},
		{"ab\tc", "U+0009 (tab) at position 3"},
		{" lead", "U+0020 (space) at position 1"},
		{"trail\n", "U+000A (line feed) at position 6"},
		{"x\x1b[31m", "U+001B (escape) at position 2"},
		{"nb\u00a0sp", "U+00A0 (no-break space) at position 3"},
		{"zw\u200bsp", "U+200B (zero width space) at position 3"},
		{"é\x7f", "U+007F (delete) at position 2"},
		{"bad\xffutf8", "byte 0xFF at position 4 is not UTF-8"},
		{"\u2029", "U+2029 (a space character) at position 1"},
		{"\x01", "U+0001 (a control character)"},
	}
	for _, tt := range tests {
		err := CheckNameChars(tt.in)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("CheckNameChars(%q) = %v, want nil", tt.in, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("CheckNameChars(%q) = %v, want %q", tt.in, err, tt.want)
		}
	}
}
