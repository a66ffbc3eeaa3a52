package kafka

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/sasl/plain"

	"github.com/kgroups/kgroups/kafka/kafkatest"
	"github.com/kgroups/kgroups/model"
)

// snapshotDiagnosed takes a snapshot as the TUI does; Snapshot explains
// its failure itself.
func snapshotDiagnosed(c *Cluster) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := c.Snapshot(ctx, "svc", SnapshotOptions{SkipTimestamps: true})
	return err
}

// TestConnectDoesNotWait checks Connect returns a usable Cluster at once for
// an address nothing listens on, and its calls explain their failures.
func TestConnectDoesNotWait(t *testing.T) {
	addrs := []string{closedPort(t), closedPort(t)}
	start := time.Now()
	c, err := Connect(Config{Brokers: addrs, Timeout: 500 * time.Millisecond})
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	defer c.Close()
	if d := time.Since(start); d > 400*time.Millisecond {
		t.Errorf("Connect took %s: it must not wait for a broker", d)
	}
	err = snapshotDiagnosed(c)
	var unreachable *UnreachableError
	if !errors.As(err, &unreachable) {
		t.Fatalf("snapshot error = %T %v, want *UnreachableError", err, err)
	}
	for _, a := range addrs {
		if !strings.Contains(err.Error(), a) {
			t.Errorf("%q does not name %s", err, a)
		}
	}
	assertOneLineNoSecret(t, err.Error())

	if _, err := Connect(Config{}); err == nil {
		t.Error("Connect without brokers succeeded")
	}
}

func TestDiagnose(t *testing.T) {
	_, saslBrokers := kafkatest.NewCluster(t, kfake.EnableSASL(), kfake.User("PLAIN", "alice", testPassword))
	tests := []struct {
		name string
		cfg  Config
		want func(error) bool
	}{
		{"wrong password", Config{Brokers: saslBrokers, SASL: plain.Auth{User: "alice", Pass: "nope"}.AsMechanism()},
			func(err error) bool { var a *AuthError; return errors.As(err, &a) && a.Reason == AuthBadCredentials }},
		{"no SASL", Config{Brokers: saslBrokers},
			func(err error) bool { var a *AuthError; return errors.As(err, &a) && a.Reason == AuthMissing }},
		{"right password", Config{Brokers: saslBrokers, SASL: plain.Auth{User: "alice", Pass: testPassword}.AsMechanism()},
			func(err error) bool { return err == nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.Timeout = time.Second
			c, err := Connect(tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			err = snapshotDiagnosed(c)
			if !tt.want(err) {
				t.Errorf("error = %T %v", err, err)
			}
			if err != nil {
				assertOneLineNoSecret(t, err.Error())
			}
		})
	}

	// An error a broker answered with passes as it is.
	c, err := Connect(Config{Brokers: saslBrokers})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.diagnosed(c.watch.mark(), kerr.GroupAuthorizationFailed); !errors.Is(err, kerr.GroupAuthorizationFailed) || IsConnectionError(err) {
		t.Errorf("a broker's answer became %T %v", err, err)
	}
	if err := c.diagnosed(c.watch.mark(), nil); err != nil {
		t.Errorf("success became %v", err)
	}
}

// TestDiagnoseClusterGone stops a cluster that answered: the requests that
// follow are unreachable, never taken for missing SASL or TLS, and the
// same Cluster works again once the brokers listen on the same ports.
func TestDiagnoseClusterGone(t *testing.T) {
	addr := closedPort(t)
	_, p, _ := net.SplitHostPort(addr)
	port, _ := strconv.Atoi(p)
	kc, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.Ports(port))
	if err != nil {
		t.Skipf("cannot listen on %s: %v", addr, err)
	}
	c, err := Connect(Config{Brokers: []string{addr}, Timeout: 500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := snapshotDiagnosed(c); err != nil {
		t.Fatalf("first snapshot: %v", err)
	}
	kc.Close()
	for range 3 {
		err := snapshotDiagnosed(c)
		var unreachable *UnreachableError
		if !errors.As(err, &unreachable) {
			t.Fatalf("snapshot of a stopped cluster = %T %v, want *UnreachableError", err, err)
		}
	}
	kc, err = kfake.NewCluster(kfake.NumBrokers(1), kfake.Ports(port))
	if err != nil {
		t.Skipf("cannot listen on %s again: %v", addr, err)
	}
	defer kc.Close()
	kafkatest.Eventually(t, 20*time.Second, func() error {
		if err := snapshotDiagnosed(c); err != nil {
			return fmt.Errorf("the Cluster did not recover once the brokers were back: %w", err)
		}
		return nil
	})
}

// TestEveryCallExplainsItsFailure calls every exported call of a Cluster
// that talks to the cluster on one that refuses kgroups' password: each
// says so with an *AuthError, with no wrapping by the caller.
func TestEveryCallExplainsItsFailure(t *testing.T) {
	_, brokers := kafkatest.NewCluster(t, kfake.EnableSASL(), kfake.User("PLAIN", "alice", testPassword))
	c, err := Connect(Config{Brokers: brokers, Timeout: time.Second, SASL: plain.Auth{User: "alice", Pass: "nope"}.AsMechanism()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	offsets := map[int32]int64{0: 1}
	calls := map[string]func(ctx context.Context) error{
		"Snapshot":        func(ctx context.Context) error { _, err := c.Snapshot(ctx, "svc", SnapshotOptions{}); return err },
		"DetectBases":     func(ctx context.Context) error { _, err := c.DetectBases(ctx); return err },
		"GroupsOnTopic":   func(ctx context.Context) error { _, err := c.GroupsOnTopic(ctx, "t", "svc"); return err },
		"LiveMembers":     func(ctx context.Context) error { _, _, err := c.LiveMembers(ctx, "g"); return err },
		"Position":        func(ctx context.Context) error { _, err := c.Position(ctx, "g", "t"); return err },
		"CommittedTopics": func(ctx context.Context) error { _, err := c.CommittedTopics(ctx, "g"); return err },
		"PlanReset": func(ctx context.Context) error {
			_, err := c.PlanReset(ctx, "g", "t", ResetSpec{Mode: ResetToEarliest})
			return err
		},
		"PlanCreate":         func(ctx context.Context) error { _, err := c.PlanCreate(ctx, "g", "t", CreateStart{}); return err },
		"CommitOffsets":      func(ctx context.Context) error { return c.CommitOffsets(ctx, "g", "t", offsets) },
		"CommitIfUnchanged":  func(ctx context.Context) error { return c.CommitOffsetsIfUnchanged(ctx, "g", "t", offsets, offsets) },
		"DeleteGroup":        func(ctx context.Context) error { return c.DeleteGroup(ctx, "g") },
		"DeleteGroupOffsets": func(ctx context.Context) error { return c.DeleteGroupOffsets(ctx, "g", "t") },
		"Peek":               func(ctx context.Context) error { _, err := c.Peek(ctx, PeekRequest{Topic: "t", Max: 1}); return err },
		"PeekPlan": func(ctx context.Context) error {
			_, err := c.PeekPlan(ctx, PeekRequest{Topic: "t", Max: 1})
			return err
		},
		"PeekEach": func(ctx context.Context) error {
			_, err := c.PeekEach(ctx, PeekRequest{Topic: "t", Max: 1}, func([]model.Record) error { return nil })
			return err
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			err := call(ctx)
			var auth *AuthError
			if !errors.As(err, &auth) || auth.Reason != AuthBadCredentials {
				t.Errorf("error = %T %v, want *AuthError for a wrong password", err, err)
			}
		})
	}
}
