package kafka

import (
	"encoding/binary"
	"hash/crc32"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kmsg"
)

// fuzzBatch is one complete record batch as the fuzz oracle reads it.
type fuzzBatch struct {
	base, last int64
	count      int32
	control    bool
}

// fixCRCs rewrites the checksum of every complete v2 batch in b, so that the
// fuzzer reaches the record walk instead of stopping at the CRC check.
func fixCRCs(b []byte) {
	for len(b) > batchMagicAt {
		length := int32(binary.BigEndian.Uint32(b[batchLengthAt:]))
		size := 12 + int(length)
		if length < 0 || len(b) < size || b[batchMagicAt] != 2 {
			return
		}
		if size >= batchHeaderLen {
			binary.BigEndian.PutUint32(b[batchCRCAt:], crc32.Checksum(b[batchAttrsAt:size], castagnoli))
		}
		b = b[size:]
	}
}

// intactBatches lists the complete, checksummed v2 batches the scan may use,
// in order, up to the first that ends or breaks the response.
func intactBatches(b []byte) []fuzzBatch {
	var out []fuzzBatch
	for len(b) > batchMagicAt {
		length := int32(binary.BigEndian.Uint32(b[batchLengthAt:]))
		size := 12 + int(length)
		if length < 0 || len(b) < size || b[batchMagicAt] != 2 || size < batchHeaderLen ||
			crc32.Checksum(b[batchAttrsAt:size], castagnoli) != binary.BigEndian.Uint32(b[batchCRCAt:]) {
			return out
		}
		base := int64(binary.BigEndian.Uint64(b))
		out = append(out, fuzzBatch{
			base:    base,
			last:    base + int64(int32(binary.BigEndian.Uint32(b[batchLastDeltAt:]))),
			count:   int32(binary.BigEndian.Uint32(b[batchCountAt:])),
			control: binary.BigEndian.Uint16(b[batchAttrsAt:])&attrControl != 0,
		})
		b = b[size:]
	}
	return out
}

func FuzzScanRecordBatches(f *testing.F) {
	const ts0 = int64(1_700_000_000_000)
	join := func(bs ...[]byte) []byte {
		var out []byte
		for _, b := range bs {
			out = append(out, b...)
		}
		return out
	}
	f.Add(testBatch(0, 5, ts0, 0), int64(0), []byte{2}, false)
	f.Add(testBatch(0, 5, ts0, 0), int64(3), []byte{0, 1}, false)
	f.Add(testBatch(10, 2, ts0, attrLogAppendTime), int64(10), []byte{1}, false)
	f.Add(join(testBatch(0, 1, ts0, attrControl), testBatch(1, 2, ts0+50_000, 0)), int64(0), []byte{}, false)
	f.Add(join(testBatch(0, 2, ts0, 0), testBatch(2, 2, ts0+10_000, 0)), int64(0), []byte{1, 2}, false)
	f.Add(join(testBatch(0, 2, ts0, 0), testBatch(2, 2, ts0, 0)[:40]), int64(0), []byte{1, 2}, true)
	f.Add(testBatch(1<<62, 3, -ts0, 0), int64(1<<62), []byte{1, 1, 1, 1}, true)
	corrupt := testBatch(0, 3, ts0, 0)
	corrupt[len(corrupt)-1] ^= 0xff
	f.Add(corrupt, int64(0), []byte{1}, false)
	f.Add(corrupt, int64(0), []byte{1}, true)
	// Records whose offset deltas run past the batch's last offset delta.
	overrun := testBatch(0, 3, ts0, 0)
	binary.BigEndian.PutUint32(overrun[batchLastDeltAt:], 0)
	f.Add(overrun, int64(0), []byte{1}, true)
	legacy := testBatch(0, 1, ts0, 0)
	legacy[batchMagicAt] = 1
	f.Add(legacy, int64(0), []byte{0}, false)
	f.Add([]byte{}, int64(0), []byte{0}, false)

	f.Fuzz(func(t *testing.T, batches []byte, cursor int64, gaps []byte, fixCRC bool) {
		if fixCRC {
			fixCRCs(batches)
		}
		// Wanted offsets from the cursor on, sorted and unique, as the
		// snapshot asks for them.
		offsets := []int64{cursor}
		for _, g := range gaps[:min(len(gaps), 8)] {
			next := offsets[len(offsets)-1] + int64(g) + 1
			if next < offsets[len(offsets)-1] {
				break // overflow
			}
			offsets = append(offsets, next)
		}
		tp := &tsPartition{topic: &topicMeta{name: "t"}, offsets: offsets, times: make([]time.Time, len(offsets)), cursor: cursor}
		next, err := tp.scan(&kmsg.FetchResponseTopicPartition{Partition: 0, RecordBatches: batches})

		if tp.next < 0 || tp.next > len(offsets) {
			t.Fatalf("resolved %d of %d offsets", tp.next, len(offsets))
		}
		for i := tp.next; i < len(offsets); i++ {
			if !tp.times[i].IsZero() {
				t.Fatalf("offset %d has a time but is not resolved", offsets[i])
			}
		}
		if len(batches) > batchMagicAt && batches[batchMagicAt] != 2 {
			return // legacy message sets are kgo's to decode
		}
		// The next offset is the cursor or one past the last offset of an
		// intact batch; a resolved offset lies at or before the last offset of
		// an intact data batch with records.
		intact := intactBatches(batches)
		if next != cursor {
			found := false
			for _, b := range intact {
				if b.last+1 == next && next > cursor {
					found = true
				}
			}
			if !found {
				t.Fatalf("next offset %d from cursor %d matches no batch of %+v", next, cursor, intact)
			}
		}
		for i := range tp.next {
			found := false
			for _, b := range intact {
				if !b.control && b.count > 0 && b.base <= b.last && offsets[i] <= b.last {
					found = true
				}
			}
			if !found {
				t.Fatalf("offset %d resolved (err %v), but no intact data batch reaches it: %+v", offsets[i], err, intact)
			}
		}
	})
}
