package widget

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// FitDetail renders a line at the highest level of detail, from most down
// to 0, that fits in width, and reports whether one did; when none does it
// returns the rendering at level 0. Lines that drop detail in a fixed order
// rather than cut words (the header, titles, the status bar) go through it.
func FitDetail(width, most int, render func(detail int) string) (string, bool) {
	var line string
	for detail := most; detail >= 0; detail-- {
		line = render(detail)
		if ansi.StringWidth(line) <= width {
			return line, true
		}
	}
	return line, false
}

// Phrase is a part of a line that can be left out whole when the line does
// not fit. need is the level of detail it needs to show: 0 for a part always
// shown, and the highest goes first. Its text carries its own leading
// separator (" · ", ", ").
type Phrase struct {
	Text string
	Need int
}

// FitPhrases joins the phrases that fit in width, leaving out whole phrases
// in the order of their need, so what shows reads as complete sentences. It
// cuts the line only when the phrases always shown do not fit.
func FitPhrases(width int, phrases ...Phrase) string {
	most := 0
	for _, p := range phrases {
		most = max(most, p.Need)
	}
	line, ok := FitDetail(width, most, func(detail int) string {
		var b strings.Builder
		for _, p := range phrases {
			if p.Need <= detail {
				b.WriteString(p.Text)
			}
		}
		return b.String()
	})
	if ok {
		return line
	}
	return ansi.Truncate(line, max(width, 0), "…")
}

func Plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
