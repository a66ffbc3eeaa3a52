package tui

import (
	"slices"

	"github.com/kgroups/kgroups/model"
)

// recordRing holds the newest records of a stream, oldest first, at most
// limit of them: pushing more evicts the oldest. It appends to one slice
// and compacts it once the evicted part is as long as the limit, so a push
// costs O(1) amortised and the list is read without wrapping.
//
// Evicted records are cleared so that their payloads can be collected; a
// copy of the ring made earlier (the model is a value) still reads the
// records it held that were not evicted since.
type recordRing struct {
	recs  []model.Record // recs[start:] are held
	start int
	limit int
}

func newRecordRing(limit int) recordRing { return recordRing{limit: max(limit, 1)} }

// Len is the number of records held.
func (r recordRing) Len() int { return len(r.recs) - r.start }

// At is the i-th record held, 0 the oldest.
func (r recordRing) At(i int) model.Record { return r.recs[r.start+i] }

// Records copies the records held, oldest first.
func (r recordRing) Records() []model.Record { return slices.Clone(r.recs[r.start:]) }

// Push appends records and evicts what goes over the limit; evicted is how
// many of the records held before were dropped.
func (r recordRing) Push(recs ...model.Record) (next recordRing, evicted int) {
	if len(recs) > r.limit {
		recs = recs[len(recs)-r.limit:]
	}
	over := r.Len() + len(recs) - r.limit
	if over > 0 {
		clear(r.recs[r.start : r.start+over])
		r.start += over
		evicted = over
	}
	if r.start >= r.limit {
		// Compact: a new slice, so no earlier copy sees its records move.
		held := make([]model.Record, r.Len(), r.limit+r.limit/2)
		copy(held, r.recs[r.start:])
		r.recs, r.start = held, 0
	}
	r.recs = append(r.recs, recs...)
	return r, evicted
}

// followBatch is records and whether the filter applied when they arrived
// keeps each.
type followBatch struct {
	recs  []model.Record
	match []bool
}

// append adds b's records, keeping the newest limit once it holds twice
// that (a copy every limit records, not one a chunk); dropped is how many
// of the oldest went.
func (p followBatch) append(b followBatch, limit int) (next followBatch, dropped int) {
	p.recs = append(p.recs, b.recs...)
	p.match = append(p.match, b.match...)
	if over := len(p.recs) - limit; len(p.recs) > 2*limit {
		p.recs = append(p.recs[:0:0], p.recs[over:]...)
		p.match = append(p.match[:0:0], p.match[over:]...)
		dropped = over
	}
	return p, dropped
}

// newest is p without what goes over limit.
func (p followBatch) newest(limit int) followBatch {
	if over := len(p.recs) - limit; over > 0 {
		p.recs, p.match = p.recs[over:], p.match[over:]
	}
	return p
}
