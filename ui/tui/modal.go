package tui

import (
	tea "github.com/charmbracelet/bubbletea"

	"github.com/kgroups/kgroups/keymap"
	"github.com/kgroups/kgroups/ui/tui/ops"
)

// modal is the one box open over the focused page: a prompt (dialog) or an
// offset operation (an ops.Flow, run by the ops.Controller the root holds).
// While it is open it has every key; the root draws it in the body and
// shows its help.
type modal interface {
	// modalKey handles a key; what the answer means is the root's.
	modalKey(m Model, msg tea.KeyMsg) (Model, tea.Cmd)
	// modalView draws the box in the body, height rows high.
	modalView(m Model, height int) string
	// modalHelp is the help bar while the box is open.
	modalHelp(m Model) keymap.Help
}

func (d *dialog) modalKey(m Model, msg tea.KeyMsg) (Model, tea.Cmd) { return m.handleDialogKey(msg) }
func (d *dialog) modalView(m Model, height int) string {
	return d.view(m.styles, m.keys.Dialog, m.width, height)
}
func (d *dialog) modalHelp(m Model) keymap.Help { return m.dialogHelp(*d) }

// flowModal is an offset operation open as the modal.
type flowModal struct{ f *ops.Flow }

func (o flowModal) modalKey(m Model, msg tea.KeyMsg) (Model, tea.Cmd) {
	return m.takeOps(m.ops.Key(m.opsEnv(), *o.f, msg))
}
func (o flowModal) modalView(m Model, height int) string {
	return o.f.View(m.styles, m.width, height)
}
func (o flowModal) modalHelp(m Model) keymap.Help { return o.f.Help(m.keys.Ops) }

// prompt is the open dialog, nil when none (or an operation is open).
func (m Model) prompt() *dialog {
	d, _ := m.modal.(*dialog)
	return d
}

// flow is the open offset operation, nil when none (or a dialog is open).
func (m Model) flow() *ops.Flow {
	o, _ := m.modal.(flowModal)
	return o.f
}
