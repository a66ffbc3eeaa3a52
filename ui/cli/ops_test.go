package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kgroups/kgroups/kafka/demo"
	"github.com/kgroups/kgroups/kafka/kafkatest"
	"github.com/kgroups/kgroups/model"
)

// Names of the offset-operation fixture.
const (
	opsBase    = "b"
	opsTopic   = "events"
	opsDefault = opsBase + "-" + opsTopic // the topic's default group
	opsFull    = opsDefault + "-full-index"
	opsIncr    = opsDefault + "-incremental"
)

// opsFixture is topic "events" with 2 partitions of 10 records each, timed
// one second apart and ending one second before the CLI's clock in tests
// (demo.SeedBase); the default group b-events is committed at 4 and 6 and
// its sibling b-events-full-index at 9 and 10.
type opsFixture struct {
	cluster *kfake.Cluster
	brokers string
	adm     *kadm.Client
	t0      time.Time // the first record of each partition
}

func newOpsFixture(t *testing.T) *opsFixture {
	t.Helper()
	c, brokers := kafkatest.NewCluster(t)
	adm := kadm.NewClient(kafkatest.Client(t, brokers))
	if _, err := adm.CreateTopic(context.Background(), 2, 1, nil, opsTopic); err != nil {
		t.Fatal(err)
	}
	t0 := demo.SeedBase.Add(-10 * time.Second)
	var recs []*kgo.Record
	for p := range int32(2) {
		for i := range 10 {
			recs = append(recs, &kgo.Record{Partition: p, Value: fmt.Appendf(nil, "%d-%d", p, i), Timestamp: t0.Add(time.Duration(i) * time.Second)})
		}
	}
	kafkatest.Produce(t, brokers, opsTopic, recs...)
	f := &opsFixture{cluster: c, brokers: strings.Join(brokers, ","), adm: adm, t0: t0}
	f.commit(t, opsDefault, map[int32]int64{0: 4, 1: 6})
	f.commit(t, opsFull, map[int32]int64{0: 9, 1: 10})
	return f
}

func (f *opsFixture) commit(t *testing.T, group string, offs map[int32]int64) {
	t.Helper()
	os := make(kadm.Offsets)
	for p, o := range offs {
		os.Add(kadm.Offset{Topic: opsTopic, Partition: p, At: o, LeaderEpoch: -1})
	}
	resp, err := f.adm.CommitOffsets(context.Background(), group, os)
	if err == nil {
		err = resp.Error()
	}
	if err != nil {
		t.Fatalf("commit %s: %v", group, err)
	}
}

// committedOn reads group's commits on the topic straight from the cluster.
func (f *opsFixture) committedOn(t *testing.T, group string) map[int32]int64 {
	t.Helper()
	out := map[int32]int64{}
	resp, err := f.adm.FetchOffsets(context.Background(), group)
	if errors.Is(err, kerr.GroupIDNotFound) {
		return out
	}
	if err != nil {
		t.Fatal(err)
	}
	resp.Each(func(o kadm.OffsetResponse) {
		if o.Topic == opsTopic && o.Err == nil && o.At >= 0 {
			out[o.Partition] = o.At
		}
	})
	return out
}

// allCommits is every group's commits on the topic, to show nothing moved.
func (f *opsFixture) allCommits(t *testing.T) string {
	t.Helper()
	return fmt.Sprint(f.committedOn(t, opsDefault), f.committedOn(t, opsFull), f.committedOn(t, opsIncr))
}

// run runs kgroups against the fixture with read-only mode off unless args
// turn it on.
func (f *opsFixture) run(t *testing.T, args ...string) result {
	t.Helper()
	t.Setenv(envReadOnly, "")
	return kgroups(t, append(args, "--brokers", f.brokers, "--base", opsBase)...)
}

// joinMember joins group with a live kgo member named clientID and waits
// until the group is stable.
func (f *opsFixture) joinMember(t *testing.T, group, clientID string) {
	t.Helper()
	ctx := context.Background()
	member := kafkatest.Client(t, strings.Split(f.brokers, ","), kgo.ConsumerGroup(group), kgo.ConsumeTopics(opsTopic),
		kgo.DisableAutoCommit(), kgo.ClientID(clientID))
	kafkatest.Eventually(t, 20*time.Second, func() error {
		pctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
		member.PollFetches(pctx) // polling drives the join
		cancel()
		if described, err := f.adm.DescribeGroups(ctx, group); err != nil || described[group].State != "Stable" {
			return fmt.Errorf("member never joined %s: %v", group, err)
		}
		return nil
	})
}

// planJSON is the -o json output of reset and create.
type planJSON struct {
	Group      string `json:"group"`
	Topic      string `json:"topic"`
	Operation  string `json:"operation"`
	DryRun     *bool  `json:"dry_run"`
	LagBefore  int64  `json:"lag_before"`
	LagAfter   int64  `json:"lag_after"`
	Partitions []struct {
		Partition int32           `json:"partition"`
		Current   *int64          `json:"current"`
		New       int64           `json:"new"`
		LagBefore int64           `json:"lag_before"`
		LagAfter  int64           `json:"lag_after"`
		Clamped   bool            `json:"clamped"`
		Committed json.RawMessage `json:"committed"`
		Error     string          `json:"error"`
	} `json:"partitions"`
}

func parsePlan(t *testing.T, out string) planJSON {
	t.Helper()
	var p planJSON
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatalf("bad plan JSON: %v\n%s", err, out)
	}
	if p.DryRun == nil {
		t.Fatalf("plan JSON has no dry_run:\n%s", out)
	}
	return p
}

