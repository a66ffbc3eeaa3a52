package format

import (
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"

	"github.com/kgroups/kgroups/model"
)

func TestAge(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{-time.Minute, "0s"},
		{0, "0s"},
		{999 * time.Millisecond, "0s"},
		{45 * time.Second, "45s"},
		{time.Minute, "1m00s"},
		{12*time.Minute + 5*time.Second, "12m05s"},
		{59*time.Minute + 59*time.Second, "59m59s"},
		{time.Hour, "1h00m"},
		{3*time.Hour + 5*time.Minute + 59*time.Second, "3h05m"},
		{24 * time.Hour, "1d00h"},
		{4*24*time.Hour + 2*time.Hour + 59*time.Minute, "4d02h"},
		{400 * 24 * time.Hour, "400d00h"},
	}
	for _, tt := range tests {
		if got := Age(tt.d); got != tt.want {
			t.Errorf("Age(%s) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

func TestAgeSince(t *testing.T) {
	now := time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		t    time.Time
		want string
	}{
		{time.Time{}, None},
		{now.Add(-36*time.Minute - 12*time.Second), "36m12s"},
		{now.Add(time.Minute), "0s"}, // a clock behind the broker's
	}
	for _, tt := range tests {
		if got := AgeSince(now, tt.t); got != tt.want {
			t.Errorf("AgeSince(%s) = %q, want %q", tt.t, got, tt.want)
		}
	}
}

func TestDuration(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "0s"},
		{time.Millisecond, "<1s"},
		{time.Second, "1s"},
		{90 * time.Second, "1m30s"},
	}
	for _, tt := range tests {
		if got := Duration(tt.d); got != tt.want {
			t.Errorf("Duration(%s) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

func TestRate(t *testing.T) {
	tests := []struct {
		v    float64
		want string
	}{
		{0, "0"},
		{0.004, "<0.01"},
		{0.01, "0.01"},
		{4.8, "4.80"},
		{9.999, "10.00"},
		{10, "10.0"},
		{99.94, "99.9"},
		{100, "100"},
		{12345.6, "12346"},
	}
	for _, tt := range tests {
		if got := Rate(tt.v); got != tt.want {
			t.Errorf("Rate(%v) = %q, want %q", tt.v, got, tt.want)
		}
		if got := PerSecond(tt.v); got != tt.want+"/s" {
			t.Errorf("PerSecond(%v) = %q, want %q", tt.v, got, tt.want+"/s")
		}
	}
}

func TestETAAndCatchUp(t *testing.T) {
	tests := []struct {
		name     string
		ev       model.Evaluation
		eta, say string
	}{
		{"no lag", model.Evaluation{Status: model.StatusOK}, "caught up", "caught up"},
		{"no lag, stopped", model.Evaluation{Status: model.StatusStopped, CatchUpNever: true}, "caught up", "caught up"},
		{"a steady stream", model.Evaluation{Status: model.StatusOK, Lag: 3, CatchUpNever: true}, "keeping pace", "keeping pace"},
		{"falling behind", model.Evaluation{Status: model.StatusFallingBehind, Lag: 300, CatchUpNever: true}, "never at this rate", "never at this rate"},
		{"catching up", model.Evaluation{Status: model.StatusCatchingUp, Lag: 58, CatchUp: 12*time.Minute + 5*time.Second}, "12m05s", "catches up in 12m05s"},
		{"almost there", model.Evaluation{Status: model.StatusCatchingUp, Lag: 1, CatchUp: time.Millisecond}, "<1s", "catches up in <1s"},
	}
	for _, tt := range tests {
		if got := ETA(tt.ev); got != tt.eta {
			t.Errorf("%s: ETA = %q, want %q", tt.name, got, tt.eta)
		}
		if got := CatchUp(tt.ev); got != tt.say {
			t.Errorf("%s: CatchUp = %q, want %q", tt.name, got, tt.say)
		}
	}
}

func TestCountSignedSize(t *testing.T) {
	counts := map[int64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -1234: "-1,234"}
	for n, want := range counts {
		if got := Count(n); got != want {
			t.Errorf("Count(%d) = %q, want %q", n, got, want)
		}
	}
	signed := map[int64]string{0: "0", 5: "+5", -21: "-21"}
	for n, want := range signed {
		if got := Signed(n); got != want {
			t.Errorf("Signed(%d) = %q, want %q", n, got, want)
		}
	}
	sizes := map[int]string{0: "0 B", 1023: "1023 B", 1536: "1.5 KiB", 1 << 20: "1.0 MiB"}
	for n, want := range sizes {
		if got := Size(n); got != want {
			t.Errorf("Size(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestStatusStyle(t *testing.T) {
	statuses := []model.Status{model.StatusUnknown, model.StatusOK, model.StatusCatchingUp,
		model.StatusFallingBehind, model.StatusStalled, model.StatusStopped}
	attention := map[model.Status]bool{model.StatusFallingBehind: true, model.StatusStalled: true, model.StatusStopped: true}
	seen := map[lipgloss.AdaptiveColor]model.Status{}
	for _, st := range statuses {
		s := StatusStyle(lipgloss.NewStyle(), st)
		if s.GetForeground() != StatusColor(st) {
			t.Errorf("%s: foreground %v, want %v", st, s.GetForeground(), StatusColor(st))
		}
		if s.GetBold() != attention[st] {
			t.Errorf("%s: bold %v, want %v", st, s.GetBold(), attention[st])
		}
		if s.GetReverse() != (st == model.StatusStopped) {
			t.Errorf("%s: reverse %v", st, s.GetReverse())
		}
		if plain := StatusEmphasis(lipgloss.NewStyle(), st); plain.GetForeground() != (lipgloss.NoColor{}) ||
			plain.GetBold() != s.GetBold() || plain.GetReverse() != s.GetReverse() {
			t.Errorf("%s: without colour, %+v is not the same weight as %+v", st, plain, s)
		}
		// Every status but STOPPED (STALLED's red, and bold) has a colour of its own.
		if prev, ok := seen[StatusColor(st)]; ok && st != model.StatusStopped {
			t.Errorf("%s shares its colour with %s", st, prev)
		}
		seen[StatusColor(st)] = st
	}
}
