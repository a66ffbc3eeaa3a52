package kafka

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
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
// as soon as ListGroups is in, side by side with those, one OffsetFetch for
// the groups under base; once the commits are in, one DescribeGroups
// (classic groups) and one ConsumerGroupDescribe (KIP-848 groups), and,
// once the offsets are in too, side by side with the describes, one bounded
// fetch for the oldest-unconsumed timestamps. Each is split per broker: the
// group requests go to the coordinators that listed the groups, with no
// FindCoordinator (see sendCoordinated), the offset listings and the fetch
// to the partitions' leaders.
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

	// Groups under base; with opt.Topic, only those whose name can fit it
	// (commits decide between fits below, so nothing that may belong is
	// lost). Their commits need only the listing, so they are asked for
	// while the metadata may still be on its way; the names are checked
	// against the topics once it is in.
	prefix := base + "-"
	underBase := func(l listedGroup) bool { return model.UnderBase(l.id, base) && l.typ != "share" }
	mayFitTopic := func(l listedGroup) bool {
		rest := l.id[len(prefix):]
		return opt.Topic == "" || rest == opt.Topic || strings.HasPrefix(rest, opt.Topic+"-")
	}
	var asked []listedGroup
	for _, l := range listed {
		if underBase(l) && mayFitTopic(l) {
			asked = append(asked, l)
		}
	}
	// The describes answer only who is in a group; a group's lag and the
	// read of its oldest unconsumed records need only its commits and the
	// offsets. The commits go first: a client sends a coordinator both on
	// one connection, which the broker answers in order, and a describe
	// ahead would hold them up. The describes then run beside the building
	// of the lags and the time-lag read, which has a connection of its own.
	var (
		fetching sync.WaitGroup
		commits  map[string]groupCommits
	)
	names := func() map[[16]byte]string {
		<-metaReady
		if metaErr != nil {
			return nil
		}
		return ct.byID
	}
	fetching.Go(func() { commits = c.fetchCommits(ctx, asked, nil, names) })
	<-metaReady
	if err := errors.Join(metaErr, listErr); err != nil {
		fetching.Wait()
		offsets.Wait()
		return snap, fmt.Errorf("snapshot of %s: %w", strings.Join(c.cfg.Brokers, ","), err)
	}
	snap.Brokers = ct.brokers
	snap.Errors = append(snap.Errors, listErrs...)
	if missingTopic {
		snap.Errors = append(snap.Errors, model.ItemError{Kind: "topic", Name: opt.Topic, Err: kerr.UnknownTopicOrPartition})
	}
	topicSet := ct.set()
	candidates := make([]listedGroup, 0, len(asked))
	for _, l := range listed {
		if !underBase(l) {
			continue
		}
		if _, ok := model.ParseGroupName(l.id, base, topicSet, nil); !ok {
			snap.Unmatched = append(snap.Unmatched, l.id)
		} else if mayFitTopic(l) {
			candidates = append(candidates, l)
		}
	}
	fetching.Wait()
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

	// Names first, then every group's partitions in one allocation.
	type fit struct {
		name  model.GroupName
		l     listedGroup
		gc    groupCommits
		topic *model.Topic
	}
	fits := make([]fit, 0, len(candidates))
	parts := 0
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
		f := fit{name: name, l: l, gc: gc}
		if i, ok := topicIdx[name.Topic]; ok {
			f.topic = &involved[i]
			parts += len(f.topic.Partitions)
		}
		fits = append(fits, f)
	}

	// The time-lag read needs only the positions the groups resume at: it
	// starts from the commits and the offsets, and the groups are built
	// while it fetches.
	var (
		reading sync.WaitGroup
		read    oldestUnconsumed
	)
	if !opt.SkipTimestamps {
		timeout := opt.TimestampTimeout
		if timeout <= 0 {
			timeout = DefaultTimestampTimeout
		}
		wanted := func(yield func(tsWant) bool) {
			for _, f := range fits {
				ti, ok := ct.byName[f.name.Topic]
				if f.topic == nil || f.gc.err != nil || !ok {
					continue // no lag known, so none wanted
				}
				lo, hi := f.gc.on(f.name.Topic)
				for _, pl := range partitionLags(f.topic.Partitions, f.gc.commits[lo:hi]) {
					if pl.Lag <= 0 || pl.Err != nil {
						continue
					}
					if w, ok := wantOf(ct, ti, &pl); ok && !yield(w) {
						return
					}
				}
			}
		}
		reading.Go(func() { read = c.readOldestUnconsumed(ctx, ct, wanted, timeout, opt.TimeLagMemo) })
	}

	slab := make([]model.PartitionLag, parts)
	groups := make([]model.Group, len(fits))
	listedOf := make([]listedGroup, len(fits)) // listedOf[i] is groups[i]'s listing
	for i, f := range fits {
		var own []model.PartitionLag
		if f.topic != nil {
			n := len(f.topic.Partitions)
			own, slab = slab[:n:n], slab[n:]
		}
		groups[i] = groupLags(f.name, f.l, f.gc, f.topic, own)
		listedOf[i] = f.l
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
	g := groupLags(name, l, gc, topic, nil)
	addDescribe(&g, d, gc.err)
	return g
}

