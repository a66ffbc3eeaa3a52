package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/kgroups/kgroups/model"
)

// errNothingRead is matched by the errors of a consume that read nothing
// while the group still has lag: it exits with ExitNothingRead.
var errNothingRead = errors.New("nothing read while the group has lag")

// nothingReadError says a consume read no record although its group has
// lag on the topic: the partitions with lag were held by other members.
type nothingReadError struct {
	group, topic string
	lag          int64
	parts        []int32 // partitions with lag
}

func (e *nothingReadError) Error() string {
	ps := make([]string, len(e.parts))
	for i, p := range e.parts {
		ps[i] = fmt.Sprint(p)
	}
	return fmt.Sprintf("read no records as group %s and committed nothing, but it still has lag %d on %s (partition(s) %s): other members hold them",
		e.group, e.lag, e.topic, strings.Join(ps, ","))
}

func (e *nothingReadError) Is(target error) bool { return target == errNothingRead }

// checkNothingLeft verifies, after a consume that returned no record, that
// the group really has read all of the topic: an empty batch only says the
// partitions this member was assigned are read to their end.
func checkNothingLeft(ctx context.Context, conn *connection, group, topic string) error {
	pos, err := conn.Cluster.Position(ctx, group, topic)
	if err != nil {
		return fmt.Errorf("read no records as group %s; check its lag on %s: %w", group, topic, err)
	}
	return emptyBatchError(group, topic, pos)
}

// emptyBatchError is checkNothingLeft on a position already read.
func emptyBatchError(group, topic string, pos []model.PartitionLag) error {
	e := &nothingReadError{group: group, topic: topic}
	for _, p := range pos {
		if p.Lag > 0 {
			e.lag += p.Lag
			e.parts = append(e.parts, p.Partition)
		}
	}
	if e.lag == 0 {
		return nil
	}
	return e
}