// newOffsets is the plan's new offset per partition.
func (p planJSON) newOffsets() map[int32]int64 {
	out := map[int32]int64{}
	for _, pp := range p.Partitions {
		out[pp.Partition] = pp.New
	}
	return out
}

// TestResetModes checks each reset mode's plan on the fixture, and that
// none of the dry runs changed a commit.
func TestResetModes(t *testing.T) {
	f := newOpsFixture(t)
	before := f.allCommits(t)
	tests := []struct {
		name    string
		args    []string
		group   string
		want    map[int32]int64
		clamped map[int32]bool
		op      string
	}{
		{name: "earliest", args: []string{"--to-earliest"}, want: map[int32]int64{0: 0, 1: 0}, op: "reset to earliest"},
		{name: "latest", args: []string{"--to-latest"}, want: map[int32]int64{0: 10, 1: 10}},
		{name: "offset", args: []string{"--to-offset", "7"}, want: map[int32]int64{0: 7, 1: 7}},
		{name: "offset beyond the end is clamped", args: []string{"--to-offset", "99"}, want: map[int32]int64{0: 10, 1: 10},
			clamped: map[int32]bool{0: true, 1: true}},
		{name: "offset map", args: []string{"--to-offset-map", "0=2,1=8"}, want: map[int32]int64{0: 2, 1: 8}},
		{name: "offset map of one partition", args: []string{"--to-offset-map", " 1=3 "}, want: map[int32]int64{1: 3}},
		{name: "datetime between records", args: []string{"--to-datetime", f.t0.Add(3500 * time.Millisecond).Format(time.RFC3339Nano)},
			want: map[int32]int64{0: 4, 1: 4}},
		// The CLI's clock in tests is one second after the last record.
		{name: "by duration", args: []string{"--by-duration", "3s"}, want: map[int32]int64{0: 7, 1: 7}},
		{name: "shift forward", args: []string{"--shift-by", "+3"}, want: map[int32]int64{0: 7, 1: 9}},
		{name: "shift back clamps at the start", args: []string{"--shift-by", "-5"}, want: map[int32]int64{0: 0, 1: 1},
			clamped: map[int32]bool{0: true}, op: "shift by -5"},
		{name: "shift with =", args: []string{"--shift-by=-1"}, want: map[int32]int64{0: 3, 1: 5}},
		{name: "copy from a sibling", args: []string{"--from-suffix", "full-index"}, want: map[int32]int64{0: 9, 1: 10},
			op: "copy offsets from " + opsFull},
		{name: "copy from the default group", args: []string{"--suffix", "full-index", "--from-default"}, group: opsFull,
			want: map[int32]int64{0: 4, 1: 6}},
		{name: "one partition", args: []string{"--to-earliest", "--partitions", "1"}, want: map[int32]int64{1: 0}},
		{name: "a group without commits", args: []string{"--suffix", "incremental", "--to-offset", "5"}, group: opsIncr,
			want: map[int32]int64{0: 5, 1: 5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.run(t, append([]string{"reset", "--topic", opsTopic, "-o", "json"}, tt.args...)...)
			if r.code != ExitOK || r.stderr != dryRunNote+"\n" {
				t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
			}
			p := parsePlan(t, r.stdout)
			group := cmpOr(tt.group, opsDefault)
			if p.Group != group || p.Topic != opsTopic || !*p.DryRun {
				t.Errorf("plan of %s on %s (dry run %v), want %s on %s as a dry run", p.Group, p.Topic, *p.DryRun, group, opsTopic)
			}
			if tt.op != "" && p.Operation != tt.op {
				t.Errorf("operation %q, want %q", p.Operation, tt.op)
			}
			if got := p.newOffsets(); !maps.Equal(got, tt.want) {
				t.Errorf("new offsets %v, want %v", got, tt.want)
			}
			current := f.committedOn(t, group)
			var lagAfter int64
			for _, pp := range p.Partitions {
				if pp.Clamped != tt.clamped[pp.Partition] {
					t.Errorf("partition %d clamped = %v, want %v", pp.Partition, pp.Clamped, tt.clamped[pp.Partition])
				}
				c, ok := current[pp.Partition]
				if (pp.Current != nil) != ok || (ok && *pp.Current != c) {
					t.Errorf("partition %d current %v, want the commit %d (committed: %v)", pp.Partition, pp.Current, c, ok)
				}
				if pp.LagAfter != 10-pp.New {
					t.Errorf("partition %d lag after %d, want %d", pp.Partition, pp.LagAfter, 10-pp.New)
				}
				if pp.Committed != nil {
					t.Errorf("partition %d: a dry run shows committed %s", pp.Partition, pp.Committed)
				}
				lagAfter += pp.LagAfter
			}
			if p.LagAfter != lagAfter {
				t.Errorf("total lag after %d, want the sum %d", p.LagAfter, lagAfter)
			}
		})
	}
	if after := f.allCommits(t); after != before {
		t.Fatalf("dry runs changed commits: %s → %s", before, after)
	}
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// TestOpsGolden checks the plan formats, for scripts and for people.
func TestOpsGolden(t *testing.T) {
	f := newOpsFixture(t)
	tests := []struct {
		golden string
		args   []string
	}{
		{"ops-reset-earliest.json", []string{"reset", "--topic", opsTopic, "--to-earliest", "-o", "json"}},
		{"ops-reset-shift.txt", []string{"reset", "--topic", opsTopic, "--shift-by", "-5"}},
		{"ops-create-latest.txt", []string{"create", "--topic", opsTopic, "--suffix", "incremental", "--at", "latest"}},
		{"ops-delete.txt", []string{"delete", "--topic", opsTopic, "--suffix", "full-index"}},
		{"ops-delete.json", []string{"delete", "--topic", opsTopic, "--offsets-only", "-o", "json"}},
		// Executed last: it changes the default group.
		{"ops-reset-executed.json", []string{"reset", "--topic", opsTopic, "--to-offset-map", "0=2,1=8", "--execute", "-o", "json"}},
		{"ops-reset-executed.txt", []string{"reset", "--topic", opsTopic, "--from-suffix", "full-index", "--execute"}},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			r := f.run(t, tt.args...)
			if r.code != ExitOK {
				t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
			}
			checkGolden(t, tt.golden, r.stdout)
		})
	}
}