// groupLags is a group as its listing, commits and topic offsets show it:
// its lag on every partition of topic (nil when its offsets were not
// listed), without what a describe adds. The partitions are written into
// parts when it has room for them all.
func groupLags(name model.GroupName, l listedGroup, gc groupCommits, topic *model.Topic, parts []model.PartitionLag) model.Group {
	g := model.Group{
		Name:     name,
		ID:       l.id,
		State:    l.state,
		Protocol: l.protocol(),
		Err:      gc.err,
	}
	lo, hi := gc.on(name.Topic)
	if lo > 0 || hi < len(gc.commits) {
		g.OtherCommits = make([]model.Commit, 0, len(gc.commits)-(hi-lo))
		g.OtherCommits = append(append(g.OtherCommits, gc.commits[:lo]...), gc.commits[hi:]...)
	}
	if topic == nil {
		return g
	}
	if len(parts) != len(topic.Partitions) {
		parts = make([]model.PartitionLag, len(topic.Partitions))
	}
	for i, pl := range partitionLags(topic.Partitions, gc.commits[lo:hi]) {
		parts[i] = pl
	}
	byPartition := func(a, b model.PartitionLag) int { return cmp.Compare(a.Partition, b.Partition) }
	if !slices.IsSortedFunc(parts, byPartition) {
		slices.SortStableFunc(parts, byPartition)
	}
	g.Partitions = parts
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

// partitionLags yields a group's position on each partition of parts, in
// their order, given its commits on their topic (sorted by partition).
// Partitions from metadata are sorted, and are then matched with the
// commits in one walk; others are looked up.
func partitionLags(parts []model.TopicPartition, own []model.Commit) iter.Seq2[int, model.PartitionLag] {
	return func(yield func(int, model.PartitionLag) bool) {
		sorted := true
		for i := 1; i < len(parts) && sorted; i++ {
			sorted = parts[i-1].Partition < parts[i].Partition
		}
		rest := own
		for i, p := range parts {
			var cm *model.Commit
			if sorted {
				for len(rest) > 0 && rest[0].Partition < p.Partition {
					rest = rest[1:]
				}
				if len(rest) > 0 && rest[0].Partition == p.Partition {
					cm = &rest[0]
				}
			} else if k, ok := slices.BinarySearchFunc(own, p.Partition, func(c model.Commit, n int32) int { return cmp.Compare(c.Partition, n) }); ok {
				cm = &own[k]
			}
			var pl model.PartitionLag
			if cm != nil {
				pl = model.PartitionLagOf(p, cm.Offset, true)
			} else {
				pl = model.PartitionLagOf(p, 0, false)
			}
			if !yield(i, pl) {
				return
			}
		}
	}
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
	var classic, consumer []listedGroup
	for _, l := range groups {
		if l.protocol() == "consumer" {
			consumer = append(consumer, l)
		} else {
			classic = append(classic, l)
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

// describeClassic describes classic groups, one DescribeGroups per
// coordinator (see sendCoordinated).
func (c *Cluster) describeClassic(ctx context.Context, groups []listedGroup, set func(string, describedGroup)) {
	build := func(ids []string) kmsg.Request {
		req := kmsg.NewPtrDescribeGroupsRequest()
		req.Groups = ids
		return req
	}
	c.sendCoordinated(ctx, groups, build, func(shard kgo.ResponseShard, direct bool) (missed []string) {
		asked := shard.Req.(*kmsg.DescribeGroupsRequest).Groups
		if shard.Err != nil {
			failShard(shard, asked, set)
			return nil
		}
		resp := shard.Resp.(*kmsg.DescribeGroupsResponse)
		answered := make(map[string]bool, len(asked))
		for _, rg := range resp.Groups {
			if direct && rg.ErrorCode != 0 {
				continue // missed: asked again
			}
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
			answered[rg.Group] = true
		}
		return unanswered(direct, asked, answered)
	})
}

// describeConsumer describes KIP-848 groups, one ConsumerGroupDescribe per
// coordinator (see sendCoordinated).
func (c *Cluster) describeConsumer(ctx context.Context, ct *clusterTopics, groups []listedGroup, set func(string, describedGroup)) {
	build := func(ids []string) kmsg.Request {
		req := kmsg.NewPtrConsumerGroupDescribeRequest()
		req.Groups = ids
		return req
	}
	c.sendCoordinated(ctx, groups, build, func(shard kgo.ResponseShard, direct bool) (missed []string) {
		asked := shard.Req.(*kmsg.ConsumerGroupDescribeRequest).Groups
		if shard.Err != nil {
			failShard(shard, asked, set)
			return nil
		}
		resp := shard.Resp.(*kmsg.ConsumerGroupDescribeResponse)
		answered := make(map[string]bool, len(asked))
		for _, rg := range resp.Groups {
			if direct && rg.ErrorCode != 0 {
				continue // missed: asked again
			}
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
			answered[rg.Group] = true
		}
		return unanswered(direct, asked, answered)
	})
}

// unanswered is, for a coordinator asked directly, the groups of asked its
// answer did not describe.
func unanswered(direct bool, asked []string, answered map[string]bool) (missed []string) {
	if !direct {
		return nil
	}
	for _, id := range asked {
		if !answered[id] {
			missed = append(missed, id)
		}
	}
	return missed
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

// compareCommits orders commits by topic, then partition.
func compareCommits(a, b model.Commit) int {
	if c := strings.Compare(a.Topic, b.Topic); c != 0 {
		return c
	}
	return int(a.Partition - b.Partition)
}

// on is where the group's commits on topic are: gc.commits[lo:hi].
func (gc groupCommits) on(topic string) (lo, hi int) {
	lo, _ = slices.BinarySearchFunc(gc.commits, topic, func(c model.Commit, t string) int { return strings.Compare(c.Topic, t) })
	hi = lo
	for hi < len(gc.commits) && gc.commits[hi].Topic == topic {
		hi++
	}
	return lo, hi
}

// fetchCommits reads the committed offsets of groups with one OffsetFetch
// per coordinator (see sendCoordinated). With only set, it asks for that
// topic's partitions alone. Every group gets an entry. names gives the
// topics' names by ID, for brokers that answer with IDs alone (OffsetFetch
// v10); it is called only then, and may wait for the metadata.
func (c *Cluster) fetchCommits(ctx context.Context, groups []listedGroup, only *topicMeta, names func() map[[16]byte]string) map[string]groupCommits {
	out := make(map[string]groupCommits, len(groups))
	if len(groups) == 0 {
		return out
	}
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
	build := func(ids []string) kmsg.Request {
		req := kmsg.NewPtrOffsetFetchRequest()
		req.Groups = make([]kmsg.OffsetFetchRequestGroup, len(ids))
		for i, id := range ids {
			rg := &req.Groups[i]
			rg.Default()
			rg.Group = id
			rg.Topics = topics
		}
		return req
	}
	c.sendCoordinated(ctx, groups, build, func(shard kgo.ResponseShard, direct bool) (missed []string) {
		asked := shard.Req.(*kmsg.OffsetFetchRequest).Groups
		if shard.Err != nil {
			err := coordinatorErr(shard, shard.Err)
			for _, rg := range asked {
				out[rg.Group] = groupCommits{err: err}
			}
			return nil
		}
		resp := shard.Resp.(*kmsg.OffsetFetchResponse)
		if direct && resp.Version < 8 {
			// Groups in one request need version 8; the client's
			// sharded request splits them for older brokers.
			for _, rg := range asked {
				missed = append(missed, rg.Group)
			}
			return missed
		}
		// Every group's commits in one allocation.
		n := 0
		for _, rg := range resp.Groups {
			for _, rt := range rg.Topics {
				n += len(rt.Partitions)
			}
		}
		slab := make([]model.Commit, n)
		var byID map[[16]byte]string
	groups:
		for _, rg := range resp.Groups {
			for ti := range rg.Topics {
				rt := &rg.Topics[ti]
				if rt.Topic != "" || !direct {
					continue // the client's sharded request names them
				}
				if byID == nil {
					if byID = names(); byID == nil {
						byID = map[[16]byte]string{}
					}
				}
				if rt.Topic = byID[rt.TopicID]; rt.Topic == "" {
					continue groups // missed: the client's request can name it
				}
			}
			if err := kerr.ErrorForCode(rg.ErrorCode); err != nil {
				if direct {
					continue // missed: asked again below
				}
				out[rg.Group] = groupCommits{err: coordinatorErr(shard, err)}
				continue
			}
			n := 0
			for _, rt := range rg.Topics {
				n += len(rt.Partitions)
			}
			gc := groupCommits{commits: slab[:0:n]}
			slab = slab[n:]
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
			if !slices.IsSortedFunc(gc.commits, compareCommits) {
				slices.SortFunc(gc.commits, compareCommits)
			}
			out[rg.Group] = gc
		}
		if direct {
			for _, rg := range asked {
				if _, ok := out[rg.Group]; !ok {
					missed = append(missed, rg.Group)
				}
			}
		}
		return missed
	})
	// A group the coordinator did not answer for is a failure, not "no commits".
	for _, l := range groups {
		if _, ok := out[l.id]; !ok {
			out[l.id] = groupCommits{err: errors.New("coordinator did not answer for this group")}
		}
	}
	return out
}
