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
