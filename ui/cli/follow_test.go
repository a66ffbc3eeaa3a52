package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kgroups/kgroups/kafka/demo"
	"github.com/kgroups/kgroups/kafka/kafkatest"
)

const (
	mixedTopic = "mixed"
	mixedBase  = "svc"
	mixedGroup = mixedBase + "-" + mixedTopic
)

// mixedRecord is one record of the filter fixture as produced, for the
// reference predicates.
type mixedRecord struct {
	partition int32
	offset    int64
	key       []byte
	value     []byte
	headers   map[string]string
}

// mixedFixture is topic mixed: 3 partitions of 30 records cycling through a
// JSON order, plain text, a tombstone, a JSON array, JSON with a null amount
// and a null key, and broken JSON.
type mixedFixture struct {
	fake    *kfake.Cluster
	brokers string
	recs    []mixedRecord
}

func newMixedFixture(t *testing.T) *mixedFixture {
	t.Helper()
	fake, brokers := kafkatest.NewCluster(t, kfake.SeedTopics(3, mixedTopic))
	f := &mixedFixture{fake: fake, brokers: strings.Join(brokers, ",")}
	var recs []*kgo.Record
	for p := range int32(3) {
		for i := range 30 {
			r := mixedRecord{partition: p, offset: int64(i), key: fmt.Appendf(nil, "order/%d-%d", p, i), headers: map[string]string{}}
			switch i % 6 {
			case 0:
				r.value = fmt.Appendf(nil, `{"amount":{"value":%d},"note":"rush"}`, i*10+int(p))
				r.headers["trace-id"] = fmt.Sprintf("abc-%d", i)
			case 1:
				r.value = []byte("plain text: amount.value > 100 RUSH")
			case 2:
				r.value = nil // tombstone
				r.headers["trace-id"] = fmt.Sprintf("abc-%d", i)
			case 3:
				r.value = []byte(`[1,2,3]`)
			case 4:
				r.key = nil
				r.value = []byte(`{"amount":null}`)
				r.headers["source"] = "web"
			case 5:
				r.value = []byte(`{"amount":{"value":500}`) // broken
			}
			rec := &kgo.Record{Partition: p, Key: r.key, Value: r.value}
			for k, v := range r.headers {
				rec.Headers = append(rec.Headers, kgo.RecordHeader{Key: k, Value: []byte(v)})
			}
			recs = append(recs, rec)
			f.recs = append(f.recs, r)
		}
	}
	kafkatest.Produce(t, brokers, mixedTopic, recs...)
	return f
}

// mixedAmount is the reference for '.amount.value > 100': the value parses
// as one JSON object whose amount.value is a number over 100.
func mixedAmount(r mixedRecord) bool {
	var v struct {
		Amount *struct {
			Value *float64 `json:"value"`
		} `json:"amount"`
	}
	if r.value == nil || json.Unmarshal(r.value, &v) != nil {
		return false
	}
	return v.Amount != nil && v.Amount.Value != nil && *v.Amount.Value > 100
}

// filterCases are CLI filter flags with a reference predicate written
// independently of the filter package.
var filterCases = []struct {
	name  string
	flags []string
	keep  func(mixedRecord) bool
}{
	{"key glob", []string{"--key", "order/1-*"}, func(r mixedRecord) bool {
		return r.key != nil && strings.HasPrefix(string(r.key), "order/1-")
	}},
	{"key class", []string{"--key", "order/[02]-1?"}, func(r mixedRecord) bool {
		return r.key != nil && regexp.MustCompile(`^order/[02]-1.$`).Match(r.key)
	}},
	{"header", []string{"--header", "trace-id=abc-1?"}, func(r mixedRecord) bool {
		v, ok := r.headers["trace-id"]
		return ok && len(v) == len("abc-1?") && strings.HasPrefix(v, "abc-1")
	}},
	{"two headers", []string{"--header", "trace-id=*", "--header", "source=web"}, func(mixedRecord) bool { return false }},
	{"grep", []string{"--grep", "RuSh"}, func(r mixedRecord) bool {
		return r.value != nil && strings.Contains(strings.ToLower(string(r.value)), "rush")
	}},
	{"jq", []string{"--jq", ".amount.value > 100"}, mixedAmount},
	{"jq and key", []string{"--jq", ".amount.value > 100", "--key", "order/2-*"}, func(r mixedRecord) bool {
		return mixedAmount(r) && strings.HasPrefix(string(r.key), "order/2-")
	}},
	{"jq identity", []string{"--jq", "."}, func(r mixedRecord) bool {
		var v any
		return r.value != nil && json.Unmarshal(r.value, &v) == nil && v != nil && v != false
	}},
}

