package kafka

import (
	"container/list"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kgroups/kgroups/model"
)

// ErrGroupActive is matched (errors.Is) by *GroupActiveError.
var ErrGroupActive = errors.New("group has live members")

// GroupActiveError refuses to join a group that live members, not ours, hold:
// joining would rebalance the live service and take its partitions. The same
// error refuses a plain offset commit (Op OpCommit) on a group with members.
type GroupActiveError struct {
	Group   string
	State   string // the group's state when it was described, if known
	Members []model.Member
	Op      string // OpJoin (the zero value) or OpCommit

	// OwnClientID is the client id this kgroups announces, when known: a
	// live member with the same id is most likely a kgroups process that
	// was killed and never left, and the message says so.
	OwnClientID string
}

// RegistrySessionTimeout is the session timeout of the registry's group
// members: a member that stops without leaving (a killed process) stays in
// its group until this long after its last heartbeat.
const RegistrySessionTimeout = 45 * time.Second

// Operations a GroupActiveError can refuse.
const (
	OpJoin   = ""       // joining the group to consume
	OpCommit = "commit" // committing offsets without joining
	OpReset  = "reset"  // moving offsets by a plan
	OpDelete = "delete" // deleting the group or its offsets
)

var opAdvice = map[string]string{
	OpCommit: "stop them before committing offsets",
	OpReset:  "stop them before resetting its offsets",
	OpDelete: "stop them before deleting the group or its offsets",
}

func (e *GroupActiveError) Error() string {
	ids := make([]string, 0, len(e.Members))
	for _, m := range e.Members {
		ids = append(ids, m.ClientID+"@"+m.Host)
	}
	advice, ok := opAdvice[e.Op]
	if !ok {
		advice = "joining would rebalance them; use --force to join anyway"
	}
	msg := fmt.Sprintf("group %s has %d live member(s) (%s): %s",
		e.Group, len(e.Members), strings.Join(ids, ", "), advice)
	if own := e.memberIDs(e.KgroupsMembers()); len(own) > 0 {
		msg += fmt.Sprintf("; %s %s kgroups' client id %q: probably a kgroups consume that was killed before it could leave; the broker drops it once its session times out, %s after its last heartbeat",
			strings.Join(own, ", "), plural(len(own), "uses", "use"), e.OwnClientID, RegistrySessionTimeout)
	}
	return msg
}

// KgroupsMembers returns the members that announce kgroups' own client id
// (OwnClientID): most likely kgroups processes killed before they could
// leave, which the broker drops RegistrySessionTimeout after their last
// heartbeat.
func (e *GroupActiveError) KgroupsMembers() []model.Member {
	if e.OwnClientID == "" {
		return nil
	}
	var own []model.Member
	for _, m := range e.Members {
		if m.ClientID == e.OwnClientID {
			own = append(own, m)
		}
	}
	return own
}

