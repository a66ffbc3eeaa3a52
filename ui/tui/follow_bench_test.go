package tui

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/model/filter"
)

// followBenchRecords makes n records of about 1 KB (a JSON value of
// 1,000 bytes, a key, a header), offsets from first, as the kafka layer
// hands them over: each with buffers of its own.
func followBenchRecords(first, n int) []model.Record {
	pad := make([]byte, 900)
	for i := range pad {
		pad[i] = 'a' + byte(i%26)
	}
	recs := make([]model.Record, n)
	for i := range recs {
		o := first + i
		v := fmt.Appendf(make([]byte, 0, 1000), `{"spent_id":"spent-%07d","amount":{"value":%d,"currency":"EUR"},"pad":"%s`, o, o%500, pad)
		for len(v) < 998 {
			v = append(v, 'x')
		}
		v = append(v, '"', '}')
		recs[i] = model.Record{
			Topic: "bench", Partition: int32(o % 4), Offset: int64(o / 4), Timestamp: fixedNow,
			Key:     fmt.Appendf(nil, "spent-%07d", o),
			Value:   v,
			Headers: []model.Header{{Key: "trace-id", Value: fmt.Appendf(nil, "t-%d", o)}},
		}
	}
	return recs
}

// followChunkSize is what one chunk carries at 10,000 records/s and a
// chunk a frame (followFrame).
var followChunkSize = int(10_000 * followFrame / time.Second)

// BenchmarkFollowRingFull10000 fills the follow view's ring with 10,000
// records of 1 KB, in chunks of a frame at 10,000 records/s, and reports
// the heap the page holds once full (held-MiB; records and ring) beside
// the allocations of filling it.
func BenchmarkFollowRingFull10000(b *testing.B) {
	var held uint64
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		fresh := followBenchRecords(0, DefaultTailBuffer) // the page keeps what it is given
		b.StartTimer()
		m := followed(160, 50, nil)
		for i := 0; i < len(fresh); i += followChunkSize {
			m, _ = update(m, followChunkMsg{id: m.followPage().id, records: fresh[i:min(i+followChunkSize, len(fresh))]})
		}
		b.StopTimer()
		fresh = nil
		runtime.GC()
		runtime.ReadMemStats(&after)
		if v := m.followPage(); v.all.Len() != DefaultTailBuffer {
			b.Fatalf("the ring holds %d records", v.all.Len())
		}
		held = after.HeapAlloc - min(before.HeapAlloc, after.HeapAlloc)
		runtime.KeepAlive(m)
		b.StartTimer()
	}
	b.ReportMetric(float64(held)/(1<<20), "held-MiB")
	b.ReportMetric(float64(held)/float64(DefaultTailBuffer), "held-B/record")
}

// BenchmarkFollowKeyToFrame is a key press in the follow view while
// 10,000 records/s arrive: the ring is full (10,000 records of 1 KB), and
// before each key a frame's chunk arrives (~330 records; the filtering
// happened in the chunk command). key-ns/op is the key's Update and the
// View drawn after it; chunk-ns/op is taking the chunk and drawing after
// it. The worst wait for a key is one chunk and one key.
func BenchmarkFollowKeyToFrame(b *testing.B) {
	for _, tc := range []struct{ name, filter string }{{"unfiltered", ""}, {"jq", "jq:.amount.value > 100"}} {
		b.Run(tc.name, func(b *testing.B) {
			m := followed(160, 50, nil)
			var flt *filter.Filter
			if tc.filter != "" {
				m = typeText(press(m, "/"), tc.filter)
				var cmd tea.Cmd
				m, cmd = update(m, keyMsg("enter"))
				m, _ = update(m, cmd())
				flt = m.followPage().flt
			}
			chunk := func(first int) followChunkMsg {
				recs := followBenchRecords(first, followChunkSize)
				msg := followChunkMsg{id: m.followPage().id, records: recs, filterGen: m.followPage().fltGen}
				if flt != nil {
					msg.match = matchAll(flt, recs)
				}
				return msg
			}
			for i := 0; i < DefaultTailBuffer; i += followChunkSize {
				m, _ = update(m, chunk(i))
			}
			m = press(m, "home", "down") // off the last row: the cursor stays put
			chunks := make([]followChunkMsg, 64)
			for i := range chunks {
				chunks[i] = chunk(DefaultTailBuffer + i*followChunkSize)
			}
			keys := []string{"down", "up"}
			var keyTime, chunkTime time.Duration
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				c := chunks[i%len(chunks)]
				c.id = m.followPage().id
				start := time.Now()
				m, _ = update(m, c)
				_ = m.View()
				mid := time.Now()
				m, _ = update(m, keyMsg(keys[i%2]))
				_ = m.View()
				keyTime += time.Since(mid)
				chunkTime += mid.Sub(start)
				i++
			}
			b.ReportMetric(float64(keyTime.Nanoseconds())/float64(b.N), "key-ns/op")
			b.ReportMetric(float64(chunkTime.Nanoseconds())/float64(b.N), "chunk-ns/op")
		})
	}
}

// BenchmarkFollowRingFull10000Decoded is BenchmarkFollowRingFull10000 with
// every record decoded (an Avro value whose JSON is as long as the JSON
// records of the other benchmark, with its schema): the heap the ring holds
// with the decodings beside the records.
func BenchmarkFollowRingFull10000Decoded(b *testing.B) {
	schema := &model.SchemaRef{ID: 2, Subject: "bench-value", Version: 1, Type: "avro"}
	var held uint64
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		fresh := followBenchRecords(0, DefaultTailBuffer)
		decs := make([]decoding, len(fresh))
		for i, r := range fresh {
			decs[i].value = model.Decoded{Format: "avro", Value: r.Value, Schema: schema}
			fresh[i].Value = r.Value[: len(r.Value)*3/4 : len(r.Value)*3/4] // the Avro bytes are shorter than their JSON
		}
		b.StartTimer()
		m := followed(160, 50, nil)
		for i := 0; i < len(fresh); i += followChunkSize {
			end := min(i+followChunkSize, len(fresh))
			m, _ = update(m, followChunkMsg{id: m.followPage().id, records: fresh[i:end], decoded: decs[i:end]})
		}
		b.StopTimer()
		fresh, decs = nil, nil
		runtime.GC()
		runtime.ReadMemStats(&after)
		if v := m.followPage(); v.all.Len() != DefaultTailBuffer || !v.all.DecodingAt(0).value.Decoded() {
			b.Fatalf("the ring holds %d records, the first decoded: %v", v.all.Len(), v.all.DecodingAt(0).value.Decoded())
		}
		held = after.HeapAlloc - min(before.HeapAlloc, after.HeapAlloc)
		runtime.KeepAlive(m)
		b.StartTimer()
	}
	b.ReportMetric(float64(held)/(1<<20), "held-MiB")
	b.ReportMetric(float64(held)/float64(DefaultTailBuffer), "held-B/record")
}
