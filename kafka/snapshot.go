package kafka

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kgroups/kgroups/model"
)

// DefaultTimestampTimeout bounds the fetch for oldest-unconsumed timestamps.
const DefaultTimestampTimeout = 3 * time.Second

// SnapshotOptions narrows a snapshot.
type SnapshotOptions struct {
	// Topic, when set, limits the snapshot to groups of that topic and to
	// that topic's offsets.
	Topic string
	// SkipTimestamps skips the bounded fetch for oldest-unconsumed times.
	SkipTimestamps bool
	// TimestampTimeout bounds that fetch; DefaultTimestampTimeout when zero.
	// Partitions it does not reach keep a zero OldestUnconsumed.
	TimestampTimeout time.Duration
	// TimeLagMemo, when set, remembers the oldest-unconsumed timestamps
	// read, so that the next snapshot taken with it fetches only positions
	// it has not read before (see TimeLagMemo). A caller that takes
	// snapshots repeatedly keeps one per cluster connection.
	TimeLagMemo *TimeLagMemo
}

// errOffsetsUnknown marks the partitions of a group whose commits could not
// be read: their lag is unknown, not zero.
var errOffsetsUnknown = errors.New("committed offsets unavailable")

// Snapshot reads, in a fixed number of batched requests, the topics of the
// cluster with their offsets and every group under base with its lag.
//
// The requests: one metadata and one ListGroups side by side; as soon as
// the metadata is in, one ListOffsets each for log start and end offsets;
// once ListGroups is in too, side by side with those, one OffsetFetch for
// the groups under base; once the commits are in, one DescribeGroups
// (classic groups) and one ConsumerGroupDescribe (KIP-848 groups), and,
// once the offsets are in too, side by side with the describes, one bounded
// fetch for the oldest-unconsumed timestamps. Each is split per broker by
// the client.
//
// Partial failures keep partial data: a failing coordinator, an
// unauthorized topic or a partition without leader sets the item's Err and
// adds to Snapshot.Errors. The error is non-nil only when nothing useful
// could be read: the metadata request or ListGroups failed on every broker,
// or ctx ended.
func (c *Cluster) Snapshot(ctx context.Context, base string, opt SnapshotOptions) (_ model.Snapshot, err error) {
	defer c.diagnose(c.watch.mark(), &err)
	snap := model.Snapshot{
		Base:      base,
		TakenAt:   time.Now(),
		Bootstrap: slices.Clone(c.cfg.Brokers),
	}
	// The offsets of the topics need only the metadata: they are listed as
	// soon as it arrives, side by side with ListGroups and then with the
	// describes and offset fetches of the groups.
	var (
		offsets      sync.WaitGroup
		metaReady    = make(chan struct{})
		ct           *clusterTopics
		metaErr      error
		involved     []model.Topic
		missingTopic bool
	)
	offsets.Go(func() {
		ct, metaErr = c.readTopics(ctx)
		if metaErr == nil {
			// Topics whose offsets we list: all of them (the topics view
			// shows every topic's records), or only opt.Topic.
			if opt.Topic == "" {
				involved = topicsFromMeta(ct.topics)
			} else if tm, ok := ct.lookup(opt.Topic); ok {
				involved = topicsFromMeta([]topicMeta{*tm})
			} else {
				missingTopic = true
			}
		}
		close(metaReady)
		if metaErr == nil {
			c.listTopicOffsets(ctx, involved)
		}
	})
	listed, listErrs, listErr := c.listGroups(ctx)
	<-metaReady
	if err := errors.Join(metaErr, listErr); err != nil {
		offsets.Wait()
		return snap, fmt.Errorf("snapshot of %s: %w", strings.Join(c.cfg.Brokers, ","), err)
	}
	snap.Brokers = ct.brokers
	snap.Errors = append(snap.Errors, listErrs...)
	if missingTopic {
		snap.Errors = append(snap.Errors, model.ItemError{Kind: "topic", Name: opt.Topic, Err: kerr.UnknownTopicOrPartition})
	}

	// Groups under base; with opt.Topic, only those whose name can fit it
	// (commits decide between fits below, so nothing that may belong is lost).
	topicSet := ct.set()
	prefix := base + "-"
	var candidates []listedGroup
	var ids []string
	for _, l := range listed {
		if !model.UnderBase(l.id, base) || l.typ == "share" {
			continue
		}
		if _, ok := model.ParseGroupName(l.id, base, topicSet, nil); !ok {
			snap.Unmatched = append(snap.Unmatched, l.id)
			continue
		}
		if opt.Topic != "" {
			rest := l.id[len(prefix):]
			if rest != opt.Topic && !strings.HasPrefix(rest, opt.Topic+"-") {
				continue
			}
		}
		candidates = append(candidates, l)
		ids = append(ids, l.id)
	}

	// The describes answer only who is in a group; a group's lag and the
	// read of its oldest unconsumed records need only its commits and the
	// offsets. The commits go first: a client sends a coordinator both on
	// one connection, which the broker answers in order, and a describe
	// ahead would hold them up. The describes then run beside the building
	// of the lags and the time-lag read, which has a connection of its own.
	commits := c.fetchCommits(ctx, ids, nil)
	var (
		describing sync.WaitGroup
		described  map[string]describedGroup
	)
	describing.Go(func() { described = c.describeGroups(ctx, ct, candidates) })
	offsets.Wait()
	if err := ctx.Err(); err != nil {
		describing.Wait()
		// Every shard failed for the same reason: that is no partial data.
		return snap, fmt.Errorf("snapshot of %s: %w", strings.Join(c.cfg.Brokers, ","), err)
	}

	snap.Topics = involved
	topicIdx := make(map[string]int, len(involved))
	for i := range involved {
		topicIdx[involved[i].Name] = i
		snap.Errors = appendTopicErrors(snap.Errors, &involved[i])
	}

	groups := make([]model.Group, 0, len(candidates))
	listedOf := make([]listedGroup, 0, len(candidates)) // listedOf[i] is groups[i]'s listing
	var evidence []string
	for _, l := range candidates {
		gc := commits[l.id]
		evidence = gc.appendTopics(evidence[:0])
		name, ok := model.ParseGroupName(l.id, base, topicSet, evidence)
		if !ok {
			continue // cannot happen: it parsed without evidence above
		}
		if opt.Topic != "" && name.Topic != opt.Topic {
			continue
		}
		var topic *model.Topic
		if i, ok := topicIdx[name.Topic]; ok {
			topic = &involved[i]
		}
		groups = append(groups, groupLags(name, l, gc, topic))
		listedOf = append(listedOf, l)
	}

	var (
		reading sync.WaitGroup
		read    oldestUnconsumed
	)
	if !opt.SkipTimestamps {
		timeout := opt.TimestampTimeout
		if timeout <= 0 {
			timeout = DefaultTimestampTimeout
		}
		// The read copies what it needs from groups before its first fetch
		// and keeps no pointer into them; the loop below only sets each
		// partition's member, which the read does not look at.
		reading.Go(func() { read = c.readOldestUnconsumed(ctx, ct, groups, timeout, opt.TimeLagMemo) })
	}
	describing.Wait()

	snap.Groups = make([]model.Group, 0, len(groups))
	for i, g := range groups {
		l := listedOf[i]
		gc := commits[l.id]
		d := described[l.id]
		if gc.err == nil && len(gc.commits) == 0 && d.err == nil && (d.state == "Dead" || l.state == "Dead") {
			continue // a name without a group behind it
		}
		addDescribe(&g, d, gc.err)
		if d.err != nil {
			snap.Errors = append(snap.Errors, model.ItemError{Kind: "group", Name: l.id, Err: d.err})
		}
		if gc.err != nil {
			snap.Errors = append(snap.Errors, model.ItemError{Kind: "offsets", Name: l.id, Err: gc.err})
		}
		snap.Groups = append(snap.Groups, g)
	}

	if !opt.SkipTimestamps {
		reading.Wait()
		read.fill(ct, snap.Groups)
		snap.Errors = append(snap.Errors, read.errors()...)
	}
	return snap, nil
}

