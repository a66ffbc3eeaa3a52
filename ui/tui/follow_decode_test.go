package tui

import (
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/kafka/decode"
	"github.com/kgroups/kgroups/kafka/kafkatest"
	"github.com/kgroups/kgroups/ui/tui/widget"
)

// followNotes follows the topic "notes" of an empty kfake cluster through
// the model, with a decoder for the srfake registry of noteValues, then
// produces noteValues and feeds the model until the six records show.
func followNotes(t *testing.T, w, h int) (r *followRig, registry string) {
	t.Helper()
	fake, brokers := kafkatest.NewCluster(t, kfake.SeedTopics(1, "notes"))
	var fetches atomic.Int64
	fake.ControlKey(int16(kmsg.Fetch), func(kmsg.Request) (kmsg.Response, error, bool) {
		fake.KeepControl()
		fetches.Add(1)
		return nil, nil, false // observe only
	})
	values, registry := noteValues(t)
	cl := connect(t, kafka.Config{Brokers: brokers})
	r = &followRig{t: t, brokers: brokers, cluster: cl, msgs: make(chan tea.Msg, 256)}
	r.m = sized(New(Deps{Cluster: cl, Base: "svc", Now: nowFixed, Decoder: registryDecoder(t, decode.RegistryOptions{URL: registry})}), w, h)
	t.Cleanup(func() { r.m.Close() })
	var cmd tea.Cmd
	r.m, cmd = r.m.startFollow(intentFollow{topic: "notes"})
	runAll(cmd, r.msgs)
	kafkatest.Eventually(t, 15*time.Second, func() error {
		if fetches.Load() == 0 {
			return errors.New("the follow sent no fetch")
		}
		return nil
	})
	produce(t, brokers, "notes", values...)
	r.until("the six notes", func(v followView) bool { return v.count() == 6 })
	return r, registry
}

// recordText is the record view on top, unstyled.
func recordText(m Model) string {
	return anySGR.ReplaceAllString(strings.Join(m.top().(recordView).lines, "\n"), "")
}

// TestFollowDecodes follows a topic of records framed by a schema registry
// or compressed by their producer: the list shows each value decoded on
// one line, the record view shows the format, schema and size above the
// decoded value, v shows the raw hex and back, and a value framed with an
// unknown schema id shows raw with the reason.
func TestFollowDecodes(t *testing.T) {
	r, url := followNotes(t, 160, 50)
	list := anySGR.ReplaceAllString(r.m.View(), "")
	for _, want := range []string{`"by":"mallory"`, `"name":"VISA"`, `{"compressed":true}`, `log \x1b[2J`} {
		if !strings.Contains(list, want) {
			t.Errorf("the follow list lacks the decoded %q:\n%s", want, list)
		}
	}
	// v in the list: the values' bytes in hex, as the record view's raw hex.
	hexList, cmd := update(press(r.m, "home"), keyMsg("v"))
	if list := anySGR.ReplaceAllString(hexList.View(), ""); !strings.Contains(list, "00 00 00 00 01") || strings.Contains(list, "mallory") {
		t.Errorf("v in the list does not show the values in hex:\n%s", list)
	}
	if !hasStatus(cmd, widget.LevelInfo, "raw hex") {
		t.Errorf("v in the list said %+v", statusOf(cmd))
	}

	r.press("home", "enter")
	if d := recordText(r.m); !strings.Contains(d, "avro · schema 1 (notes-value v1) · ") || !strings.Contains(d, " B · view decoded (v changes)") || !strings.Contains(d, `"by": "mallory"`) {
		t.Errorf("the record view of the Avro record is not decoded:\n%s", d)
	}
	m, cmd := update(r.m, keyMsg("v"))
	if d := recordText(m); !strings.Contains(d, "view raw hex") || !strings.Contains(d, "00 00 00 00 01") {
		t.Errorf("v did not show the raw hex:\n%s", d)
	}
	if !hasStatus(cmd, widget.LevelInfo, "raw hex") {
		t.Errorf("v said %+v", statusOf(cmd))
	}
	if d := recordText(press(m, "v")); !strings.Contains(d, "view decoded") || !strings.Contains(d, `"by": "mallory"`) {
		t.Errorf("v twice did not come back to the decoded value:\n%s", d)
	}

	r.press("esc", "down", "enter")
	if d := recordText(r.m); !strings.Contains(d, "protobuf · schema 2 (cards-value v1) · ") || !strings.Contains(d, `"name": "VISA"`) {
		t.Errorf("the record view of the Protobuf record is not decoded:\n%s", d)
	}
	r.press("esc", "down", "enter")
	if d := recordText(r.m); !strings.Contains(d, "! not decoded: schema registry "+url+" has no schema 4242") || !strings.Contains(d, "00 00 00 10 92 02 78") {
		t.Errorf("the record of an unknown schema does not show raw with the reason:\n%s", d)
	}
}

// TestFollowDecodedFilterKeepsDecodings: a filter applied to the records
// held keeps each match's decoding beside it.
func TestFollowDecodedFilterKeepsDecodings(t *testing.T) {
	r, _ := followNotes(t, 160, 50)
	r.press("/")
	r.m = typeText(r.m, "key:k[03]")
	r.press("enter")
	r.until("the filter's matches", func(v followView) bool { return !v.filtering && v.count() == 2 })
	if list := anySGR.ReplaceAllString(r.m.View(), ""); !strings.Contains(list, `"by":"mallory"`) || !strings.Contains(list, `{"compressed":true}`) {
		t.Errorf("the filtered list lost the decodings:\n%s", list)
	}
}

// TestFollowDecodedHostileStringsAreInert: terminal escapes inside decoded
// Avro, Protobuf and decompressed strings stay inert in the follow list and
// the record view, in every mode v cycles through, at both sizes.
func TestFollowDecodedHostileStringsAreInert(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {160, 50}} {
		r, _ := followNotes(t, size[0], size[1])
		view := r.m.View()
		checkInert(t, view, true)
		if !strings.Contains(view, `\u001b[2J`) {
			t.Errorf("the decoded hostile string is not shown (escaped):\n%s", view)
		}
		r.press("home")
		for range 6 {
			rv := press(r.m, "enter")
			for range valueModes {
				checkInert(t, rv.View(), true)
				rv = press(rv, "v")
			}
			r.press("down")
		}
	}
}

// TestFollowDecodedFilterSaysWhatItReads: a filter reads the bytes as they
// arrived, as consume --jq does, so a jq filter over a field only the
// decoded Avro value has matches nothing, and the empty list says why.
func TestFollowDecodedFilterSaysWhatItReads(t *testing.T) {
	r, _ := followNotes(t, 80, 24)
	r.press("/")
	r.m = typeText(r.m, `jq:.by == "mallory"`)
	r.press("enter")
	r.until("the filter's matches", func(v followView) bool { return !v.filtering })
	view := strings.Join(strings.Fields(anySGR.ReplaceAllString(r.m.View(), "")), " ")
	if !strings.Contains(view, "0 of 6 records match") || !strings.Contains(view, "the filter reads each value's bytes as they arrived, as consume --grep/--jq does") {
		t.Errorf("the empty filtered list does not say what the filter reads:\n%s", r.m.View())
	}
}
