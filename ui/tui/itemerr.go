package tui

import (
	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/ui/tui/widget"
)

// Items that failed in a snapshot (a topic, a group, a partition) keep
// their row. An ACL denial reads "not authorized" in place of the numbers
// nobody may see; any other failure gets a short marker in the row, and its
// message shows in the status bar while the row is selected.

// notAuthorizedText is what a denied item shows.
const notAuthorizedText = "not authorized"

// errCell is the marker of a failed item's row.
func errCell(st *widget.Styles, err error) widget.Cell {
	if kafka.IsNotAuthorized(err) {
		return widget.Styled(notAuthorizedText, st.Bad)
	}
	return widget.Styled("⚠ error", st.Bad)
}

// deniedCell is the cell for a number a denied item cannot show.
func deniedCell(st *widget.Styles) widget.Cell { return widget.Styled("—", st.Dim) }

// selectedItemError is the error of the selected row of the focused view,
// for the status bar: "group x: GROUP_AUTHORIZATION_FAILED: …".
func (m Model) selectedItemError() string {
	if m.prompt() != nil {
		return ""
	}
	return m.top().ItemError()
}

// notAuthorized reports whether err is an ACL denial.
func notAuthorized(err error) bool { return kafka.IsNotAuthorized(err) }
