package ops

import (
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"

	"github.com/kgroups/kgroups/keymap"
	"github.com/kgroups/kgroups/model"
)

// Help is the help bar while the flow is open, its keys named as k binds
// them.
func (f Flow) Help(k keymap.Ops) keymap.Help {
	press, cancel := k.Press, k.Cancel
	var short []key.Binding
	switch f.Step {
	case StepForm:
		press = keymap.Relabel(press, "show the plan")
		short = []key.Binding{press, k.Next, k.Up, cancel}
		if f.Op == Create {
			short = []key.Binding{press, k.Next, k.Left, cancel}
		}
	case StepPick:
		press = keymap.Relabel(press, "show the plan")
		up := keymap.Relabel(k.Up, "pick")
		short = []key.Binding{press, up, cancel}
	case StepLoading:
		short = []key.Binding{cancel}
	case StepPlan:
		press = keymap.Relabel(press, "press button")
		next := keymap.Relabel(k.Next, "button")
		cancel = keymap.Relabel(cancel, "back")
		short = []key.Binding{k.Apply, next, press, k.PageUp, cancel}
		if f.Op == Undo {
			cancel = keymap.Relabel(k.Cancel, "close")
			short = []key.Binding{k.Apply, next, press, k.PageUp, cancel}
			if f.Refused != "" {
				short = []key.Binding{k.Force, cancel}
			}
		}
	case StepDelete:
		press = keymap.Relabel(press, "delete (once the name matches)")
		short = []key.Binding{press, k.Next, k.Left, k.PageUp, cancel}
	case StepApplying:
		cancel = keymap.Relabel(cancel, "hide (it goes on)")
		short = []key.Binding{cancel}
	case StepDone:
		press = keymap.Relabel(press, "close")
		cancel = keymap.Relabel(cancel, "close")
		short = []key.Binding{press, k.PageUp, cancel}
	}
	return keymap.Help{Short: short, Full: [][]key.Binding{short}}
}

// Siblings lists the groups of the base in snap on g's topic that a copy
// can take offsets from: every one but g that holds a commit there.
func Siblings(snap model.Snapshot, g model.Group) []model.Group {
	var out []model.Group
	for _, s := range snap.GroupsOf(g.Name.Topic) {
		if s.ID == g.ID || s.Err != nil {
			continue
		}
		if slices.ContainsFunc(s.Partitions, func(p model.PartitionLag) bool { return p.HasCommitted }) {
			out = append(out, s)
		}
	}
	slices.SortStableFunc(out, func(a, b model.Group) int {
		// The default group first, as in the groups view.
		if a.Name.IsDefault() != b.Name.IsDefault() {
			if a.Name.IsDefault() {
				return -1
			}
			return 1
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}
