package kafka_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/kafka/kafkatest"
)

// These tests check kgroups against clients it shares nothing with: kcat
// (librdkafka) and kafka-python. They run when the tools are installed
// (.ci/run installs them) and fail in CI if they are missing.

const pythonBin = "/usr/bin/python3"

func needTool(t *testing.T, path string, check ...string) {
	t.Helper()
	cmd := exec.Command(path, check...)
	if err := cmd.Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s %v is not usable in CI: %v (.ci/run installs it)", path, check, err)
		}
		t.Skipf("%s not usable here: %v", path, err)
	}
}

// interopCluster is one topic "t" with 3 partitions of 10 JSON records each.
func interopCluster(t *testing.T) (brokers []string, c *kafka.Cluster) {
	t.Helper()
	_, brokers = kafkatest.NewCluster(t, kfake.SeedTopics(3, "t"))
	var recs []*kgo.Record
	for p := range int32(3) {
		recs = append(recs, kafkatest.Values(p, 10, func(i int) string { return fmt.Sprintf(`{"p":%d,"i":%d}`, p, i) })...)
	}
	// Uncompressed: Debian's kafka-python ships without the snappy codec
	// that kgo uses by default.
	cl := kafkatest.Client(t, brokers, kgo.DefaultProduceTopic("t"), kgo.RecordPartitioner(kgo.ManualPartitioner()),
		kgo.ProducerBatchCompression(kgo.NoCompression()))
	if err := cl.ProduceSync(context.Background(), recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
	c, err := kafka.Dial(context.Background(), kafka.Config{Brokers: brokers})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return brokers, c
}

func runTool(t *testing.T, name string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, name, args...).Output()
	if err != nil {
		stderr := ""
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("%s failed: %v\n%s", name, err, stderr)
	}
	return out
}

// A group that kafka-python consumed and committed shows in the snapshot
// with exactly the offsets kafka-python reports.
const pythonConsume = `
import json, sys
from kafka import KafkaConsumer, TopicPartition
brokers, group, want = sys.argv[1].split(","), sys.argv[2], int(sys.argv[3])
c = KafkaConsumer("t", bootstrap_servers=brokers, group_id=group, client_id="py-interop",
                  auto_offset_reset="earliest", enable_auto_commit=False, max_poll_records=1,
                  api_version_auto_timeout_ms=10000)
got = 0
while got < want:
    for tp, recs in c.poll(timeout_ms=1000, max_records=want - got).items():
        got += len(recs)
c.commit()
out = {str(p): c.committed(TopicPartition("t", p)) for p in range(3)}
c.close()
print(json.dumps(out))
`

func TestInteropKafkaPythonCommitsShowInSnapshot(t *testing.T) {
	needTool(t, pythonBin, "-I", "-c", "from kafka import KafkaConsumer")
	brokers, c := interopCluster(t)
	out := runTool(t, pythonBin, "-c", pythonConsume, strings.Join(brokers, ","), "base-t-py", "13")
	var pyCommits map[string]*int64
	if err := json.Unmarshal(out, &pyCommits); err != nil {
		t.Fatalf("kafka-python said %q: %v", out, err)
	}
	snap, err := c.Snapshot(context.Background(), "base", kafka.SnapshotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Groups) != 1 || snap.Groups[0].ID != "base-t-py" || snap.Groups[0].Name.Suffix != "py" {
		t.Fatalf("groups %+v, want base-t-py with suffix py", snap.Groups)
	}
	g := snap.Groups[0]
	var sum int64
	for _, p := range g.Partitions {
		py := pyCommits[fmt.Sprint(p.Partition)]
		switch {
		case py == nil && p.HasCommitted:
			t.Fatalf("partition %d: kgroups sees commit %d, kafka-python none", p.Partition, p.Committed)
		case py != nil && (!p.HasCommitted || p.Committed != *py):
			t.Fatalf("partition %d: kgroups sees %d (has %v), kafka-python %d", p.Partition, p.Committed, p.HasCommitted, *py)
		case py != nil:
			sum += *py
		}
	}
	if sum != 13 || g.Lag != 30-13 {
		t.Fatalf("committed %d records with lag %d, want 13 and 17", sum, g.Lag)
	}
}

// What the pool commits is what kafka-python reads back as committed.
const pythonCommitted = `
import json, sys
from kafka import KafkaConsumer, TopicPartition
c = KafkaConsumer(bootstrap_servers=sys.argv[1].split(","), group_id=sys.argv[2], enable_auto_commit=False)
print(json.dumps({str(p): c.committed(TopicPartition("t", p)) for p in range(3)}))
c.close()
`

func TestInteropPoolCommitsReadByKafkaPython(t *testing.T) {
	needTool(t, pythonBin, "-I", "-c", "from kafka import KafkaConsumer")
	brokers, _ := interopCluster(t)
	reg, err := kafka.NewConsumerPool("base", kafka.Config{Brokers: brokers})
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	recs, err := reg.ConsumeMessagesWithGroup(context.Background(), "t", 17, "reg")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]*int64{}
	for _, r := range recs {
		next := r.Offset + 1
		if cur := want[fmt.Sprint(r.Partition)]; cur == nil || *cur < next {
			want[fmt.Sprint(r.Partition)] = &next
		}
	}
	var got map[string]*int64
	out := runTool(t, pythonBin, "-c", pythonCommitted, strings.Join(brokers, ","), "base-t-reg")
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("kafka-python said %q: %v", out, err)
	}
	for p := range 3 {
		k := fmt.Sprint(p)
		if fmt.Sprint(deref(got[k])) != fmt.Sprint(deref(want[k])) {
			t.Fatalf("partition %s: kafka-python reads %v committed, the pool returned up to %v", k, deref(got[k]), deref(want[k]))
		}
	}
}

func deref(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

// A peek from earliest returns exactly what kcat reads from the beginning.
func TestInteropPeekMatchesKcat(t *testing.T) {
	needTool(t, "kcat", "-V")
	brokers, c := interopCluster(t)
	out := runTool(t, "kcat", "-b", strings.Join(brokers, ","), "-C", "-t", "t", "-o", "beginning", "-e", "-q",
		"-f", "%p %o %s\n")
	kcatLines := strings.Split(strings.TrimSpace(string(out)), "\n")
	recs, err := c.Peek(context.Background(), kafka.PeekRequest{Topic: "t", From: kafka.PeekEarliest, Max: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var ours []string
	for _, r := range recs {
		ours = append(ours, fmt.Sprintf("%d %d %s", r.Partition, r.Offset, r.Value))
	}
	slices.Sort(kcatLines)
	slices.Sort(ours)
	if !slices.Equal(kcatLines, ours) {
		t.Fatalf("kcat read %d records, peek %d; first kcat %q, first peek %q", len(kcatLines), len(ours), kcatLines[0], ours[0])
	}
}
