package ops

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/tui/widget"
)

// Words for the kafka layer's refusals, shared by the offset operations and
// the root's consume and commit: who holds a group, and what moved.

// MemberLines names members and what they hold, one line each.
func MemberLines(members []model.Member) []string {
	var out []string
	for _, mem := range members {
		line := "  " + widget.Clean(mem.ClientID+"@"+mem.Host)
		var parts []string
		for _, tp := range mem.Assigned {
			for _, p := range tp.Partitions {
				parts = append(parts, widget.Clean(tp.Topic)+"/"+strconv.Itoa(int(p)))
			}
		}
		if len(parts) > 0 {
			line += " holds " + strings.Join(parts, ", ")
		}
		out = append(out, line)
	}
	return out
}

// GroupActive extracts the refusal of a group with live members.
func GroupActive(err error) (*kafka.GroupActiveError, bool) {
	var ga *kafka.GroupActiveError
	if errors.As(err, &ga) {
		return ga, true
	}
	return nil, false
}

// StaleError extracts the refusal of a write on moved offsets.
func StaleError(err error) (*kafka.StaleError, bool) {
	var se *kafka.StaleError
	if errors.As(err, &se) {
		return se, true
	}
	return nil, false
}

// MovedText lists what moved, e.g. "partition 0 was 10, now 12".
func MovedText(moved []kafka.MovedOffset) string {
	parts := make([]string, 0, len(moved))
	for _, mv := range moved {
		parts = append(parts, fmt.Sprintf("partition %d was %s, now %s", mv.Partition, commitWord(mv.Shown, mv.HadShown), commitWord(mv.Now, mv.HasNow)))
	}
	return strings.Join(parts, "; ")
}

func commitWord(o int64, ok bool) string {
	if !ok {
		return "none"
	}
	return widget.Count(o)
}
