package model

import (
	"errors"
	"reflect"
	"testing"
	"time"
)

func TestParseStatus(t *testing.T) {
	for word, want := range map[string]Status{
		"stalled": StatusStalled, "STOPPED": StatusStopped, "falling behind": StatusFallingBehind,
		"catching-up": StatusCatchingUp, "Catching_Up": StatusCatchingUp, " ok ": StatusOK, "unknown": StatusUnknown,
	} {
		if got, ok := ParseStatus(word); !ok || got != want {
			t.Errorf("ParseStatus(%q) = %v, %v; want %v", word, got, ok, want)
		}
	}
	for _, word := range []string{"", "stall", "behind", "FALLINGBEHIND"} {
		if _, ok := ParseStatus(word); ok {
			t.Errorf("ParseStatus(%q) accepted", word)
		}
	}
}

// TestLagCheck is the table of every check condition: each passes at its
// bound and fails past it, and a group that could not be read fails.
func TestLagCheck(t *testing.T) {
	errDown := errors.New("coordinator down")
	now := time.Date(2025, 1, 15, 10, 0, 0, 0, time.UTC)
	group := func(lag int64, oldest time.Duration) Group {
		p := PartitionLag{Partition: 0, Lag: lag}
		if oldest > 0 {
			p.OldestUnconsumed = now.Add(-oldest)
		}
		return Group{ID: "b-t", Lag: lag, Partitions: []PartitionLag{p, {Partition: 1}}}
	}
	tests := []struct {
		name   string
		check  LagCheck
		group  Group
		status Status
		want   []CheckFailure
	}{
		{"no condition", LagCheck{}, group(100, time.Hour), StatusStopped, nil},
		{"max lag met at the bound", LagCheck{MaxLag: 100, HasMaxLag: true}, group(100, 0), StatusOK, nil},
		{"max lag exceeded", LagCheck{MaxLag: 99, HasMaxLag: true}, group(100, 0), StatusOK,
			[]CheckFailure{{Group: "b-t", Condition: CheckMaxLag, Lag: 100}}},
		{"max lag 0 fails any lag", LagCheck{HasMaxLag: true}, group(1, 0), StatusOK,
			[]CheckFailure{{Group: "b-t", Condition: CheckMaxLag, Lag: 1}}},
		{"max time lag met", LagCheck{MaxTimeLag: time.Hour}, group(5, time.Hour), StatusOK, nil},
		{"max time lag exceeded", LagCheck{MaxTimeLag: time.Hour}, group(5, 90*time.Minute), StatusOK,
			[]CheckFailure{{Group: "b-t", Condition: CheckMaxTimeLag, TimeLag: 90 * time.Minute}}},
		{"time lag unknown does not fail", LagCheck{MaxTimeLag: time.Minute}, group(5, 0), StatusOK, nil},
		{"no lag has no time lag", LagCheck{MaxTimeLag: time.Minute}, group(0, 0), StatusOK, nil},
		{"status not listed", LagCheck{FailOn: []Status{StatusStalled, StatusStopped}}, group(5, 0), StatusCatchingUp, nil},
		{"status listed", LagCheck{FailOn: []Status{StatusStalled, StatusStopped}}, group(5, 0), StatusStopped,
			[]CheckFailure{{Group: "b-t", Condition: CheckStatus, Status: StatusStopped}}},
		{"every condition fails", LagCheck{MaxLag: 1, HasMaxLag: true, MaxTimeLag: time.Minute, FailOn: []Status{StatusStalled}},
			group(5, time.Hour), StatusStalled, []CheckFailure{
				{Group: "b-t", Condition: CheckMaxLag, Lag: 5},
				{Group: "b-t", Condition: CheckMaxTimeLag, TimeLag: time.Hour},
				{Group: "b-t", Condition: CheckStatus, Status: StatusStalled}}},
		{"unreadable group", LagCheck{MaxLag: 1000, HasMaxLag: true}, Group{ID: "b-t", Err: errDown}, StatusOK,
			[]CheckFailure{{Group: "b-t", Condition: CheckReadable, Err: errDown}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.check.Check(tt.group, tt.status, now); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Check = %+v, want %+v", got, tt.want)
			}
		})
	}
}
