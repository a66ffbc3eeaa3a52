package tui

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// align says how a cell sits in its column.
type align int

const (
	alignLeft align = iota
	alignRight
)

// column describes one table column. Natural widths come from the content
// (capped by Max). When space runs out, Flex columns shrink first, the last
// one first, down to Min; then columns are dropped from the right. Spare
// width goes to the Fill column, if any; otherwise it stays blank at the
// right, keeping numbers next to their names.
type column struct {
	Title string
	Min   int // never narrower than this (unless the column is dropped)
	Max   int // 0: no cap on the natural width
	Flex  bool
	Fill  bool
	Align align
	// Middle cuts a long cell in its middle rather than at its end: names
	// that share a start (a base, a prefix) differ at their end.
	Middle bool
}

// cell is one table cell: plain, already sanitized text and an optional
// style (for example the highlight of an expired offset).
type cell struct {
	Text  string
	Style *lipgloss.Style
}

// plain makes an unstyled cell.
func plain(s string) cell { return cell{Text: s} }

// styled makes a cell rendered with st.
func styled(s string, st lipgloss.Style) cell { return cell{Text: s, Style: &st} }

// table is a fixed-layout table: rows never wrap, cells are truncated with
// an ellipsis, and columns that cannot fit even at their minimum are dropped
// from the right.
type table struct {
	cols []column
	rows [][]cell
}

const (
	gutterWidth = 2 // "› " marks the selected row without relying on colour
	columnGap   = 2
)

// widths lays the columns out in total cells (gutter excluded). A width of 0
// means the column is dropped.
func (t table) widths(total int) []int {
	w := make([]int, len(t.cols))
	for i, c := range t.cols {
		if c.Max > 0 && c.Min >= c.Max {
			w[i] = c.Max // a fixed width: no need to measure every row
			continue
		}
		w[i] = ansi.StringWidth(c.Title)
		for _, r := range t.rows {
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
	for i := len(t.cols) - 1; i >= 0 && used() > total; i-- {
		if c := t.cols[i]; c.Flex {
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
		for i, c := range t.cols {
			if c.Fill && w[i] > 0 {
				w[i] += spare
				break
			}
		}
	}
	return w
}

// fit truncates s to width cells with an ellipsis and pads it per a.
func fit(s string, width int, a align) string {
	if width <= 0 {
		return ""
	}
	s = ansi.Truncate(s, width, "…")
	pad := width - ansi.StringWidth(s)
	if pad <= 0 {
		return s
	}
	if a == alignRight {
		return strings.Repeat(" ", pad) + s
	}
	return s + strings.Repeat(" ", pad)
}

// header renders the column titles.
func (t table) header(st *Styles, widths []int) string {
	parts := make([]string, 0, len(t.cols))
	for i, c := range t.cols {
		if widths[i] == 0 {
			continue
		}
		parts = append(parts, fit(c.Title, widths[i], c.Align))
	}
	return st.ColumnHeader.Render(strings.Repeat(" ", gutterWidth) + strings.Join(parts, strings.Repeat(" ", columnGap)))
}

// row renders one row, selected or not, exactly gutter+sum(widths) wide.
func (t table) row(st *Styles, widths []int, r []cell, selected bool) string {
	var b strings.Builder
	gutter, gap := "  ", strings.Repeat(" ", columnGap)
	base := st.Row
	if selected {
		gutter = "› "
		base = st.Selected
	}
	b.WriteString(base.Render(gutter))
	first := true
	for i, c := range t.cols {
		if widths[i] == 0 {
			continue
		}
		if !first {
			b.WriteString(base.Render(gap))
		}
		first = false
		var ce cell
		if i < len(r) {
			ce = r[i]
		}
		text := ce.Text
		if c.Middle {
			text = elideMiddle(text, widths[i])
		}
		text = fit(text, widths[i], c.Align)
		style := base
		if ce.Style != nil {
			style = ce.Style.Inherit(base)
		}
		b.WriteString(style.Render(text))
	}
	return b.String()
}

// render draws the header and the rows visible through cur in height lines
// (header included) of width cells, padding with blank lines.
func (t table) render(st *Styles, width, height int, cur listCursor) []string {
	if height <= 0 {
		return nil
	}
	widths := t.widths(max(width-gutterWidth, 1))
	lines := []string{t.header(st, widths)}
	visible := height - 1
	for i := cur.offset; i < len(t.rows) && len(lines) < height && i < cur.offset+visible; i++ {
		lines = append(lines, t.row(st, widths, t.rows[i], i == cur.index))
	}
	return lines
}

// listCursor is the selected row and the first visible row of a list.
type listCursor struct {
	index  int
	offset int
}

// clamp keeps the cursor inside n rows and visible in a window of height
// rows.
func (c listCursor) clamp(n, height int) listCursor {
	if n <= 0 {
		return listCursor{}
	}
	c.index = min(max(c.index, 0), n-1)
	height = max(height, 1)
	if c.index < c.offset {
		c.offset = c.index
	}
	if c.index >= c.offset+height {
		c.offset = c.index - height + 1
	}
	c.offset = min(max(c.offset, 0), max(n-height, 0))
	return c
}

// move shifts the selection by delta rows.
func (c listCursor) move(delta, n, height int) listCursor {
	c.index += delta
	return c.clamp(n, height)
}
