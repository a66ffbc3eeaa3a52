package tui

import (
	"testing"

	"github.com/charmbracelet/lipgloss"

	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/format"
	"github.com/kgroups/kgroups/ui/tui/widget"
)

// TestLagStatusLooksLikeLagWatch checks that a status word has the same
// colour and weight in the TUI as in lag --watch: both take it from
// ui/format.
func TestLagStatusLooksLikeLagWatch(t *testing.T) {
	st := widget.DefaultStyles()
	for _, s := range []model.Status{model.StatusUnknown, model.StatusOK, model.StatusCatchingUp,
		model.StatusFallingBehind, model.StatusStalled, model.StatusStopped} {
		tui, cli := lagStatus(&st, s), format.StatusStyle(lipgloss.NewStyle(), s)
		if tui.GetForeground() != cli.GetForeground() || tui.GetBold() != cli.GetBold() || tui.GetReverse() != cli.GetReverse() {
			t.Errorf("%s: TUI %v bold %v reverse %v, lag --watch %v bold %v reverse %v", s,
				tui.GetForeground(), tui.GetBold(), tui.GetReverse(), cli.GetForeground(), cli.GetBold(), cli.GetReverse())
		}
	}
}
