package cli

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestTUIWindow(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		refresh   time.Duration
		want      time.Duration
		wantUsage string
	}{
		{"default", nil, 5 * time.Second, 5 * time.Minute, ""},
		{"default stretches to a slow refresh", nil, 5 * time.Minute, 10 * time.Minute, ""},
		{"given", []string{"--window", "1m"}, 5 * time.Second, time.Minute, ""},
		{"no refresh: any window", []string{"--window", "1s"}, 0, time.Second, ""},
		{"too short for the refresh", []string{"--window", "8s"}, 5 * time.Second, 0, "at least 10s"},
		{"zero", []string{"--window", "0s"}, 5 * time.Second, 0, "must be positive"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tuiWindow(parsedCommand(t, tt.args...), tt.refresh)
			if tt.wantUsage != "" {
				var ue *usageError
				if !errors.As(err, &ue) || !strings.Contains(err.Error(), tt.wantUsage) {
					t.Fatalf("error %v, want a usage error saying %q", err, tt.wantUsage)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("window %s (%v), want %s", got, err, tt.want)
			}
		})
	}
}
