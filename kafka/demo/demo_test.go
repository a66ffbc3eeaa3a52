package demo_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/kafka/demo"
	"github.com/kgroups/kgroups/kafka/kafkatest"
)

// admin returns a kadm client on brokers, closed when the test ends.
func admin(t *testing.T, brokers []string) *kadm.Client {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...))
	if err != nil {
		t.Fatalf("client: %v", err)
	}
	t.Cleanup(cl.Close)
	return kadm.NewClient(cl)
}

// start starts a demo and checks, when the test ends, that Close left no
// goroutine behind.
func start(t *testing.T, opt demo.Options) *demo.Demo {
	t.Helper()
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	d, err := demo.Start(ctx, opt)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	// Registered first, so it runs last: after the test's own clients
	// on the demo are closed.
	t.Cleanup(func() {
		d.Close()
		d.Close() // idempotent
		if n := settled(before, 10*time.Second); n > before {
			buf := make([]byte, 1<<20)
			t.Errorf("%d goroutines after Close, %d before Start:\n%s", n, before, buf[:runtime.Stack(buf, true)])
		}
	})
	return d
}

// settled waits up to wait for the goroutine count to fall to at most
// target and returns the last count seen.
func settled(target int, wait time.Duration) int {
	n := runtime.NumGoroutine()
	_ = kafkatest.Poll(wait, func() error {
		if n = runtime.NumGoroutine(); n > target {
			return errors.New("goroutines left")
		}
		return nil
	})
	return n
}

