package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/model"
)

// s1Snapshot builds an S1-sized snapshot in memory: 500 topics × 8
// partitions, 2,000 groups under base "s1" (four per topic), with every
// shape the output knows: commits and none, expired records, oldest
// unconsumed times in several zones, failed groups and partitions, names
// that need JSON escaping, and unmatched names.
func s1Snapshot() model.Snapshot {
	const topics, parts = 500, 8
	base := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	zone := time.FixedZone("X", -5*3600)
	snap := model.Snapshot{Base: "s1", TakenAt: base.Add(time.Hour)}
	for t := range topics {
		topic := fmt.Sprintf("t%03d", t)
		if t%97 == 0 {
			topic += "<&>\u2028\"q\"\x01" // escaped by encoding/json
		}
		tp := model.Topic{Name: topic}
		for p := range int32(parts) {
			tp.Partitions = append(tp.Partitions, model.TopicPartition{Partition: p, Start: int64(p) * 3, End: int64(t*100) + int64(p)*7 + 50})
		}
		snap.Topics = append(snap.Topics, tp)
		for k, suffix := range []string{"", "a", "b", "c"} {
			g := model.Group{Name: model.GroupName{Base: "s1", Topic: topic, Suffix: suffix}, State: "Stable"}
			g.ID = g.Name.String()
			if k == 1 {
				g.State, g.Members = "Empty", nil
			} else {
				g.Members = make([]model.Member, k+1)
			}
			if t%50 == 3 && k == 2 {
				g.Err = errors.New("coordinator 2 (localhost:9093): NOT_COORDINATOR")
			}
			commits := map[int32]int64{}
			for p := range int32(parts) {
				if (int(p)+k)%3 != 0 {
					commits[p] = int64(t*100) + int64(p)*5 - int64(k)*20
				}
			}
			g.Partitions = model.BuildPartitionLags(tp.Partitions, commits)
			for i := range g.Partitions {
				pl := &g.Partitions[i]
				if pl.Lag > 0 && i%2 == 0 {
					pl.OldestUnconsumed = base.Add(-time.Duration(t*1000+i*37+k) * time.Millisecond * 1001).In(zone)
				}
				if t%61 == 5 && i == 7 {
					pl.Err = errors.New("not authorized\n")
				}
			}
			g.Recompute()
			snap.Groups = append(snap.Groups, g)
		}
	}
	snap.Unmatched = []string{"s1-zzz", "s1-nope", "s1-<x>"}
	return snap
}

