package model

import (
	"slices"
	"testing"
	"time"
)

// TestGroupLagsIsTheTailOfGroupSamples checks that the sparkline lags of a
// group, summed over its newest refreshes only, are the newest lags of
// GroupSamples, with partitions sampled at different refreshes (one failing
// now and then, one added late) and rings that wrapped.
func TestGroupLagsIsTheTailOfGroupSamples(t *testing.T) {
	h := NewHistory(6)
	for i := range 20 {
		parts := []PartitionLag{pl(0, int64(i), 100+int64(3*i))}
		if i%4 != 1 {
			parts = append(parts, pl(1, int64(2*i), 90+int64(5*i)))
		}
		if i >= 15 {
			parts = append(parts, pl(2, 0, int64(i)))
		}
		h.Observe(snap(t0.Add(time.Duration(i)*time.Second), grp("g", 1, parts...)))
		all := Lags(h.GroupSamples("g"))
		for _, n := range []int{1, 2, 5, 6, 7, 32} {
			want := all[max(len(all)-n, 0):]
			if got := h.GroupLags("g", n, nil); !slices.Equal(got, want) {
				t.Fatalf("refresh %d, newest %d: GroupLags %v, want %v", i, n, got, want)
			}
		}
		for p := range int32(3) {
			all := Lags(h.PartitionSamples("g", p))
			if got := h.PartitionLags("g", p, 4, nil); !slices.Equal(got, all[max(len(all)-4, 0):]) {
				t.Fatalf("refresh %d, partition %d: PartitionLags %v, want the tail of %v", i, p, got, all)
			}
		}
	}
	if got := h.GroupLags("unknown", 4, nil); len(got) != 0 {
		t.Errorf("a group without history has lags %v", got)
	}
}

// TestRingWindow checks the samples of a ring from the first taken at or
// after a cut on are those, oldest first, whether they lie in one run of
// the ring's buffer or straddle its end.
func TestRingWindow(t *testing.T) {
	for _, added := range []int{3, 6, 7, 9, 12} {
		r := &ring{}
		for i := range added {
			r.add(Sample{At: int64(i), Lag: int64(10 * i)}, 6, 6)
		}
		all := r.appendTo(nil)
		for cut := int64(-1); cut <= int64(added); cut++ {
			var want []Sample
			for _, s := range all {
				if s.At >= cut {
					want = append(want, s)
				}
			}
			a, b := r.runs(r.search(cut))
			if got := append(slices.Clone(a), b...); !slices.Equal(got, want) {
				t.Errorf("%d added, cut %d: window %v, want %v", added, cut, got, want)
			}
		}
	}
}
