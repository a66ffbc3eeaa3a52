package kafka_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/kversion"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/kafka/kafkatest"
	"github.com/kgroups/kgroups/model"
)

// memberWorld is a cluster with a topic "users" of 3 partitions, an idle
// group holding a commit, and a dialed Cluster.
func memberWorld(t *testing.T, opts ...kfake.Opt) (*kfake.Cluster, []string, *kafka.Cluster) {
	t.Helper()
	kc, brokers := kafkatest.NewCluster(t, append([]kfake.Opt{kfake.SeedTopics(3, "users")}, opts...)...)
	adm := kadm.NewClient(kafkatest.Client(t, brokers))
	os := make(kadm.Offsets)
	os.Add(kadm.Offset{Topic: "users", Partition: 0, At: 0, LeaderEpoch: -1})
	if err := adm.CommitAllOffsets(context.Background(), "idle", os); err != nil {
		t.Fatalf("seed commit: %v", err)
	}
	cl, err := kafka.Dial(context.Background(), kafka.Config{Brokers: brokers})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return kc, brokers, cl
}

// waitMembers polls LiveMembers until the group lists n members.
func waitMembers(t *testing.T, cl *kafka.Cluster, group string, n int) (string, []model.Member) {
	t.Helper()
	var (
		state   string
		members []model.Member
	)
	kafkatest.Eventually(t, 20*time.Second, func() error {
		var err error
		state, members, err = cl.LiveMembers(context.Background(), group)
		if err != nil {
			t.Fatalf("LiveMembers(%s): %v", group, err)
		}
		if len(members) == n && (n == 0 || state == "Stable") {
			return nil
		}
		return fmt.Errorf("group %s: state %s with %d members, want %d", group, state, len(members), n)
	})
	return state, members
}

func TestLiveMembers(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name    string
		cluster []kfake.Opt
		member  []kgo.Opt // nil: no member joins
		group   string
		state   string
	}{
		{name: "unknown group", group: "nobody", state: "Dead"},
		{name: "commits only", group: "idle", state: "Empty"},
		{name: "classic member", group: "svc", state: "Stable", member: []kgo.Opt{}},
		{
			name: "KIP-848 member", group: "svc", state: "Stable",
			member: []kgo.Opt{kgo.ServerSideBalancer(), kgo.Balancers(kgo.CooperativeStickyBalancer())},
		},
		{
			name: "broker without KIP-848", group: "svc", state: "Stable", member: []kgo.Opt{},
			cluster: []kfake.Opt{kfake.MaxVersions(kversion.V3_5_0())},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, brokers, cl := memberWorld(t, c.cluster...)
			want := 0
			if c.member != nil {
				kafkatest.Client(t, brokers, append([]kgo.Opt{
					kgo.ClientID("svc-client"),
					kgo.ConsumerGroup(c.group),
					kgo.ConsumeTopics("users"),
				}, c.member...)...)
				want = 1
			}
			state, members := waitMembers(t, cl, c.group, want)
			if state != c.state {
				t.Errorf("state %s, want %s", state, c.state)
			}
			if want == 0 {
				return
			}
			m := members[0]
			if m.ID == "" || m.ClientID != "svc-client" || m.Host == "" {
				t.Errorf("member %+v, want id, client id and host", m)
			}
			// A KIP-848 member reconciles its assignment in steps.
			kafkatest.Eventually(t, 20*time.Second, func() error {
				if len(m.Assigned) == 1 && slices.Equal(m.Assigned[0].Partitions, []int32{0, 1, 2}) {
					return nil
				}
				_, members = waitMembers(t, cl, c.group, 1)
				m = members[0]
				return fmt.Errorf("assignment %+v, want users 0,1,2", m.Assigned)
			})
		})
	}
}

func TestLiveMembersFailsWhenDescribeFails(t *testing.T) {
	t.Parallel()
	kc, _, cl := memberWorld(t)
	kc.ControlKey(int16(kmsg.DescribeGroups), func(req kmsg.Request) (kmsg.Response, error, bool) {
		kc.KeepControl()
		dreq := req.(*kmsg.DescribeGroupsRequest)
		resp := dreq.ResponseKind().(*kmsg.DescribeGroupsResponse)
		for _, g := range dreq.Groups {
			rg := kmsg.NewDescribeGroupsResponseGroup()
			rg.Group = g
			rg.ErrorCode = kerr.GroupAuthorizationFailed.Code
			resp.Groups = append(resp.Groups, rg)
		}
		return resp, nil, true
	})
	// A failed describe must never read as "no members": callers decide
	// whether joining or committing is safe on it.
	if _, _, err := cl.LiveMembers(context.Background(), "idle"); err == nil {
		t.Fatal("no error from a failed describe")
	}
	err := cl.CommitOffsets(context.Background(), "idle", "users", map[int32]int64{0: 1})
	if err == nil || errors.Is(err, kafka.ErrGroupActive) {
		t.Fatalf("commit on an undescribable group: %v, want the describe error", err)
	}
}
