package render

import "strconv"

// bytesPerRow is the width of a hex dump row.
const bytesPerRow = 16

const zeros = "0000000000000000"

// HexDump renders b like `hexdump -C` within limit: offset, sixteen bytes in
// hex, and the same bytes as ASCII with anything not printable shown as '.'.
// The output is plain: it contains no escape sequences at all.
func HexDump(b []byte, limit Limits) string {
	out, _ := hexDump(b, &palette{}, limit)
	return out
}

func hexDump(b []byte, pal *palette, limit Limits) (string, Truncated) {
	const hex = "0123456789abcdef"
	rows := (len(b) + bytesPerRow - 1) / bytesPerRow
	offsetWidth := max(8, len(strconv.FormatInt(int64(len(b)), 16)))
	w := newCapWriter(limit, rows*(offsetWidth+70))
	row := make([]byte, 0, 3*bytesPerRow+bytesPerRow+8)
	offset := make([]byte, 0, 16)
	var digitBuf [16]byte
	for r := range rows {
		at := r * bytesPerRow
		if r > 0 {
			w.newline(at)
			if w.cut {
				w.lost = rows - r
				break
			}
		}
		chunk := b[at:min(at+bytesPerRow, len(b))]

		offset = append(offset[:0], zeros[:offsetWidth]...)
		digits := strconv.AppendInt(digitBuf[:0], int64(at), 16)
		copy(offset[offsetWidth-len(digits):], digits)
		w.pieceBytes(offset, pal.muted, at)

		row = append(row[:0], ' ')
		for i := range bytesPerRow {
			if i == bytesPerRow/2 {
				row = append(row, ' ')
			}
			if i < len(chunk) {
				row = append(row, ' ', hex[chunk[i]>>4], hex[chunk[i]&0xf])
			} else {
				row = append(row, "   "...)
			}
		}
		row = append(row, "  |"...)
		for _, c := range chunk {
			if c < 0x20 || c > 0x7e {
				c = '.'
			}
			row = append(row, c)
		}
		row = append(row, '|')
		w.pieceBytes(row, paint{}, at)
		if w.cut {
			w.lost = rows - r - 1
			break
		}
	}
	return w.finish(len(b), pal.muted)
}
