package tui

import (
	"fmt"

	"github.com/kgroups/kgroups/kafka"
)

// Items that failed in a snapshot (a topic, a group, a partition) keep
// their row. An ACL denial reads "not authorized" in place of the numbers
// nobody may see; any other failure gets a short marker in the row, and its
// message shows in the status bar while the row is selected.

// notAuthorizedText is what a denied item shows.
const notAuthorizedText = "not authorized"

// errCell is the marker of a failed item's row.
func errCell(st *Styles, err error) cell {
	if kafka.IsNotAuthorized(err) {
		return styled(notAuthorizedText, st.Bad)
	}
	return styled("⚠ error", st.Bad)
}

// deniedCell is the cell for a number a denied item cannot show.
func deniedCell(st *Styles) cell { return styled("—", st.Dim) }

// selectedItemError is the error of the selected row of the focused view,
// for the status bar: "group x: GROUP_AUTHORIZATION_FAILED: …".
func (m Model) selectedItemError() string {
	if m.dialog != nil {
		return ""
	}
	switch m.top() {
	case pageTopics:
		if r, ok := m.topics.selected(); ok && r.Err != nil {
			return fmt.Sprintf("topic %s: %s", r.Name, oneLine(r.Err.Error()))
		}
	case pageGroups:
		if r, ok := m.groups.selected(); ok && r.Group.Err != nil {
			return fmt.Sprintf("group %s: %s", r.id(), oneLine(r.Group.Err.Error()))
		}
	case pagePartitions:
		v := m.partitions
		if notAuthorized(v.group.Err) {
			return fmt.Sprintf("group %s: %s", v.group.ID, oneLine(v.group.Err.Error()))
		}
		if v.cur.index < len(v.group.Partitions) {
			if p := v.group.Partitions[v.cur.index]; p.Err != nil {
				return fmt.Sprintf("%s/%d: %s", v.group.Name.Topic, p.Partition, oneLine(p.Err.Error()))
			}
		}
	}
	return ""
}

// notAuthorized reports whether err is an ACL denial.
func notAuthorized(err error) bool { return kafka.IsNotAuthorized(err) }