func (e *GroupActiveError) memberIDs(members []model.Member) []string {
	ids := make([]string, 0, len(members))
	for _, m := range members {
		ids = append(ids, m.ClientID+"@"+m.Host)
	}
	return ids
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// ErrNotAssigned is matched (errors.Is) by *NotAssignedError.
var ErrNotAssigned = errors.New("joined the group but was assigned no partitions")

// NotAssignedError says a call joined its group (forced, beside live
// members) and was assigned no partition of the topic: the live members kept
// them. Nothing was read or committed, whatever the group's lag.
type NotAssignedError struct {
	Group   string
	Topic   string
	Members []model.Member // the other members, as described after the call
}

func (e *NotAssignedError) Error() string {
	ids := make([]string, 0, len(e.Members))
	for _, m := range e.Members {
		ids = append(ids, m.ClientID+"@"+m.Host)
	}
	who := "the other members"
	if len(ids) > 0 {
		who = fmt.Sprintf("the live member(s) %s", strings.Join(ids, ", "))
	}
	return fmt.Sprintf("joined group %s but was assigned no partitions of %s: %s kept them; nothing was read or committed",
		e.Group, e.Topic, who)
}

func (e *NotAssignedError) Is(target error) bool { return target == ErrNotAssigned }

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

// ErrRegistryClosed is returned by calls on a closed Registry.
var ErrRegistryClosed = errors.New("consumer registry is closed")

const (
	// registryFetchMaxWait bounds the broker's long poll (kgo's default is
	// 5 s; the service's librdkafka waits 500 ms). The registry polls only
	// when its offsets say records are there, so this mostly bounds how long
	// a cursor move (a rewind) waits behind an idle fetch, and it sets the
	// background fetch rate of an idle cached consumer.
	registryFetchMaxWait = 500 * time.Millisecond

	// registryIdleWait is how long a poll may bring nothing while the
	// offsets say records remain (a rebalance moved them, or the tail is an
	// aborted transaction's records that read_committed skips) before the
	// call re-reads the end offsets and stops if they have not moved.
	registryIdleWait = 3 * time.Second

	// registryCommitTimeout bounds the commit of a batch its caller has
	// accepted, which runs to the end even when the call's context ends.
	registryCommitTimeout = 10 * time.Second
)

// Registry is the Go port of the service's consumer registry: one consumer
// group member per (topic, suffix), created on first use, reused, and
// committing exactly the records each call returns. The zero value is not
// usable; build one with NewRegistry. A Registry is safe for concurrent use;
// calls on the same key run one at a time.
type Registry struct {
	base  string
	cfg   Config
	opts  registryOptions
	admin *Cluster

	// ctx ends with Close so that calls in flight return promptly.
	ctx    context.Context
	cancel context.CancelFunc

	mu        sync.Mutex
	consumers map[ConsumerKey]*list.Element // values are *registryConsumer
	lru       *list.List                    // front: most recently used
	closed    bool

	// leaving holds evicted consumers until they have left their group:
	// a new consumer of the same group waits for them rather than join
	// beside them (a rebalance with itself) or refuse them as foreign.
	leaving  map[*registryConsumer]struct{}
	evicting sync.WaitGroup // Close waits for evictions in progress
	created  uint64         // consumers created so far, numbering them
}

// NewRegistry dials an admin connection with cfg (used for the safety check
// and offset reads) and returns an empty registry for groups under base.
// With cfg.ReadOnly every call fails with ErrReadOnly, since calls commit.
func NewRegistry(base string, cfg Config, opts ...RegistryOption) (*Registry, error) {
	if base == "" {
		return nil, errors.New("consumer registry: empty base group id")
	}
	o := registryOptions{maxConsumers: DefaultMaxConsumers}
	for _, opt := range opts {
		opt(&o)
	}
	if o.maxConsumers < 1 {
		return nil, fmt.Errorf("consumer registry: max consumers %d, want at least 1", o.maxConsumers)
	}
	admin, err := Dial(context.Background(), cfg)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Registry{
		base:      base,
		cfg:       cfg,
		opts:      o,
		admin:     admin,
		ctx:       ctx,
		cancel:    cancel,
		consumers: make(map[ConsumerKey]*list.Element),
		leaving:   make(map[*registryConsumer]struct{}),
		lru:       list.New(),
	}, nil
}

// Group returns the consumer group id the registry uses for key.
func (r *Registry) Group(key ConsumerKey) string {
	return model.GroupName{Base: r.base, Topic: key.Topic, Suffix: key.Suffix}.String()
}

// Len returns how many consumers are cached.
func (r *Registry) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.consumers)
}

// Close closes every cached consumer, each leaving its group cleanly, and the
// admin connection. Calls in flight are cancelled. No goroutine of the
// registry outlives Close. Close is idempotent.
func (r *Registry) Close() {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return
	}
	r.closed = true
	all := make([]*registryConsumer, 0, r.lru.Len())
	for el := r.lru.Front(); el != nil; el = el.Next() {
		all = append(all, el.Value.(*registryConsumer))
	}
	r.consumers = nil
	r.lru.Init()
	r.mu.Unlock()

	r.cancel()
	var wg sync.WaitGroup
	for _, c := range all {
		wg.Go(c.close)
	}
	wg.Wait()
	r.evicting.Wait()
	r.admin.Close()
}

// Position reads where the group of (topic, suffix) stands on topic: per
// partition its commit, the log bounds and the lag. Callers check it before
// telling people an empty batch means the group has read everything: a
// member assigned some partitions reads only those.
func (r *Registry) Position(ctx context.Context, topic, suffix string) ([]model.PartitionLag, error) {
	return r.admin.Position(ctx, r.Group(ConsumerKey{Topic: topic, Suffix: suffix}), topic)
}

// ConsumeMessages returns the next batch of at most max records of topic for
// the default group base-topic, and commits them before returning. It returns
// exactly max records when that many are there to read, fewer only at the
// end of the log, and an empty batch at once when the group is caught up.
func (r *Registry) ConsumeMessages(ctx context.Context, topic string, max int) ([]model.Record, error) {
	return r.ConsumeMessagesWithGroup(ctx, topic, max, "")
}

