package kafka

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kgroups/kgroups/model"
)

// clusterTopics is what one metadata request says about the cluster's topics.
type clusterTopics struct {
	brokers int
	topics  []topicMeta // sorted by name
	byName  map[string]int
	byID    map[[16]byte]string
}

// topicMeta is one topic of a metadata response.
type topicMeta struct {
	name       string
	id         [16]byte
	internal   bool
	err        error
	partitions []partitionMeta // sorted by partition
}

type partitionMeta struct {
	partition int32
	leader    int32
	err       error
}

func (ct *clusterTopics) lookup(name string) (*topicMeta, bool) {
	i, ok := ct.byName[name]
	if !ok {
		return nil, false
	}
	return &ct.topics[i], true
}

// set returns the topic names as a set for group-name parsing.
func (ct *clusterTopics) set() model.TopicSet {
	names := make([]string, 0, len(ct.topics))
	for i := range ct.topics {
		names = append(names, ct.topics[i].name)
	}
	return model.NewTopicSet(names)
}

// isInternal reports topics Kafka (or a well-known tool) keeps for itself.
func isInternal(name string, flagged bool) bool {
	return flagged || strings.HasPrefix(name, "__")
}

// readTopics issues one metadata request, for every topic when names is
// empty, unless the client's cache is fresh. Per-topic and per-partition
// errors are kept, not returned.
func (c *Cluster) readTopics(ctx context.Context, names ...string) (*clusterTopics, error) {
	req := kmsg.NewPtrMetadataRequest()
	for _, n := range names {
		rt := kmsg.NewMetadataRequestTopic()
		rt.Topic = kmsg.StringPtr(n)
		req.Topics = append(req.Topics, rt)
	}
	resp, err := c.metadata(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("read cluster metadata: %w", err)
	}
	ct := &clusterTopics{
		brokers: len(resp.Brokers),
		topics:  make([]topicMeta, 0, len(resp.Topics)),
	}
	n := 0
	for _, rt := range resp.Topics {
		n += len(rt.Partitions)
	}
	all := make([]partitionMeta, 0, n) // one backing array for every topic's partitions
	for _, rt := range resp.Topics {
		if rt.Topic == nil {
			continue
		}
		tm := topicMeta{
			name:       *rt.Topic,
			id:         rt.TopicID,
			internal:   isInternal(*rt.Topic, rt.IsInternal),
			err:        kerr.ErrorForCode(rt.ErrorCode),
			partitions: all[len(all) : len(all) : len(all)+len(rt.Partitions)],
		}
		all = all[:len(all)+len(rt.Partitions)]
		for _, rp := range rt.Partitions {
			err := kerr.ErrorForCode(rp.ErrorCode)
			if errors.Is(err, kerr.ReplicaNotAvailable) {
				err = nil // a follower is down; the leader serves
			}
			tm.partitions = append(tm.partitions, partitionMeta{
				partition: rp.Partition,
				leader:    rp.Leader,
				err:       err,
			})
		}
		slices.SortFunc(tm.partitions, func(a, b partitionMeta) int { return int(a.partition) - int(b.partition) })
		ct.topics = append(ct.topics, tm)
	}
	slices.SortFunc(ct.topics, func(a, b topicMeta) int { return strings.Compare(a.name, b.name) })
	ct.byName = make(map[string]int, len(ct.topics))
	ct.byID = make(map[[16]byte]string, len(ct.topics))
	for i := range ct.topics {
		ct.byName[ct.topics[i].name] = i
		ct.byID[ct.topics[i].id] = ct.topics[i].name
	}
	return ct, nil
}

