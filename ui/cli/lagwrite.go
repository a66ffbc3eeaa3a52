package cli

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/format"
	"github.com/kgroups/kgroups/ui/render"
)

// lagWriteBuffer is the size of the buffered writer the lag output streams
// through: large enough that a write to a pipe carries many groups.
const lagWriteBuffer = 64 << 10

// writeLagJSON writes the -o json shape of lag (a stable contract for
// scripts, described in the command's help) group by group: groups sorted
// by id, partitions by number, committed null without a commit,
// oldest_unconsumed RFC 3339 in UTC or null, unmatched sorted, empty lists
// as []. The bytes are those encoding/json gives for the same document
// indented by two spaces, HTML-escaped strings included; only one group is
// held in memory at a time.
func writeLagJSON(w io.Writer, snap model.Snapshot) error {
	bw := bufio.NewWriterSize(w, lagWriteBuffer)
	buf := make([]byte, 0, 4096)
	buf = append(buf, "{\n  \"base\": "...)
	buf = appendJSONString(buf, snap.Base)
	buf = append(buf, ",\n  \"groups\": ["...)
	order := groupOrder(snap.Groups)
	var parts []int
	for i, gi := range order {
		g := &snap.Groups[gi]
		if i > 0 {
			buf = append(buf, ',')
		}
		parts = partitionOrder(parts[:0], g.Partitions)
		buf = appendLagGroupJSON(buf, g, parts)
		if len(buf) >= lagWriteBuffer/2 {
			if _, err := bw.Write(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
	}
	if len(order) > 0 {
		buf = append(buf, "\n  "...)
	}
	buf = append(buf, "],\n  \"unmatched\": ["...)
	unmatched := snap.Unmatched
	if !slices.IsSorted(unmatched) {
		unmatched = slices.Sorted(slices.Values(unmatched))
	}
	for i, u := range unmatched {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, "\n    "...)
		buf = appendJSONString(buf, u)
	}
	if len(unmatched) > 0 {
		buf = append(buf, "\n  "...)
	}
	buf = append(buf, "]\n}\n"...)
	if _, err := bw.Write(buf); err != nil {
		return err
	}
	return bw.Flush()
}

// appendLagGroupJSON appends one element of "groups", indented at depth 2,
// with its partitions in the order given by parts (indexes into
// g.Partitions).
func appendLagGroupJSON(buf []byte, g *model.Group, parts []int) []byte {
	buf = append(buf, "\n    {\n      \"group\": "...)
	buf = appendJSONString(buf, g.ID)
	buf = append(buf, ",\n      \"topic\": "...)
	buf = appendJSONString(buf, g.Name.Topic)
	buf = append(buf, ",\n      \"suffix\": "...)
	buf = appendJSONString(buf, g.Name.Suffix)
	buf = append(buf, ",\n      \"state\": "...)
	buf = appendJSONString(buf, g.State)
	buf = append(buf, ",\n      \"members\": "...)
	buf = strconv.AppendInt(buf, int64(len(g.Members)), 10)
	buf = append(buf, ",\n      \"lag\": "...)
	buf = strconv.AppendInt(buf, g.Lag, 10)
	buf = append(buf, ",\n      \"partitions\": ["...)
	for i, pi := range parts {
		p := &g.Partitions[pi]
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, "\n        {\n          \"partition\": "...)
		buf = strconv.AppendInt(buf, int64(p.Partition), 10)
		buf = append(buf, ",\n          \"start\": "...)
		buf = strconv.AppendInt(buf, p.Start, 10)
		buf = append(buf, ",\n          \"end\": "...)
		buf = strconv.AppendInt(buf, p.End, 10)
		buf = append(buf, ",\n          \"committed\": "...)
		if p.HasCommitted {
			buf = strconv.AppendInt(buf, p.Committed, 10)
		} else {
			buf = append(buf, "null"...)
		}
		buf = append(buf, ",\n          \"lag\": "...)
		buf = strconv.AppendInt(buf, p.Lag, 10)
		buf = append(buf, ",\n          \"expired\": "...)
		buf = strconv.AppendInt(buf, p.Expired, 10)
		buf = append(buf, ",\n          \"oldest_unconsumed\": "...)
		if p.OldestUnconsumed.IsZero() {
			buf = append(buf, "null"...)
		} else {
			// Digits, '-', ':', 'T', '.' and 'Z' need no escaping.
			buf = append(buf, '"')
			buf = appendTimeUTC(buf, p.OldestUnconsumed)
			buf = append(buf, '"')
		}
		if p.Err != nil {
			buf = append(buf, ",\n          \"error\": "...)
			buf = appendJSONString(buf, p.Err.Error())
		}
		buf = append(buf, "\n        }"...)
	}
	if len(parts) > 0 {
		buf = append(buf, "\n      "...)
	}
	buf = append(buf, ']')
	if g.Err != nil {
		buf = append(buf, ",\n      \"error\": "...)
		buf = appendJSONString(buf, g.Err.Error())
	}
	return append(buf, "\n    }"...)
}