func TestStartSeedsTheServiceLayout(t *testing.T) {
	d := start(t, demo.Options{NoProducer: true})
	brokers := d.Brokers()
	if len(brokers) != demo.Brokers {
		t.Fatalf("Brokers() = %v, want %d addresses", brokers, demo.Brokers)
	}
	for _, b := range brokers {
		if !strings.HasPrefix(b, "127.0.0.1:") {
			t.Errorf("broker %s is not on loopback", b)
		}
	}
	ctx := context.Background()
	adm := admin(t, brokers)

	t.Run("topics and offsets", func(t *testing.T) {
		starts, err := adm.ListStartOffsets(ctx, demo.SpentTopic, demo.UserEventsTopic, demo.OrdersTopic)
		if err != nil {
			t.Fatalf("start offsets: %v", err)
		}
		ends, err := adm.ListEndOffsets(ctx, demo.SpentTopic, demo.UserEventsTopic, demo.OrdersTopic)
		if err != nil {
			t.Fatalf("end offsets: %v", err)
		}
		want := map[string][]int64{ // end offset by partition
			demo.SpentTopic:      {500, 500, 500, 500, 500, 500 + demo.OddRecords},
			demo.UserEventsTopic: {300, 300, 300},
			demo.OrdersTopic:     {60, 60, 60, 60},
		}
		for topic, wantEnds := range want {
			if got := len(ends[topic]); got != len(wantEnds) {
				t.Errorf("%s has %d partitions, want %d", topic, got, len(wantEnds))
			}
			for p, wantEnd := range wantEnds {
				end, _ := ends.Lookup(topic, int32(p))
				start, _ := starts.Lookup(topic, int32(p))
				wantStart := int64(0)
				if topic == demo.SpentTopic && p == demo.TrimmedPartition {
					wantStart = demo.TrimmedTo
				}
				if end.Offset != wantEnd || start.Offset != wantStart {
					t.Errorf("%s/%d spans [%d, %d), want [%d, %d)", topic, p, start.Offset, end.Offset, wantStart, wantEnd)
				}
			}
		}
	})

	t.Run("groups and commits", func(t *testing.T) {
		listed, err := adm.ListGroups(ctx)
		if err != nil {
			t.Fatalf("list groups: %v", err)
		}
		commits := demo.Commits()
		commits[demo.OrdersAvroGroup] = map[string]map[int32]int64{demo.OrdersAvroTopic: demo.RegistryCommits()}
		var want []string
		for g := range commits {
			want = append(want, g)
		}
		slices.Sort(want)
		if got := listed.Groups(); !reflect.DeepEqual(got, want) {
			t.Errorf("groups %v, want %v", got, want)
		}
		for group, topics := range commits {
			fetched, err := adm.FetchOffsets(ctx, group)
			if err != nil {
				t.Fatalf("fetch offsets of %s: %v", group, err)
			}
			got := map[string]map[int32]int64{}
			fetched.Each(func(o kadm.OffsetResponse) {
				if got[o.Topic] == nil {
					got[o.Topic] = map[int32]int64{}
				}
				got[o.Topic][o.Partition] = o.At
			})
			if !reflect.DeepEqual(got, topics) {
				t.Errorf("%s committed %v, want %v", group, got, topics)
			}
		}
	})

	t.Run("live member", func(t *testing.T) {
		described, err := adm.DescribeGroups(ctx, demo.LiveGroup, demo.Base+"-"+demo.UserEventsTopic+"-analytics")
		if err != nil {
			t.Fatalf("describe: %v", err)
		}
		live := described[demo.LiveGroup]
		if live.State != "Stable" || len(live.Members) != 1 {
			t.Fatalf("%s is %s with %d members, want Stable with 1", demo.LiveGroup, live.State, len(live.Members))
		}
		m := live.Members[0]
		assigned, _ := m.Assigned.AsConsumer()
		var parts []int32
		for _, tp := range assigned.Topics {
			if tp.Topic == demo.UserEventsTopic {
				parts = append(parts, tp.Partitions...)
			}
		}
		slices.Sort(parts)
		if m.ClientID != "realtime-alerts" || !reflect.DeepEqual(parts, []int32{0, 1, 2}) {
			t.Errorf("live member %s holds %v, want realtime-alerts holding user_events 0-2", m.ClientID, parts)
		}
		if s := described[demo.Base+"-"+demo.UserEventsTopic+"-analytics"].State; s != "Empty" {
			t.Errorf("analytics group is %s, want Empty", s)
		}
	})

	t.Run("records", func(t *testing.T) {
		cluster, err := kafka.Dial(ctx, kafka.Config{Brokers: brokers})
		if err != nil {
			t.Fatalf("dial: %v", err)
		}
		defer cluster.Close()
		p0 := int32(0)
		recs, err := cluster.Peek(ctx, kafka.PeekRequest{Topic: demo.SpentTopic, From: kafka.PeekEarliest, Max: 3, Partition: &p0})
		if err != nil || len(recs) != 3 {
			t.Fatalf("peek spents: %d records, %v", len(recs), err)
		}
		for _, r := range recs {
			var s demo.Spent
			if err := json.Unmarshal(r.Value, &s); err != nil {
				t.Fatalf("spent %d is not JSON: %v", r.Offset, err)
			}
			if s.User.ID != string(r.Key) || len(s.Items) == 0 || s.Merchant.Name == "" || s.Amount.Currency != "EUR" {
				t.Errorf("spent %d looks wrong: key %q, %+v", r.Offset, r.Key, s)
			}
			if !r.Timestamp.Before(demo.SeedBase) || r.Timestamp.Before(demo.SeedBase.Add(-6*time.Hour)) {
				t.Errorf("spent %d at %s, want within the 6 hours before %s", r.Offset, r.Timestamp, demo.SeedBase)
			}
		}

		odd := int32(demo.OddPartition)
		recs, err = cluster.Peek(ctx, kafka.PeekRequest{Topic: demo.SpentTopic, From: kafka.PeekLast, Max: demo.OddRecords, Partition: &odd})
		if err != nil || len(recs) != demo.OddRecords {
			t.Fatalf("peek odd records: %d records, %v", len(recs), err)
		}
		var tombstones, invalidUTF8, escapes, notJSON int
		for _, r := range recs {
			switch {
			case r.Value == nil:
				tombstones++
			case strings.ContainsRune(string(r.Value), 0x1b):
				escapes++
			}
			if !json.Valid(r.Value) {
				notJSON++
			}
			if !isUTF8(r.Value) || !isUTF8(r.Key) {
				invalidUTF8++
			}
		}
		if tombstones != 1 || escapes != 1 || invalidUTF8 < 2 || notJSON < 5 {
			t.Errorf("odd records: %d tombstones, %d raw escapes, %d invalid UTF-8, %d not JSON", tombstones, escapes, invalidUTF8, notJSON)
		}
	})
}

func isUTF8(b []byte) bool { return strings.ToValidUTF8(string(b), "\uFFFD") == string(b) }