// TestResetExecute checks that --execute commits exactly the plan, on the
// group named and no other, and prints what it read back.
func TestResetExecute(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		group   string
		want    map[int32]int64
		touched map[string]bool // groups allowed to change
	}{
		{name: "offset map", args: []string{"--to-offset-map", "0=2,1=8"}, group: opsDefault, want: map[int32]int64{0: 2, 1: 8}},
		{name: "one partition", args: []string{"--to-latest", "--partitions", "0"}, group: opsDefault, want: map[int32]int64{0: 10, 1: 6}},
		{name: "copy a sibling onto the default group", args: []string{"--from-suffix", "full-index"}, group: opsDefault,
			want: map[int32]int64{0: 9, 1: 10}},
		{name: "copy the default group onto a sibling", args: []string{"--suffix", "full-index", "--from-default"}, group: opsFull,
			want: map[int32]int64{0: 4, 1: 6}},
		{name: "copy onto a new sibling", args: []string{"--suffix", "incremental", "--from-suffix", "full-index"}, group: opsIncr,
			want: map[int32]int64{0: 9, 1: 10}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newOpsFixture(t)
			before := map[string]map[int32]int64{}
			for _, g := range []string{opsDefault, opsFull, opsIncr} {
				before[g] = f.committedOn(t, g)
			}
			r := f.run(t, append([]string{"reset", "--topic", opsTopic, "--execute", "-o", "json"}, tt.args...)...)
			mustSucceed(t, r)
			p := parsePlan(t, r.stdout)
			if *p.DryRun {
				t.Error("executed plan says dry_run")
			}
			for _, pp := range p.Partitions {
				if got := string(pp.Committed); got != strconv.FormatInt(pp.New, 10) || pp.Error != "" {
					t.Errorf("partition %d: committed %s (error %q), want the new offset %d read back", pp.Partition, got, pp.Error, pp.New)
				}
			}
			if got := f.committedOn(t, tt.group); !maps.Equal(got, tt.want) {
				t.Errorf("%s now at %v, want %v", tt.group, got, tt.want)
			}
			for g, was := range before {
				if g != tt.group && !maps.Equal(f.committedOn(t, g), was) {
					t.Errorf("%s changed from %v to %v", g, was, f.committedOn(t, g))
				}
			}
		})
	}
}

// TestResetNotTaken checks that a partition whose commit fails is reported
// with what is committed now, and fails the command.
func TestResetNotTaken(t *testing.T) {
	f := newOpsFixture(t)
	f.cluster.ControlKey(int16(kmsg.OffsetCommit), func(req kmsg.Request) (kmsg.Response, error, bool) {
		commit := req.(*kmsg.OffsetCommitRequest)
		resp := commit.ResponseKind().(*kmsg.OffsetCommitResponse)
		for _, rt := range commit.Topics {
			st := kmsg.NewOffsetCommitResponseTopic()
			st.Topic, st.TopicID = rt.Topic, rt.TopicID // v10+ names topics by id
			for _, rp := range rt.Partitions {
				sp := kmsg.NewOffsetCommitResponseTopicPartition()
				sp.Partition = rp.Partition
				sp.ErrorCode = kerr.OffsetMetadataTooLarge.Code
				st.Partitions = append(st.Partitions, sp)
			}
			resp.Topics = append(resp.Topics, st)
		}
		return resp, nil, true
	})
	r := f.run(t, "reset", "--topic", opsTopic, "--to-earliest", "--execute")
	if r.code != ExitError {
		t.Fatalf("exit %d, want %d; stderr:\n%s", r.code, ExitError, r.stderr)
	}
	for _, want := range []string{"COMMITTED", "4 (did not take)", "6 (did not take)", "did not take: partition(s) 0,1"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, r.stdout)
		}
	}
	if !strings.Contains(r.stderr, "2 of 2 partition(s)") || !strings.Contains(r.stderr, "OFFSET_METADATA_TOO_LARGE") {
		t.Errorf("stderr does not say which partitions failed and why:\n%s", r.stderr)
	}
	if got := f.committedOn(t, opsDefault); fmt.Sprint(got) != "map[0:4 1:6]" {
		t.Errorf("commits now %v", got)
	}
}

