package cli

import (
	"testing"
	"time"

	"github.com/kgroups/kgroups/model"
)

// TestETACell checks the ETA column of lag --watch: an OK group whose
// consumer only keeps up with its producer is "keeping pace", not the
// alarming "never at this rate" of a group that is behind; the words and
// durations are the TUI's.
func TestETACell(t *testing.T) {
	tests := []struct {
		name string
		st   model.Status
		ev   model.Evaluation
		lag  int64
		want string
	}{
		{"unknown", model.StatusUnknown, model.Evaluation{CatchUpNever: true}, 5, "—"},
		{"caught up", model.StatusOK, model.Evaluation{}, 0, "caught up"},
		{"ok keeping pace", model.StatusOK, model.Evaluation{CatchUpNever: true}, 3, "keeping pace"},
		{"stopped", model.StatusStopped, model.Evaluation{CatchUpNever: true}, 3, "never at this rate"},
		{"falling behind", model.StatusFallingBehind, model.Evaluation{CatchUpNever: true}, 30, "never at this rate"},
		{"catching up", model.StatusCatchingUp, model.Evaluation{CatchUp: 90 * time.Second}, 30, "1m30s"},
		{"almost there", model.StatusCatchingUp, model.Evaluation{CatchUp: time.Millisecond}, 1, "<1s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			row := watchRow("orders", "audit", tt.st, tt.ev, tt.lag, 3)
			if got := row[7]; got != tt.want {
				t.Errorf("ETA cell = %q, want %q", got, tt.want)
			}
		})
	}
}
