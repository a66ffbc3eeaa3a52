package tui

import (
	"slices"

	"github.com/kgroups/kgroups/model"
)

// recordRing holds the newest records of a stream, oldest first, at most
// limit of them, each with its decoding when the stream is decoded:
// pushing more evicts the oldest. It appends to one slice and compacts it
// once the evicted part is as long as the limit, so a push costs O(1)
// amortised and the list is read without wrapping.
//
// Evicted records are cleared so that their payloads can be collected; a
// copy of the ring made earlier (the model is a value) still reads the
// records it held that were not evicted since.
type recordRing struct {
	recs []model.Record // recs[start:] are held
	// decs is beside recs, index for index; nil while nothing pushed was
	// decoded, so a stream without a decoder pays nothing for it.
	decs  []decoding
	start int
	limit int
}

func newRecordRing(limit int) recordRing { return recordRing{limit: max(limit, 1)} }

// Len is the number of records held.
func (r recordRing) Len() int { return len(r.recs) - r.start }

// At is the i-th record held, 0 the oldest.
func (r recordRing) At(i int) model.Record { return r.recs[r.start+i] }

// DecodingAt is how the i-th record held was decoded; the zero decoding
// when it was not.
func (r recordRing) DecodingAt(i int) decoding {
	if r.decs == nil {
		return decoding{}
	}
	return r.decs[r.start+i]
}

// Records copies the records held, oldest first.
func (r recordRing) Records() []model.Record { return slices.Clone(r.recs[r.start:]) }

// Decodings copies the decodings of the records held, oldest first; nil
// when none was decoded.
func (r recordRing) Decodings() []decoding {
	if r.decs == nil {
		return nil
	}
	return slices.Clone(r.decs[r.start:])
}

// Push appends records that were not decoded; see PushDecoded.
func (r recordRing) Push(recs ...model.Record) (next recordRing, evicted int) {
	return r.PushDecoded(recs, nil)
}

// PushDecoded appends records and their decodings (nil, or one per record)
// and evicts what goes over the limit; evicted is how many of the records
// held before were dropped.
func (r recordRing) PushDecoded(recs []model.Record, decs []decoding) (next recordRing, evicted int) {
	if decs != nil && len(decs) != len(recs) {
		decs = nil // not one per record: shown undecoded rather than beside the wrong record
	}
	if len(recs) > r.limit {
		cut := len(recs) - r.limit
		recs = recs[cut:]
		if decs != nil {
			decs = decs[cut:]
		}
	}
	if decs != nil && r.decs == nil {
		// The first decoded push: the records before it were not.
		r.decs = make([]decoding, len(r.recs), cap(r.recs))
	}
	over := r.Len() + len(recs) - r.limit
	if over > 0 {
		clear(r.recs[r.start : r.start+over])
		if r.decs != nil {
			clear(r.decs[r.start : r.start+over])
		}
		r.start += over
		evicted = over
	}
	if r.start >= r.limit {
		// Compact: a new slice, so no earlier copy sees its records move.
		held := make([]model.Record, r.Len(), r.limit+r.limit/2)
		copy(held, r.recs[r.start:])
		if r.decs != nil {
			heldDecs := make([]decoding, r.Len(), r.limit+r.limit/2)
			copy(heldDecs, r.decs[r.start:])
			r.decs = heldDecs
		}
		r.recs, r.start = held, 0
	}
	r.recs = append(r.recs, recs...)
	if r.decs != nil {
		if decs == nil {
			decs = make([]decoding, len(recs))
		}
		r.decs = append(r.decs, decs...)
	}
	return r, evicted
}

// followBatch is records, their decodings (nil when none was decoded) and
// whether the filter applied when they arrived keeps each.
type followBatch struct {
	recs  []model.Record
	decs  []decoding
	match []bool
}

// decodingAt is how record i of the batch was decoded.
func (p followBatch) decodingAt(i int) decoding {
	if p.decs == nil {
		return decoding{}
	}
	return p.decs[i]
}

// append adds b's records, keeping the newest limit once it holds twice
// that (a copy every limit records, not one a chunk); dropped is how many
// of the oldest went.
func (p followBatch) append(b followBatch, limit int) (next followBatch, dropped int) {
	switch {
	case b.decs != nil && p.decs == nil:
		p.decs = make([]decoding, len(p.recs), len(p.recs)+len(b.recs))
	case b.decs == nil && p.decs != nil:
		b.decs = make([]decoding, len(b.recs))
	}
	p.recs = append(p.recs, b.recs...)
	p.decs = append(p.decs, b.decs...)
	p.match = append(p.match, b.match...)
	if over := len(p.recs) - limit; len(p.recs) > 2*limit {
		p.recs = append(p.recs[:0:0], p.recs[over:]...)
		if p.decs != nil {
			p.decs = append(p.decs[:0:0], p.decs[over:]...)
		}
		p.match = append(p.match[:0:0], p.match[over:]...)
		dropped = over
	}
	return p, dropped
}

// newest is p without what goes over limit.
func (p followBatch) newest(limit int) followBatch {
	if over := len(p.recs) - limit; over > 0 {
		p.recs, p.match = p.recs[over:], p.match[over:]
		if p.decs != nil {
			p.decs = p.decs[over:]
		}
	}
	return p
}
