package cli

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
)

// parsedCommand builds the command tree, finds the command args name and
// parses its flags the way Execute would, without running it.
func parsedCommand(t *testing.T, args ...string) *cobra.Command {
	t.Helper()
	root := newRootCommand(&app{stdout: new(strings.Builder), stderr: new(strings.Builder), now: time.Now})
	cmd, rest, err := root.Find(args)
	if err != nil {
		t.Fatalf("find %v: %v", args, err)
	}
	if err := cmd.ParseFlags(rest); err != nil {
		t.Fatalf("parse %v: %v", rest, err)
	}
	return cmd
}

func TestResolveSettings(t *testing.T) {
	tests := []struct {
		name      string
		env       map[string]string
		args      []string
		want      Settings
		wantUsage string // non-empty: a usage error containing this
	}{
		{
			name: "defaults",
			args: []string{"lag"},
			want: Settings{Timeout: 10 * time.Second},
		},
		{
			name: "env only",
			env:  map[string]string{envBrokers: " a:1, b:2 ,,", envBase: "svc"},
			args: []string{"lag"},
			want: Settings{Brokers: []string{"a:1", "b:2"}, Base: "svc", Timeout: 10 * time.Second},
		},
		{
			name: "flags beat env",
			env:  map[string]string{envBrokers: "a:1", envBase: "svc"},
			args: []string{"lag", "--brokers", "c:3,d:4", "--base", "other", "--timeout", "2s"},
			want: Settings{Brokers: []string{"c:3", "d:4"}, Base: "other", Timeout: 2 * time.Second},
		},
		{
			name: "repeated --brokers accumulate",
			args: []string{"consume", "--brokers", "a:1", "--brokers", "b:2"},
			want: Settings{Brokers: []string{"a:1", "b:2"}, Timeout: 10 * time.Second},
		},
		{
			name: "demo ignores env brokers and defaults the base",
			env:  map[string]string{envBrokers: "a:1"},
			args: []string{"lag", "--demo"},
			want: Settings{Demo: true, Base: demoBase, Timeout: 10 * time.Second},
		},
		{
			name: "demo keeps an explicit base",
			args: []string{"lag", "--demo", "--base", "mine"},
			want: Settings{Demo: true, Base: "mine", Timeout: 10 * time.Second},
		},
		{
			name: "root reads --refresh",
			args: []string{"--refresh", "0s", "--brokers", "a:1"},
			want: Settings{Brokers: []string{"a:1"}, Timeout: 10 * time.Second},
		},
		{
			name: "root default refresh",
			args: []string{"--brokers", "a:1"},
			want: Settings{Brokers: []string{"a:1"}, Timeout: 10 * time.Second, Refresh: defaultRefresh},
		},
		{name: "demo with brokers", args: []string{"lag", "--demo", "--brokers", "a:1"}, wantUsage: "cannot be used together"},
		{name: "empty brokers", args: []string{"lag", "--brokers", " , "}, wantUsage: "--brokers is empty"},
		{name: "zero timeout", args: []string{"lag", "--timeout", "0s"}, wantUsage: "--timeout must be positive"},
		{name: "negative refresh", args: []string{"--refresh", "-1s"}, wantUsage: "--refresh"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(envBrokers, "")
			t.Setenv(envBase, "")
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			got, err := resolveSettings(parsedCommand(t, tt.args...))
			if tt.wantUsage != "" {
				if exitCode(err) != ExitUsage || !strings.Contains(err.Error(), tt.wantUsage) {
					t.Fatalf("err = %v (exit %d), want usage error containing %q", err, exitCode(err), tt.wantUsage)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.Brokers, tt.want.Brokers) || got.Base != tt.want.Base || got.Demo != tt.want.Demo ||
				got.Timeout != tt.want.Timeout || got.Refresh != tt.want.Refresh {
				t.Errorf("settings = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestKafkaConfig checks that the flags reach the client configuration
// the commands and the TUI connect with, read-only mode and client id
// included.
func TestKafkaConfig(t *testing.T) {
	tests := []struct {
		args     []string
		readOnly bool
		clientID string
	}{
		{[]string{"--brokers", "a:1,b:2", "--timeout", "3s"}, false, "kgroups"},
		{[]string{"--brokers", "a:1,b:2", "--timeout", "3s", "--read-only", "--client-id", "ops-laptop"}, true, "ops-laptop"},
	}
	for _, tt := range tests {
		s, err := resolveSettings(parsedCommand(t, append([]string{"lag"}, tt.args...)...))
		if err != nil {
			t.Fatal(err)
		}
		conn, err := (&app{now: time.Now}).prepare(context.Background(), s)
		if err != nil {
			t.Fatal(err)
		}
		cfg := conn.Config
		if !slices.Equal(cfg.Brokers, []string{"a:1", "b:2"}) || cfg.Timeout != 3*time.Second ||
			cfg.ReadOnly != tt.readOnly || cfg.ClientID != tt.clientID {
			t.Errorf("%v: config = %+v, want brokers a:1,b:2, timeout 3s, read-only %v, client id %s",
				tt.args, cfg, tt.readOnly, tt.clientID)
		}
	}
}
