package tui

import (
	"testing"

	"github.com/kgroups/kgroups/kafka"
)

// TestDialogOverAnOperation opens a reset, then a refusal arrives that
// needs an answer: it shows over the reset, and closing it shows the reset
// again where the user left it.
func TestDialogOverAnOperation(t *testing.T) {
	m := onGroup(loaded(fixedSnapshot(), 80, 24), "spent_detail_topic", testBase+"-spent_detail_topic-full-index")
	defer m.Close()
	m = press(m, "R", "down")
	if m.flow() == nil || m.flow().Mode != 1 {
		t.Fatal("R did not open the reset form")
	}
	m, _ = update(m, commitMsg{id: 7, err: &kafka.GroupActiveError{Group: "g", State: "Stable"}})
	if m.prompt() == nil || m.flow() != nil {
		t.Fatal("the refusal did not show over the reset")
	}
	m = press(m, "esc")
	if m.prompt() != nil || m.flow() == nil || m.flow().Mode != 1 {
		t.Fatalf("closing the refusal did not bring the reset back as it was: %+v", m.modal)
	}
}