// topicsFromMeta starts model.Topics from metadata; offsets come later.
// All partitions share one backing array.
func topicsFromMeta(tms []topicMeta) []model.Topic {
	n := 0
	for i := range tms {
		n += len(tms[i].partitions)
	}
	all := make([]model.TopicPartition, n)
	out := make([]model.Topic, len(tms))
	for i := range tms {
		tm := &tms[i]
		parts := all[:len(tm.partitions):len(tm.partitions)]
		all = all[len(tm.partitions):]
		for j, p := range tm.partitions {
			parts[j] = model.TopicPartition{Partition: p.partition, Leader: p.leader, Err: p.err}
		}
		out[i] = model.Topic{Name: tm.name, Internal: tm.internal, Err: tm.err, Partitions: parts}
	}
	return out
}

// appendTopicErrors reports a topic's failure, or one error for all its
// partitions whose offsets are missing.
func appendTopicErrors(errs []model.ItemError, t *model.Topic) []model.ItemError {
	if t.Err != nil {
		return append(errs, model.ItemError{Kind: "topic", Name: t.Name, Err: t.Err})
	}
	var failed []string
	var first error
	for _, p := range t.Partitions {
		if p.Err != nil {
			failed = append(failed, fmt.Sprint(p.Partition))
			if first == nil {
				first = p.Err
			}
		}
	}
	if first == nil {
		return errs
	}
	return append(errs, model.ItemError{
		Kind: "partition",
		Name: t.Name,
		Err:  fmt.Errorf("offsets of partition(s) %s unavailable: %w", strings.Join(failed, ","), first),
	})
}

