package kafka_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/kafka/kafkatest"
)

// requestLog records, in order, the requests a client writes and the
// responses it reads.
type requestLog struct {
	mu     sync.Mutex
	events []requestEvent
}

type requestEvent struct {
	read bool
	key  kmsg.Key
}

func (l *requestLog) OnBrokerWrite(_ kgo.BrokerMetadata, key int16, _ int, _, _ time.Duration, err error) {
	l.add(requestEvent{key: kmsg.Key(key)}, err)
}

func (l *requestLog) OnBrokerRead(_ kgo.BrokerMetadata, key int16, _ int, _, _ time.Duration, err error) {
	l.add(requestEvent{read: true, key: kmsg.Key(key)}, err)
}

func (l *requestLog) add(e requestEvent, err error) {
	if err != nil {
		return
	}
	l.mu.Lock()
	l.events = append(l.events, e)
	l.mu.Unlock()
}

// TestSnapshotListsOffsetsWhileGroupsAreListed checks that a snapshot does
// not wait for ListGroups before listing the topics' offsets, which need
// only the metadata: with ListGroups slow to answer, the ListOffsets
// requests are on their way before its answers are in. A refresh then costs
// the slower of the two chains, not their sum.
func TestSnapshotListsOffsetsWhileGroupsAreListed(t *testing.T) {
	fake, brokers := kafkatest.NewCluster(t, kfake.SeedTopics(3, "a", "b"))
	log := &requestLog{}
	c, err := kafka.Dial(context.Background(), kafka.Config{Brokers: brokers, Extra: []kgo.Opt{kgo.WithHooks(log)}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// A slow ListGroups: the delay stands for a busy coordinator, it
	// asserts nothing.
	fake.ControlKey(int16(kmsg.ListGroups), func(kmsg.Request) (kmsg.Response, error, bool) {
		fake.SleepControl(func() { time.Sleep(200 * time.Millisecond) })
		return nil, nil, false
	})
	log.mu.Lock()
	log.events = nil
	log.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := c.Snapshot(ctx, "svc", kafka.SnapshotOptions{SkipTimestamps: true}); err != nil {
		t.Fatal(err)
	}

	log.mu.Lock()
	defer log.mu.Unlock()
	firstOffsets, lastGroups := -1, -1
	for i, e := range log.events {
		if !e.read && e.key == kmsg.ListOffsets && firstOffsets < 0 {
			firstOffsets = i
		}
		if e.read && e.key == kmsg.ListGroups {
			lastGroups = i
		}
	}
	if firstOffsets < 0 || lastGroups < 0 {
		t.Fatalf("no ListOffsets (%d) or ListGroups answer (%d) in %v", firstOffsets, lastGroups, log.events)
	}
	if firstOffsets > lastGroups {
		t.Errorf("the first ListOffsets was written after the last ListGroups answer (event %d > %d): offsets waited for the groups", firstOffsets, lastGroups)
	}
}
