package cli

import (
	"strings"
	"testing"
)

func TestHistoryBudgetFlagValues(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		err  bool
	}{
		{"256", 256 << 20, false},
		{"256MiB", 256 << 20, false},
		{"1GiB", 1 << 30, false},
		{"1.5g", 3 << 29, false},
		{"500MB", 500e6, false},
		{"2048KiB", 2 << 20, false},
		{"10KB", 0, true},
		{"0", 0, true},
		{"-5MiB", 0, true},
		{"lots", 0, true},
	}
	for _, tt := range tests {
		var b byteSize
		err := b.Set(tt.in)
		if (err != nil) != tt.err || (err == nil && int64(b) != tt.want) {
			t.Errorf("%q: %d, %v; want %d, error %v", tt.in, b, err, tt.want, tt.err)
		}
	}
	b := defaultHistoryBudget
	if b.String() != "64MiB" {
		t.Errorf("default shows as %s", b.String())
	}
}

func TestHistoryBudgetFlagUsage(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"lag", "--base", "b", "--history-budget", "64MiB"}, "--history-budget needs --watch"},
		{[]string{"lag", "--base", "b", "--watch", "--history-budget", "10KB"}, "less than 1MiB"},
	} {
		r := kgroups(t, tt.args...)
		if r.code != ExitUsage || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want usage error with %q", tt.args, r.code, r.stderr, tt.want)
		}
	}
	for _, args := range [][]string{{"--help"}, {"lag", "--help"}} {
		if r := kgroups(t, args...); !strings.Contains(r.stdout, "--history-budget size") {
			t.Errorf("%v does not list --history-budget:\n%s", args, r.stdout)
		}
	}
}
