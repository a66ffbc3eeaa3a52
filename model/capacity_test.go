package model

import (
	"testing"
	"time"
)

func TestHistoryCapacity(t *testing.T) {
	tests := []struct {
		name             string
		window, interval time.Duration
		want             int
	}{
		{"no refresh keeps the default", 5 * time.Minute, 0, DefaultHistoryCapacity},
		{"a short window keeps the default", 5 * time.Minute, 5 * time.Second, DefaultHistoryCapacity},
		{"a long window holds every sample and two more", 10 * time.Minute, time.Second, 602},
		{"bounded", 24 * time.Hour, time.Millisecond, MaxHistoryCapacity},
		{"just under the bound", time.Duration(MaxHistoryCapacity-2) * time.Second, time.Second, MaxHistoryCapacity},
		{"just over the bound", time.Duration(MaxHistoryCapacity-1) * time.Second, time.Second, MaxHistoryCapacity},
	}
	for _, tt := range tests {
		if got := HistoryCapacity(tt.window, tt.interval); got != tt.want {
			t.Errorf("%s: HistoryCapacity(%s, %s) = %d, want %d", tt.name, tt.window, tt.interval, got, tt.want)
		}
	}
}
