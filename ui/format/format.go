// Package format is kgroups' one vocabulary for figures shown to people:
// ages and durations, rates, catch-up estimates, counts, sizes, and the
// colours of lag statuses. The terminal UI and the CLI both call it, so a
// figure reads the same on both. It is pure: no I/O, no Bubble Tea; the
// colours are lipgloss values a front end applies with its own renderer.
package format

import (
	"fmt"
	"strconv"
	"time"

	"github.com/charmbracelet/lipgloss"

	"github.com/kgroups/kgroups/model"
)

// None stands for a figure that is not known or does not apply.
const None = "—"

// Age formats a duration the way a person reads a lag, always with its two
// largest units once past a minute: 45s, 12m05s, 3h05m, 4d02h. A negative
// duration (a clock ahead of the broker's) is 0s.
func Age(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d/time.Minute), int(d%time.Minute/time.Second))
	case d < 24*time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d/time.Hour), int(d%time.Hour/time.Minute))
	default:
		return fmt.Sprintf("%dd%02dh", int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour))
	}
}

// AgeSince formats now − t as an Age, or None when t is unknown (zero).
func AgeSince(now, t time.Time) string {
	if t.IsZero() {
		return None
	}
	return Age(now.Sub(t))
}

// Duration formats an estimate like an Age, except that a positive
// duration under a second is "<1s" rather than a misleading "0s".
func Duration(d time.Duration) string {
	if d > 0 && d < time.Second {
		return "<1s"
	}
	return Age(d)
}

// Rate formats a number of records per second with about three
// significant digits: 0, <0.01, 4.80, 10.0, 125. Column headers and
// sentences add the unit; see PerSecond.
func Rate(v float64) string {
	switch {
	case v == 0:
		return "0"
	case v < 0.01:
		return "<0.01"
	case v < 10:
		return strconv.FormatFloat(v, 'f', 2, 64)
	case v < 100:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return strconv.FormatFloat(v, 'f', 0, 64)
}

// PerSecond is a Rate with its unit, for prose: "4.80/s".
func PerSecond(v float64) string { return Rate(v) + "/s" }

// The catch-up estimates that are words rather than a duration.
const (
	CaughtUp    = "caught up"
	KeepingPace = "keeping pace"
	Never       = "never at this rate"
)

// ETA is the catch-up estimate of ev as a table cell: CaughtUp when there
// is no lag; KeepingPace when the status is OK but the consumer is not
// faster than the producer (a steady stream always leaves some lag); Never
// when it is not faster and the status is not OK; otherwise the Duration.
// The caller decides whether an UNKNOWN status shows an estimate at all.
func ETA(ev model.Evaluation) string {
	switch {
	case ev.Lag == 0:
		return CaughtUp
	case ev.CatchUpNever && ev.Status == model.StatusOK:
		return KeepingPace
	case ev.CatchUpNever:
		return Never
	}
	return Duration(ev.CatchUp)
}

// CatchUp is ETA in a sentence: "catches up in 12m05s", or the words.
func CatchUp(ev model.Evaluation) string {
	switch s := ETA(ev); s {
	case CaughtUp, KeepingPace, Never:
		return s
	default:
		return "catches up in " + s
	}
}

// Count formats n with thousands separators: 1234567 → 1,234,567.
func Count(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	out := make([]byte, 0, len(s)+len(s)/3+1)
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	if neg {
		return "-" + string(out)
	}
	return string(out)
}

// Signed formats a change with its sign: +5, -21, 0.
func Signed(n int64) string {
	if n > 0 {
		return "+" + strconv.FormatInt(n, 10)
	}
	return strconv.FormatInt(n, 10)
}

// Size formats a byte count: 512 B, 1.5 KiB, 1.0 MiB.
func Size(n int) string {
	switch {
	case n < 1024:
		return fmt.Sprintf("%d B", n)
	case n < 1024*1024:
		return fmt.Sprintf("%.1f KiB", float64(n)/1024)
	default:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1024*1024))
	}
}

// StatusColor is the colour of a lag status word. The word is always shown
// beside it: the colour only helps.
func StatusColor(st model.Status) lipgloss.AdaptiveColor {
	switch st {
	case model.StatusOK:
		return lipgloss.AdaptiveColor{Light: "28", Dark: "114"}
	case model.StatusCatchingUp:
		return lipgloss.AdaptiveColor{Light: "25", Dark: "75"}
	case model.StatusFallingBehind:
		return lipgloss.AdaptiveColor{Light: "130", Dark: "215"}
	case model.StatusStalled, model.StatusStopped:
		return lipgloss.AdaptiveColor{Light: "160", Dark: "203"}
	}
	return lipgloss.AdaptiveColor{Light: "245", Dark: "243"}
}

// StatusEmphasis is base with the weight of a lag status and no colour,
// for terminals without colour: bold for the statuses that need attention
// (FALLING BEHIND, STALLED), bold and reversed for STOPPED.
func StatusEmphasis(base lipgloss.Style, st model.Status) lipgloss.Style {
	switch st {
	case model.StatusFallingBehind, model.StatusStalled:
		return base.Bold(true)
	case model.StatusStopped:
		return base.Bold(true).Reverse(true)
	}
	return base
}

// StatusStyle is base with the look of a lag status: its StatusEmphasis and
// its StatusColor. The front end passes a style of its own renderer.
func StatusStyle(base lipgloss.Style, st model.Status) lipgloss.Style {
	return StatusEmphasis(base, st).Foreground(StatusColor(st))
}
