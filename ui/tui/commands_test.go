package tui

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/tui/widget"
)

func TestExportJSONL(t *testing.T) {
	res := widget.NewResources(nil)
	defer res.Close()
	path := filepath.Join(t.TempDir(), "batch.jsonl")
	recs := append(testRecords("spent_detail_topic"), hostileRecords()[:8]...)
	msg := exportCmd(res, path, recs, nil, exportScope{total: len(recs)})().(exportMsg)
	if msg.err != nil || msg.records != len(recs) {
		t.Fatalf("export: %+v", msg)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 4<<20)
	i := 0
	for ; sc.Scan(); i++ {
		want, err := model.EncodeRecordJSON(recs[i])
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(sc.Bytes(), want) {
			t.Errorf("line %d: %s, want %s", i+1, sc.Bytes(), want)
		}
	}
	if i != len(recs) {
		t.Errorf("%d lines, want %d", i, len(recs))
	}
	// Never overwrite.
	if msg := exportCmd(res, path, recs, nil, exportScope{total: len(recs)})().(exportMsg); msg.err == nil {
		t.Error("export overwrote an existing file")
	}
	// Through the UI: e, a path, enter.
	m := press(peeked(80, 24), "e")
	defer m.Close()
	if got := m.prompt().value(0); !strings.HasPrefix(got, "./"+testBase+"-spent_detail_topic-full-index-20250314-092653") || !strings.HasSuffix(got, ".jsonl") {
		t.Errorf("default path %q", got)
	}
	other := filepath.Join(t.TempDir(), "ui.jsonl")
	m = typeText(press(m, "ctrl+u"), other)
	m, cmd := update(m, keyMsg("enter"))
	var got exportMsg
	for _, msg := range msgsOf(cmd) {
		if e, ok := msg.(exportMsg); ok {
			got = e
		}
	}
	if got.err != nil || got.path != other || got.records != 4 {
		t.Errorf("export from the UI: %+v", got)
	}
}

func TestCopyOSC52(t *testing.T) {
	tests := []struct {
		name     string
		rec      model.Record
		wantWhat string
		wantData string // decoded clipboard content; "" to skip
	}{
		{"text value as is", model.Record{Value: []byte(`{"a":1}`)}, "value", `{"a":1}`},
		{"escapes copied as JSON", model.Record{Partition: 1, Offset: 2, Value: []byte("\x1b]52;c;aGk=\x07")}, "record as JSON", ""},
		{"tombstone as JSON", model.Record{Key: []byte("k")}, "record as JSON", ""},
		{"binary as JSON", model.Record{Value: []byte{0xff, 0}}, "record as JSON", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var term bytes.Buffer
			res := widget.NewResources(&term)
			defer res.Close()
			msg := copyCmd(res, tt.rec, decoding{}, false, "e")().(copyMsg)
			if msg.err != nil || msg.what != tt.wantWhat {
				t.Fatalf("copy: %+v", msg)
			}
			out := term.String()
			if !strings.HasPrefix(out, "\x1b]52;c;") || !strings.HasSuffix(out, "\a") || strings.Count(out, "\x1b") != 1 || strings.Count(out, "\a") != 1 {
				t.Fatalf("not one OSC 52 sequence: %q", out)
			}
			data, err := base64.StdEncoding.DecodeString(strings.TrimSuffix(strings.TrimPrefix(out, "\x1b]52;c;"), "\a"))
			if err != nil {
				t.Fatal(err)
			}
			if tt.wantData != "" && string(data) != tt.wantData {
				t.Errorf("clipboard %q, want %q", data, tt.wantData)
			}
			if !pasteSafe(data) {
				t.Errorf("clipboard content is not safe to paste: %q", data)
			}
		})
	}
	var term bytes.Buffer
	res := widget.NewResources(&term)
	defer res.Close()
	if msg := copyCmd(res, model.Record{Value: bytes.Repeat([]byte("a"), maxClipboard+1)}, decoding{}, false, "e")().(copyMsg); msg.err == nil || term.Len() != 0 {
		t.Error("an oversized value was copied")
	}
}

// TestCloseWaitsForCommands checks no command outlives Close: a command
// started after Close returns at once.
func TestCloseWaitsForCommands(t *testing.T) {
	res := widget.NewResources(nil)
	res.Close()
	if msg := snapshotCmd(res, nil, 1, "b", lagJob{}, nil)(); msg != nil {
		t.Errorf("a command ran after close: %#v", msg)
	}
	// A pending timer returns when the resources close.
	res2 := widget.NewResources(nil)
	done := make(chan tea.Msg)
	go func() { done <- clockCmd(res2, 1)() }()
	res2.Close()
	if msg := <-done; msg != nil {
		t.Errorf("the clock ticked after close: %#v", msg)
	}
}