// demoSnapshot takes a snapshot of the frozen demo cluster, as lag does.
func demoSnapshot(t *testing.T) model.Snapshot {
	t.Helper()
	brokers := startDemo(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cl, err := kafka.Dial(ctx, kafka.Config{Brokers: strings.Split(brokers, ",")})
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	snap, err := cl.Snapshot(ctx, "my-batch-consumer", kafka.SnapshotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Groups) == 0 {
		t.Fatal("demo snapshot has no groups")
	}
	return snap
}

// TestLagOutputMatchesReference checks that the streaming lag writers give
// exactly the bytes of the encoders they replaced, on the demo cluster and
// on an S1-sized snapshot, in both formats, table with and without
// partitions.
func TestLagOutputMatchesReference(t *testing.T) {
	snaps := map[string]model.Snapshot{"demo": demoSnapshot(t), "s1": s1Snapshot()}
	now := time.Date(2026, 3, 1, 13, 0, 0, 0, time.UTC)
	for name, snap := range snaps {
		t.Run(name, func(t *testing.T) {
			var got, want bytes.Buffer
			if err := writeLagJSON(&got, snap); err != nil {
				t.Fatal(err)
			}
			if err := referenceLagJSON(&want, snap); err != nil {
				t.Fatal(err)
			}
			requireSameBytes(t, "json", got.Bytes(), want.Bytes())
			for _, withPartitions := range []bool{false, true} {
				got.Reset()
				want.Reset()
				if err := writeLagTable(&got, snap, withPartitions, now); err != nil {
					t.Fatal(err)
				}
				if err := referenceLagTable(&want, snap, withPartitions, now); err != nil {
					t.Fatal(err)
				}
				requireSameBytes(t, fmt.Sprintf("table partitions=%v", withPartitions), got.Bytes(), want.Bytes())
			}
		})
	}
}

func requireSameBytes(t *testing.T, what string, got, want []byte) {
	t.Helper()
	if bytes.Equal(got, want) {
		return
	}
	n := 0
	for n < min(len(got), len(want)) && got[n] == want[n] {
		n++
	}
	from := max(n-200, 0)
	t.Fatalf("%s: %d bytes, want %d; first difference at byte %d:\ngot:  %q\nwant: %q", what, len(got), len(want), n,
		got[from:min(n+100, len(got))], want[from:min(n+100, len(want))])
}

// TestLagJSONUnsorted checks that groups and partitions given out of order
// come out sorted, as the reference does.
func TestLagJSONUnsorted(t *testing.T) {
	snap := s1Snapshot()
	snap.Groups = snap.Groups[:40]
	for i, j := 0, len(snap.Groups)-1; i < j; i, j = i+1, j-1 {
		snap.Groups[i], snap.Groups[j] = snap.Groups[j], snap.Groups[i]
	}
	p := snap.Groups[3].Partitions
	p[0], p[5] = p[5], p[0]
	var got, want bytes.Buffer
	if err := writeLagJSON(&got, snap); err != nil {
		t.Fatal(err)
	}
	if err := referenceLagJSON(&want, snap); err != nil {
		t.Fatal(err)
	}
	requireSameBytes(t, "json", got.Bytes(), want.Bytes())
}

// FuzzAppendJSONString checks the string encoding against encoding/json.
func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "plain", "<a & b>", "q\"\\", "\b\f\n\r\t\x00\x1f\x7f", "\u2028\u2029", "\xff\xfe", "é日本\U0001F600", "a\xe2\x80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendJSONString(nil, s); !bytes.Equal(got, want) {
			t.Errorf("%q: got %s, want %s", s, got, want)
		}
	})
}

// chunkWriter records the size of every write it gets.
type chunkWriter struct{ sizes []int }

func (w *chunkWriter) Write(p []byte) (int, error) {
	w.sizes = append(w.sizes, len(p))
	return len(p), nil
}

// TestLagOutputStreams checks that lag writes its output as it goes, in
// chunks of at most a buffer or so, rather than one document-sized write at
// the end: a script reading the pipe sees the first groups early, and the
// process never holds the whole document.
func TestLagOutputStreams(t *testing.T) {
	snap := s1Snapshot()
	for _, format := range []string{"json", "table"} {
		var w chunkWriter
		var err error
		if format == "json" {
			err = writeLagJSON(&w, snap)
		} else {
			err = writeLagTable(&w, snap, true, time.Now())
		}
		if err != nil {
			t.Fatal(err)
		}
		total := 0
		for _, n := range w.sizes {
			total += n
			if n > 2*lagWriteBuffer {
				t.Errorf("%s: a write of %d bytes; want at most %d", format, n, 2*lagWriteBuffer)
			}
		}
		if len(w.sizes) < total/(2*lagWriteBuffer) {
			t.Errorf("%s: %d bytes in %d writes", format, total, len(w.sizes))
		}
	}
}

// TestAppendTimeUTCMatchesFormat checks lag -o json's time formatting
// against time's own for times in several zones, at the edges of a
// second, a day and a year, and outside the years it writes itself.
func TestAppendTimeUTCMatchesFormat(t *testing.T) {
	paris := time.FixedZone("CET", 3600)
	times := []time.Time{
		time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2024, 12, 31, 23, 59, 59, 999_999_999, time.UTC),
		time.Date(2024, 3, 1, 0, 30, 0, 1_500_000, paris), // the day before in UTC
		time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999_000_000, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-1, 6, 1, 0, 0, 0, 0, time.UTC),
		time.UnixMilli(1_714_979_289_123),
		time.UnixMilli(-1),
	}
	for i := range 1000 {
		times = append(times, time.UnixMilli(int64(i)*7_919_993_311_777))
	}
	for _, tm := range times {
		want := tm.UTC().Format(timeLayout)
		if got := string(appendTimeUTC([]byte("x"), tm)); got != "x"+want {
			t.Errorf("%v: got %q, want %q", tm, got[1:], want)
		}
	}
}
