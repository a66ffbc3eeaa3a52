package filter

import (
	"fmt"
	"testing"

	"github.com/kgroups/kgroups/model"
)

// benchRecords are 1,024 order records of about 200 bytes, half of them
// with an amount over 100.
func benchRecords() []model.Record {
	recs := make([]model.Record, 1024)
	for i := range recs {
		recs[i] = model.Record{
			Key:     fmt.Appendf(nil, "order/%d", i),
			Value:   fmt.Appendf(nil, `{"id":%d,"customer":"c-%d","amount":{"value":%d,"currency":"EUR"},"items":[{"sku":"A-%d","qty":2}],"note":"benchmark record"}`, i, i%97, i%200+1, i),
			Headers: []model.Header{{Key: "trace-id", Value: fmt.Appendf(nil, "t-%d", i)}},
		}
	}
	return recs
}

// benchFilter runs f over b.N records and reports records/s; allocs/op is
// allocations per record. The figure is
// go test ./model/filter -run '^$' -bench JQ -benchtime 1000000x -benchmem.
func benchFilter(b *testing.B, f *Filter) {
	recs := benchRecords()
	b.ReportAllocs()
	b.ResetTimer()
	matched := 0
	for i := range b.N {
		if f.Match(&recs[i%len(recs)]) {
			matched++
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
	if b.N >= len(recs) && matched == 0 {
		b.Fatal("nothing matched")
	}
}

func BenchmarkFilterJQ(b *testing.B) {
	f, err := Compile(Spec{JQ: ".amount.value > 100"})
	if err != nil {
		b.Fatal(err)
	}
	benchFilter(b, f)
}

func BenchmarkFilterGrep(b *testing.B) {
	f, err := Compile(Spec{Grep: "C-42"})
	if err != nil {
		b.Fatal(err)
	}
	benchFilter(b, f)
}

func BenchmarkFilterKey(b *testing.B) {
	f, err := Compile(Spec{Key: "order/1*"})
	if err != nil {
		b.Fatal(err)
	}
	benchFilter(b, f)
}
