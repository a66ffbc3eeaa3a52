package kafka

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"

	"github.com/kgroups/kgroups/model"
)

// LiveMembers describes one group, classic and KIP-848 alike, and returns its
// state and its live members with their assignments, sorted by member id.
// A group the cluster does not know is "Dead" with no members, not an error.
// Kafka's refusal to commit offsets or join safely hinges on this answer, so
// any failure to describe the group is returned rather than read as "empty".
func (c *Cluster) LiveMembers(ctx context.Context, group string) (state string, members []model.Member, err error) {
	defer c.diagnose(c.watch.mark(), &err)
	classic, err := c.adm.DescribeGroups(ctx, group)
	if err != nil {
		return "", nil, fmt.Errorf("describe group %s: %w", group, err)
	}
	state = "Dead"
	if g, ok := classic[group]; ok {
		switch {
		case errors.Is(g.Err, kerr.GroupIDNotFound):
		case g.Err != nil:
			return "", nil, fmt.Errorf("describe group %s: %w", group, g.Err)
		default:
			if g.State != "" {
				state = g.State
			}
			for _, m := range g.Members {
				members = append(members, classicMember(m))
			}
		}
	}

	next, err := c.adm.DescribeConsumerGroups(ctx, group)
	switch {
	case err == nil:
	case unsupportedRequest(err):
		// A broker without KIP-848 cannot hold such a group.
	default:
		return "", nil, fmt.Errorf("describe consumer group %s: %w", group, err)
	}
	if g, ok := next[group]; ok {
		switch {
		case errors.Is(g.Err, kerr.GroupIDNotFound):
		case g.Err != nil:
			return "", nil, fmt.Errorf("describe consumer group %s: %w", group, g.Err)
		default:
			if g.State != "" {
				state = g.State
			}
			for _, m := range g.Members {
				members = append(members, consumerMember(m))
			}
		}
	}
	sort.Slice(members, func(i, j int) bool { return members[i].ID < members[j].ID })
	return state, members, nil
}

// unsupportedRequest reports whether err says the broker does not know the
// request at all (too old), as opposed to failing it.
func unsupportedRequest(err error) bool {
	if errors.Is(err, kerr.UnsupportedVersion) {
		return true
	}
	var se *kadm.ShardErrors
	if errors.As(err, &se) {
		for _, e := range se.Errs {
			if !errors.Is(e.Err, kerr.UnsupportedVersion) && e.Err.Error() != errBrokerTooOldText {
				return false
			}
		}
		return len(se.Errs) > 0
	}
	return err.Error() == errBrokerTooOldText
}

// errBrokerTooOldText is kgo's unexported errBrokerTooOld message: a request
// the broker's ApiVersions does not list fails with it before being sent.
const errBrokerTooOldText = "broker is too old; the broker has already indicated it will not know how to handle the request"

func classicMember(m kadm.DescribedGroupMember) model.Member {
	out := newMember(m.MemberID, m.ClientID, m.ClientHost, m.InstanceID)
	if a, ok := m.Assigned.AsConsumer(); ok {
		for _, t := range a.Topics {
			out.Assigned = append(out.Assigned, model.TopicPartitions{Topic: t.Topic, Partitions: slices.Clone(t.Partitions)})
		}
	}
	sortAssigned(out.Assigned)
	return out
}

func consumerMember(m kadm.ConsumerGroupMember) model.Member {
	out := newMember(m.MemberID, m.ClientID, m.ClientHost, m.InstanceID)
	for topic, parts := range m.Assignment {
		ps := make([]int32, 0, len(parts))
		for p := range parts {
			ps = append(ps, p)
		}
		out.Assigned = append(out.Assigned, model.TopicPartitions{Topic: topic, Partitions: ps})
	}
	sortAssigned(out.Assigned)
	return out
}

func sortAssigned(ts []model.TopicPartitions) {
	sort.Slice(ts, func(i, j int) bool { return ts[i].Topic < ts[j].Topic })
	for _, t := range ts {
		slices.Sort(t.Partitions)
	}
}