// buildGroup assembles a group from what the cluster said about it. topic is
// the group's topic (nil when its offsets were not listed).
func buildGroup(name model.GroupName, l listedGroup, d describedGroup, gc groupCommits, topic *model.Topic) model.Group {
	g := groupLags(name, l, gc, topic)
	addDescribe(&g, d, gc.err)
	return g
}

// groupLags is a group as its listing, commits and topic offsets show it:
// its lag on every partition of topic (nil when its offsets were not
// listed), without what a describe adds.
func groupLags(name model.GroupName, l listedGroup, gc groupCommits, topic *model.Topic) model.Group {
	g := model.Group{
		Name:     name,
		ID:       l.id,
		State:    l.state,
		Protocol: l.protocol(),
		Err:      gc.err,
	}
	var own map[int32]int64
	for _, cm := range gc.commits {
		if cm.Topic == name.Topic {
			if own == nil {
				own = make(map[int32]int64, len(gc.commits))
			}
			own[cm.Partition] = cm.Offset
			continue
		}
		g.OtherCommits = append(g.OtherCommits, cm)
	}
	if topic == nil {
		return g
	}
	g.Partitions = model.BuildPartitionLags(topic.Partitions, own)
	for i := range g.Partitions {
		p := &g.Partitions[i]
		if gc.err != nil && p.Err == nil {
			// Without the commits the lag is unknown, not end - start.
			p.Lag, p.Expired, p.Err = 0, 0, errOffsetsUnknown
		}
		g.Lag += p.Lag
		g.Expired += p.Expired
	}
	return g
}

// addDescribe adds to g what its describe said: state, members, which
// member holds each partition, and the describe's failure beside that of
// the offset fetch (offsetsErr).
func addDescribe(g *model.Group, d describedGroup, offsetsErr error) {
	if d.state != "" {
		g.State = d.state
	}
	g.Members = d.members
	g.Err = joinGroupErrs(d.err, offsetsErr)
	holders := partitionHolders(g.Name.Topic, g.Members)
	if holders == nil {
		return
	}
	for i := range g.Partitions {
		g.Partitions[i].Member = holders[g.Partitions[i].Partition]
	}
}

// partitionHolders maps the partitions of topic to "client-id@host" of the
// member assigned each.
func partitionHolders(topic string, members []model.Member) map[int32]string {
	var out map[int32]string
	for _, m := range members {
		for _, a := range m.Assigned {
			if a.Topic != topic {
				continue
			}
			if out == nil {
				out = make(map[int32]string)
			}
			for _, p := range a.Partitions {
				out[p] = m.ClientID + "@" + m.Host
			}
		}
	}
	return out
}

// describedGroup is what a describe says about one group.
type describedGroup struct {
	state   string
	members []model.Member
	err     error
}

// describeGroups describes classic groups with one DescribeGroups and
// KIP-848 groups with one ConsumerGroupDescribe, side by side. Every group
// asked for gets an entry; a failing coordinator fails only its groups.
func (c *Cluster) describeGroups(ctx context.Context, ct *clusterTopics, groups []listedGroup) map[string]describedGroup {
	var classic, consumer []string
	for _, l := range groups {
		if l.protocol() == "consumer" {
			consumer = append(consumer, l.id)
		} else {
			classic = append(classic, l.id)
		}
	}
	out := make(map[string]describedGroup, len(groups))
	var mu sync.Mutex
	set := func(id string, d describedGroup) {
		mu.Lock()
		out[id] = d
		mu.Unlock()
	}
	var wg sync.WaitGroup
	if len(classic) > 0 {
		wg.Go(func() { c.describeClassic(ctx, classic, set) })
	}
	if len(consumer) > 0 {
		wg.Go(func() { c.describeConsumer(ctx, ct, consumer, set) })
	}
	wg.Wait()
	return out
}