// ConsumeMessagesWithGroup is ConsumeMessages for the group
// base-topic-suffix, which keeps offsets of its own. An empty suffix is the
// default group.
func (r *Registry) ConsumeMessagesWithGroup(ctx context.Context, topic string, max int, suffix string) ([]model.Record, error) {
	var out []model.Record
	err := r.consume(ctx, ConsumerKey{Topic: topic, Suffix: suffix}, max, func(recs []*kgo.Record) error {
		out = make([]model.Record, len(recs))
		for i, rec := range recs {
			out[i] = modelRecord(rec)
		}
		return nil
	})
	return out, err
}

// ConsumeFunc is the process-then-commit form of ConsumeMessagesWithGroup,
// the way a service should consume: it reads the next batch of at most max
// records of topic as the group base-topic-suffix (an empty suffix is the
// default group), hands it to handle, and commits the batch only if handle
// returns nil. If handle fails, nothing of the batch is committed, the call
// returns handle's error, and the next call hands the same records again:
// every record is processed at least once, and none is committed before it
// was processed. handle is not called when the group is caught up.
//
// Once handle has returned nil, the commit is completed even if ctx ends
// meanwhile (within a few seconds): cancelling a call never leaves processed
// records uncommitted because the cancellation raced the commit.
func (r *Registry) ConsumeFunc(ctx context.Context, topic, suffix string, max int, handle func([]model.Record) error) error {
	if handle == nil {
		return errors.New("consume: nil handler")
	}
	return r.consume(ctx, ConsumerKey{Topic: topic, Suffix: suffix}, max, func(recs []*kgo.Record) error {
		if len(recs) == 0 {
			return nil
		}
		batch := make([]model.Record, len(recs))
		for i, rec := range recs {
			batch[i] = modelRecord(rec)
		}
		return handle(batch)
	})
}

// ConsumeMessagesAs is ConsumeMessages decoding each value as JSON into T. If
// any value does not decode, the call fails with *DecodeError naming the
// record, commits nothing, and the next call reads the same records again.
func ConsumeMessagesAs[T any](ctx context.Context, r *Registry, topic string, max int) ([]T, error) {
	return ConsumeMessagesAsWithGroup[T](ctx, r, topic, max, "")
}

// ConsumeMessagesAsWithGroup is ConsumeMessagesWithGroup decoding each value
// as JSON into T, with the failure rules of ConsumeMessagesAs.
func ConsumeMessagesAsWithGroup[T any](ctx context.Context, r *Registry, topic string, max int, suffix string) ([]T, error) {
	var out []T
	err := r.consume(ctx, ConsumerKey{Topic: topic, Suffix: suffix}, max, func(recs []*kgo.Record) error {
		out = make([]T, len(recs))
		for i, rec := range recs {
			if err := json.Unmarshal(rec.Value, &out[i]); err != nil {
				out = nil
				return &DecodeError{Topic: rec.Topic, Partition: rec.Partition, Offset: rec.Offset, Err: err}
			}
		}
		return nil
	})
	return out, err
}

