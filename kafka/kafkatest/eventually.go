package kafkatest

import (
	"testing"
	"time"
)

// pollEvery is how often Eventually checks its condition.
const pollEvery = 20 * time.Millisecond

// Eventually calls cond until it returns nil, and fails the test with the
// last error cond returned if that has not happened within wait. It is the
// one way kgroups' tests wait for a cluster (or a program talking to one)
// to reach a state: a group joined, an offset written, goroutines gone.
// Waiting is never the assertion: cond says what must become true.
func Eventually(t testing.TB, wait time.Duration, cond func() error) {
	t.Helper()
	if err := Poll(wait, cond); err != nil {
		t.Fatalf("not within %s: %v", wait, err)
	}
}

// Poll is Eventually that returns the last error instead of failing the
// test, for callers that add what they know to the failure.
func Poll(wait time.Duration, cond func() error) error {
	deadline := time.Now().Add(wait)
	for {
		err := cond()
		if err == nil || time.Now().After(deadline) {
			return err
		}
		time.Sleep(pollEvery)
	}
}