// metadata answers req from a broker the client knows, asked straight
// away: the client's cached metadata request stores and then copies every
// partition of the answer, which held a one-shot lag's offset listing up by
// 5 to 10 ms at 500 topics (and a snapshot's metadata is never reused: the
// next one comes after the cache's 250 ms). Before the client knows a
// broker, or if the one asked fails, the cached request answers, which
// finds the brokers from the seeds and retries.
func (c *Cluster) metadata(ctx context.Context, req *kmsg.MetadataRequest) (*kmsg.MetadataResponse, error) {
	if bs := c.cl.DiscoveredBrokers(); len(bs) > 0 {
		if resp, err := bs[0].Request(ctx, req); err == nil {
			return resp.(*kmsg.MetadataResponse), nil
		}
	}
	return c.cl.RequestCachedMetadata(ctx, req, 0)
}

// listTopicOffsets fills Start and End of every partition of topics with one
// ListOffsets for log start offsets and one for high watermarks, side by
// side. Partitions that fail keep their Err.
func (c *Cluster) listTopicOffsets(ctx context.Context, topics []model.Topic) {
	if len(topics) == 0 {
		return
	}
	var (
		wg         sync.WaitGroup
		start, end [][]listedOffset
	)
	wg.Go(func() { start = c.listOffsets(ctx, topics, -2) })
	wg.Go(func() { end = c.listOffsets(ctx, topics, -1) })
	wg.Wait()
	for i := range topics {
		t := &topics[i]
		if t.Err != nil {
			continue
		}
		for j := range t.Partitions {
			p := &t.Partitions[j]
			if p.Err != nil {
				continue // metadata already said why
			}
			s, e := start[i][j], end[i][j]
			switch {
			case !s.ok || !e.ok:
				p.Err = errors.New("partition missing from the offset listing")
			case s.err != nil:
				p.Err = s.err
			case e.err != nil:
				p.Err = e.err
			default:
				p.Start, p.End = s.offset, e.offset
			}
		}
	}
}

type topicPartition struct {
	topic     string
	partition int32
}

type listedOffset struct {
	offset int64
	err    error
	ok     bool // answered
}

// listOffsets lists the offset at timestamp (-2 log start, -1 high
// watermark) of every partition of topics. The answer is indexed like
// topics and their partitions.
//
// Each leader the topics' metadata names gets one request for all its
// partitions, sent straight to it, all side by side: the client's own
// sharding would look every partition up again in its metadata and regroup
// them, a tenth of a one-shot lag's CPU at 160,000 partitions. What that
// misses (a partition without a leader, a leader that could not be reached
// or no longer leads, a partition not answered) goes once more through the
// client's sharded request, which refreshes its metadata and retries.
func (c *Cluster) listOffsets(ctx context.Context, topics []model.Topic, timestamp int64) [][]listedOffset {
	n := 0
	for i := range topics {
		n += len(topics[i].Partitions)
	}
	out := make([][]listedOffset, len(topics))
	answers := make([]listedOffset, n)
	topicAt := make(map[string]int, len(topics))
	byLeader := make(map[int32]*kmsg.ListOffsetsRequest)
	rest := kmsg.NewPtrListOffsetsRequest() // for the client's sharded request
	for i := range topics {
		t := &topics[i]
		np := len(t.Partitions)
		out[i], answers = answers[:np:np], answers[np:]
		if t.Err != nil || np == 0 {
			continue
		}
		topicAt[t.Name] = i
		for _, p := range t.Partitions {
			req := rest
			if p.Leader >= 0 {
				if req = byLeader[p.Leader]; req == nil {
					req = kmsg.NewPtrListOffsetsRequest()
					byLeader[p.Leader] = req
				}
			}
			addListOffset(req, t.Name, p.Partition, timestamp)
		}
	}
	set := func(topic string, partition int32, lo listedOffset) {
		i, ok := topicAt[topic]
		if !ok {
			return
		}
		parts := topics[i].Partitions
		j := int(partition)
		if j < 0 || j >= len(parts) || parts[j].Partition != partition {
			// Partitions are sorted but not necessarily dense.
			var found bool
			if j, found = slices.BinarySearchFunc(parts, partition, func(p model.TopicPartition, n int32) int { return int(p.Partition - n) }); !found {
				return
			}
		}
		lo.ok = true
		out[i][j] = lo
	}

	// Each leader's answers set partitions of its own: the goroutines
	// write to distinct elements of out.
	var wg sync.WaitGroup
	for leader, req := range byLeader {
		wg.Go(func() {
			kresp, err := c.cl.Broker(int(leader)).Request(ctx, req)
			if err != nil {
				return // unanswered: retried below
			}
			for _, rt := range kresp.(*kmsg.ListOffsetsResponse).Topics {
				for _, rp := range rt.Partitions {
					if rp.ErrorCode == 0 {
						set(rt.Topic, rp.Partition, listedOffset{offset: rp.Offset})
					} else if err := kerr.ErrorForCode(rp.ErrorCode); !kerr.IsRetriable(err) {
						set(rt.Topic, rp.Partition, listedOffset{err: err})
					}
				}
			}
		})
	}
	wg.Wait()
	if len(byLeader) > 0 {
		for i := range topics {
			if _, asked := topicAt[topics[i].Name]; !asked {
				continue
			}
			for j, p := range topics[i].Partitions {
				if !out[i][j].ok && p.Leader >= 0 {
					addListOffset(rest, topics[i].Name, p.Partition, timestamp)
				}
			}
		}
	}
	if len(rest.Topics) == 0 {
		return out
	}
	for _, shard := range c.cl.RequestSharded(ctx, rest) {
		if shard.Err != nil {
			err := shard.Err
			if shard.Meta.NodeID >= 0 {
				err = fmt.Errorf("broker %d: %w", shard.Meta.NodeID, err)
			}
			for _, rt := range shard.Req.(*kmsg.ListOffsetsRequest).Topics {
				for _, rp := range rt.Partitions {
					set(rt.Topic, rp.Partition, listedOffset{err: err})
				}
			}
			continue
		}
		for _, rt := range shard.Resp.(*kmsg.ListOffsetsResponse).Topics {
			for _, rp := range rt.Partitions {
				set(rt.Topic, rp.Partition, listedOffset{offset: rp.Offset, err: kerr.ErrorForCode(rp.ErrorCode)})
			}
		}
	}
	return out
}