// consume runs one batch on the consumer of key. accept sees the records
// before they are committed; if it fails, nothing is committed.
func (r *Registry) consume(ctx context.Context, key ConsumerKey, max int, accept func([]*kgo.Record) error) error {
	if key.Topic == "" {
		return errors.New("consume: empty topic")
	}
	if max < 1 {
		return fmt.Errorf("consume %s: max %d, want at least 1", key.Topic, max)
	}
	if r.cfg.ReadOnly {
		// Consuming through the registry commits.
		return ErrReadOnly
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(r.ctx, cancel)
	defer stop()

	c, err := r.acquire(ctx, key)
	if err != nil {
		if r.ctx.Err() != nil {
			return ErrRegistryClosed
		}
		return err
	}
	defer c.release()
	err = c.batch(ctx, r.admin.adm, max, accept)
	if err != nil && r.ctx.Err() != nil && ctx.Err() != nil {
		return ErrRegistryClosed
	}
	if errors.Is(err, errNoPartitions) {
		na := &NotAssignedError{Group: c.group, Topic: key.Topic}
		// Best effort: the refusal stands even if the group cannot be
		// described now.
		if _, members, derr := r.admin.LiveMembers(ctx, c.group); derr == nil {
			na.Members = r.foreign(members)
		}
		return na
	}
	return err
}

// acquire returns the started consumer of key with its turn taken, creating
// it (after the safety check) on first use and evicting the least recently
// used consumer beyond the bound.
func (r *Registry) acquire(ctx context.Context, key ConsumerKey) (*registryConsumer, error) {
	for {
		r.mu.Lock()
		if r.closed {
			r.mu.Unlock()
			return nil, ErrRegistryClosed
		}
		var c *registryConsumer
		var evicted []*registryConsumer
		if el, ok := r.consumers[key]; ok {
			r.lru.MoveToFront(el)
			c = el.Value.(*registryConsumer)
		} else {
			r.created++
			c = newRegistryConsumer(key, r.Group(key), r.created)
			r.consumers[key] = r.lru.PushFront(c)
			for r.lru.Len() > r.opts.maxConsumers {
				back := r.lru.Back()
				old := back.Value.(*registryConsumer)
				r.lru.Remove(back)
				delete(r.consumers, old.key)
				evicted = append(evicted, old)
				r.leaving[old] = struct{}{}
				r.evicting.Add(1)
			}
		}
		r.mu.Unlock()

		// Closing waits for the victim's call in flight, if any, and
		// leaves its group before this call goes on.
		for _, old := range evicted {
			old.close()
			r.mu.Lock()
			delete(r.leaving, old)
			r.mu.Unlock()
			r.evicting.Done()
		}

		if err := c.take(ctx); err != nil {
			return nil, err
		}
		if c.closed {
			// Evicted or failed to start while we waited: look again.
			c.release()
			continue
		}
		if c.cl == nil {
			if err := r.start(ctx, c); err != nil {
				r.forget(c)
				c.shut()
				c.release()
				return nil, err
			}
		}
		return c, nil
	}
}

// forget drops c from the cache if it is still there.
func (r *Registry) forget(c *registryConsumer) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if el, ok := r.consumers[c.key]; ok && el.Value == c {
		r.lru.Remove(el)
		delete(r.consumers, c.key)
	}
}

// start checks that the topic exists and that no foreign member holds the
// group, then creates c's client, which joins the group in the background.
func (r *Registry) start(ctx context.Context, c *registryConsumer) error {
	topics, err := r.admin.adm.ListTopics(ctx, c.key.Topic)
	if err != nil {
		return fmt.Errorf("look up topic %s: %w", c.key.Topic, err)
	}
	td, ok := topics[c.key.Topic]
	switch {
	case !ok || errors.Is(td.Err, kerr.UnknownTopicOrPartition):
		return fmt.Errorf("topic %s does not exist", c.key.Topic)
	case td.Err != nil:
		return fmt.Errorf("look up topic %s: %w", c.key.Topic, td.Err)
	}

	if err := r.waitLeaving(ctx, c); err != nil {
		return err
	}
	if !r.opts.force {
		state, members, err := r.admin.LiveMembers(ctx, c.group)
		if err != nil {
			return fmt.Errorf("check group %s before joining: %w", c.group, err)
		}
		if foreign := r.foreign(members); len(foreign) > 0 {
			return &GroupActiveError{Group: c.group, State: state, Members: foreign, OwnClientID: r.cfg.clientID()}
		}
	}

	opts := append(r.cfg.Opts(),
		kgo.ConsumerGroup(c.group),
		kgo.ConsumeTopics(c.key.Topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.DisableAutoCommit(),
		kgo.BlockRebalanceOnPoll(),
		kgo.FetchMaxWait(registryFetchMaxWait),
		// Said in GroupActiveError: set, not left to kgo's default.
		kgo.SessionTimeout(RegistrySessionTimeout),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		// Transaction markers take offsets too: seeing them lets a call
		// tell that a partition is read to its end and commit past them.
		kgo.KeepControlRecords(),
		kgo.OnPartitionsAssigned(c.onAssigned),
		kgo.OnPartitionsRevoked(c.onRevoked),
		kgo.OnPartitionsLost(c.onRevoked),
	)
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return fmt.Errorf("consumer for group %s: %w", c.group, err)
	}
	r.mu.Lock()
	c.cl = cl
	r.mu.Unlock()
	return nil
}

// waitLeaving waits until the evicted consumers of c's group created before
// c have left it. Waiting only for older ones cannot form a cycle, even when
// a consumer is evicted while it starts.
func (r *Registry) waitLeaving(ctx context.Context, c *registryConsumer) error {
	r.mu.Lock()
	var left []chan struct{}
	for old := range r.leaving {
		if old.group == c.group && old.seq < c.seq {
			left = append(left, old.left)
		}
	}
	r.mu.Unlock()
	for _, ch := range left {
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("wait for the previous consumer of group %s to leave: %w", c.group, ctx.Err())
		}
	}
	return nil
}

