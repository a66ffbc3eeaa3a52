package tui

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"time"
	"unicode/utf8"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/kafka/decode"
	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/tui/widget"
)

// Every Kafka call of the TUI is a tea.Cmd built here. A command copies what
// it needs when it is built, never touches the model, and returns one typed
// message carrying its data and its error.

const (
	snapshotTimeout = 30 * time.Second
	peekTimeout     = 60 * time.Second
	// consumeTimeout bounds a consume: joining a new group takes ~3 s on a
	// real cluster, a rebalance of a forced join much longer.
	consumeTimeout = 2 * time.Minute
	commitTimeout  = 30 * time.Second
)

// snapshotCmd takes a snapshot of base, then feeds it to the lag history
// and evaluates every group: the Update that receives it only swaps the
// verdict in. memo keeps the time lags read from one refresh to the next.
func snapshotCmd(res *widget.Resources, cl *kafka.Cluster, gen int, base string, lag lagJob, memo *kafka.TimeLagMemo) tea.Cmd {
	return widget.Run(res, snapshotTimeout, func(ctx context.Context) tea.Msg {
		if cl == nil {
			return snapshotMsg{gen: gen, base: base, err: widget.ErrNoCluster}
		}
		// The error says why a snapshot failed as a whole: an unreachable
		// cluster is retried, an authentication or TLS failure is not.
		snap, err := cl.Snapshot(ctx, base, kafka.SnapshotOptions{TimeLagMemo: memo})
		msg := snapshotMsg{gen: gen, base: base, snap: snap, err: err}
		if err == nil {
			msg.trends, msg.evaluated = lag.land(gen, snap), true
		}
		return msg
	})
}

// landCmd evaluates a snapshot that came without its verdict.
func landCmd(res *widget.Resources, msg snapshotMsg, lag lagJob) tea.Cmd {
	return widget.Run(res, snapshotTimeout, func(context.Context) tea.Msg {
		msg.trends, msg.evaluated = lag.land(msg.gen, msg.snap), true
		return msg
	})
}

// basesCmd detects the base prefixes for the picker.
func basesCmd(res *widget.Resources, cl *kafka.Cluster, gen int) tea.Cmd {
	return widget.Run(res, snapshotTimeout, func(ctx context.Context) tea.Msg {
		if cl == nil {
			return basesMsg{gen: gen, err: widget.ErrNoCluster}
		}
		bases, err := cl.DetectBases(ctx)
		return basesMsg{gen: gen, bases: bases, err: err}
	})
}

// othersCmd lists the groups of other prefixes holding commits on topic.
func othersCmd(res *widget.Resources, cl *kafka.Cluster, gen int, topic, base string) tea.Cmd {
	return widget.Run(res, snapshotTimeout, func(ctx context.Context) tea.Msg {
		if cl == nil {
			return othersMsg{gen: gen, topic: topic, err: widget.ErrNoCluster}
		}
		groups, err := cl.GroupsOnTopic(ctx, topic, base)
		return othersMsg{gen: gen, topic: topic, groups: groups, err: err}
	})
}

// peekCmd reads records without committing and without joining a group.
// Keys and values are decoded by dec before the result is sent.
func peekCmd(res *widget.Resources, cl *kafka.Cluster, dec *decode.Decoder, id int, t target, req kafka.PeekRequest) tea.Cmd {
	return widget.Run(res, peekTimeout, func(ctx context.Context) tea.Msg {
		msg := batchMsg{id: id, kind: batchPeek, target: t, req: req, max: req.Max}
		if cl == nil {
			msg.err = widget.ErrNoCluster
			return msg
		}
		msg.records, msg.err = cl.Peek(ctx, req)
		msg.decoded = decodeRecords(ctx, dec, msg.records)
		return msg
	})
}

// consumeCmd reads up to n records through a registry, which joins the
// group and commits what it returns, like the service does. The registry
// lives only for this batch, so kgroups never stays a member of the group
// (an idle member would hold partitions the service needs). force lets it
// join a group with live members. Keys and values are decoded by dec before
// the result is sent.
func consumeCmd(res *widget.Resources, cfg kafka.Config, dec *decode.Decoder, id int, t target, n int, force bool) tea.Cmd {
	return widget.Run(res, consumeTimeout, func(ctx context.Context) tea.Msg {
		msg := batchMsg{id: id, kind: batchConsume, target: t, max: n, forced: force}
		reg, err := kafka.NewConsumerPool(t.Group.Base, cfg, kafka.WithForce(force))
		if err != nil {
			msg.err = err
			return msg
		}
		defer reg.Close()
		if t.Group.IsDefault() {
			msg.records, msg.err = reg.ConsumeMessages(ctx, t.Group.Topic, n)
		} else {
			msg.records, msg.err = reg.ConsumeMessagesWithGroup(ctx, t.Group.Topic, n, t.Group.Suffix)
		}
		msg.decoded = decodeRecords(ctx, dec, msg.records)
		if msg.err == nil && len(msg.records) == 0 {
			if pos, err := reg.Position(ctx, t.Group.Topic, t.Group.Suffix); err == nil {
				msg.lagLeft, msg.lagKnown = model.TotalLag(pos), true
			}
		}
		return msg
	})
}

