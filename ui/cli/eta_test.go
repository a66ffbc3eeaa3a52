package cli

import (
	"testing"
	"time"

	"github.com/kgroups/kgroups/model"
)

// TestETACell checks the ETA column of lag --watch: an OK group whose
// consumer only keeps up with its producer is "keeping pace", not the
// alarming "never at this rate" of a group that is behind.
func TestETACell(t *testing.T) {
	tests := []struct {
		name string
		st   model.Status
		ev   model.Evaluation
		lag  int64
		want string
	}{
		{"unknown", model.StatusUnknown, model.Evaluation{CatchUpNever: true}, 5, "—"},
		{"caught up", model.StatusOK, model.Evaluation{}, 0, "—"},
		{"ok keeping pace", model.StatusOK, model.Evaluation{CatchUpNever: true}, 3, "keeping pace"},
		{"stopped", model.StatusStopped, model.Evaluation{CatchUpNever: true}, 3, "never at this rate"},
		{"falling behind", model.StatusFallingBehind, model.Evaluation{CatchUpNever: true}, 30, "never at this rate"},
		{"catching up", model.StatusCatchingUp, model.Evaluation{CatchUp: 90 * time.Second}, 30, "1m"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := etaCell(tt.st, tt.ev, tt.lag); got != tt.want {
				t.Errorf("etaCell = %q, want %q", got, tt.want)
			}
		})
	}
}
