package tui

import (
	"strings"
	"testing"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/tui/widget"
)

// testReadEnv is what the read flows know of a root showing fixedSnapshot.
func testReadEnv(readOnly bool) readEnv {
	keys := DefaultKeyMap(readOnly)
	return readEnv{readOnly: readOnly, now: nowFixed, base: testBase, snap: fixedSnapshot(),
		styles: ptrTo(widget.DefaultStyles()), keys: &keys, res: widget.NewResources(nil), spin: "*"}
}

// TestReadFlowWithoutTheRoot drives consume and peek through the read flow
// alone: what it asks of the root is an effect, and its requests are its
// own.
func TestReadFlowWithoutTheRoot(t *testing.T) {
	e := testReadEnv(false)
	defer e.res.Close()
	full := target{Group: gname("spent_detail_topic", "full-index")}
	live := target{Group: gname("user_events", "realtime-alerts")}

	var f readFlow
	f, eff := f.intent(e, intentConsume{target: full})
	if eff.open == nil || eff.open.title != "Consume from "+full.ID() || f.batchBusy != 0 {
		t.Fatalf("c asked for %+v, busy %d; want the count dialog", eff.open, f.batchBusy)
	}
	if _, eff = f.intent(e, intentConsume{target: live}); eff.open == nil || !eff.open.canForce || !strings.Contains(eff.open.title, "is in use: refused") {
		t.Errorf("c on a live group asked for %+v, want a refusal that can be forced", eff.open)
	}
	if _, eff = f.intent(testReadEnv(true), intentConsume{target: full}); eff.open != nil || eff.cmd == nil {
		t.Errorf("read-only: c opened %+v", eff.open)
	}

	f, eff = f.submit(e, dialog{action: consumeConfirmAction{target: full, n: 7}})
	b, ok := eff.page.(batchView)
	if !eff.close || !ok || !b.loading || b.kind != batchConsume || b.max != 7 || f.batchBusy != b.id || eff.cmd == nil {
		t.Fatalf("confirming the consume: close %v, page %T, busy %d", eff.close, eff.page, f.batchBusy)
	}
	if _, again := f.intent(e, intentPeek{target: full}); again.open != nil {
		t.Error("a peek was offered while a read is running")
	}

	// An older batch's result changes nothing; the awaited one goes to
	// the pages, shown or left.
	if _, eff = f.result(e, batchMsg{id: b.id - 1, kind: batchPeek}); eff.tell != nil {
		t.Error("a stale batch reached the pages")
	}
	recs := []model.Record{{Topic: "spent_detail_topic", Offset: 1}}
	f, eff = f.result(e, batchMsg{id: b.id, kind: batchConsume, target: full, records: recs})
	if f.batchBusy != 0 || eff.tell == nil || !eff.offer || !eff.refresh {
		t.Errorf("the consume's result: busy %d, tell %v, offer %v, refresh %v", f.batchBusy, eff.tell != nil, eff.offer, eff.refresh)
	}

	// A peek runs in the scope of its page, which the root makes.
	f, eff = f.submit(e, dialog{action: peekAction{target: full}, fields: []field{
		choiceField("from", []string{"group position", "earliest"}, 1), textField("records", "5", ""),
		textField("offset", "", ""), textField("time", "", ""), textField("partition", "", "")}})
	if b, ok := eff.page.(batchView); !ok || b.kind != batchPeek || b.req.From != kafka.PeekEarliest || b.req.Max != 5 || eff.inPage == nil {
		t.Errorf("the peek form's answer: page %T, in its scope %v", eff.page, eff.inPage != nil)
	}
}
