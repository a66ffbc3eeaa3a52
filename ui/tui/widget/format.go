package widget

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/render"
)

// Clean makes a string from the cluster safe to show on one line: control
// characters and escape sequences become visible, inert text.
func Clean(s string) string { return render.SanitizeLine(s) }

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

// Age formats a duration the way a person reads a lag: 45s, 12m, 3h05m, 4d02h.
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

// AgeSince formats now − t, or "—" when t is unknown.
func AgeSince(now, t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return Age(now.Sub(t))
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

// Stamp formats a record timestamp compactly in UTC, with milliseconds.
func Stamp(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02 15:04:05.000")
}

// OneLine folds an error message onto one line: joined errors arrive with
// a newline between them.
func OneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// StateLabel folds the broker's group states into the words the view uses.
func StateLabel(g model.Group) string {
	switch g.State {
	case "":
		return "—"
	case "PreparingRebalance", "CompletingRebalance", "Assigning", "Reconciling":
		return "rebalancing"
	}
	return g.State
}
