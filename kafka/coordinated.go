package kafka

import (
	"context"
	"sync"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// sendCoordinated sends a request about groups to their coordinators.
//
// ListGroups asks every broker for the groups it coordinates, so each broker
// that listed some of groups gets one request for them, build(their ids),
// straight away and side by side: the client's sharded request would first
// look every group's coordinator up, a FindCoordinator round trip and a
// fifth of a one-shot lag's wall time at 2,000 groups. take gets each answer
// in turn (never two at once), with direct true, and returns the ids it got
// no usable answer for: a coordinator that moved since the listing, one
// still loading, a group the answer left out, any failure. Those and the
// groups of a broker that could not be reached go once through the
// client's sharded request, which finds their coordinators and retries;
// its shards go to take with direct false, and what take returns then is
// ignored.
func (c *Cluster) sendCoordinated(ctx context.Context, groups []listedGroup, build func(ids []string) kmsg.Request, take func(shard kgo.ResponseShard, direct bool) (missed []string)) {
	if len(groups) == 0 {
		return
	}
	byCoordinator := make(map[int32][]string)
	for _, l := range groups {
		byCoordinator[l.coordinator] = append(byCoordinator[l.coordinator], l.id)
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		rest []string
	)
	for node, ids := range byCoordinator {
		wg.Go(func() {
			req := build(ids)
			resp, err := c.cl.Broker(int(node)).Request(ctx, req)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				rest = append(rest, ids...)
				return
			}
			shard := kgo.ResponseShard{Meta: kgo.BrokerMetadata{NodeID: node}, Req: req, Resp: resp}
			rest = append(rest, take(shard, true)...)
		})
	}
	wg.Wait()
	if len(rest) == 0 {
		return
	}
	for _, shard := range c.cl.RequestSharded(ctx, build(rest)) {
		take(shard, false)
	}
}