// TestCreate checks create at each position, dry run and executed.
func TestCreate(t *testing.T) {
	f := newOpsFixture(t)
	tests := []struct {
		name   string
		suffix string
		at     string
		want   map[int32]int64
	}{
		{"latest", "new-latest", "latest", map[int32]int64{0: 10, 1: 10}},
		{"earliest", "new-earliest", "earliest", map[int32]int64{0: 0, 1: 0}},
		{"default is earliest", "new-default", "", map[int32]int64{0: 0, 1: 0}},
		{"time", "new-time", f.t0.Add(5 * time.Second).Format(time.RFC3339), map[int32]int64{0: 5, 1: 5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			group := opsDefault + "-" + tt.suffix
			args := []string{"create", "--topic", opsTopic, "--suffix", tt.suffix, "-o", "json"}
			if tt.at != "" {
				args = append(args, "--at", tt.at)
			}
			r := f.run(t, args...)
			if r.code != ExitOK || !strings.Contains(r.stderr, dryRunNote) {
				t.Fatalf("dry run: exit %d, stderr:\n%s", r.code, r.stderr)
			}
			if got := parsePlan(t, r.stdout).newOffsets(); !maps.Equal(got, tt.want) {
				t.Errorf("plan %v, want %v", got, tt.want)
			}
			if got := f.committedOn(t, group); len(got) != 0 {
				t.Fatalf("the dry run created %s at %v", group, got)
			}

			r = f.run(t, append(args, "--execute")...)
			mustSucceed(t, r)
			if got := f.committedOn(t, group); !maps.Equal(got, tt.want) {
				t.Errorf("created at %v, want %v", got, tt.want)
			}
		})
	}

	r := f.run(t, "create", "--topic", opsTopic, "--suffix", "full-index", "--execute")
	if r.code != ExitError || !strings.Contains(r.stderr, "already exists") || !strings.Contains(r.stderr, "reset") {
		t.Errorf("creating an existing group: exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if got := f.committedOn(t, opsFull); fmt.Sprint(got) != "map[0:9 1:10]" {
		t.Errorf("the existing group moved to %v", got)
	}
}

// deleteJSON is the part of delete -o json the tests read.
type deleteJSON struct {
	Group      string   `json:"group"`
	Operation  string   `json:"operation"`
	DryRun     bool     `json:"dry_run"`
	Members    []string `json:"members"`
	Partitions []struct {
		Partition int32           `json:"partition"`
		Committed *int64          `json:"committed"`
		ReadBack  json.RawMessage `json:"read_back"`
	} `json:"partitions"`
}

// TestDelete checks deleting a group and only its offsets, dry run first.
func TestDelete(t *testing.T) {
	f := newOpsFixture(t)
	ctx := context.Background()
	before := f.allCommits(t)

	r := f.run(t, "delete", "--topic", opsTopic, "--suffix", "full-index", "-o", "json")
	if r.code != ExitOK || r.stderr != dryRunNote+"\n" {
		t.Fatalf("dry run: exit %d, stderr:\n%s", r.code, r.stderr)
	}
	var d deleteJSON
	if err := json.Unmarshal([]byte(r.stdout), &d); err != nil {
		t.Fatal(err)
	}
	if d.Group != opsFull || d.Operation != "delete group" || !d.DryRun || len(d.Partitions) != 2 ||
		d.Partitions[0].Committed == nil || *d.Partitions[0].Committed != 9 {
		t.Errorf("dry run report %+v", d)
	}
	if after := f.allCommits(t); after != before {
		t.Fatalf("dry run changed commits: %s → %s", before, after)
	}

	r = f.run(t, "delete", "--topic", opsTopic, "--suffix", "full-index", "--execute")
	mustSucceed(t, r)
	// The commits as they were, and none read back.
	for _, want := range []string{"deleted the whole group", "WAS COMMITTED", "READ BACK", "0          0      9              10   1    none"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, r.stdout)
		}
	}
	listed, err := f.adm.ListGroups(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := listed[opsFull]; ok {
		t.Errorf("%s still listed after delete", opsFull)
	}
	if got := f.committedOn(t, opsDefault); fmt.Sprint(got) != "map[0:4 1:6]" {
		t.Errorf("deleting a sibling moved the default group to %v", got)
	}

	r = f.run(t, "delete", "--topic", opsTopic, "--offsets-only", "--execute", "-o", "json")
	mustSucceed(t, r)
	if err := json.Unmarshal([]byte(r.stdout), &d); err != nil {
		t.Fatal(err)
	}
	if d.Operation != "delete offsets" || d.DryRun {
		t.Errorf("report %+v", d)
	}
	for _, p := range d.Partitions {
		if string(p.ReadBack) != "null" {
			t.Errorf("partition %d read back %s after the delete, want null", p.Partition, p.ReadBack)
		}
	}
	if got := f.committedOn(t, opsDefault); len(got) != 0 {
		t.Errorf("offsets left after --offsets-only: %v", got)
	}

	for _, args := range [][]string{
		{"delete", "--topic", opsTopic, "--suffix", "full-index"},         // gone already
		{"delete", "--topic", opsTopic, "--offsets-only"},                 // no commits left
		{"delete", "--topic", opsTopic, "--suffix", "never", "--execute"}, // never existed
	} {
		r := f.run(t, args...)
		if r.code != ExitError || !strings.Contains(r.stderr, "nothing to delete") || r.stdout != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr:\n%s", args, r.code, r.stdout, r.stderr)
		}
	}
}