func (c *Cluster) describeClassic(ctx context.Context, ids []string, set func(string, describedGroup)) {
	req := kmsg.NewPtrDescribeGroupsRequest()
	req.Groups = ids
	for _, shard := range c.cl.RequestSharded(ctx, req) {
		if shard.Err != nil {
			failShard(shard, shard.Req.(*kmsg.DescribeGroupsRequest).Groups, set)
			continue
		}
		resp := shard.Resp.(*kmsg.DescribeGroupsResponse)
		for _, rg := range resp.Groups {
			d := describedState(shard, rg.State, rg.ErrorCode)
			for _, rm := range rg.Members {
				m := newMember(rm.MemberID, rm.ClientID, rm.ClientHost, rm.InstanceID)
				if rg.ProtocolType == "consumer" {
					var a kmsg.ConsumerMemberAssignment
					if a.ReadFrom(rm.MemberAssignment) == nil {
						for _, t := range a.Topics {
							m.Assigned = append(m.Assigned, model.TopicPartitions{Topic: t.Topic, Partitions: t.Partitions})
						}
					}
				}
				d.members = append(d.members, sortMember(m))
			}
			sortMembers(d.members)
			set(rg.Group, d)
		}
	}
}

func (c *Cluster) describeConsumer(ctx context.Context, ct *clusterTopics, ids []string, set func(string, describedGroup)) {
	req := kmsg.NewPtrConsumerGroupDescribeRequest()
	req.Groups = ids
	for _, shard := range c.cl.RequestSharded(ctx, req) {
		if shard.Err != nil {
			failShard(shard, shard.Req.(*kmsg.ConsumerGroupDescribeRequest).Groups, set)
			continue
		}
		resp := shard.Resp.(*kmsg.ConsumerGroupDescribeResponse)
		for _, rg := range resp.Groups {
			d := describedState(shard, rg.State, rg.ErrorCode)
			for _, rm := range rg.Members {
				m := newMember(rm.MemberID, rm.ClientID, rm.ClientHost, rm.InstanceID)
				for _, t := range rm.Assignment.TopicPartitions {
					topic := t.Topic
					if topic == "" { // newer brokers name assigned topics by ID only
						topic = ct.byID[t.TopicID]
					}
					m.Assigned = append(m.Assigned, model.TopicPartitions{Topic: topic, Partitions: t.Partitions})
				}
				d.members = append(d.members, sortMember(m))
			}
			sortMembers(d.members)
			set(rg.Group, d)
		}
	}
}

// failShard marks every group of a describe request that failed as a whole.
func failShard(shard kgo.ResponseShard, ids []string, set func(string, describedGroup)) {
	err := coordinatorErr(shard, shard.Err)
	for _, id := range ids {
		set(id, describedGroup{err: err})
	}
}

// describedState is a described group's state and error from its error
// code. A group deleted since it was listed reads as Dead, not as a failure.
func describedState(shard kgo.ResponseShard, state string, code int16) describedGroup {
	d := describedGroup{state: state}
	if err := kerr.ErrorForCode(code); err != nil {
		if errors.Is(err, kerr.GroupIDNotFound) {
			d.state = "Dead"
		} else {
			d.err = coordinatorErr(shard, err)
		}
	}
	return d
}

// newMember is a described group member without its assignment.
func newMember(id, clientID, host string, instanceID *string) model.Member {
	m := model.Member{ID: id, ClientID: clientID, Host: host}
	if instanceID != nil {
		m.InstanceID = *instanceID
	}
	return m
}

// joinGroupErrs folds a group's describe and offset-fetch failures into one
// line. The same denial on both says it once.
func joinGroupErrs(describe, offsets error) error {
	switch {
	case describe == nil:
		return offsets
	case offsets == nil:
		return describe
	case IsNotAuthorized(describe) && IsNotAuthorized(offsets):
		return describe
	}
	return fmt.Errorf("%v; offsets: %w", describe, offsets)
}

