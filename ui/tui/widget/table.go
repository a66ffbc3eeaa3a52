package widget

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// Align says how a cell sits in its column.
type Align int

const (
	AlignLeft Align = iota
	AlignRight
)

// Column describes one table column. Natural widths come from the content
// (capped by Max). When space runs out, Flex columns shrink first, the last
// one first, down to Min; then columns are dropped from the right. Spare
// width goes to the Fill column, if any; otherwise it stays blank at the
// right, keeping numbers next to their names.
type Column struct {
	Title string
	Min   int // never narrower than this (unless the column is dropped)
	Max   int // 0: no cap on the natural width
	Flex  bool
	Fill  bool
	Align Align
	// Middle cuts a long cell in its middle rather than at its end: names
	// that share a start (a base, a prefix) differ at their end.
	Middle bool
}

// Cell is one table cell: plain, already sanitized text and an optional
// style (for example the highlight of an expired offset).
type Cell struct {
	Text  string
	Style *lipgloss.Style
}

// Plain makes an unstyled cell.
func Plain(s string) Cell { return Cell{Text: s} }

// Styled makes a cell rendered with st.
func Styled(s string, st lipgloss.Style) Cell { return Cell{Text: s, Style: &st} }

// Table is a fixed-layout table: rows never wrap, cells are truncated with
// an ellipsis, and columns that cannot fit even at their minimum are dropped
// from the right.
type Table struct {
	Cols []Column
	Rows [][]Cell
}

const (
	GutterWidth = 2 // "› " marks the selected row without relying on colour
	columnGap   = 2
)

// Widths lays the columns out in total cells (gutter excluded). A width of 0
// means the column is dropped.
func (t Table) Widths(total int) []int {
	w := make([]int, len(t.Cols))
	for i, c := range t.Cols {
		if c.Max > 0 && c.Min >= c.Max {
			w[i] = c.Max // a fixed width: no need to measure every row
			continue
		}
		w[i] = ansi.StringWidth(c.Title)
		for _, r := range t.Rows {
			if i < len(r) {
				w[i] = max(w[i], ansi.StringWidth(r[i].Text))
			}
		}
		if c.Max > 0 {
			w[i] = min(w[i], c.Max)
		}
		w[i] = max(w[i], c.Min, 1)
	}
	used := func() int {
		s, n := 0, 0
		for _, x := range w {
			if x > 0 {
				s += x
				n++
			}
		}
		if n > 1 {
			s += (n - 1) * columnGap
		}
		return s
	}
	// Shrink flex columns, the last first, down to their minimum.
	for i := len(t.Cols) - 1; i >= 0 && used() > total; i-- {
		if c := t.Cols[i]; c.Flex {
			w[i] -= min(used()-total, w[i]-max(c.Min, 1))
		}
	}
	// Then drop columns from the right, keeping the first.
	for i := len(w) - 1; i > 0 && used() > total; i-- {
		w[i] = 0
	}
	if used() > total { // one column left: squeeze it
		w[0] = max(total, 1)
	}
	if spare := total - used(); spare > 0 {
		for i, c := range t.Cols {
			if c.Fill && w[i] > 0 {
				w[i] += spare
				break
			}
		}
	}
	return w
}

// Fit truncates s to width cells with an ellipsis and pads it per a.
func Fit(s string, width int, a Align) string {
	if width <= 0 {
		return ""
	}
	s = ansi.Truncate(s, width, "…")
	pad := width - ansi.StringWidth(s)
	if pad <= 0 {
		return s
	}
	if a == AlignRight {
		return strings.Repeat(" ", pad) + s
	}
	return s + strings.Repeat(" ", pad)
}

// Header renders the column titles.
func (t Table) Header(st *Styles, widths []int) string {
	parts := make([]string, 0, len(t.Cols))
	for i, c := range t.Cols {
		if widths[i] == 0 {
			continue
		}
		parts = append(parts, Fit(c.Title, widths[i], c.Align))
	}
	return st.ColumnHeader.Render(strings.Repeat(" ", GutterWidth) + strings.Join(parts, strings.Repeat(" ", columnGap)))
}

// Row renders one row, selected or not, exactly gutter+sum(widths) wide.
func (t Table) Row(st *Styles, widths []int, r []Cell, selected bool) string {
	var b strings.Builder
	gutter, gap := "  ", strings.Repeat(" ", columnGap)
	base := st.Row
	if selected {
		gutter = "› "
		base = st.Selected
	}
	b.WriteString(base.Render(gutter))
	first := true
	for i, c := range t.Cols {
		if widths[i] == 0 {
			continue
		}
		if !first {
			b.WriteString(base.Render(gap))
		}
		first = false
		var ce Cell
		if i < len(r) {
			ce = r[i]
		}
		text := ce.Text
		if c.Middle {
			text = elideMiddle(text, widths[i])
		}
		text = Fit(text, widths[i], c.Align)
		style := base
		if ce.Style != nil {
			style = ce.Style.Inherit(base)
		}
		b.WriteString(style.Render(text))
	}
	return b.String()
}

// Render draws the header and the rows visible through cur in height lines
// (header included) of width cells, padding with blank lines.
func (t Table) Render(st *Styles, width, height int, cur ListCursor) []string {
	if height <= 0 {
		return nil
	}
	widths := t.Widths(max(width-GutterWidth, 1))
	lines := []string{t.Header(st, widths)}
	visible := height - 1
	for i := cur.Offset; i < len(t.Rows) && len(lines) < height && i < cur.Offset+visible; i++ {
		lines = append(lines, t.Row(st, widths, t.Rows[i], i == cur.Index))
	}
	return lines
}

// ListCursor is the selected row and the first visible row of a list.
type ListCursor struct {
	Index  int
	Offset int
}

// Clamp keeps the cursor inside n rows and visible in a window of height
// rows.
func (c ListCursor) Clamp(n, height int) ListCursor {
	if n <= 0 {
		return ListCursor{}
	}
	c.Index = min(max(c.Index, 0), n-1)
	height = max(height, 1)
	if c.Index < c.Offset {
		c.Offset = c.Index
	}
	if c.Index >= c.Offset+height {
		c.Offset = c.Index - height + 1
	}
	c.Offset = min(max(c.Offset, 0), max(n-height, 0))
	return c
}

// Move shifts the selection by delta rows.
func (c ListCursor) Move(delta, n, height int) ListCursor {
	c.Index += delta
	return c.Clamp(n, height)
}