// TestLiveGroupRefused checks that every write on a group with a live member
// is refused with exit 3, naming the member, and changes nothing; a dry run
// still shows the plan and warns.
func TestLiveGroupRefused(t *testing.T) {
	f := newOpsFixture(t)
	f.joinMember(t, opsDefault, "live-job")
	before := f.allCommits(t)

	for _, args := range [][]string{
		{"reset", "--topic", opsTopic, "--to-earliest", "--execute"},
		{"reset", "--topic", opsTopic, "--from-suffix", "full-index", "--execute", "-o", "json"},
		{"delete", "--topic", opsTopic, "--execute"},
		{"delete", "--topic", opsTopic, "--offsets-only", "--execute"},
	} {
		r := f.run(t, args...)
		if r.code != ExitRefused {
			t.Fatalf("%v: exit %d, want %d; stderr:\n%s", args, r.code, ExitRefused, r.stderr)
		}
		if !strings.Contains(r.stderr, "live-job@") || !strings.Contains(r.stderr, opsDefault) || r.stdout != "" {
			t.Errorf("%v: the refusal does not name the group and its member (or printed output):\nstdout %q\nstderr %s", args, r.stdout, r.stderr)
		}
	}
	if after := f.allCommits(t); after != before {
		t.Fatalf("refused writes changed commits: %s → %s", before, after)
	}

	r := f.run(t, "reset", "--topic", opsTopic, "--to-earliest")
	if r.code != ExitOK || !strings.Contains(r.stderr, "live-job@") || !strings.Contains(r.stderr, dryRunNote) {
		t.Errorf("dry run on a live group: exit %d, stderr:\n%s", r.code, r.stderr)
	}
	// A sibling of the live group is not held by it.
	r = f.run(t, "reset", "--topic", opsTopic, "--suffix", "full-index", "--to-earliest", "--execute")
	mustSucceed(t, r)
}

// TestReadOnly checks that read-only mode, by flag or environment, refuses
// every write with exit 3 and changes nothing, while reads still work.
func TestReadOnly(t *testing.T) {
	f := newOpsFixture(t)
	before := f.allCommits(t)
	writes := [][]string{
		{"reset", "--topic", opsTopic, "--to-earliest", "--execute"},
		{"reset", "--topic", opsTopic, "--suffix", "incremental", "--from-suffix", "full-index", "--execute"},
		{"create", "--topic", opsTopic, "--suffix", "new", "--execute"},
		{"delete", "--topic", opsTopic, "--execute"},
		{"delete", "--topic", opsTopic, "--suffix", "full-index", "--offsets-only", "--execute"},
		{"consume", "--topic", opsTopic, "-n", "3", "-o", "jsonl"},
		{"consume", "--topic", opsTopic, "--suffix", "incremental", "-n", "3", "-o", "jsonl"},
	}
	reads := [][]string{
		{"consume", "--topic", opsTopic, "-n", "3", "--peek", "-o", "jsonl"},
		{"lag", "-o", "json"},
		{"reset", "--topic", opsTopic, "--to-earliest"},
		{"create", "--topic", opsTopic, "--suffix", "new"},
		{"delete", "--topic", opsTopic},
	}
	// Each way of turning read-only on, and how a refusal of an offset
	// operation names it so that people know where to turn it off.
	cfgPath := writeConfigFile(t, t.TempDir(), "current-context: ro\ncontexts:\n  ro:\n    read-only: true\n", 0o600)
	causes := map[string]string{
		"flag":   "read-only mode (--read-only)",
		"env":    "read-only mode (" + envReadOnly + "=yes)",
		"config": "read-only mode (read-only: true in context ro of " + cfgPath + ")",
	}
	for _, mode := range []string{"flag", "env", "config"} {
		t.Run(mode, func(t *testing.T) {
			run := func(args ...string) result {
				switch mode {
				case "flag":
					return f.run(t, append(args, "--read-only")...)
				case "config":
					t.Setenv(envConfig, cfgPath)
					return f.run(t, args...)
				}
				t.Setenv(envReadOnly, "yes")
				return kgroups(t, append(args, "--brokers", f.brokers, "--base", opsBase)...)
			}
			for _, args := range writes {
				r := run(args...)
				if r.code != ExitRefused || !strings.Contains(r.stderr, "read-only") || r.stdout != "" {
					t.Errorf("%v: exit %d, want %d with a read-only message; stdout %q, stderr:\n%s", args, r.code, ExitRefused, r.stdout, r.stderr)
				}
				if !strings.Contains(r.stderr, causes[mode]) {
					t.Errorf("%v: the refusal does not say %q:\n%s", args, causes[mode], r.stderr)
				}
			}
			for _, args := range reads {
				r := run(args...)
				if r.code != ExitOK || r.stdout == "" {
					t.Errorf("%v: exit %d, want a read that works; stderr:\n%s", args, r.code, r.stderr)
				}
			}
			if after := f.allCommits(t); after != before {
				t.Fatalf("read-only changed commits: %s → %s", before, after)
			}
		})
	}

	// Refused before connecting: no broker needs to answer.
	r := kgroups(t, "consume", "--topic", opsTopic, "-n", "1", "--read-only", "--brokers", "127.0.0.1:1", "--base", opsBase)
	if r.code != ExitRefused {
		t.Errorf("consume read-only on an unreachable broker: exit %d, stderr:\n%s", r.code, r.stderr)
	}
	t.Setenv(envReadOnly, "maybe")
	r = kgroups(t, "lag", "--brokers", f.brokers, "--base", opsBase)
	if r.code != ExitUsage || !strings.Contains(r.stderr, envReadOnly) {
		t.Errorf("%s=maybe: exit %d, want %d; stderr:\n%s", envReadOnly, r.code, ExitUsage, r.stderr)
	}
}