// addListOffset adds a partition of topic to req, after the partitions of
// the same topic added last.
func addListOffset(req *kmsg.ListOffsetsRequest, topic string, partition int32, timestamp int64) {
	if k := len(req.Topics); k == 0 || req.Topics[k-1].Topic != topic {
		rt := kmsg.NewListOffsetsRequestTopic()
		rt.Topic = topic
		req.Topics = append(req.Topics, rt)
	}
	rt := &req.Topics[len(req.Topics)-1]
	rp := kmsg.NewListOffsetsRequestTopicPartition()
	rp.Partition = partition
	rp.Timestamp = timestamp
	rt.Partitions = append(rt.Partitions, rp)
}

// listedGroup is one group of a ListGroups answer.
type listedGroup struct {
	id          string
	state       string
	typ         string // "classic", "consumer", "share", "streams"; "" from brokers before 3.8
	coordinator int32  // the broker that listed it: its coordinator then
}

// protocol names the group protocol as model.Group.Protocol does.
func (l listedGroup) protocol() string {
	if l.typ == "consumer" {
		return "consumer"
	}
	return "classic"
}

// listGroups lists the groups of every type on every broker. A broker that
// fails leaves its groups out and adds an item error; only a listing where
// every broker failed, or an authorization failure, is an error.
func (c *Cluster) listGroups(ctx context.Context) ([]listedGroup, []model.ItemError, error) {
	listed, err := c.adm.ListGroups(ctx)
	var itemErrs []model.ItemError
	if err != nil {
		se, ok := errors.AsType[*kadm.ShardErrors](err)
		if !ok || se.AllFailed {
			return nil, nil, fmt.Errorf("list consumer groups: %w", err)
		}
		for _, e := range se.Errs {
			itemErrs = append(itemErrs, model.ItemError{
				Kind: "cluster",
				Err:  fmt.Errorf("list groups on broker %d: %w", e.Broker.NodeID, e.Err),
			})
		}
	}
	out := make([]listedGroup, 0, len(listed))
	for _, l := range listed {
		out = append(out, listedGroup{id: l.Group, state: l.State, typ: l.GroupType, coordinator: l.Coordinator})
	}
	slices.SortFunc(out, func(a, b listedGroup) int { return strings.Compare(a.id, b.id) })
	return out, itemErrs, nil
}

