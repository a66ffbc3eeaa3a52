package render

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
)

// Theme holds the styles render uses. Styles must be inline ones (colours,
// bold, italic, faint, underline, reverse): each is applied to short pieces of
// one line, so padding, width or borders would be repeated on every piece.
//
// The CLI picks PlainTheme when NO_COLOR is set or stdout is not a terminal
// and ColorTheme otherwise; the TUI passes styles from its own Styles. The
// package never looks at the environment itself (lipgloss's default renderer
// does honour NO_COLOR when it detects the colour profile).
type Theme struct {
	// JSON syntax.
	Key         lipgloss.Style // object keys
	String      lipgloss.Style // string values
	Number      lipgloss.Style
	Bool        lipgloss.Style // true and false
	Null        lipgloss.Style
	Punctuation lipgloss.Style // { } [ ] : ,

	// Escape marks the visible form of a control character or invalid byte
	// (`\x1b`), so it stands apart from a literal backslash in the data.
	Escape lipgloss.Style

	// Record layout.
	Title lipgloss.Style // topic/partition@offset
	Label lipgloss.Style // "key:", header names, "value:"
	Muted lipgloss.Style // timestamps, hex offsets, <tombstone>, "… N more lines not shown"
}

// PlainTheme returns a Theme that adds no escape sequences at all.
func PlainTheme() Theme {
	return Theme{}
}

// ColorTheme returns the default colour Theme on lipgloss's default renderer,
// with adaptive colours for light and dark terminals.
func ColorTheme() Theme {
	return ColorThemeFor(lipgloss.DefaultRenderer())
}

// ColorThemeFor returns the default colour Theme bound to renderer r, whose
// colour profile and background decide the escape sequences emitted.
func ColorThemeFor(r *lipgloss.Renderer) Theme {
	fg := func(light, dark string) lipgloss.Style {
		return r.NewStyle().Foreground(lipgloss.AdaptiveColor{Light: light, Dark: dark})
	}
	return Theme{
		Key:         fg("25", "75"),   // blue
		String:      fg("28", "114"),  // green
		Number:      fg("130", "215"), // orange
		Bool:        fg("127", "176"), // magenta
		Null:        fg("245", "243").Italic(true),
		Punctuation: fg("240", "246"),
		Escape:      fg("160", "203").Bold(true), // red
		Title:       fg("25", "75").Bold(true),
		Label:       fg("240", "246"),
		Muted:       fg("245", "242"),
	}
}

// paint is a style reduced to the sequences it puts before and after a piece
// of text, so styling many small tokens costs two appends each.
type paint struct{ pre, post string }

// sentinel is rendered through a style to split it into its prefix and suffix;
// SGR sequences never contain it.
const sentinel = "x"

func paintOf(s lipgloss.Style) paint {
	pre, post, ok := strings.Cut(s.Render(sentinel), sentinel)
	if !ok {
		return paint{}
	}
	return paint{pre: pre, post: post}
}

func (p paint) wrap(s string) string {
	if p.pre == "" && p.post == "" {
		return s
	}
	return p.pre + s + p.post
}

// palette is a Theme reduced to paints for one rendering.
type palette struct {
	key, str, num, boolean, null, punct, esc, title, label, muted paint
}

func (t Theme) palette() *palette {
	return &palette{
		key:     paintOf(t.Key),
		str:     paintOf(t.String),
		num:     paintOf(t.Number),
		boolean: paintOf(t.Bool),
		null:    paintOf(t.Null),
		punct:   paintOf(t.Punctuation),
		esc:     paintOf(t.Escape),
		title:   paintOf(t.Title),
		label:   paintOf(t.Label),
		muted:   paintOf(t.Muted),
	}
}
