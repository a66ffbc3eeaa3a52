package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/key"

	"github.com/kgroups/kgroups/keymap"
	"github.com/kgroups/kgroups/ui/tui/widget"
)

// TestRebindingRenamesHelpAndHints rebinds keys and checks that the help
// bar, the dialog hints and the hints in views name the new keys, never
// the default ones.
func TestRebindingRenamesHelpAndHints(t *testing.T) {
	k := keymap.DefaultKeyMap()
	k.Dialog.Yes = key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "yes"))
	k.Batch.Consume = key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "consume N (commits)"))
	k.Batch.Peek = key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "peek again"))
	k.Topics.Consume = key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "consume N (commits)"))
	k.Topics.Internal = key.NewBinding(key.WithKeys("I"), key.WithHelp("I", "internal topics"))
	k.Groups.Consume = k.Topics.Consume
	k.Global.Refresh = key.NewBinding(key.WithKeys("F5"), key.WithHelp("F5", "refresh"))
	m := New(Deps{Base: testBase, Brokers: []string{"127.0.0.1:9092"}, Refresh: 5 * time.Second, Now: nowFixed, Keys: &k})
	defer m.Close()
	m = sized(m, 120, 30)
	m, _ = update(m, snapshotMsg{gen: m.snapGen, base: testBase, snap: fixedSnapshot()})

	if v := m.View(); !strings.Contains(v, "internal hidden, I shows") {
		t.Errorf("the topics title does not name the rebound internal key:\n%s", v)
	}
	if v := m.View(); !strings.Contains(v, "F5 refresh") {
		t.Errorf("the help bar does not name the rebound refresh key:\n%s", v)
	}

	// Consume through its confirmation: the dialog's hint and help name o.
	m = press(openTopic(m, "spent_detail_topic"), "down", "x", "enter")
	if m.prompt() == nil || m.prompt().kind != dialogConfirm {
		t.Fatalf("x then enter did not reach the consume confirmation")
	}
	v := m.View()
	if !strings.Contains(v, "o / enter: confirm") || strings.Contains(v, "y / enter") {
		t.Errorf("the confirmation's hint does not name the rebound yes key:\n%s", v)
	}
	if !strings.Contains(v, "o yes") {
		t.Errorf("the help bar does not name the rebound yes key:\n%s", v)
	}

	// A new suffix: the dialog and the empty batch name x and w.
	m = press(m, "esc", "n")
	if m.prompt() == nil || !strings.Contains(strings.Join(m.prompt().body, " "), "Consume (x) or peek (w)") {
		t.Fatalf("the new-suffix dialog does not name the rebound keys: %+v", m.prompt())
	}
	m = press(typeText(m, "rebound"), "enter")
	if v := m.View(); !strings.Contains(v, "x consumes N records (commits) · w peeks without committing") {
		t.Errorf("the empty batch does not name the rebound keys:\n%s", v)
	}
}

// TestConnPanelNamesTheRefreshKey checks the panel shown while the cluster
// does not answer names the rebound retry and quit keys.
func TestConnPanelNamesTheRefreshKey(t *testing.T) {
	k := keymap.DefaultKeyMap()
	k.Global.Refresh = key.NewBinding(key.WithKeys("F5"), key.WithHelp("F5", "refresh"))
	k.Global.Quit = key.NewBinding(key.WithKeys("Q"), key.WithHelp("Q", "quit"))
	var c connState
	c = c.failed(errDown, fixedNow)
	st := widget.PlainStyles()
	got := connPanel(&st, k.Global, c, fixedNow, false, 100, 10)
	if !strings.Contains(got, "F5 retries now · Q quits") {
		t.Errorf("the panel does not name the rebound keys:\n%s", got)
	}
}
