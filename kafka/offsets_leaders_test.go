package kafka

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kgroups/kgroups/kafka/kafkatest"
	"github.com/kgroups/kgroups/model"
)

// keyCounter counts the requests a client writes, by key.
type keyCounter struct {
	mu sync.Mutex
	n  map[kmsg.Key]int
}

func (kc *keyCounter) OnBrokerWrite(_ kgo.BrokerMetadata, key int16, _ int, _, _ time.Duration, err error) {
	if err != nil {
		return
	}
	kc.mu.Lock()
	defer kc.mu.Unlock()
	if kc.n == nil {
		kc.n = map[kmsg.Key]int{}
	}
	kc.n[kmsg.Key(key)]++
}

func (kc *keyCounter) get(key kmsg.Key) int {
	kc.mu.Lock()
	defer kc.mu.Unlock()
	return kc.n[key]
}

func (kc *keyCounter) reset() {
	kc.mu.Lock()
	defer kc.mu.Unlock()
	kc.n = nil
}

// listTestTopics reads the topics of brokers on a connection of their own
// and starts model topics from them, as a snapshot does.
func listTestTopics(t *testing.T, brokers []string) []model.Topic {
	t.Helper()
	reader, err := Dial(context.Background(), Config{Brokers: brokers})
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	ct, err := reader.readTopics(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return topicsFromMeta(ct.topics)
}

// checkListed fails unless every partition p of topics starts at 0 and
// ends at wantEnd(topic, p).
func checkListed(t *testing.T, topics []model.Topic, wantEnd func(string, int32) int64) {
	t.Helper()
	for _, tp := range topics {
		for _, p := range tp.Partitions {
			if p.Err != nil || p.Start != 0 || p.End != wantEnd(tp.Name, p.Partition) {
				t.Errorf("%s/%d: start %d end %d err %v, want 0, %d", tp.Name, p.Partition, p.Start, p.End, p.Err, wantEnd(tp.Name, p.Partition))
			}
		}
	}
}

// TestListTopicOffsetsAsksTheLeadersItWasGiven: the offsets of a snapshot's
// topics are listed straight from the leaders its metadata named, one
// request per leader for the starts and one for the ends, without the
// client looking every partition up again in metadata of its own (at
// 160,000 partitions that look-up and regrouping cost a tenth of a one-shot
// lag's CPU). Here the lister's client has read no topic metadata at all:
// it would have asked for it.
func TestListTopicOffsetsAsksTheLeadersItWasGiven(t *testing.T) {
	_, brokers := kafkatest.NewCluster(t, kfake.SeedTopics(6, "a", "b", "c"))
	for p := range int32(6) {
		kafkatest.Produce(t, brokers, "b", kafkatest.Values(p, int(p)+1, func(int) string { return "x" })...)
	}
	topics := listTestTopics(t, brokers)

	counter := &keyCounter{}
	lister, err := Dial(context.Background(), Config{Brokers: brokers, Extra: []kgo.Opt{kgo.WithHooks(counter)}})
	if err != nil {
		t.Fatal(err)
	}
	defer lister.Close()
	counter.reset()
	lister.listTopicOffsets(context.Background(), topics)

	checkListed(t, topics, func(topic string, p int32) int64 {
		if topic == "b" {
			return int64(p) + 1
		}
		return 0
	})
	if n := counter.get(kmsg.Metadata); n != 0 {
		t.Errorf("%d metadata requests, want none: the partitions' leaders were given", n)
	}
	if n := counter.get(kmsg.ListOffsets); n > 6 {
		t.Errorf("%d ListOffsets requests, want at most 2 per broker", n)
	}
}

// TestListTopicOffsetsFollowsAMovedLeader: a partition whose leader moved
// since the metadata was read is answered by its new leader, through the
// client's own routing.
func TestListTopicOffsetsFollowsAMovedLeader(t *testing.T) {
	fake, brokers := kafkatest.NewCluster(t, kfake.SeedTopics(3, "a"))
	for p := range int32(3) {
		kafkatest.Produce(t, brokers, "a", kafkatest.Values(p, 2, func(int) string { return "x" })...)
	}
	topics := listTestTopics(t, brokers)
	moved := topics[0].Partitions[1]
	if err := fake.MoveTopicPartition("a", moved.Partition, (moved.Leader+1)%3); err != nil {
		t.Fatal(err)
	}
	lister, err := Dial(context.Background(), Config{Brokers: brokers})
	if err != nil {
		t.Fatal(err)
	}
	defer lister.Close()
	lister.listTopicOffsets(context.Background(), topics)
	checkListed(t, topics, func(string, int32) int64 { return 2 })
}