// printedAt lists "p@offset" of jsonl output, sorted.
func printedAt(t *testing.T, jsonl string) []string {
	t.Helper()
	var out []string
	for p, offs := range offsetsRead(t, jsonl) {
		for _, o := range offs {
			out = append(out, fmt.Sprintf("%d@%d", p, o))
		}
	}
	slices.Sort(out)
	return out
}

func (f *mixedFixture) reference(keep func(mixedRecord) bool) []string {
	var out []string
	for _, r := range f.recs {
		if keep(r) {
			out = append(out, fmt.Sprintf("%d@%d", r.partition, r.offset))
		}
	}
	slices.Sort(out)
	return out
}

// TestFiltersKeepWhatTheReferenceKeeps runs every filter case through a
// peek and through tail, and checks that they print exactly the records the
// reference predicate keeps, and say how many they scanned.
func TestFiltersKeepWhatTheReferenceKeeps(t *testing.T) {
	f := newMixedFixture(t)
	until := time.Now().Add(time.Second).Format(time.RFC3339Nano)
	for _, tt := range filterCases {
		want := f.reference(tt.keep)
		if tt.name != "two headers" && len(want) == 0 {
			t.Fatalf("%s: the reference keeps nothing; the case proves little", tt.name)
		}
		summary := fmt.Sprintf("%d matches in 90 records of mixed scanned; nothing committed\n", len(want))
		if len(want) == 1 {
			summary = strings.Replace(summary, "matches", "match", 1)
		}
		for _, cmd := range [][]string{
			{"consume", "--peek", "--from-beginning", "-n", "1000"},
			{"tail", "--from-beginning", "--until", until},
		} {
			t.Run(tt.name+"/"+cmd[0], func(t *testing.T) {
				args := append(slices.Clone(cmd), "--topic", mixedTopic, "--brokers", f.brokers, "-o", "jsonl")
				r := kgroups(t, append(args, tt.flags...)...)
				if r.code != ExitOK {
					t.Fatalf("exit %d: %s", r.code, r.stderr)
				}
				if got := printedAt(t, r.stdout); !slices.Equal(got, want) {
					t.Errorf("printed %v\nthe reference keeps %v", got, want)
				}
				if r.stderr != summary {
					t.Errorf("stderr %q, want %q", r.stderr, summary)
				}
			})
		}
	}
}

// TestFilterCountsMatches checks that with a filter -n counts matches, not
// records: a peek stops after the n-th match.
func TestFilterCountsMatches(t *testing.T) {
	f := newMixedFixture(t)
	r := kgroups(t, "consume", "--peek", "--from-beginning", "--partition", "1", "-n", "2", "--jq", ".amount.value > 100",
		"--topic", mixedTopic, "--brokers", f.brokers, "-o", "jsonl")
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	// Partition 1's matches are at 12 (value 121) and 18 (181): 19 records
	// are scanned to find two.
	if got, want := printedAt(t, r.stdout), []string{"1@12", "1@18"}; !slices.Equal(got, want) {
		t.Errorf("printed %v, want %v", got, want)
	}
	if want := "2 matches in 19 records of mixed scanned; nothing committed\n"; r.stderr != want {
		t.Errorf("stderr %q, want %q", r.stderr, want)
	}

	// With --last, -n is how many records of each partition to scan.
	r = kgroups(t, "consume", "--peek", "--last", "--partition", "0", "-n", "10", "--jq", ".amount.value > 100",
		"--topic", mixedTopic, "--brokers", f.brokers, "-o", "jsonl")
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if got, want := printedAt(t, r.stdout), []string{"0@24"}; !slices.Equal(got, want) {
		t.Errorf("--last -n 10 printed %v, want %v", got, want)
	}
	if want := "1 match in 10 records of mixed scanned; nothing committed\n"; r.stderr != want {
		t.Errorf("--last -n 10: stderr %q, want %q", r.stderr, want)
	}
}

// TestBadFiltersAreUsageErrors checks that a bad filter exits 2 before
// connecting: the brokers given accept no connection.
func TestBadFiltersAreUsageErrors(t *testing.T) {
	for _, tt := range []struct {
		args []string
		says string
	}{
		{[]string{"consume", "--peek", "-n", "1", "--jq", ".amount.value >"}, `--jq ".amount.value >": unexpected EOF at column 16`},
		{[]string{"consume", "--peek", "-n", "1", "--jq", ".a | | .b"}, `--jq ".a | | .b": unexpected token "|" at column 6`},
		{[]string{"tail", "--jq", "nosuch(1)"}, "function not defined: nosuch/1"},
		{[]string{"tail", "--key", "order["}, `--key "order[": bad glob`},
		{[]string{"consume", "-n", "1", "--header", "trace-id"}, `--header "trace-id": want NAME=GLOB`},
		{[]string{"consume", "-n", "1", "--peek", "--until", "2025-01-01T00:00:00Z"}, "--until works only with --follow"},
		{[]string{"consume", "-n", "1", "--follow"}, "--follow works only with --peek"},
		{[]string{"tail", "--until", "tomorrow"}, `--until "tomorrow" is not an RFC 3339 time`},
		{[]string{"tail", "--last"}, "--last needs -n N"},
		{[]string{"tail", "--last", "-n", "1", "--from-beginning"}, "--last and --from-beginning cannot be used together"},
	} {
		args := append(tt.args, "--topic", "t", "--brokers", "127.0.0.1:1", "--base", "svc")
		r := kgroups(t, args...)
		if r.code != ExitUsage || !strings.Contains(r.stderr, tt.says) || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and one line saying %q", tt.args, r.code, r.stderr, tt.says)
		}
	}
}

