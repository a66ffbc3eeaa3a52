package cli

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/format"
	"github.com/kgroups/kgroups/ui/render"
)

// lagReport is the -o json shape of lag: a stable contract for scripts.
type lagReport struct {
	Base      string     `json:"base"`
	Groups    []lagGroup `json:"groups"`
	Unmatched []string   `json:"unmatched"`
}

type lagGroup struct {
	Group      string         `json:"group"`
	Topic      string         `json:"topic"`
	Suffix     string         `json:"suffix"`
	State      string         `json:"state"`
	Members    int            `json:"members"`
	Lag        int64          `json:"lag"`
	Partitions []lagPartition `json:"partitions"`
	Error      string         `json:"error,omitempty"` // only when the group failed to load
}

type lagPartition struct {
	Partition        int32   `json:"partition"`
	Start            int64   `json:"start"`
	End              int64   `json:"end"`
	Committed        *int64  `json:"committed"` // null without a commit
	Lag              int64   `json:"lag"`
	Expired          int64   `json:"expired"`
	OldestUnconsumed *string `json:"oldest_unconsumed"` // RFC 3339, null without lag or when unknown
	Error            string  `json:"error,omitempty"`   // only when the partition failed to load
}

// newLagReport converts a snapshot to the JSON shape, groups sorted by name
// and partitions by number.
func newLagReport(snap model.Snapshot) lagReport {
	r := lagReport{Base: snap.Base, Groups: []lagGroup{}, Unmatched: []string{}}
	for _, g := range snap.Groups {
		jg := lagGroup{
			Group:      g.ID,
			Topic:      g.Name.Topic,
			Suffix:     g.Name.Suffix,
			State:      g.State,
			Members:    len(g.Members),
			Lag:        g.Lag,
			Partitions: make([]lagPartition, 0, len(g.Partitions)),
		}
		if g.Err != nil {
			jg.Error = g.Err.Error()
		}
		for _, p := range g.Partitions {
			jp := lagPartition{Partition: p.Partition, Start: p.Start, End: p.End, Lag: p.Lag, Expired: p.Expired}
			if p.HasCommitted {
				jp.Committed = &p.Committed
			}
			if !p.OldestUnconsumed.IsZero() {
				ts := p.OldestUnconsumed.UTC().Format(timeLayout)
				jp.OldestUnconsumed = &ts
			}
			if p.Err != nil {
				jp.Error = p.Err.Error()
			}
			jg.Partitions = append(jg.Partitions, jp)
		}
		slices.SortFunc(jg.Partitions, func(a, b lagPartition) int { return cmp.Compare(a.Partition, b.Partition) })
		r.Groups = append(r.Groups, jg)
	}
	slices.SortFunc(r.Groups, func(a, b lagGroup) int { return strings.Compare(a.Group, b.Group) })
	r.Unmatched = append(r.Unmatched, snap.Unmatched...)
	slices.Sort(r.Unmatched)
	return r
}

// referenceLagJSON is the encoding lag -o json had before it streamed: the
// whole report built, then encoded and indented. The streaming writer must
// match it byte for byte.
func referenceLagJSON(w io.Writer, snap model.Snapshot) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(newLagReport(snap))
}

// referenceLagTable is the table writer before it streamed, kept as the
// reference for writeLagTable.
func referenceLagTable(w io.Writer, snap model.Snapshot, withPartitions bool, now time.Time) error {
	r := newLagReport(snap)
	var total int64
	for _, g := range r.Groups {
		total += g.Lag
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "base %s: %d group(s), total lag %d\n\n", render.SanitizeLine(r.Base), len(r.Groups), total)
	if len(r.Groups) == 0 {
		fmt.Fprintf(tw, "no groups named %s-{topic}[-{suffix}]\n", render.SanitizeLine(r.Base))
	} else {
		fmt.Fprintln(tw, "TOPIC\tSUFFIX\tSTATE\tMEMBERS\tLAG\tEXPIRED\tOLDEST UNCONSUMED")
		for _, g := range r.Groups {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%s\n", render.SanitizeLine(g.Topic), suffixCell(g.Suffix),
				stateCell(g.State, g.Error), g.Members, g.Lag, expiredTotal(g), oldestCell(g.Partitions, now))
		}
		// Totals per topic, added with lag --check.
		byTopic := map[string][2]int64{}
		var topics []string
		for _, g := range r.Groups {
			tt, seen := byTopic[g.Topic]
			if !seen {
				topics = append(topics, g.Topic)
			}
			byTopic[g.Topic] = [2]int64{tt[0] + 1, tt[1] + g.Lag}
		}
		slices.Sort(topics)
		fmt.Fprintln(tw, "\nTOPIC\tGROUPS\tTOTAL LAG")
		for _, t := range topics {
			fmt.Fprintf(tw, "%s\t%d\t%d\n", render.SanitizeLine(t), byTopic[t][0], byTopic[t][1])
		}
	}
	if withPartitions {
		for _, g := range r.Groups {
			fmt.Fprintf(tw, "\n%s (%s, %d member(s), lag %d)\n", render.SanitizeLine(g.Group), stateCell(g.State, g.Error), g.Members, g.Lag)
			fmt.Fprintln(tw, "  PARTITION\tSTART\tCOMMITTED\tEND\tLAG\tEXPIRED\tOLDEST UNCONSUMED")
			for _, p := range g.Partitions {
				committed := "-"
				if p.Committed != nil {
					committed = strconv.FormatInt(*p.Committed, 10)
				}
				fmt.Fprintf(tw, "  %d\t%d\t%s\t%d\t%d\t%d\t%s\n", p.Partition, p.Start, committed, p.End, p.Lag, p.Expired,
					oldestCell([]lagPartition{p}, now))
				if p.Error != "" {
					fmt.Fprintf(tw, "    error: %s\n", render.SanitizeLine(p.Error))
				}
			}
		}
	}
	if len(r.Unmatched) > 0 {
		fmt.Fprintf(tw, "\nunder the base but fitting no topic: %s\n", render.SanitizeLine(strings.Join(r.Unmatched, ", ")))
	}
	return tw.Flush()
}

func expiredTotal(g lagGroup) int64 {
	var n int64
	for _, p := range g.Partitions {
		n += p.Expired
	}
	return n
}

// oldestCell shows the oldest unconsumed record of partitions as an age,
// or "-" when nothing is waiting or its time is unknown.
func oldestCell(parts []lagPartition, now time.Time) string {
	var oldest time.Time
	for _, p := range parts {
		if p.OldestUnconsumed == nil {
			continue
		}
		t, err := time.Parse(timeLayout, *p.OldestUnconsumed)
		if err == nil && (oldest.IsZero() || t.Before(oldest)) {
			oldest = t
		}
	}
	if oldest.IsZero() {
		return "-"
	}
	return format.AgeSince(now, oldest) + " ago"
}
