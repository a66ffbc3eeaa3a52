package model

import "testing"

func TestBuildPlanClampsAndCounts(t *testing.T) {
	current := BuildPartitionLags(
		[]TopicPartition{{Partition: 0, Start: 10, End: 100}, {Partition: 1, Start: 0, End: 50}, {Partition: 2, Start: 0, End: 5}},
		map[int32]int64{0: 40, 1: 50},
	)
	plan := BuildPlan("g", "t", "test", current, map[int32]int64{0: 5, 1: 20, 2: 99, 9: 1})
	if len(plan.Partitions) != 3 {
		t.Fatalf("plan has %d partitions, want 3 (unknown partition 9 ignored)", len(plan.Partitions))
	}
	p0, p1, p2 := plan.Partitions[0], plan.Partitions[1], plan.Partitions[2]
	if p0.New != 10 || !p0.Clamped || p0.LagBefore != 60 || p0.LagAfter != 90 || p0.Replayed() != 30 || p0.Skipped() != 0 {
		t.Fatalf("p0 %+v replayed %d skipped %d", p0, p0.Replayed(), p0.Skipped())
	}
	if p1.New != 20 || p1.Clamped || p1.LagBefore != 0 || p1.LagAfter != 30 || p1.Replayed() != 30 {
		t.Fatalf("p1 %+v", p1)
	}
	// No commit: the group would start at earliest, so moving to the end skips it all.
	if p2.New != 5 || !p2.Clamped || p2.HasCurrent || p2.Skipped() != 5 || p2.LagAfter != 0 || !p2.Changes() {
		t.Fatalf("p2 %+v skipped %d", p2, p2.Skipped())
	}
	if plan.LagBefore() != 65 || plan.LagAfter() != 120 {
		t.Fatalf("totals %d → %d", plan.LagBefore(), plan.LagAfter())
	}
}

func TestShiftTargets(t *testing.T) {
	current := BuildPartitionLags(
		[]TopicPartition{{Partition: 0, Start: 10, End: 100}, {Partition: 1, Start: 0, End: 50}},
		map[int32]int64{0: 5},
	)
	got := ShiftTargets(current, -3)
	// Partition 0's commit is below the log start: the group resumes at 10.
	if got[0] != 7 || got[1] != -3 {
		t.Fatalf("targets %v", got)
	}
}

func TestPlanPartitionExpired(t *testing.T) {
	current := BuildPartitionLags([]TopicPartition{{Partition: 0, Start: 40, End: 100}, {Partition: 1, Start: 40, End: 100}}, map[int32]int64{0: 25})
	plan := BuildPlan("g", "t", "test", current, map[int32]int64{0: 100, 1: 100})
	if got := plan.Partitions[0].Expired(); got != 15 {
		t.Fatalf("commit 25 below log start 40: expired %d, want 15", got)
	}
	if got := plan.Partitions[1].Expired(); got != 0 {
		t.Fatalf("no commit: expired %d, want 0", got)
	}
}