// coordinatorErr names the broker a failed group request went to. A request
// that never reached a coordinator failed finding one, unless it was denied.
func coordinatorErr(shard kgo.ResponseShard, err error) error {
	if shard.Meta.NodeID < 0 {
		if IsNotAuthorized(err) {
			return err
		}
		return fmt.Errorf("no coordinator: %w", err)
	}
	return fmt.Errorf("coordinator %d (%s:%d): %w", shard.Meta.NodeID, shard.Meta.Host, shard.Meta.Port, err)
}

func sortMember(m model.Member) model.Member {
	slices.SortFunc(m.Assigned, func(a, b model.TopicPartitions) int { return strings.Compare(a.Topic, b.Topic) })
	for _, a := range m.Assigned {
		slices.Sort(a.Partitions)
	}
	return m
}

func sortMembers(ms []model.Member) {
	slices.SortFunc(ms, func(a, b model.Member) int {
		if c := strings.Compare(a.ClientID, b.ClientID); c != 0 {
			return c
		}
		if c := strings.Compare(a.Host, b.Host); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
}

// groupCommits holds a group's committed offsets, sorted by topic and
// partition, or the error that kept them from being read.
type groupCommits struct {
	commits []model.Commit
	err     error
}

// appendTopics appends the distinct topics the group committed on, the
// evidence group-name parsing uses.
func (gc groupCommits) appendTopics(out []string) []string {
	for _, cm := range gc.commits {
		if len(out) == 0 || out[len(out)-1] != cm.Topic {
			out = append(out, cm.Topic)
		}
	}
	return out
}

// fetchCommits reads the committed offsets of groups with one OffsetFetch,
// split per coordinator by the client. With only set, it asks for that
// topic's partitions alone. Every group gets an entry.
func (c *Cluster) fetchCommits(ctx context.Context, groups []string, only *topicMeta) map[string]groupCommits {
	out := make(map[string]groupCommits, len(groups))
	if len(groups) == 0 {
		return out
	}
	req := kmsg.NewPtrOffsetFetchRequest()
	req.Groups = make([]kmsg.OffsetFetchRequestGroup, len(groups))
	var topics []kmsg.OffsetFetchRequestGroupTopic
	if only != nil {
		rt := kmsg.NewOffsetFetchRequestGroupTopic()
		rt.Topic = only.name
		rt.TopicID = only.id
		for _, p := range only.partitions {
			rt.Partitions = append(rt.Partitions, p.partition)
		}
		topics = []kmsg.OffsetFetchRequestGroupTopic{rt}
	}
	for i, g := range groups {
		rg := &req.Groups[i]
		rg.Default()
		rg.Group = g
		rg.Topics = topics
	}
	for _, shard := range c.cl.RequestSharded(ctx, req) {
		if shard.Err != nil {
			err := coordinatorErr(shard, shard.Err)
			for _, rg := range shard.Req.(*kmsg.OffsetFetchRequest).Groups {
				out[rg.Group] = groupCommits{err: err}
			}
			continue
		}
		resp := shard.Resp.(*kmsg.OffsetFetchResponse)
		for _, rg := range resp.Groups {
			gc := groupCommits{}
			if err := kerr.ErrorForCode(rg.ErrorCode); err != nil {
				gc.err = coordinatorErr(shard, err)
				out[rg.Group] = gc
				continue
			}
			n := 0
			for _, rt := range rg.Topics {
				n += len(rt.Partitions)
			}
			gc.commits = make([]model.Commit, 0, n)
			for _, rt := range rg.Topics {
				for _, rp := range rt.Partitions {
					if rp.ErrorCode != 0 || rp.Offset < 0 {
						continue // no commit (or an unreadable one) on this partition
					}
					cm := model.Commit{Topic: rt.Topic, Partition: rp.Partition, Offset: rp.Offset}
					if rp.Metadata != nil {
						cm.Metadata = *rp.Metadata
					}
					gc.commits = append(gc.commits, cm)
				}
			}
			slices.SortFunc(gc.commits, func(a, b model.Commit) int {
				if c := strings.Compare(a.Topic, b.Topic); c != 0 {
					return c
				}
				return int(a.Partition - b.Partition)
			})
			out[rg.Group] = gc
		}
	}
	// A group the coordinator did not answer for is a failure, not "no commits".
	for _, g := range groups {
		if _, ok := out[g]; !ok {
			out[g] = groupCommits{err: errors.New("coordinator did not answer for this group")}
		}
	}
	return out
}
