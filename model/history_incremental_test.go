package model

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// TestIncrementalEvaluationMatchesFull checks that the evaluation a History
// keeps up as samples arrive (reading only a window's first and last
// samples and the marks the ring keeps) gives, field for field, what
// Evaluate gives over every sample of the window, on random runs: lags that
// rise, fall, touch zero and stay put, commits that stop and start, members
// that come and go, refreshes skipped, windows of every size, and budgets
// that thin the history or not.
func TestIncrementalEvaluationMatchesFull(t *testing.T) {
	seen := map[Status]int{}
	for seed := range uint64(300) {
		rng := rand.New(rand.NewPCG(seed, 12))
		capacity := []int{2, 3, 5, 8, 16, 62}[rng.IntN(6)]
		budget := int64(0)
		if rng.IntN(2) == 0 {
			// Room for a few samples a partition: thinned early and often.
			budget = int64(4 * (int(rng.IntN(12)+1)*SampleBytes + ringBytes))
		}
		cfg := EvalConfig{
			Window:     []time.Duration{0, 15 * time.Second, time.Minute, 5 * time.Minute}[rng.IntN(4)],
			MinSamples: rng.IntN(6),
		}
		name := fmt.Sprintf("seed %d capacity %d budget %d window %v min %d", seed, capacity, budget, cfg.Window, cfg.MinSamples)
		h := NewHistoryWith(HistoryOptions{Capacity: capacity, Budget: budget})
		parts := []PartitionLag{pl(0, 100, 100), pl(1, 0, 50), pl(2, 10, 500), {Partition: 3, End: 40, Lag: 40}}
		at := t0
		for step := range 150 {
			at = at.Add(time.Duration(1+rng.IntN(10)) * time.Second)
			for i := range parts {
				p := &parts[i]
				switch rng.IntN(6) {
				case 0: // quiet
				case 1: // records arrive
					p.End += int64(rng.IntN(20))
				case 2: // the group catches up
					p.Committed, p.HasCommitted = p.End, true
				default: // both move
					p.End += int64(rng.IntN(8))
					if rng.IntN(3) > 0 {
						p.Committed, p.HasCommitted = min(p.Committed+int64(rng.IntN(10)), p.End), true
					}
				}
				p.Lag, _ = ComputeLag(0, p.End, p.Committed, p.HasCommitted)
			}
			g := grp("g", rng.IntN(2), slices.Clone(parts)...)
			if rng.IntN(4) == 0 {
				// A partition whose offsets failed to load this refresh.
				g.Partitions[rng.IntN(len(parts))].Err = fmt.Errorf("no offsets")
			}
			h.Observe(snap(at, g))
			gh := h.groups["g"]
			// The group's window figures: from its first and last refresh,
			// as Evaluate gives them over every refresh summed.
			got, full := h.EvaluateGroup("g", cfg), Evaluate(h.GroupSamples("g"), gh.members, cfg)
			if got.Samples != full.Samples || got.Lag != full.Lag || got.LagDelta != full.LagDelta ||
				got.TimeLag != full.TimeLag || got.TimeLagDelta != full.TimeLagDelta {
				t.Fatalf("%s, step %d: group %+v, summed %+v", name, step, got.Evaluation, full)
			}
			for p, r := range gh.parts {
				want := Evaluate(r.appendTo(nil), gh.members, cfg)
				seen[want.Status]++
				if got := r.evaluate(gh.members, cfg); got != want {
					t.Fatalf("%s, step %d, partition %d over %v:\nincremental %+v\nfull        %+v", name, step, p, Lags(r.appendTo(nil)), got, want)
				}
			}
		}
	}
	for st := StatusUnknown; st <= StatusStopped; st++ {
		if seen[st] < 20 {
			t.Errorf("the runs reached %v %d times: %v", st, seen[st], seen)
		}
	}
}
