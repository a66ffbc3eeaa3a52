package render

import (
	"math"
	"strings"
)

// sparkBlocks are the eight levels of a sparkline, lowest first.
var sparkBlocks = []rune("▁▂▃▄▅▆▇█")

// sparkASCII are the eight levels of SparklineASCII, lowest first.
var sparkASCII = []rune("_.-:=+*#")

// Sparkline draws values (oldest first) as one line of width cells using the
// block characters ▁▂▃▄▅▆▇█, for a lag trend beside a number. The newest
// value is the rightmost cell: with more values than width only the newest
// width are drawn, with fewer the line is padded with spaces on the left.
// Values are scaled from the smallest to the largest drawn, so the shape
// shows the trend whatever the magnitude; when all are equal the line is
// flat at the lowest level. No values give width spaces; width ≤ 0 gives "".
func Sparkline(values []int64, width int) string {
	return sparkline(values, width, sparkBlocks)
}

// SparklineASCII is Sparkline with the ASCII levels _.-:=+*# for terminals
// and logs that cannot show block characters.
func SparklineASCII(values []int64, width int) string {
	return sparkline(values, width, sparkASCII)
}

func sparkline(values []int64, width int, levels []rune) string {
	if width <= 0 {
		return ""
	}
	if len(values) > width {
		values = values[len(values)-width:]
	}
	var b strings.Builder
	b.Grow(width * 3)
	for range width - len(values) {
		b.WriteByte(' ')
	}
	if len(values) == 0 {
		return b.String()
	}
	lo, hi := values[0], values[0]
	for _, v := range values[1:] {
		lo, hi = min(lo, v), max(hi, v)
	}
	// In float64: hi − lo overflows int64 for values of opposite signs.
	span := float64(hi) - float64(lo)
	top := float64(len(levels) - 1)
	for _, v := range values {
		level := 0
		if span > 0 {
			level = min(int(math.Round((float64(v)-float64(lo))/span*top)), len(levels)-1)
		}
		b.WriteRune(levels[level])
	}
	return b.String()
}