// foreign returns the members that are not consumers of this registry (two
// keys can share a group id: topic "a-b", and topic "a" with suffix "b").
func (r *Registry) foreign(members []model.Member) []model.Member {
	r.mu.Lock()
	ours := make(map[string]bool, len(r.consumers))
	for _, el := range r.consumers {
		if cl := el.Value.(*registryConsumer).cl; cl != nil {
			if id, _ := cl.GroupMetadata(); id != "" {
				ours[id] = true
			}
		}
	}
	r.mu.Unlock()
	var out []model.Member
	for _, m := range members {
		if !ours[m.ID] {
			out = append(out, m)
		}
	}
	return out
}

// registryConsumer is one cached group member.
type registryConsumer struct {
	key   ConsumerKey
	group string
	seq   uint64 // creation order within the registry

	// turn is a lock that can be waited for under a context: calls on a
	// key run one at a time. Holding it guards cl (also written under
	// Registry.mu) and closed.
	turn   chan struct{}
	cl     *kgo.Client
	closed bool
	left   chan struct{} // closed once close has closed the client

	// Assignment, kept by the rebalance callbacks. A revoke or a loss
	// opens a rebalance that the next assignment settles; settled is
	// closed while no rebalance is open (first: until the first join).
	mu       sync.Mutex
	assigned map[int32]struct{}
	gen      uint64
	settled  chan struct{}
	open     bool
	changed  chan struct{} // closed and replaced at every assignment change
}

func newRegistryConsumer(key ConsumerKey, group string, seq uint64) *registryConsumer {
	return &registryConsumer{
		key:      key,
		group:    group,
		seq:      seq,
		turn:     make(chan struct{}, 1),
		left:     make(chan struct{}),
		assigned: make(map[int32]struct{}),
		settled:  make(chan struct{}),
		open:     true,
		changed:  make(chan struct{}),
	}
}

func (c *registryConsumer) take(ctx context.Context) error {
	select {
	case c.turn <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (c *registryConsumer) release() { <-c.turn }

// close waits for the call in flight, then closes the client, which leaves
// the group.
func (c *registryConsumer) close() {
	c.turn <- struct{}{}
	defer c.release()
	c.shut()
}

// shut closes the client, if any, once; the caller holds the turn.
func (c *registryConsumer) shut() {
	if c.closed {
		return
	}
	c.closed = true
	if c.cl != nil {
		c.cl.Close()
	}
	close(c.left)
}

func (c *registryConsumer) onAssigned(_ context.Context, _ *kgo.Client, assigned map[string][]int32) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, p := range assigned[c.key.Topic] {
		c.assigned[p] = struct{}{}
	}
	c.bump()
	if c.open {
		c.open = false
		close(c.settled)
	}
}

func (c *registryConsumer) onRevoked(_ context.Context, _ *kgo.Client, revoked map[string][]int32) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, p := range revoked[c.key.Topic] {
		delete(c.assigned, p)
	}
	c.bump()
	if !c.open {
		c.open = true
		c.settled = make(chan struct{})
	}
}

// waitSettled waits until the consumer has joined and no rebalance it took
// part in is open: an assignment read mid-rebalance may be missing the
// partitions about to come back, and the call would end early.
func (c *registryConsumer) waitSettled(ctx context.Context) error {
	c.mu.Lock()
	settled := c.settled
	c.mu.Unlock()
	select {
	case <-settled:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("join group %s: %w", c.group, ctx.Err())
	}
}

// bump records an assignment change; the caller holds c.mu.
func (c *registryConsumer) bump() {
	c.gen++
	close(c.changed)
	c.changed = make(chan struct{})
}

// waitAssigned waits up to wait for the consumer to be assigned a
// partition, and reports whether it was. A cooperative rebalance gives a
// member that joins beside live ones nothing in its first round; the
// partitions the others give up come in a second round, once they have
// revoked them and rejoined (a heartbeat or two later).
func (c *registryConsumer) waitAssigned(ctx context.Context, wait time.Duration) (bool, error) {
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		if err := c.waitSettled(ctx); err != nil {
			return false, err
		}
		c.mu.Lock()
		n, changed := len(c.assigned), c.changed
		c.mu.Unlock()
		if n > 0 {
			return true, nil
		}
		select {
		case <-changed:
		case <-timer.C:
			return false, nil
		case <-ctx.Done():
			return false, fmt.Errorf("join group %s: %w", c.group, ctx.Err())
		}
	}
}

func (c *registryConsumer) assignment() ([]int32, uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Sorted(maps.Keys(c.assigned)), c.gen
}
