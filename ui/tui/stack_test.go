package tui

import "testing"

// TestGoingBackInKeepsThePage leaves a topic's groups sorted and scrolled,
// then opens it again: the page comes back as it was left. Another topic
// opens fresh.
func TestGoingBackInKeepsThePage(t *testing.T) {
	m := loaded(fixedSnapshot(), 80, 24)
	defer m.Close()
	m = press(openTopic(m, "spent_detail_topic"), "s", "down")
	order, sel := m.groupsPage().order, m.groupsPage().list.Sel
	m = press(m, "esc")
	if m.topKind() != pageTopics {
		t.Fatalf("esc did not go back to the topics: %v", m.topKind())
	}
	m = openTopic(m, "spent_detail_topic")
	if g := m.groupsPage(); g.order != order || g.list.Sel != sel {
		t.Errorf("the groups came back sorted by %v on %q, want %v on %q", g.order, g.list.Sel, order, sel)
	}
	m = openTopic(press(m, "esc"), "user_events")
	if g := m.groupsPage(); g.order != sortByName || g.topic != "user_events" {
		t.Errorf("another topic opened sorted by %v on %q, want a fresh page", g.order, g.topic)
	}
	if got := m.crumbs(); len(got) != 2 || got[1] != "user_events" {
		t.Errorf("crumbs %q, want topics › user_events", got)
	}
}

// TestStackCopiesShareNoPage updates one copy of the model and checks the
// other still shows what it showed: models are values.
func TestStackCopiesShareNoPage(t *testing.T) {
	m := openTopic(loaded(fixedSnapshot(), 80, 24), "spent_detail_topic")
	defer m.Close()
	before := m.groupsPage().list.Sel
	moved := press(m, "down")
	_ = moved.View()
	if m.groupsPage().list.Sel != before {
		t.Errorf("moving a copy's cursor moved the original's, from %q to %q", before, m.groupsPage().list.Sel)
	}
	resized := sized(m, 120, 40)
	if m.groupsPage().width == resized.groupsPage().width {
		t.Error("resizing a copy resized the original")
	}
}
