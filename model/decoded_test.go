package model

import (
	"errors"
	"testing"
	"time"
)

func TestAppendDecodedRecordJSON(t *testing.T) {
	r := Record{Topic: "t", Partition: 1, Offset: 2, Timestamp: time.UnixMilli(0).UTC(), Key: []byte("k"), Value: []byte{0, 0, 0, 0, 7, 2}}
	tests := []struct {
		name       string
		key, value Decoded
		want       string
	}{
		{"plain: as AppendRecordJSON", Decoded{Format: "text"}, Decoded{Format: "bytes"}, string(AppendRecordJSON(nil, r))},
		{"schema-decoded key and value", Decoded{Value: []byte(`{"id":1}`), Format: "avro", Schema: &SchemaRef{ID: 8, Type: "avro"}},
			Decoded{Value: []byte(`{"x":"y"}`), Format: "avro", Schema: &SchemaRef{ID: 7, Subject: "t-value", Version: 3, Type: "avro"}},
			`{"topic":"t","partition":1,"offset":2,"timestamp":"1970-01-01T00:00:00.000Z","key":{"id":1},"value":{"x":"y"},"headers":[],` +
				`"key_format":"avro","key_schema":{"id":8,"subject":null,"version":null,"type":"avro"},` +
				`"value_format":"avro","value_schema":{"id":7,"subject":"t-value","version":3,"type":"avro"}}`},
		{"failure keeps the bytes", Decoded{}, Decoded{Err: errors.New("schema registry http://r has no schema 7")},
			`{"topic":"t","partition":1,"offset":2,"timestamp":"1970-01-01T00:00:00.000Z","key":"k","value":"\u0000\u0000\u0000\u0000\u0007\u0002","headers":[],` +
				`"value_error":"schema registry http://r has no schema 7"}`},
	}
	for _, tt := range tests {
		if got := string(AppendDecodedRecordJSON(nil, r, tt.key, tt.value)); got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, got, tt.want)
		}
	}
	if l := (Decoded{Format: "zstd+json", Value: []byte("{}")}).Label(); l != "zstd → json" {
		t.Errorf("label %q", l)
	}
}