// TestOpsUsageErrors checks mistakes caught before connecting: exit 2, one
// line with the error and the usage hint, nothing on stdout.
func TestOpsUsageErrors(t *testing.T) {
	t.Setenv(envReadOnly, "")
	cluster := []string{"--brokers", "127.0.0.1:1", "--base", opsBase} // never reached
	tests := []struct {
		name     string
		args     []string
		contains string
	}{
		{"no mode", []string{"reset", "--topic", "t"}, "reset needs one mode"},
		{"two modes", []string{"reset", "--topic", "t", "--to-earliest", "--to-latest"}, "--to-earliest and --to-latest cannot be used together"},
		{"two modes with values", []string{"reset", "--topic", "t", "--shift-by", "1", "--from-suffix", "x"}, "cannot be used together"},
		{"bad offset map", []string{"reset", "--topic", "t", "--to-offset-map", "0:10"}, `"0:10" is not partition=offset`},
		{"offset map with no offset", []string{"reset", "--topic", "t", "--to-offset-map", "0=10,1="}, `"1=" is not partition=offset`},
		{"empty offset map", []string{"reset", "--topic", "t", "--to-offset-map", ""}, "is not partition=offset"},
		{"offset map twice", []string{"reset", "--topic", "t", "--to-offset-map", "0=1,0=2"}, "partition 0 is given twice"},
		{"negative offset map", []string{"reset", "--topic", "t", "--to-offset-map", "0=-1"}, "0 or more"},
		{"offset map and partitions", []string{"reset", "--topic", "t", "--to-offset-map", "0=1", "--partitions", "0"}, "leave out --partitions"},
		{"negative offset", []string{"reset", "--topic", "t", "--to-offset", "-1"}, "--to-offset must be 0 or more"},
		{"bad datetime", []string{"reset", "--topic", "t", "--to-datetime", "yesterday"}, "RFC 3339"},
		{"zero duration", []string{"reset", "--topic", "t", "--by-duration", "0s"}, "--by-duration must be positive"},
		{"bad duration", []string{"reset", "--topic", "t", "--by-duration", "1d"}, "by-duration"},
		{"empty from-suffix", []string{"reset", "--topic", "t", "--from-suffix", ""}, "--from-default"},
		{"copy onto itself", []string{"reset", "--topic", "t", "--suffix", "x", "--from-suffix", "x"}, "onto itself"},
		{"copy default onto itself", []string{"reset", "--topic", "t", "--from-default"}, "onto itself"},
		{"bad partitions", []string{"reset", "--topic", "t", "--to-earliest", "--partitions", "a"}, "--partitions"},
		{"negative partition", []string{"reset", "--topic", "t", "--to-earliest", "--partitions", "-1"}, "negative"},
		{"partitions twice", []string{"reset", "--topic", "t", "--to-earliest", "--partitions", "0,1,0"}, "--partitions: partition 0 is given twice"},
		{"partitions twice in two flags", []string{"reset", "--topic", "t", "--shift-by", "1", "--partitions", "2", "--partitions", "2"}, "partition 2 is given twice"},
		{"empty suffix", []string{"reset", "--topic", "t", "--suffix", "", "--to-earliest"}, "--suffix is empty"},
		{"reset without topic", []string{"reset", "--to-earliest"}, "reset needs --topic"},
		{"bad output", []string{"reset", "--topic", "t", "--to-earliest", "-o", "yaml"}, "table, json"},
		{"create without suffix", []string{"create", "--topic", "t"}, "create needs --suffix"},
		{"create at a bad time", []string{"create", "--topic", "t", "--suffix", "s", "--at", "noon"}, "want earliest, latest or an RFC 3339 time"},
		{"delete without topic", []string{"delete"}, "delete needs --topic"},
		{"datetime a millisecond before 1970", []string{"reset", "--topic", "t", "--to-datetime", "1969-12-31T23:59:59.999Z"}, "before 1970-01-01T00:00:00Z"},
		{"datetime two milliseconds before 1970", []string{"reset", "--topic", "t", "--to-datetime", "1969-12-31T23:59:59.998Z"}, "before 1970"},
		{"datetime long before 1970", []string{"reset", "--topic", "t", "--to-datetime", "1900-01-01T00:00:00+01:00"}, "before 1970"},
		{"duration reaching before 1970", []string{"reset", "--topic", "t", "--by-duration", "600000h"}, "before 1970"},
		{"create before 1970", []string{"create", "--topic", "t", "--suffix", "s", "--at", "1969-12-31T23:59:59.999Z"}, "--at 1969-12-31T23:59:59.999Z is before 1970"},
		{"peek from before 1970", []string{"consume", "--topic", "t", "-n", "1", "--peek", "--from-time", "1969-12-31T23:59:59Z"}, "--from-time 1969-12-31T23:59:59Z is before 1970"},
		{"reset suffix with a tab", []string{"reset", "--topic", "t", "--suffix", "a\tb", "--to-earliest"}, "--suffix: U+0009 (tab) at position 2"},
		{"create suffix with a space", []string{"create", "--topic", "t", "--suffix", "new job"}, "--suffix: U+0020 (space) at position 4"},
		{"consume suffix with a line break", []string{"consume", "--topic", "t", "-n", "1", "--suffix", "x\n"}, "--suffix: U+000A (line feed) at position 2"},
		{"create suffix with an escape", []string{"create", "--topic", "t", "--suffix", "x\x1b[2J"}, "U+001B (escape) at position 2"},
		{"create suffix longer than Kafka allows", []string{"create", "--topic", "t", "--suffix", strings.Repeat("s", 32767)}, "at most 32767 bytes"},
		{"reset base with a control character", []string{"reset", "--topic", "t", "--to-earliest", "--base", "b\x01"}, "--base: U+0001 (a control character) at position 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append(slices.Clone(cluster), tt.args...) // the case's --base wins
			r := kgroups(t, args...)
			if r.code != ExitUsage {
				t.Fatalf("exit %d, want %d; stderr:\n%s", r.code, ExitUsage, r.stderr)
			}
			lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
			if len(lines) != 1 || !strings.Contains(lines[0], tt.contains) || !strings.Contains(lines[0], "--help") || r.stdout != "" {
				t.Errorf("want one error line containing %q and the usage hint on it; stdout %q, stderr:\n%s", tt.contains, r.stdout, r.stderr)
			}
		})
	}

	// A base is needed to name the group.
	r := kgroups(t, "reset", "--topic", "t", "--to-earliest", "--brokers", "127.0.0.1:1")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "--base") {
		t.Errorf("reset without base: exit %d, stderr:\n%s", r.code, r.stderr)
	}
}

