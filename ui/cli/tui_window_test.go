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

func TestTUITailBuffer(t *testing.T) {
	tests := []struct {
		args      []string
		want      int
		wantUsage string
	}{
		{nil, 10_000, ""},
		{[]string{"--tail-buffer", "500"}, 500, ""},
		{[]string{"--tail-buffer", "0"}, 0, "between 1 and 1,000,000"},
		{[]string{"--tail-buffer", "-3"}, 0, "between 1 and 1,000,000"},
		{[]string{"--tail-buffer", "2000000"}, 0, "between 1 and 1,000,000"},
	}
	for _, tt := range tests {
		got, err := tailBuffer(parsedCommand(t, tt.args...))
		if tt.wantUsage != "" {
			var ue *usageError
			if !errors.As(err, &ue) || !strings.Contains(err.Error(), tt.wantUsage) {
				t.Errorf("%v: error %v, want a usage error saying %q", tt.args, err, tt.wantUsage)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%v: %d (%v), want %d", tt.args, got, err, tt.want)
		}
	}
}

// TestTUITailBufferRefusedBeforeConnecting runs kgroups with a bad
// --tail-buffer and brokers nobody listens on: exit 2 at once, saying why.
func TestTUITailBufferRefusedBeforeConnecting(t *testing.T) {
	for value, want := range map[string]string{"0": "--tail-buffer must be between 1 and", "many": `invalid argument "many" for "--tail-buffer"`} {
		r := kgroups(t, "--brokers", "127.0.0.1:1", "--base", "b", "--tail-buffer", value)
		if r.code != 2 || !strings.Contains(r.stderr, want) {
			t.Errorf("--tail-buffer %s: exit %d, stderr %q; want exit 2 saying %q", value, r.code, r.stderr, want)
		}
	}
}
