package cli

import (
	"context"
	"net"
	"slices"
	"testing"
	"time"
)

// TestTUIDeps checks what the TUI is started with: read-only from the flag,
// the environment or the configuration file, the bootstrap brokers, and a
// Cluster built without waiting for a broker, so an unreachable cluster
// opens the TUI (which shows it and retries) instead of exiting.
func TestTUIDeps(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := ln.Addr().String() // nothing listens there once closed
	ln.Close()
	file := writeConfigFile(t, t.TempDir(), "current-context: c\ncontexts:\n  c:\n    brokers: ["+down+"]\n    read-only: true\n", 0o600)
	tests := []struct {
		name         string
		env          map[string]string
		args         []string
		wantReadOnly bool
	}{
		{"default", nil, []string{"--brokers", down}, false},
		{"flag", nil, []string{"--brokers", down, "--read-only"}, true},
		{"environment", map[string]string{envReadOnly: "true"}, []string{"--brokers", down}, true},
		{"configuration file", map[string]string{envConfig: file}, nil, true},
		{"flag beats file", map[string]string{envConfig: file}, []string{"--read-only=false"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			s, err := resolveSettings(parsedCommand(t, tt.args...))
			if err != nil {
				t.Fatal(err)
			}
			a := &app{now: time.Now}
			conn, err := a.prepare(context.Background(), s)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			if conn.Cluster != nil {
				t.Fatal("prepare connected")
			}
			start := time.Now()
			c, err := connectTUI(conn)
			if err != nil {
				t.Fatalf("the TUI's connection to an unreachable cluster failed: %v", err)
			}
			if d := time.Since(start); d > time.Second {
				t.Errorf("connecting took %s: the TUI must start at once", d)
			}
			d, err := tuiDeps(conn, a)
			if err != nil {
				t.Fatal(err)
			}
			if d.Cluster != c || d.ReadOnly != tt.wantReadOnly || !slices.Equal(d.Brokers, []string{down}) {
				t.Errorf("deps: read-only %v (want %v), brokers %v (want %s)", d.ReadOnly, tt.wantReadOnly, d.Brokers, down)
			}
			if d.Cluster.Config().ReadOnly != tt.wantReadOnly {
				t.Errorf("the cluster's configuration says read-only %v, want %v", d.Cluster.Config().ReadOnly, tt.wantReadOnly)
			}
		})
	}
}
