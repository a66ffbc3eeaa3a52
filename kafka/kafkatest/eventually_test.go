package kafkatest

import (
	"errors"
	"testing"
	"time"
)

func TestPollReturnsOnceTheConditionHolds(t *testing.T) {
	calls := 0
	err := Poll(time.Minute, func() error {
		if calls++; calls < 3 {
			return errors.New("not yet")
		}
		return nil
	})
	if err != nil || calls != 3 {
		t.Errorf("Poll = %v after %d calls, want nil after 3", err, calls)
	}
}

func TestPollGivesTheLastErrorWhenTimeRunsOut(t *testing.T) {
	calls := 0
	err := Poll(0, func() error {
		calls++
		return errors.New("still waiting")
	})
	if err == nil || err.Error() != "still waiting" || calls != 1 {
		t.Errorf("Poll = %v after %d calls, want the condition's error after 1", err, calls)
	}
}
