package widget

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// IsBlank reports whether s is empty, for slices.DeleteFunc over lines.
func IsBlank(s string) bool { return s == "" }

// WrapText wraps prose to width; a word longer than the width is cut. A
// line that starts indented (a list item) keeps its indent, and its
// continuation lines hang two spaces further in.
func WrapText(s string, width int) []string {
	text := strings.TrimLeft(s, " ")
	indent := len(s) - len(text)
	if indent == 0 || indent+2 >= width/2 {
		indent, text = 0, s
	}
	lines := strings.Split(ansi.Wordwrap(text, width-indent-2*min(indent, 1), " "), "\n")
	for i, l := range lines {
		pad := indent
		if i > 0 && indent > 0 {
			pad += 2
		}
		lines[i] = ansi.Truncate(strings.Repeat(" ", pad)+l, width, "…")
	}
	return lines
}

// Capitalize upper-cases the first letter of s, for titles.
func Capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
