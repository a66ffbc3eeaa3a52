package demo_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/kafka/decode"
	"github.com/kgroups/kgroups/kafka/demo"
)

// The demo's schema registry serves the schemas its Avro and Protobuf
// topics were written with: every record decodes, by the schema named after
// its topic, with the Avro reference and unions and the nested Protobuf
// messages filled in.
func TestDemoRegistryTopicsDecode(t *testing.T) {
	d := start(t, demo.Options{NoProducer: true})
	if !strings.HasPrefix(d.RegistryURL(), "http://127.0.0.1:") {
		t.Fatalf("registry at %s, not on loopback", d.RegistryURL())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cl, err := kafka.Dial(ctx, kafka.Config{Brokers: d.Brokers()})
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	reg, err := decode.NewRegistry(decode.RegistryOptions{URL: d.RegistryURL()})
	if err != nil {
		t.Fatal(err)
	}
	dec := decode.New(decode.Auto, reg)
	for _, c := range []struct {
		topic, format string
		records       int
		fields        []string
	}{
		{demo.OrdersAvroTopic, "avro", demo.OrdersAvroRecords, []string{"total", "delivery_date", "coupon", "placed_at"}},
		{demo.PaymentsProtoTopic, "protobuf", demo.PaymentsProtoRecords, []string{"amount", "method"}},
	} {
		recs, err := cl.Peek(ctx, kafka.PeekRequest{Topic: c.topic, Max: 1000, From: kafka.PeekEarliest})
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != c.records {
			t.Fatalf("%s: %d records, want %d", c.topic, len(recs), c.records)
		}
		unions := 0
		for _, r := range recs {
			_, v := dec.Decode(ctx, r)
			if v.Err != nil || !v.Decoded() || v.Format != c.format || v.Schema.Subject != c.topic+"-value" {
				t.Fatalf("%s@%d: %+v", c.topic, r.Offset, v)
			}
			var obj map[string]any
			if err := json.Unmarshal(v.Value, &obj); err != nil {
				t.Fatal(err)
			}
			for _, f := range c.fields {
				if _, ok := obj[f]; !ok {
					t.Fatalf("%s@%d: no %q in %s", c.topic, r.Offset, f, v.Value)
				}
			}
			if s, ok := obj["delivery_date"].(string); ok && len(s) == len("2025-01-15") {
				unions++
			}
		}
		if c.format == "avro" && unions == 0 {
			t.Errorf("no order has its delivery_date union set")
		}
	}
}
