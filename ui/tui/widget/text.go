package widget

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// IsBlank reports whether s is empty, for slices.DeleteFunc over lines.
func IsBlank(s string) bool { return s == "" }

// WrapText wraps prose to width; a word longer than the width is cut.
func WrapText(s string, width int) []string {
	lines := strings.Split(ansi.Wordwrap(s, width, " "), "\n")
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, width, "…")
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