// runUntilSignal runs kgroups with args until stop is called, which ends it
// the way Ctrl-C does (the context's cause names SIGINT).
func runUntilSignal(t *testing.T, args ...string) (stdout, stderr *syncBuffer, stop func(), done <-chan int) {
	t.Helper()
	t.Setenv(envBrokers, "")
	t.Setenv(envBase, "")
	ctx, cancel := context.WithCancelCause(context.Background())
	t.Cleanup(func() { cancel(nil) })
	stdout, stderr = &syncBuffer{}, &syncBuffer{}
	a := &app{stdin: strings.NewReader(""), stdout: stdout, stderr: stderr, now: func() time.Time { return demo.SeedBase }}
	codes := make(chan int, 1)
	go func() { codes <- run(ctx, a, args) }()
	return stdout, stderr, func() { cancel(&SignalError{Signal: os.Interrupt}) }, codes
}

// waitUntil polls cond until it holds or the deadline passes.
func waitUntil(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %s: still waiting for %s", within, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestTailPrintsWhatIsProducedUntilCtrlC follows the topic from its end
// while a producer writes, and stops it with Ctrl-C: every new record is
// printed once, in order per partition, none of the old ones; it exits 0 and
// no group appeared, no commit was made.
func TestTailPrintsWhatIsProducedUntilCtrlC(t *testing.T) {
	f := newMixedFixture(t)
	adm := kadm.NewClient(kafkatest.Client(t, strings.Split(f.brokers, ",")))
	ctx := context.Background()
	groupsBefore, err := adm.ListGroups(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	fetched := make(chan struct{})
	f.fake.ControlKey(int16(kmsg.Fetch), func(kmsg.Request) (kmsg.Response, error, bool) {
		once.Do(func() { close(fetched) })
		return nil, nil, false
	})

	for _, cmd := range [][]string{{"tail"}, {"consume", "--peek", "--follow"}} {
		t.Run(cmd[0], func(t *testing.T) {
			ends, err := adm.ListEndOffsets(ctx, mixedTopic)
			if err != nil {
				t.Fatal(err)
			}
			stdout, stderr, stop, done := runUntilSignal(t, append(slices.Clone(cmd),
				"--topic", mixedTopic, "--brokers", f.brokers, "--base", mixedBase, "-o", "jsonl")...)
			select {
			case <-fetched: // the follow has listed its start offsets
			case <-time.After(20 * time.Second):
				t.Fatal("no fetch from the follow")
			}
			const perPartition = 40
			cl := kafkatest.Client(t, strings.Split(f.brokers, ","), kgo.DefaultProduceTopic(mixedTopic), kgo.RecordPartitioner(kgo.ManualPartitioner()))
			produced := make(chan error, 1)
			go func() {
				for i := range perPartition {
					var batch []*kgo.Record
					for p := range int32(3) {
						batch = append(batch, &kgo.Record{Partition: p, Value: fmt.Appendf(nil, `{"n":%d}`, i)})
					}
					if err := cl.ProduceSync(ctx, batch...).FirstErr(); err != nil {
						produced <- err
						return
					}
				}
				produced <- nil
			}()
			if err := <-produced; err != nil {
				t.Fatal(err)
			}
			waitUntil(t, 20*time.Second, "120 records printed", func() bool {
				return strings.Count(stdout.String(), "\n") >= 3*perPartition
			})
			stop()
			select {
			case code := <-done:
				if code != ExitOK || stderr.String() != "" {
					t.Errorf("Ctrl-C: exit %d, stderr %q; want exit 0 and nothing on stderr", code, stderr.String())
				}
			case <-time.After(20 * time.Second):
				t.Fatal("still running 20 s after Ctrl-C")
			}
			read := offsetsRead(t, stdout.String())
			for p := range int32(3) {
				from := ends.Offsets()[mixedTopic][p].At
				var want []int64
				for i := range int64(perPartition) {
					want = append(want, from+i)
				}
				if !slices.Equal(read[p], want) {
					t.Errorf("partition %d: printed offsets %v, want each new one once, in order: %v", p, read[p], want)
				}
			}
			// Re-arm the fetch watch for the next command.
			fetched = make(chan struct{})
			once = sync.Once{}
		})
	}

	groupsAfter, err := adm.ListGroups(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(groupsAfter.Groups(), groupsBefore.Groups()) {
		t.Errorf("groups before %v, after %v: a follow must not create one", groupsBefore.Groups(), groupsAfter.Groups())
	}
	commits, err := adm.FetchOffsets(ctx, mixedGroup)
	if err == nil && len(commits.Offsets()) > 0 {
		t.Errorf("group %s has commits %v after follows", mixedGroup, commits.Offsets())
	}
}

// TestTailStopsAfterNRecords checks -n without a filter: tail ends by
// itself, exit 0, after n records.
func TestTailStopsAfterNRecords(t *testing.T) {
	f := newMixedFixture(t)
	r := kgroups(t, "tail", "--from-beginning", "--partition", "2", "-n", "5", "--topic", mixedTopic, "--brokers", f.brokers, "-o", "jsonl")
	mustSucceed(t, r)
	if got, want := printedAt(t, r.stdout), []string{"2@0", "2@1", "2@2", "2@3", "2@4"}; !slices.Equal(got, want) {
		t.Errorf("printed %v, want %v", got, want)
	}
	// --last -n is where to start; --until ends it.
	until := time.Now().Add(500 * time.Millisecond).Format(time.RFC3339Nano)
	r = kgroups(t, "tail", "--last", "-n", "2", "--until", until, "--topic", mixedTopic, "--brokers", f.brokers, "-o", "jsonl")
	mustSucceed(t, r)
	if got, want := printedAt(t, r.stdout), []string{"0@28", "0@29", "1@28", "1@29", "2@28", "2@29"}; !slices.Equal(got, want) {
		t.Errorf("tail --last -n 2 printed %v, want %v", got, want)
	}
}

// TestConsumeWithFilterCommitsTheScannedRange checks what a consume that
// commits does with a filter: it prints only matches, -n counts them, and
// it commits every record it scanned, matching or not, but never past the
// last match it printed when it stopped at -n: a later consume prints the
// next matches, none twice and none lost.
func TestConsumeWithFilterCommitsTheScannedRange(t *testing.T) {
	f := newMixedFixture(t)
	adm := kadm.NewClient(kafkatest.Client(t, strings.Split(f.brokers, ",")))
	committedNow := func() map[int32]int64 {
		out := map[int32]int64{}
		resp, err := adm.FetchOffsets(context.Background(), mixedGroup)
		if err != nil {
			return out
		}
		resp.Each(func(o kadm.OffsetResponse) {
			if o.Err == nil && o.At >= 0 {
				out[o.Partition] = o.At
			}
		})
		return out
	}
	matches := f.reference(mixedAmount)
	var printed []string
	for call := 0; ; call++ {
		if call > 20 {
			t.Fatal("consume -n 4 never reached the end")
		}
		r := kgroups(t, "consume", "--topic", mixedTopic, "--base", mixedBase, "--brokers", f.brokers, "-o", "jsonl",
			"-n", "4", "--jq", ".amount.value > 100")
		if r.code != ExitOK {
			t.Fatalf("call %d: exit %d: %s", call+1, r.code, r.stderr)
		}
		got := printedAt(t, r.stdout)
		if len(got) > 4 {
			t.Fatalf("call %d printed %d matches, more than -n 4", call+1, len(got))
		}
		if !strings.Contains(r.stderr, fmt.Sprintf("%d matches in ", len(got))) && !strings.Contains(r.stderr, fmt.Sprintf("%d match in ", len(got))) ||
			!strings.Contains(r.stderr, "committed as group "+mixedGroup) {
			t.Errorf("call %d: stderr %q; want it to say how many matched in how many scanned and what was committed", call+1, r.stderr)
		}
		printed = append(printed, got...)
		// The invariant after every call: on each partition, every match
		// below the commit was printed and none printed at or past it.
		commit := committedNow()
		for _, m := range matches {
			var p int32
			var o int64
			fmt.Sscanf(m, "%d@%d", &p, &o)
			if was := slices.Contains(printed, m); was != (o < commit[p]) {
				t.Fatalf("call %d: match %s printed=%v but the group is committed at %d on partition %d", call+1, m, was, commit[p], p)
			}
		}
		if len(got) < 4 {
			break
		}
	}
	slices.Sort(printed)
	if !slices.Equal(printed, matches) {
		t.Errorf("all calls printed %v, want every match once: %v", printed, matches)
	}
	// Everything was scanned: the group is at the end of every partition.
	if c := committedNow(); c[0] != 30 || c[1] != 30 || c[2] != 30 {
		t.Errorf("committed %v at the end, want 30 on every partition: the non-matching records scanned are committed too", c)
	}
}