// commitCmd commits a reviewed batch: each partition moves to the offset
// after the last record shown. The cluster refuses if the group has live
// members, and if its commits are no longer the "before" of changes.
func commitCmd(res *widget.Resources, cl *kafka.Cluster, id int, t target, changes []offsetChange) tea.Cmd {
	offsets := make(map[int32]int64, len(changes))
	before := make(map[int32]int64, len(changes))
	for _, c := range changes {
		offsets[c.Partition] = c.After
		if c.HasBefore {
			before[c.Partition] = c.Before
		}
	}
	return widget.Run(res, commitTimeout, func(ctx context.Context) tea.Msg {
		msg := commitMsg{id: id, target: t, changes: changes}
		if cl == nil {
			msg.err = widget.ErrNoCluster
			return msg
		}
		msg.err = cl.CommitOffsetsIfUnchanged(ctx, t.ID(), t.Group.Topic, before, offsets)
		return msg
	})
}

// exportCmd writes records to path as JSON lines, in the CLI's jsonl shape:
// a decoded key or value as its JSON, with its format and schema (see
// model.AppendDecodedRecordJSON). It never overwrites an existing file.
func exportCmd(res *widget.Resources, path string, records []model.Record, decoded []decoding, scope exportScope) tea.Cmd {
	return widget.Run(res, time.Hour, func(context.Context) tea.Msg {
		msg := exportMsg{path: path, records: len(records), scope: scope}
		msg.err = writeJSONL(path, records, decoded)
		return msg
	})
}

// recordLine is r's JSON line, decoded as d says.
func recordLine(b []byte, r model.Record, d decoding) []byte {
	return model.AppendDecodedRecordJSON(b, r, d.key, d.value)
}

func writeJSONL(path string, records []model.Record, decoded []decoding) (err error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	w := bufio.NewWriter(f)
	var line []byte
	for i, r := range records {
		var d decoding
		if i < len(decoded) {
			d = decoded[i]
		}
		line = append(recordLine(line[:0], r, d), '\n')
		if _, err := w.Write(line); err != nil {
			return err
		}
	}
	return w.Flush()
}

// maxClipboard caps what one OSC 52 sequence carries; terminals drop or
// truncate larger ones.
const maxClipboard = 256 << 10

// copyCmd puts a record's value, or with asRecord the whole record as its
// JSON line, on the system clipboard with an OSC 52 sequence written to the
// terminal in one write. The payload is base64, so no byte of the record
// reaches the terminal as is. A value that is valid UTF-8 text without
// control characters is copied as is; any other value is copied as the
// record's JSON line, which is safe to paste, and the result says why. A
// decoded value is copied as it is shown: its JSON, or its text when it was
// compressed text. A record too big to copy is refused with a pointer to
// exportKey.
func copyCmd(res *widget.Resources, r model.Record, d decoding, asRecord bool, exportKey string) tea.Cmd {
	return widget.Run(res, 10*time.Second, func(context.Context) tea.Msg {
		what, why, data := "value", "", r.Value
		if d.value.Decoded() {
			data = decodedText(d.value)
		}
		switch {
		case asRecord:
		case r.Value == nil:
			why = "the value is null"
		case !pasteSafe(data):
			why = "the value is not plain text"
		}
		if asRecord || why != "" {
			what = "record as JSON"
			data = recordLine(nil, r, d)
		}
		if len(data) > maxClipboard {
			return copyMsg{err: fmt.Errorf("%s is %s, over the %s a terminal clipboard takes: export it with %s",
				what, widget.Size(len(data)), widget.Size(maxClipboard), exportKey)}
		}
		if res.Clipboard == nil {
			return copyMsg{err: errors.New("no terminal to copy through")}
		}
		seq := osc52(data)
		if _, err := res.Clipboard.Write(seq); err != nil {
			return copyMsg{err: err}
		}
		return copyMsg{what: what, why: why, place: recordPlace(r), bytes: len(data)}
	})
}

// osc52 builds the clipboard sequence ESC ] 52 ; c ; base64 BEL.
func osc52(data []byte) []byte {
	var b bytes.Buffer
	b.WriteString("\x1b]52;c;")
	b.WriteString(base64.StdEncoding.EncodeToString(data))
	b.WriteByte('\a')
	return b.Bytes()
}

// pasteSafe reports whether b is valid UTF-8 with no control characters
// other than tab and newline, so pasting it cannot drive a terminal.
func pasteSafe(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	for _, r := range string(b) {
		if (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return false
		}
	}
	return true
}

// clockCmd ticks the one-second clock of generation gen.
func clockCmd(res *widget.Resources, gen int) tea.Cmd {
	return widget.After(res, time.Second, func(t time.Time) tea.Msg { return clockMsg{gen: gen, at: t} })
}