func TestStartRunsTheProducerAndTheLiveMember(t *testing.T) {
	d := start(t, demo.Options{ProduceInterval: 20 * time.Millisecond})
	ctx := context.Background()
	adm := admin(t, d.Brokers())
	seeded := demo.Commits()[demo.LiveGroup][demo.UserEventsTopic]

	deadline := time.Now().Add(20 * time.Second)
	var produced, live bool
	for !(produced && live) {
		if time.Now().After(deadline) {
			t.Fatalf("after 20s: records produced %v, live member committed %v", produced, live)
		}
		ends, err := adm.ListEndOffsets(ctx, demo.SpentTopic, demo.UserEventsTopic, demo.OrdersAvroTopic, demo.PaymentsProtoTopic)
		if err == nil {
			// Every topic a follow may be opened on gets records.
			produced = sum(ends, demo.SpentTopic) > 5*500+500+demo.OddRecords && sum(ends, demo.UserEventsTopic) > 900 &&
				sum(ends, demo.OrdersAvroTopic) > demo.OrdersAvroRecords && sum(ends, demo.PaymentsProtoTopic) > demo.PaymentsProtoRecords
		}
		commits, err := adm.FetchOffsets(ctx, demo.LiveGroup)
		if err == nil {
			commits.Each(func(o kadm.OffsetResponse) {
				if o.At > seeded[o.Partition] {
					live = true
				}
			})
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func sum(l kadm.ListedOffsets, topic string) int64 {
	var n int64
	for _, o := range l[topic] {
		n += o.Offset
	}
	return n
}

func TestStartOnGivenPorts(t *testing.T) {
	var ports []int
	for range demo.Brokers {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("find a free port: %v", err)
		}
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
		ln.Close()
	}
	d := start(t, demo.Options{Ports: ports, NoProducer: true})
	var want []string
	for _, p := range ports {
		want = append(want, net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
	}
	if got := d.Brokers(); !reflect.DeepEqual(got, want) {
		t.Errorf("Brokers() = %v, want %v", got, want)
	}
}

func TestSeedRefusesASeededCluster(t *testing.T) {
	_, brokers := kafkatest.NewCluster(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := demo.Seed(ctx, brokers); err != nil {
		t.Fatalf("Seed: %v", err)
	}
	if err := demo.Seed(ctx, brokers); err == nil || !strings.Contains(err.Error(), "create topic") {
		t.Errorf("second Seed: %v, want a create topic error", err)
	}
}

// The simulated batch jobs move their groups the way the service's jobs
// would: full-index to the log end, incremental and analytics a batch at a
// time from where they stand, and nothing else.
func TestStartRunsTheBatchJobs(t *testing.T) {
	d := start(t, demo.Options{ProduceInterval: 50 * time.Millisecond, JobInterval: 20 * time.Millisecond})
	ctx := context.Background()
	adm := admin(t, d.Brokers())
	seeded := demo.Commits()
	fullIndex := demo.Base + "-" + demo.SpentTopic + "-full-index"
	incremental := demo.Base + "-" + demo.SpentTopic + "-incremental"
	analytics := demo.Base + "-" + demo.UserEventsTopic + "-analytics"
	defaultGroup := demo.Base + "-" + demo.SpentTopic

	committed := func(group, topic string) map[int32]int64 {
		out := map[int32]int64{}
		resp, err := adm.FetchOffsets(ctx, group)
		if err != nil {
			return out
		}
		resp.Each(func(o kadm.OffsetResponse) {
			if o.Topic == topic {
				out[o.Partition] = o.At
			}
		})
		return out
	}
	moved := func(group, topic string) bool {
		for p, o := range committed(group, topic) {
			if o > seeded[group][topic][p] {
				return true
			}
		}
		return false
	}
	kafkatest.Eventually(t, 20*time.Second, func() error {
		if moved(fullIndex, demo.SpentTopic) && moved(incremental, demo.SpentTopic) && moved(analytics, demo.UserEventsTopic) {
			return nil
		}
		return fmt.Errorf("the jobs had not all committed: full-index %v, incremental %v, analytics %v",
			committed(fullIndex, demo.SpentTopic), committed(incremental, demo.SpentTopic), committed(analytics, demo.UserEventsTopic))
	})
	// A batch job never jumps: incremental moves at most one step per run
	// and stays behind the end while its backlog lasts.
	ends, err := adm.ListEndOffsets(ctx, demo.SpentTopic)
	if err != nil {
		t.Fatal(err)
	}
	for p, o := range committed(incremental, demo.SpentTopic) {
		if end, _ := ends.Lookup(demo.SpentTopic, p); o > end.Offset {
			t.Fatalf("incremental partition %d committed %d past the end %d", p, o, end.Offset)
		}
	}
	if got, want := fmt.Sprint(committed(defaultGroup, demo.SpentTopic)), fmt.Sprint(seeded[defaultGroup][demo.SpentTopic]); got != want {
		t.Fatalf("the default group has no job but moved: %s, seeded %s", got, want)
	}
}
