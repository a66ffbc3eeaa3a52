package tui

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/tui/widget"
)

// The peek form: where a peek starts, how many records, which partition.

// Fields of the peek form.
const (
	peekFieldFrom = iota
	peekFieldMax
	peekFieldOffset
	peekFieldTime
	peekFieldPartition
)

// peekFroms lists the choices of the peek form in order.
var peekFroms = []struct {
	label string
	from  kafka.PeekFrom
}{
	{"group position", kafka.PeekCommitted},
	{"earliest", kafka.PeekEarliest},
	{"offset", kafka.PeekOffset},
	{"timestamp", kafka.PeekTimestamp},
	{"last N", kafka.PeekLast},
}

func (f readFlow) askPeek(e readEnv, t target) (readFlow, effect) {
	if f.batchBusy != 0 {
		return f, doCmd(widget.ReportWarn("a read is still running: wait for it"))
	}
	choices := make([]string, len(peekFroms))
	for i, f := range peekFroms {
		choices[i] = f.label
	}
	part := ""
	if t.Partition != nil {
		part = strconv.Itoa(int(*t.Partition))
	}
	fields := []field{
		choiceField("from", choices, 0),
		textField("records", strconv.Itoa(defaultBatch), ""),
		textField("offset", "", "first offset to read"),
		textField("time", "", "RFC 3339, 2006-01-02 15:04 (UTC) or 15m (ago)"),
		textField("partition", part, "all"),
	}
	fields[peekFieldOffset].ShowIf = &showIf{Field: peekFieldFrom, Choices: []int{2}}
	fields[peekFieldTime].ShowIf = &showIf{Field: peekFieldFrom, Choices: []int{3}}
	return f, effect{open: &dialog{
		kind:   dialogForm,
		title:  "Peek " + widget.Clean(t.ID()),
		body:   []string{"Reads without joining the group and without committing. With last N, records is a count per partition."},
		fields: fields,
		action: peekAction{target: t},
	}}
}

// peekRequest reads the peek form.
func peekRequest(e readEnv, t target, d dialog) (kafka.PeekRequest, error) {
	req := kafka.PeekRequest{Topic: t.Group.Topic, Group: t.ID(), From: peekFroms[d.fields[peekFieldFrom].Choice].from}
	n, err := parseCount(d.value(peekFieldMax))
	if err != nil {
		return req, err
	}
	req.Max = n
	switch req.From {
	case kafka.PeekOffset:
		o, err := strconv.ParseInt(d.value(peekFieldOffset), 10, 64)
		if err != nil || o < 0 {
			return req, fmt.Errorf("offset: give a number ≥ 0")
		}
		req.Offset = o
	case kafka.PeekTimestamp:
		at, err := parseWhen(d.value(peekFieldTime), e.now())
		if err != nil {
			return req, err
		}
		req.Time = at
	}
	if s := d.value(peekFieldPartition); s != "" && s != "all" {
		p, err := strconv.ParseInt(s, 10, 32)
		if err != nil || p < 0 {
			return req, fmt.Errorf("partition: give a number, or leave it empty for all")
		}
		if tp, ok := e.snap.Topic(t.Group.Topic); ok && int(p) >= len(tp.Partitions) && len(tp.Partitions) > 0 {
			return req, fmt.Errorf("partition: %s has partitions 0 to %d", widget.Clean(t.Group.Topic), len(tp.Partitions)-1)
		}
		p32 := int32(p)
		req.Partition = &p32
	}
	return req, nil
}

func parseCount(s string) (int, error) {
	n, err := strconv.Atoi(strings.ReplaceAll(s, ",", ""))
	if err != nil || n < 1 || n > maxBatch {
		return 0, fmt.Errorf("records: give a number from 1 to %s", widget.Count(maxBatch))
	}
	return n, nil
}

// parseWhen reads a point in time: RFC 3339, a UTC date and time, or a
// duration ago ("15m", "2h ago").
func parseWhen(s string, now time.Time) (time.Time, error) {
	t, err := parseWhenAny(s, now)
	if err == nil {
		if berr := model.CheckKafkaTime(t); berr != nil {
			return t, fmt.Errorf("time: %w", berr)
		}
	}
	return t, err
}

// parseWhenAny is parseWhen without the check that Kafka can name the time.
func parseWhenAny(s string, now time.Time) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	if d, err := time.ParseDuration(strings.TrimSpace(strings.TrimSuffix(s, "ago"))); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("time: give RFC 3339, 2006-01-02 15:04 (UTC) or a duration ago like 15m")
}
