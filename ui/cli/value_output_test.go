package cli

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kgroups/kgroups/kafka/kafkatest"
)

// valueFixture is topic "values", one partition of five records: JSON,
// text, a value that would retitle a terminal and spans two lines, a
// tombstone and bytes that are not UTF-8. want is what -o value prints of
// them into a pipe: the bytes as they are, each followed by a newline.
func valueFixture(t *testing.T) (brokers, want string) {
	t.Helper()
	_, bs := kafkatest.NewCluster(t, kfake.SeedTopics(1, "values"))
	values := [][]byte{[]byte(`{"a":1}`), []byte("plain text"), []byte("\x1b]0;pwned\x07evil\nline two"), nil, {0xff, 0xfe, 'x'}}
	var recs []*kgo.Record
	var b strings.Builder
	for _, v := range values {
		recs = append(recs, &kgo.Record{Topic: "values", Key: []byte("k"), Value: v})
		b.Write(v)
		b.WriteByte('\n')
	}
	cl := kafkatest.Client(t, bs)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(bs, ","), b.String()
}

// TestValueOutput: -o value prints each record's value alone on a line, as
// kcat -C does, in a peek, a tail and a consume that commits; the consume
// commits what it printed.
func TestValueOutput(t *testing.T) {
	brokers, want := valueFixture(t)
	for _, args := range [][]string{
		{"consume", "--topic", "values", "--peek", "-n", "5", "-o", "value"},
		{"tail", "--topic", "values", "--from-beginning", "-n", "5", "-o", "value"},
		{"consume", "--topic", "values", "--suffix", "v", "-n", "5", "-o", "value"},
	} {
		r := kgroups(t, append(args, "--brokers", brokers, "--base", "svc")...)
		mustSucceed(t, r)
		if r.stdout != want {
			t.Errorf("%s:\n got %q\nwant %q", strings.Join(args, " "), r.stdout, want)
		}
	}
	fetched, err := kadm.NewClient(kafkatest.Client(t, strings.Split(brokers, ","))).FetchOffsets(context.Background(), "svc-values-v")
	if err != nil {
		t.Fatal(err)
	}
	if o, ok := fetched.Lookup("values", 0); !ok || o.At != 5 {
		t.Errorf("consume -o value committed %+v (%v), want offset 5", o, ok)
	}
	if r := kgroups(t, "consume", "--topic", "values", "--peek", "-n", "1", "-o", "xml", "--brokers", brokers); r.code != ExitUsage || !strings.Contains(r.stderr, "value") {
		t.Errorf("-o xml: exit %d, stderr %q; want a usage error naming value", r.code, r.stderr)
	}
}
