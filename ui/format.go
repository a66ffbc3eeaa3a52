package ui

import (
	"time"

	"github.com/kgroups/kgroups/ui/format"
	"github.com/kgroups/kgroups/ui/render"
)

// clean makes a string from the cluster safe to show on one line: control
// characters and escape sequences become visible, inert text.
func clean(s string) string { return render.SanitizeLine(s) }

// count, age, ageSince and size are the shared vocabulary of ui/format,
// under the short names the views use.
func count(n int64) string             { return format.Count(n) }
func age(d time.Duration) string       { return format.Age(d) }
func ageSince(now, t time.Time) string { return format.AgeSince(now, t) }
func size(n int) string                { return format.Size(n) }

// stamp formats a record timestamp compactly in UTC, with milliseconds.
func stamp(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02 15:04:05.000")
}
