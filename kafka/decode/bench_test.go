package decode

import (
	"context"
	"fmt"
	"math/big"
	"testing"
	"time"

	"github.com/twmb/avro"
)

// BenchmarkDecodeAvro decodes 100,000 distinct framed Avro orders (with a
// reference, unions and logical types) per run, with a warm schema cache:
// records/s and allocs/record (allocs/op divided by 100,000). It fails if
// the registry was asked more than once for the one schema id.
func BenchmarkDecodeAvro(b *testing.B) {
	const records = 100_000
	reg := newTestRegistry(b)
	d := newTestDecoder(b, RegistryOptions{URL: reg.URL()})
	var cache avro.SchemaCache
	cache.Parse(moneyAvro)
	schema, err := cache.Parse(orderAvro)
	if err != nil {
		b.Fatal(err)
	}
	values := make([][]byte, records)
	for i := range values {
		v := orderValue(nil)
		if i%2 == 0 {
			v["note"] = fmt.Sprintf("note %d", i)
		}
		v["placed"] = time.UnixMilli(1_714_564_800_000 + int64(i)).UTC()
		v["total"] = map[string]any{"amount": big.NewRat(int64(i), 100), "currency": "EUR"}
		payload, err := schema.Encode(v)
		if err != nil {
			b.Fatal(err)
		}
		values[i] = frame(b, reg.orderID, nil, payload)
	}
	ctx := context.Background()
	if got := d.Bytes(ctx, values[0]); got.Err != nil { // warm the cache
		b.Fatal(got.Err)
	}
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		for _, v := range values {
			if got := d.Bytes(ctx, v); got.Err != nil {
				b.Fatal(got.Err)
			}
		}
	}
	b.ReportMetric(float64(b.N*records)/time.Since(start).Seconds(), "records/s")
	// The schema, its subject and version, its one reference.
	if n := reg.requests.Load(); n > 3 {
		b.Fatalf("%d registry requests for one schema id", n)
	}
}
