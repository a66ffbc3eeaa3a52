package widget

import (
	"strings"
	"time"

	"github.com/kgroups/kgroups/model"

	"github.com/kgroups/kgroups/ui/format"
	"github.com/kgroups/kgroups/ui/render"
)

// Clean makes a string from the cluster safe to show on one line: control
// characters and escape sequences become visible, inert text.
func Clean(s string) string { return render.SanitizeLine(s) }

// Count, Age, AgeSince and Size are the shared vocabulary of ui/format,
// under the names the views use.
func Count(n int64) string             { return format.Count(n) }
func Age(d time.Duration) string       { return format.Age(d) }
func AgeSince(now, t time.Time) string { return format.AgeSince(now, t) }
func Size(n int) string                { return format.Size(n) }

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
