package kafka

import (
	"errors"
	"fmt"
	"strings"

	"github.com/kgroups/kgroups/model"
)

// ErrGroupActive is matched (errors.Is) by *GroupActiveError.
var ErrGroupActive = errors.New("group has live members")

// GroupActiveError refuses to join a group that live members, not ours, hold:
// joining would rebalance the live service and take its partitions.
type GroupActiveError struct {
	Group   string
	Members []model.Member
}

func (e *GroupActiveError) Error() string {
	ids := make([]string, 0, len(e.Members))
	for _, m := range e.Members {
		ids = append(ids, m.ClientID+"@"+m.Host)
	}
	return fmt.Sprintf("group %s has %d live member(s) (%s): joining would rebalance them; use --force to join anyway",
		e.Group, len(e.Members), strings.Join(ids, ", "))
}

func (e *GroupActiveError) Is(target error) bool { return target == ErrGroupActive }

// DecodeError says a record's value did not decode into the requested type.
type DecodeError struct {
	Topic     string
	Partition int32
	Offset    int64
	Err       error
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("decode %s/%d@%d: %v", e.Topic, e.Partition, e.Offset, e.Err)
}

func (e *DecodeError) Unwrap() error { return e.Err }

// DefaultMaxConsumers bounds how many consumers a Registry caches.
const DefaultMaxConsumers = 32

// RegistryOption tunes a Registry.
type RegistryOption func(*registryOptions)

type registryOptions struct {
	maxConsumers int
	force        bool
}

// WithMaxConsumers bounds the cache; the least recently used consumer is
// closed (leaving its group cleanly) when a new one would exceed n.
func WithMaxConsumers(n int) RegistryOption {
	return func(o *registryOptions) { o.maxConsumers = n }
}

// WithForce lets the registry join groups that have live members.
func WithForce(force bool) RegistryOption {
	return func(o *registryOptions) { o.force = force }
}

// ConsumerKey identifies one cached consumer. A struct, never a joined
// string: topic "a-b" and topic "a" with suffix "b" are different keys.
type ConsumerKey struct {
	Topic  string
	Suffix string
}
