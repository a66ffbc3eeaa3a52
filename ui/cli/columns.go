package cli

import (
	"bufio"
	"bytes"
	"unicode/utf8"
)

// columnPadding is the space after a table's widest cell in each column.
const columnPadding = 2

const spaces = "                                                                "

// columns aligns lines of tab-separated cells the way text/tabwriter does
// with minwidth 0, tabwidth 0, padding 2, padchar ' ' and no flags, for
// tables whose lines all have the same number of cells (lag's do), at a
// fraction of its cost: consecutive lines with a tab are a block, each
// tab-ended cell of a block is padded with spaces to the width, in runes,
// of the widest cell of its column plus two, and the text after a line's
// last tab is written as it is. A line without a tab ends the block. Cells
// hold no control characters (they are sanitized), so nothing else is
// special. It holds one block at a time.
type columns struct {
	w      *bufio.Writer
	block  []byte // the block's lines, each ended by '\n'
	widths []int
}

// line adds one line, without its newline, to the output.
func (c *columns) line(l []byte) {
	if bytes.IndexByte(l, '\t') < 0 {
		c.flush()
		c.w.Write(l)
		c.w.WriteByte('\n')
		return
	}
	for k, rest := 0, l; ; k++ {
		i := bytes.IndexByte(rest, '\t')
		if i < 0 {
			break
		}
		n := utf8.RuneCount(rest[:i])
		if k == len(c.widths) {
			c.widths = append(c.widths, n)
		} else {
			c.widths[k] = max(c.widths[k], n)
		}
		rest = rest[i+1:]
	}
	c.block = append(c.block, l...)
	c.block = append(c.block, '\n')
}

// flush writes the block held, aligned, and returns the first error the
// writer met since it was made.
func (c *columns) flush() error {
	for rest := c.block; len(rest) > 0; {
		end := bytes.IndexByte(rest, '\n')
		l := rest[:end]
		rest = rest[end+1:]
		for k := 0; ; k++ {
			i := bytes.IndexByte(l, '\t')
			if i < 0 {
				break
			}
			c.w.Write(l[:i])
			for pad := c.widths[k] + columnPadding - utf8.RuneCount(l[:i]); pad > 0; pad -= len(spaces) {
				c.w.WriteString(spaces[:min(pad, len(spaces))])
			}
			l = l[i+1:]
		}
		c.w.Write(l)
		c.w.WriteByte('\n')
	}
	c.block, c.widths = c.block[:0], c.widths[:0]
	// A bufio.Writer keeps its first error and returns it from every call.
	_, err := c.w.Write(nil)
	return err
}