// TestResetClusterErrors checks mistakes only the cluster can tell: exit 1.
func TestResetClusterErrors(t *testing.T) {
	f := newOpsFixture(t)
	tests := []struct {
		name     string
		args     []string
		contains string
	}{
		{"unknown topic", []string{"reset", "--topic", "nope", "--to-earliest"}, "nope"},
		{"unknown partition", []string{"reset", "--topic", opsTopic, "--to-earliest", "--partitions", "7"}, "no partition 7"},
		{"unknown partition in a map", []string{"reset", "--topic", opsTopic, "--to-offset-map", "9=1"}, "no partition 9"},
		{"copy from a group without commits", []string{"reset", "--topic", opsTopic, "--from-suffix", "none"}, "no commits"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.run(t, tt.args...)
			if r.code != ExitError || !strings.Contains(r.stderr, tt.contains) || r.stdout != "" {
				t.Errorf("exit %d, want %d with %q; stdout %q, stderr:\n%s", r.code, ExitError, tt.contains, r.stdout, r.stderr)
			}
		})
	}
}

// TestResetPlanExpired checks that a plan counts the records a commit
// before the log start lost to retention.
func TestResetPlanExpired(t *testing.T) {
	f := newOpsFixture(t)
	// Retention deletes partition 0 up to offset 7: the commit at 4 has
	// lost 3 records; partition 1's commit at 6 is still in the log.
	var del kadm.Offsets
	del.AddOffset(opsTopic, 0, 7, -1)
	resp, err := f.adm.DeleteRecords(context.Background(), del)
	if err == nil {
		err = resp.Error()
	}
	if err != nil {
		t.Fatal(err)
	}
	r := f.run(t, "reset", "--topic", opsTopic, "--to-earliest", "-o", "json")
	if r.code != ExitOK {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	var plan struct {
		Partitions []struct {
			Partition int32 `json:"partition"`
			Expired   int64 `json:"expired"`
		} `json:"partitions"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &plan); err != nil {
		t.Fatal(err)
	}
	got := map[int32]int64{}
	for _, p := range plan.Partitions {
		got[p.Partition] = p.Expired
	}
	if fmt.Sprint(got) != "map[0:3 1:0]" {
		t.Errorf("expired per partition %v, want map[0:3 1:0]:\n%s", got, r.stdout)
	}
}

// TestOddGroupNameStillReachable checks that a group whose suffix kgroups
// would refuse to create (a tab in it) but that exists already can still be
// peeked, planned for deletion and deleted.
func TestOddGroupNameStillReachable(t *testing.T) {
	f := newOpsFixture(t)
	const suffix = "old\tjob"
	group := opsDefault + "-" + suffix
	f.commit(t, group, map[int32]int64{0: 2, 1: 3})

	r := f.run(t, "consume", "--topic", opsTopic, "--suffix", suffix, "-n", "2", "--peek", "-o", "jsonl")
	if r.code != ExitOK || strings.Count(r.stdout, "\n") != 2 {
		t.Fatalf("peek: exit %d, stdout %q, stderr:\n%s", r.code, r.stdout, r.stderr)
	}
	r = f.run(t, "delete", "--topic", opsTopic, "--suffix", suffix, "--execute")
	if r.code != ExitOK {
		t.Fatalf("delete: exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if got := f.committedOn(t, group); len(got) != 0 {
		t.Errorf("the group still has commits after delete: %v", got)
	}
}

// TestPlanShowsMilliseconds checks that a plan names its time to the
// millisecond, in the table and in JSON: 08:59:59.999 is not 08:59:59.
func TestPlanShowsMilliseconds(t *testing.T) {
	f := newOpsFixture(t)
	at := f.t0.Add(3*time.Second - time.Millisecond).UTC()
	want := at.Format("2006-01-02T15:04:05.000Z")
	for _, format := range []string{"table", "json"} {
		r := f.run(t, "reset", "--topic", opsTopic, "--to-datetime", at.Format(time.RFC3339Nano), "-o", format)
		if r.code != ExitOK || !strings.Contains(r.stdout, want) {
			t.Errorf("-o %s: exit %d, want the plan to name %s:\n%s%s", format, r.code, want, r.stdout, r.stderr)
		}
	}
	r := f.run(t, "create", "--topic", opsTopic, "--suffix", "new", "--at", at.Format(time.RFC3339Nano))
	if r.code != ExitOK || !strings.Contains(r.stdout, want) {
		t.Errorf("create: exit %d, want the plan to name %s:\n%s%s", r.code, want, r.stdout, r.stderr)
	}
}

// TestDeleteListsEveryTopic checks that a whole-group delete's dry run names
// every topic the group has commits on, since deleting the group drops them
// all; an offsets-only delete names only its topic.
func TestDeleteListsEveryTopic(t *testing.T) {
	f := newOpsFixture(t)
	ctx := context.Background()
	const other = "audit-log"
	if _, err := f.adm.CreateTopic(ctx, 3, 1, nil, other); err != nil {
		t.Fatal(err)
	}
	kafkatest.Produce(t, strings.Split(f.brokers, ","), other,
		&kgo.Record{Partition: 0, Value: []byte("a")}, &kgo.Record{Partition: 2, Value: []byte("b")})
	var os kadm.Offsets
	os.AddOffset(other, 0, 1, -1)
	os.AddOffset(other, 2, 1, -1)
	if resp, err := f.adm.CommitOffsets(ctx, opsFull, os); err != nil || resp.Error() != nil {
		t.Fatalf("commit: %v %v", err, resp.Error())
	}

	r := f.run(t, "delete", "--topic", opsTopic, "--suffix", "full-index")
	if r.code != ExitOK {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	for _, want := range []string{"commits on 2 topics", other + " (partitions 0,2)", opsTopic + " (partitions 0,1)"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("dry run does not say %q:\n%s", want, r.stdout)
		}
	}

	r = f.run(t, "delete", "--topic", opsTopic, "--suffix", "full-index", "-o", "json")
	var d struct {
		Topics []struct {
			Topic      string  `json:"topic"`
			Partitions []int32 `json:"partitions"`
		} `json:"topics"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &d); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(d.Topics); got != "[{audit-log [0 2]} {events [0 1]}]" {
		t.Errorf("json topics %s, want audit-log and events:\n%s", got, r.stdout)
	}

	r = f.run(t, "delete", "--topic", opsTopic, "--suffix", "full-index", "--offsets-only")
	if r.code != ExitOK || strings.Contains(r.stdout, other) {
		t.Errorf("an offsets-only delete names other topics: exit %d\n%s", r.code, r.stdout)
	}
}

// TestConsumeForcedButNotAssigned checks that consume --force on a group
// whose live member keeps the only partition exits 5 saying so, never 0
// with "has read all", and commits nothing; and that a live member with
// kgroups' own client id is named as probably a killed kgroups.
func TestConsumeForcedButNotAssigned(t *testing.T) {
	f := newOpsFixture(t)
	ctx := context.Background()
	const solo = "solo"
	if _, err := f.adm.CreateTopic(ctx, 1, 1, nil, solo); err != nil {
		t.Fatal(err)
	}
	brokers := strings.Split(f.brokers, ",")
	kafkatest.Produce(t, brokers, solo, kafkatest.Values(0, 600, func(i int) string { return strconv.Itoa(i) })...)
	join := func(group, clientID string) {
		member := kafkatest.Client(t, brokers, kgo.ConsumerGroup(group), kgo.ConsumeTopics(solo),
			kgo.DisableAutoCommit(), kgo.ClientID(clientID))
		kafkatest.Eventually(t, 20*time.Second, func() error {
			pctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
			member.PollFetches(pctx) // polling drives the join
			cancel()
			if described, err := f.adm.DescribeGroups(ctx, group); err != nil || described[group].State != "Stable" {
				return fmt.Errorf("member never joined %s: %v", group, err)
			}
			return nil
		})
	}
	group := opsBase + "-" + solo
	join(group, "indexer")

	r := f.run(t, "consume", "--topic", solo, "-n", "10", "--force", "-o", "jsonl")
	lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
	if r.code != ExitNothingRead || r.stdout != "" || len(lines) != 1 {
		t.Fatalf("exit %d (want %d), stdout %q, stderr:\n%s", r.code, ExitNothingRead, r.stdout, r.stderr)
	}
	for _, want := range []string{"assigned no partitions of solo", "indexer@", "kept them"} {
		if !strings.Contains(lines[0], want) {
			t.Errorf("stderr %q does not say %q", lines[0], want)
		}
	}
	if strings.Contains(r.stderr, "read all") {
		t.Errorf("claims the group read all while its lag is 600: %s", r.stderr)
	}
	if resp, err := f.adm.FetchOffsets(ctx, group); err == nil {
		if o, ok := resp.Lookup(solo, 0); ok && o.At >= 0 {
			t.Errorf("committed %d after reading nothing", o.At)
		}
	}

	// A kgroups that was killed stays a member until its session ends.
	killed := opsBase + "-" + solo + "-killed"
	join(killed, "kgroups")
	r = f.run(t, "consume", "--topic", solo, "--suffix", "killed", "-n", "10")
	if r.code != ExitRefused {
		t.Fatalf("exit %d, want %d; stderr:\n%s", r.code, ExitRefused, r.stderr)
	}
	for _, want := range []string{"kgroups@", "kgroups' client id", "killed", "session times out, 45s after its last heartbeat"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr %q does not say %q", r.stderr, want)
		}
	}
}

// TestEmptyBatchError checks that an empty batch is "read all" only at lag
// 0; otherwise it is an error naming the lag and its partitions (exit 5).
func TestEmptyBatchError(t *testing.T) {
	caughtUp := []model.PartitionLag{{Partition: 0, End: 10, Committed: 10, HasCommitted: true}, {Partition: 1}}
	if err := emptyBatchError("g", "t", caughtUp); err != nil {
		t.Errorf("caught up: %v, want nil", err)
	}
	held := []model.PartitionLag{{Partition: 0, End: 10, Committed: 10, HasCommitted: true}, {Partition: 1, End: 600, Lag: 600}, {Partition: 2, End: 5, Lag: 5}}
	err := emptyBatchError("g", "t", held)
	if err == nil || exitCode(err) != ExitNothingRead {
		t.Fatalf("lag 605 left: err %v (exit %d), want exit %d", err, exitCode(err), ExitNothingRead)
	}
	for _, want := range []string{"lag 605 on t", "partition(s) 1,2", "committed nothing"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not say %q", err, want)
		}
	}
}