// readTopicsAndGroups runs the metadata request and ListGroups side by side.
func (c *Cluster) readTopicsAndGroups(ctx context.Context, topics ...string) (*clusterTopics, []listedGroup, []model.ItemError, error) {
	var (
		wg               sync.WaitGroup
		ct               *clusterTopics
		metaErr, listErr error
		groups           []listedGroup
		itemErrs         []model.ItemError
	)
	wg.Go(func() { ct, metaErr = c.readTopics(ctx, topics...) })
	wg.Go(func() { groups, itemErrs, listErr = c.listGroups(ctx) })
	wg.Wait()
	if err := errors.Join(metaErr, listErr); err != nil {
		return nil, nil, nil, err
	}
	return ct, groups, itemErrs, nil
}

// DetectBases lists the cluster's groups and topics and returns the base
// prefixes their names suggest, most groups first (see model.DetectBases).
func (c *Cluster) DetectBases(ctx context.Context) (_ []model.BaseCount, err error) {
	defer c.diagnose(c.watch.mark(), &err)
	ct, groups, _, err := c.readTopicsAndGroups(ctx)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(groups))
	for _, g := range groups {
		ids = append(ids, g.id)
	}
	return model.DetectBases(ids, ct.set()), nil
}

// GroupsOnTopic returns the groups that are not under excludeBase but hold
// commits on topic, each with its lag on every partition of topic and its
// members, sorted by id. These groups follow no known naming, so only
// Name.Topic is set; ID is the group id. It reads offsets with one
// OffsetFetch for that topic alone over every such group. A group whose
// offsets could not be read is left out, since nothing says it touches
// topic; a describe failure lands in the group's Err.
func (c *Cluster) GroupsOnTopic(ctx context.Context, topic, excludeBase string) (_ []model.Group, err error) {
	defer c.diagnose(c.watch.mark(), &err)
	ct, listed, _, err := c.readTopicsAndGroups(ctx, topic)
	if err != nil {
		return nil, err
	}
	tm, ok := ct.lookup(topic)
	if !ok || errors.Is(tm.err, kerr.UnknownTopicOrPartition) {
		return nil, fmt.Errorf("topic %s does not exist", topic)
	}
	if tm.err != nil {
		return nil, fmt.Errorf("topic %s: %w", topic, tm.err)
	}

	byID := make(map[string]listedGroup)
	var ids []string
	var asked []listedGroup
	for _, l := range listed {
		if model.UnderBase(l.id, excludeBase) {
			continue
		}
		if l.typ == "share" { // share groups keep no consumer offsets
			continue
		}
		byID[l.id] = l
		ids = append(ids, l.id)
		asked = append(asked, l)
	}
	if len(ids) == 0 {
		return nil, nil
	}

	topics := topicsFromMeta([]topicMeta{*tm})
	var (
		wg      sync.WaitGroup
		commits map[string]groupCommits
	)
	wg.Go(func() { commits = c.fetchCommits(ctx, asked, tm, func() map[[16]byte]string { return ct.byID }) })
	wg.Go(func() { c.listTopicOffsets(ctx, topics) })
	wg.Wait()

	var holders []listedGroup
	for _, id := range ids {
		gc := commits[id]
		if gc.err == nil && len(gc.commits) > 0 {
			holders = append(holders, byID[id])
		}
	}
	described := c.describeGroups(ctx, ct, holders)

	out := make([]model.Group, 0, len(holders))
	for _, l := range holders {
		g := buildGroup(model.GroupName{Topic: topic}, l, described[l.id], commits[l.id], &topics[0])
		out = append(out, g)
	}
	c.fillOldestUnconsumed(ctx, ct, out, 0)
	return out, nil
}