// groupOrder returns the indexes of groups sorted by id. Snapshots come
// sorted, so this is usually the identity without a sort.
func groupOrder(groups []model.Group) []int {
	order := make([]int, len(groups))
	for i := range order {
		order[i] = i
	}
	sorted := slices.IsSortedFunc(groups, func(a, b model.Group) int { return strings.Compare(a.ID, b.ID) })
	if !sorted {
		slices.SortStableFunc(order, func(a, b int) int { return strings.Compare(groups[a].ID, groups[b].ID) })
	}
	return order
}

// partitionOrder appends to dst the indexes of parts sorted by partition.
func partitionOrder(dst []int, parts []model.PartitionLag) []int {
	for i := range parts {
		dst = append(dst, i)
	}
	sorted := slices.IsSortedFunc(parts, func(a, b model.PartitionLag) int { return cmp.Compare(a.Partition, b.Partition) })
	if !sorted {
		slices.SortStableFunc(dst, func(a, b int) int { return cmp.Compare(parts[a].Partition, parts[b].Partition) })
	}
	return dst
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string the way encoding/json writes
// it by default: <, > and & escaped for HTML, control characters as \b, \f,
// \n, \r, \t or \u00XX, invalid UTF-8 as \ufffd, U+2028 and U+2029 escaped.
func appendJSONString(buf []byte, s string) []byte {
	buf = append(buf, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&' {
				i++
				continue
			}
			buf = append(buf, s[start:i]...)
			switch b {
			case '\\', '"':
				buf = append(buf, '\\', b)
			case '\b':
				buf = append(buf, '\\', 'b')
			case '\f':
				buf = append(buf, '\\', 'f')
			case '\n':
				buf = append(buf, '\\', 'n')
			case '\r':
				buf = append(buf, '\\', 'r')
			case '\t':
				buf = append(buf, '\\', 't')
			default:
				buf = append(buf, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			buf = append(buf, s[start:i]...)
			buf = append(buf, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			buf = append(buf, s[start:i]...)
			buf = append(buf, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	buf = append(buf, s[start:]...)
	return append(buf, '"')
}

// writeLagTable writes the lag of each group for people: one row per group,
// and with withPartitions one block of partitions under each group. It
// reads the snapshot directly and writes through a buffered writer.
func writeLagTable(w io.Writer, snap model.Snapshot, withPartitions bool, now time.Time) error {
	bw := bufio.NewWriterSize(w, lagWriteBuffer)
	cols := &columns{w: bw}
	order := groupOrder(snap.Groups)
	var total int64
	for i := range snap.Groups {
		total += snap.Groups[i].Lag
	}
	base := render.SanitizeLine(snap.Base)
	buf := fmt.Appendf(nil, "base %s: %d group(s), total lag %d", base, len(snap.Groups), total)
	cols.line(buf)
	cols.line(nil)
	if len(order) == 0 {
		cols.line(fmt.Appendf(buf[:0], "no groups named %s-{topic}[-{suffix}]", base))
	} else {
		cols.line([]byte("TOPIC\tSUFFIX\tSTATE\tMEMBERS\tLAG\tEXPIRED\tOLDEST UNCONSUMED"))
		for _, gi := range order {
			g := &snap.Groups[gi]
			var expired int64
			var oldest time.Time
			for i := range g.Partitions {
				expired += g.Partitions[i].Expired
				oldest = olderUnconsumed(oldest, g.Partitions[i].OldestUnconsumed)
			}
			buf = append(buf[:0], render.SanitizeLine(g.Name.Topic)...)
			buf = append(append(buf, '\t'), suffixCell(g.Name.Suffix)...)
			buf = append(append(buf, '\t'), stateCell(g.State, errText(g.Err))...)
			buf = strconv.AppendInt(append(buf, '\t'), int64(len(g.Members)), 10)
			buf = strconv.AppendInt(append(buf, '\t'), g.Lag, 10)
			buf = strconv.AppendInt(append(buf, '\t'), expired, 10)
			buf = append(append(buf, '\t'), ageCell(oldest, now)...)
			cols.line(buf)
		}
		buf = writeTopicTotals(cols, buf, snap.Groups)
	}
	if withPartitions {
		var parts []int
		for _, gi := range order {
			g := &snap.Groups[gi]
			cols.line(nil)
			cols.line(fmt.Appendf(buf[:0], "%s (%s, %d member(s), lag %d)", render.SanitizeLine(g.ID), stateCell(g.State, errText(g.Err)), len(g.Members), g.Lag))
			cols.line([]byte("  PARTITION\tSTART\tCOMMITTED\tEND\tLAG\tEXPIRED\tOLDEST UNCONSUMED"))
			parts = partitionOrder(parts[:0], g.Partitions)
			for _, pi := range parts {
				p := &g.Partitions[pi]
				buf = strconv.AppendInt(append(buf[:0], "  "...), int64(p.Partition), 10)
				buf = strconv.AppendInt(append(buf, '\t'), p.Start, 10)
				buf = append(buf, '\t')
				if p.HasCommitted {
					buf = strconv.AppendInt(buf, p.Committed, 10)
				} else {
					buf = append(buf, '-')
				}
				buf = strconv.AppendInt(append(buf, '\t'), p.End, 10)
				buf = strconv.AppendInt(append(buf, '\t'), p.Lag, 10)
				buf = strconv.AppendInt(append(buf, '\t'), p.Expired, 10)
				buf = append(append(buf, '\t'), ageCell(olderUnconsumed(time.Time{}, p.OldestUnconsumed), now)...)
				cols.line(buf)
				if p.Err != nil {
					cols.line(append(append(buf[:0], "    error: "...), render.SanitizeLine(p.Err.Error())...))
				}
			}
		}
	}
	if len(snap.Unmatched) > 0 {
		unmatched := slices.Sorted(slices.Values(snap.Unmatched))
		cols.line(nil)
		cols.line(append(append(buf[:0], "under the base but fitting no topic: "...), render.SanitizeLine(strings.Join(unmatched, ", "))...))
	}
	if err := cols.flush(); err != nil {
		return err
	}
	return bw.Flush()
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// olderUnconsumed returns the older of oldest and t, as the table shows
// them: to the millisecond, ignoring zero times and years JSON's RFC 3339
// cannot write (the -o json output shows those as they are).
func olderUnconsumed(oldest, t time.Time) time.Time {
	if t.IsZero() {
		return oldest
	}
	t = t.UTC()
	if y := t.Year(); y < 0 || y > 9999 {
		return oldest
	}
	t = t.Truncate(time.Millisecond)
	if oldest.IsZero() || t.Before(oldest) {
		return t
	}
	return oldest
}

// ageCell shows the oldest unconsumed record as an age, or "-" when nothing
// is waiting or its time is unknown.
func ageCell(oldest time.Time, now time.Time) string {
	if oldest.IsZero() {
		return "-"
	}
	return format.AgeSince(now, oldest) + " ago"
}

// writeTopicTotals writes the number of groups and their total lag per
// topic, topics sorted by name, through buf, which it returns.
func writeTopicTotals(cols *columns, buf []byte, groups []model.Group) []byte {
	type totals struct {
		topic  string
		groups int
		lag    int64
	}
	var byTopic []totals
	at := make(map[string]int)
	for i := range groups {
		g := &groups[i]
		k, ok := at[g.Name.Topic]
		if !ok {
			k = len(byTopic)
			at[g.Name.Topic] = k
			byTopic = append(byTopic, totals{topic: g.Name.Topic})
		}
		byTopic[k].groups++
		byTopic[k].lag += g.Lag
	}
	slices.SortFunc(byTopic, func(a, b totals) int { return strings.Compare(a.topic, b.topic) })
	cols.line(nil)
	cols.line([]byte("TOPIC\tGROUPS\tTOTAL LAG"))
	for _, t := range byTopic {
		buf = append(buf[:0], render.SanitizeLine(t.topic)...)
		buf = strconv.AppendInt(append(buf, '\t'), int64(t.groups), 10)
		buf = strconv.AppendInt(append(buf, '\t'), t.lag, 10)
		cols.line(buf)
	}
	return buf
}

// appendTimeUTC appends t in UTC as timeLayout formats it. It is lag -o
// json's one formatting of every lagging partition's time: written out
// rather than through AppendFormat, which cost half of writing the
// document. Years outside 0 to 9999 go through AppendFormat.
func appendTimeUTC(buf []byte, t time.Time) []byte {
	t = t.UTC()
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		return t.AppendFormat(buf, timeLayout)
	}
	hour, minute, second := t.Clock()
	milli := t.Nanosecond() / int(time.Millisecond)
	var b [24]byte
	put := func(at, v, width int) {
		for i := at + width - 1; i >= at; i-- {
			b[i] = byte('0' + v%10)
			v /= 10
		}
	}
	put(0, year, 4)
	b[4] = '-'
	put(5, int(month), 2)
	b[7] = '-'
	put(8, day, 2)
	b[10] = 'T'
	put(11, hour, 2)
	b[13] = ':'
	put(14, minute, 2)
	b[16] = ':'
	put(17, second, 2)
	b[19] = '.'
	put(20, milli, 3)
	b[23] = 'Z'
	return append(buf, b[:]...)
}
