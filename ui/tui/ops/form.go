package ops

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/tui/widget"
)

// Reading the forms of offset operations: everything that can be checked
// before the cluster is asked for a plan.

// ResetSpec reads the reset form. It checks everything that can be checked
// before asking the cluster.
func (f Flow) ResetSpec(now func() time.Time) (kafka.ResetSpec, error) {
	rm := ResetModes[f.Mode]
	spec := kafka.ResetSpec{Mode: rm.Mode, Now: now}
	val := strings.TrimSpace(f.Vals[f.Mode].Value())
	switch rm.Mode {
	case kafka.ResetToOffset:
		o, err := strconv.ParseInt(strings.ReplaceAll(val, ",", ""), 10, 64)
		if err != nil || o < 0 {
			return spec, fmt.Errorf("offset: give a number, 0 or more")
		}
		spec.Offset = o
	case kafka.ResetToOffsetMap:
		m, err := ParseOffsetMap(val, f.Parts)
		if err != nil {
			return spec, err
		}
		spec.OffsetMap = m
	case kafka.ResetToDatetime:
		t, err := ParseRFC3339(val)
		if err != nil {
			return spec, err
		}
		spec.Time = t
	case kafka.ResetByDuration:
		d, err := time.ParseDuration(val)
		if err != nil || d <= 0 {
			return spec, fmt.Errorf("ago: give how long ago, e.g. 1h, 30m or 1h30m")
		}
		if err := model.CheckKafkaTime(now().Add(-d)); err != nil {
			return spec, fmt.Errorf("ago: %s reaches %w", val, err)
		}
		spec.Duration = d
	case kafka.ResetShiftBy:
		n, err := strconv.ParseInt(strings.TrimPrefix(val, "+"), 10, 64)
		if err != nil || n == 0 {
			return spec, fmt.Errorf("shift: give ±N records, e.g. -100 or +50")
		}
		spec.Shift = n
	}
	if f.Mode != ModeOffsetMap {
		parts, err := ParsePartitions(f.Limit.Value(), f.Parts)
		if err != nil {
			return spec, err
		}
		spec.Partitions = parts
	}
	return spec, nil
}

// ParseRFC3339 reads a datetime field.
func ParseRFC3339(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(s))
	if err != nil {
		return t, fmt.Errorf("time: give an RFC 3339 time such as 2025-01-31T09:00:00Z")
	}
	if err := model.CheckKafkaTime(t); err != nil {
		return t, fmt.Errorf("time: %w", err)
	}
	return t, nil
}

// ParsePartitions reads "0,2" ("" or "all": every partition). n is the
// topic's partition count, 0 when unknown.
func ParsePartitions(s string, n int) ([]int32, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "all" {
		return nil, nil
	}
	var out []int32
	for _, item := range strings.Split(s, ",") {
		p, err := strconv.ParseInt(strings.TrimSpace(item), 10, 32)
		if err != nil || p < 0 {
			return nil, fmt.Errorf("partitions: give numbers like 0,2 (empty: all)")
		}
		if err := PartitionInRange(int32(p), n); err != nil {
			return nil, err
		}
		if !slices.Contains(out, int32(p)) {
			out = append(out, int32(p))
		}
	}
	slices.Sort(out)
	return out, nil
}

// ParseOffsetMap reads "0=10,1=20".
func ParseOffsetMap(s string, n int) (map[int32]int64, error) {
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("offsets: give partition=offset pairs, e.g. 0=10,1=20")
	}
	out := make(map[int32]int64)
	for _, item := range strings.Split(s, ",") {
		ps, os, ok := strings.Cut(strings.TrimSpace(item), "=")
		p, perr := strconv.ParseInt(strings.TrimSpace(ps), 10, 32)
		o, oerr := strconv.ParseInt(strings.TrimSpace(os), 10, 64)
		switch {
		case !ok || perr != nil || oerr != nil:
			return nil, fmt.Errorf("offsets: %q is not partition=offset (e.g. 0=10,1=20)", widget.Clean(strings.TrimSpace(item)))
		case p < 0 || o < 0:
			return nil, fmt.Errorf("offsets: %q: partition and offset must be 0 or more", widget.Clean(strings.TrimSpace(item)))
		}
		if _, dup := out[int32(p)]; dup {
			return nil, fmt.Errorf("offsets: partition %d is given twice", p)
		}
		if err := PartitionInRange(int32(p), n); err != nil {
			return nil, err
		}
		out[int32(p)] = o
	}
	return out, nil
}

func PartitionInRange(p int32, n int) error {
	if n > 0 && int(p) >= n {
		return fmt.Errorf("partitions: the topic has partitions 0 to %d", n-1)
	}
	return nil
}
