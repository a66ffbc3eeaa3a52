package kafka_test

import (
	"context"
	"errors"
	"maps"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/kafka/kafkatest"
)

func groupCommits(t *testing.T, brokers []string, group, topic string) map[int32]int64 {
	t.Helper()
	resp, err := kadm.NewClient(kafkatest.Client(t, brokers)).FetchOffsets(context.Background(), group)
	if errors.Is(err, kerr.GroupIDNotFound) {
		return map[int32]int64{}
	}
	if err != nil {
		t.Fatal(err)
	}
	out := map[int32]int64{}
	resp.Each(func(o kadm.OffsetResponse) {
		if o.Topic == topic && o.Err == nil && o.At >= 0 {
			out[o.Partition] = o.At
		}
	})
	return out
}

func TestCommitOffsetsCommitsExactlyThose(t *testing.T) {
	t.Parallel()
	_, brokers, cl := memberWorld(t)
	kafkatest.Produce(t, brokers, "users", kafkatest.Values(1, 10, func(int) string { return "x" })...)
	ctx := context.Background()

	for _, c := range []struct {
		name   string
		group  string
		commit map[int32]int64
		want   map[int32]int64
	}{
		{"new group", "review", map[int32]int64{1: 7}, map[int32]int64{1: 7}},
		{"moves one partition, keeps the other", "idle", map[int32]int64{1: 3}, map[int32]int64{0: 0, 1: 3}},
		{"rewinds", "review", map[int32]int64{1: 2}, map[int32]int64{1: 2}},
		{"nothing to commit", "review", map[int32]int64{}, map[int32]int64{1: 2}},
	} {
		if err := cl.CommitOffsets(ctx, c.group, "users", c.commit); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got := groupCommits(t, brokers, c.group, "users"); !maps.Equal(got, c.want) {
			t.Errorf("%s: committed %v, want %v", c.name, got, c.want)
		}
	}
}

func TestCommitOffsetsRejectsBadInput(t *testing.T) {
	t.Parallel()
	_, brokers, cl := memberWorld(t)
	for _, c := range []struct {
		name, group, topic string
		offsets            map[int32]int64
	}{
		{"no group", "", "users", map[int32]int64{0: 1}},
		{"no topic", "g", "", map[int32]int64{0: 1}},
		{"negative offset", "g", "users", map[int32]int64{0: -1}},
	} {
		if err := cl.CommitOffsets(context.Background(), c.group, c.topic, c.offsets); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
	if got := groupCommits(t, brokers, "g", "users"); len(got) != 0 {
		t.Errorf("a rejected commit wrote %v", got)
	}
}

func TestCommitOffsetsRefusesLiveGroup(t *testing.T) {
	t.Parallel()
	_, brokers, cl := memberWorld(t)
	kafkatest.Client(t, brokers, kgo.ClientID("svc-client"), kgo.ConsumerGroup("svc"), kgo.ConsumeTopics("users"))
	waitMembers(t, cl, "svc", 1)

	err := cl.CommitOffsets(context.Background(), "svc", "users", map[int32]int64{0: 1})
	var active *kafka.GroupActiveError
	if !errors.As(err, &active) || active.Op != kafka.OpCommit || len(active.Members) != 1 {
		t.Fatalf("err %v, want a commit refusal listing the member", err)
	}
	if !strings.Contains(err.Error(), "svc-client@") || !strings.Contains(err.Error(), "before committing") {
		t.Errorf("message %q", err)
	}
	if got := groupCommits(t, brokers, "svc", "users"); len(got) != 0 {
		t.Errorf("refused commit wrote %v", got)
	}
}

func TestCommitOffsetsNamesFailedPartitions(t *testing.T) {
	t.Parallel()
	kc, _, cl := memberWorld(t)
	kc.ControlKey(int16(kmsg.OffsetCommit), func(req kmsg.Request) (kmsg.Response, error, bool) {
		creq := req.(*kmsg.OffsetCommitRequest)
		resp := creq.ResponseKind().(*kmsg.OffsetCommitResponse)
		for _, rt := range creq.Topics {
			st := kmsg.NewOffsetCommitResponseTopic()
			st.Topic, st.TopicID = rt.Topic, rt.TopicID
			for _, rp := range rt.Partitions {
				sp := kmsg.NewOffsetCommitResponseTopicPartition()
				sp.Partition = rp.Partition
				if rp.Partition == 2 {
					sp.ErrorCode = kerr.OffsetMetadataTooLarge.Code
				}
				st.Partitions = append(st.Partitions, sp)
			}
			resp.Topics = append(resp.Topics, st)
		}
		return resp, nil, true
	})
	err := cl.CommitOffsets(context.Background(), "review", "users", map[int32]int64{0: 0, 1: 0, 2: 0})
	var ce *kafka.CommitError
	if !errors.As(err, &ce) || len(ce.Partitions) != 1 || ce.Partitions[0].Partition != 2 {
		t.Fatalf("err %v, want a CommitError naming partition 2 only", err)
	}
	if !errors.Is(err, kerr.OffsetMetadataTooLarge) || !strings.Contains(err.Error(), "partition 2") {
		t.Errorf("err %q does not carry the partition's failure", err)
	}
}

func TestCommitOffsetsReadOnly(t *testing.T) {
	t.Parallel()
	_, brokers, _ := memberWorld(t)
	cl, err := kafka.Dial(context.Background(), kafka.Config{Brokers: brokers, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if err := cl.CommitOffsets(context.Background(), "review", "users", map[int32]int64{0: 1}); !errors.Is(err, kafka.ErrReadOnly) {
		t.Fatalf("err %v, want ErrReadOnly", err)
	}
	if got := groupCommits(t, brokers, "review", "users"); len(got) != 0 {
		t.Errorf("read-only commit wrote %v", got)
	}
}
