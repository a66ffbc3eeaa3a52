package cli

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/model"
)

// TestFlagAdvice checks that the CLI, not the kafka layer, names the flags
// that get a user out of a typed kafka error, wrapped or not, and names
// none where no flag helps.
func TestFlagAdvice(t *testing.T) {
	down := &kafka.UnreachableError{Brokers: []string{"127.0.0.1:1"}, Err: errors.New("connection refused")}
	live := []model.Member{{ClientID: "svc", Host: "/10.0.0.1"}}
	tests := []struct {
		err  error
		want string
	}{
		{kafka.ErrNoBrokers, "kgroups: no brokers given: pass --brokers host:port or use --demo"},
		{down, "kgroups: cannot reach Kafka at 127.0.0.1:1: connection refused (check --brokers and that the cluster is up)"},
		{fmt.Errorf("plan the reset of group g: %w", down),
			"kgroups: plan the reset of group g: cannot reach Kafka at 127.0.0.1:1: connection refused (check --brokers and that the cluster is up)"},
		{&kafka.GroupActiveError{Group: "g", Members: live},
			"kgroups: group g has 1 live member(s) (svc@/10.0.0.1): joining would rebalance them; use --force to join anyway"},
		{&kafka.GroupActiveError{Group: "g", Members: live, Op: kafka.OpCommit},
			"kgroups: group g has 1 live member(s) (svc@/10.0.0.1): stop them before committing offsets"},
		{errors.New("topic t does not exist"), "kgroups: topic t does not exist"},
	}
	for _, tt := range tests {
		if got := errorLine(context.Background(), tt.err); got != tt.want {
			t.Errorf("%v:\n got %s\nwant %s", tt.err, got, tt.want)
		}
	}
}
