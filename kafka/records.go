package kafka

import (
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kgroups/kgroups/model"
)

// modelRecord converts a fetched record to the model's; key and value stay
// nil when null, so tombstones and null keys survive.
func modelRecord(r *kgo.Record) model.Record {
	out := model.Record{
		Topic:     r.Topic,
		Partition: r.Partition,
		Offset:    r.Offset,
		Timestamp: r.Timestamp,
		Key:       r.Key,
		Value:     r.Value,
	}
	if len(r.Headers) > 0 {
		out.Headers = make([]model.Header, len(r.Headers))
		for i, h := range r.Headers {
			out.Headers[i] = model.Header{Key: h.Key, Value: h.Value}
		}
	}
	return out
}
