package kafka

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kmsg"
)

// testBatch encodes a v2 record batch of n records at base, record i stamped
// ts0+i*1000 ms (all at maxTs with LogAppendTime), with the given attributes.
func testBatch(base int64, n int, ts0 int64, attrs uint16) []byte {
	var recs []byte
	for i := range n {
		var r []byte
		r = append(r, 0) // attributes
		r = binary.AppendVarint(r, int64(i)*1000)
		r = binary.AppendVarint(r, int64(i))
		r = binary.AppendVarint(r, -1) // null key
		r = binary.AppendVarint(r, 3)
		r = append(r, "val"...)
		r = binary.AppendVarint(r, 0) // no headers
		recs = binary.AppendVarint(recs, int64(len(r)))
		recs = append(recs, r...)
	}
	b := make([]byte, batchHeaderLen, batchHeaderLen+len(recs))
	binary.BigEndian.PutUint64(b, uint64(base))
	binary.BigEndian.PutUint32(b[batchLengthAt:], uint32(batchHeaderLen-12+len(recs)))
	b[batchMagicAt] = 2
	binary.BigEndian.PutUint16(b[batchAttrsAt:], attrs)
	binary.BigEndian.PutUint32(b[batchLastDeltAt:], uint32(n-1))
	binary.BigEndian.PutUint64(b[batchBaseTsAt:], uint64(ts0))
	binary.BigEndian.PutUint64(b[batchMaxTsAt:], uint64(ts0+99_000))
	binary.BigEndian.PutUint32(b[batchCountAt:], uint32(n))
	b = append(b, recs...)
	binary.BigEndian.PutUint32(b[batchCRCAt:], crc32.Checksum(b[batchAttrsAt:], castagnoli))
	return b
}

func TestScanRecordBatches(t *testing.T) {
	const ts0 = int64(1_700_000_000_000)
	at := func(ms int64) time.Time { return time.UnixMilli(ms) }
	join := func(bs ...[]byte) []byte {
		var out []byte
		for _, b := range bs {
			out = append(out, b...)
		}
		return out
	}
	corrupt := testBatch(0, 3, ts0, 0)
	corrupt[len(corrupt)-1] ^= 0xff
	tests := []struct {
		name    string
		batches []byte
		cursor  int64
		offsets []int64
		want    []time.Time
		next    int64
		err     error
	}{
		{"record in a batch", testBatch(0, 5, ts0, 0), 0, []int64{2}, []time.Time{at(ts0 + 2000)}, 5, nil},
		{"fetch from mid batch", testBatch(0, 5, ts0, 0), 3, []int64{3, 4}, []time.Time{at(ts0 + 3000), at(ts0 + 4000)}, 5, nil},
		{"log append time", testBatch(10, 2, ts0, attrLogAppendTime), 10, []int64{11}, []time.Time{at(ts0 + 99_000)}, 12, nil},
		{
			"control batch skipped", join(testBatch(0, 1, ts0, attrControl), testBatch(1, 2, ts0+50_000, 0)), 0,
			[]int64{0}, []time.Time{at(ts0 + 50_000)}, 3, nil,
		},
		{
			"wants across batches", join(testBatch(0, 2, ts0, 0), testBatch(2, 2, ts0+10_000, 0)), 0,
			[]int64{1, 3}, []time.Time{at(ts0 + 1000), at(ts0 + 11_000)}, 4, nil,
		},
		{
			"partial batch ends the response", join(testBatch(0, 2, ts0, 0), testBatch(2, 2, ts0, 0)[:40]), 0,
			[]int64{1, 3}, []time.Time{at(ts0 + 1000), {}}, 2, nil,
		},
		{"corrupt batch", corrupt, 0, []int64{1}, []time.Time{{}}, 0, errCorruptBatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tp := &tsPartition{topic: &topicMeta{name: "t"}, offsets: tt.offsets, times: make([]time.Time, len(tt.offsets)), cursor: tt.cursor}
			next, err := tp.scan(&kmsg.FetchResponseTopicPartition{RecordBatches: tt.batches})
			if !errors.Is(err, tt.err) {
				t.Fatalf("err %v, want %v", err, tt.err)
			}
			if next != tt.next {
				t.Errorf("next offset %d, want %d", next, tt.next)
			}
			for i, w := range tt.want {
				if !tp.times[i].Equal(w) {
					t.Errorf("offset %d: %v, want %v", tt.offsets[i], tp.times[i], w)
				}
			}
		})
	}
}
