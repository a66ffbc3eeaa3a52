package cli

import (
	"os"
	"runtime"
	"runtime/debug"
	"sync"
)

// A one-shot lag keeps nearly all it allocates (the snapshot) until it
// exits, so with Go's default GOGC of 100 the collector runs at every
// doubling of a heap that is mostly live, rescanning it each time: 4 to 6
// times at 2,000 groups, 8 at 10,000, for about a quarter of the process's
// CPU, and in the middle of the snapshot, where it holds up the reads that
// follow the commits. So a one-shot lag does not collect at all until its
// heap reaches oneShotFirstCollection (a lag of 2,000 groups never does),
// and from then on collects at oneShotGCPercent: once or twice at 10,000
// groups. The peak memory stays near that of a plain kadm program reading
// the same figures (BENCHMARKS.md, issue 12).
const (
	oneShotFirstCollection = 64 << 20
	oneShotGCPercent       = 400
)

// collectLessOften applies that policy unless GOGC or GOMEMLIMIT says
// otherwise, and returns what puts the previous settings back.
func collectLessOften() (restore func()) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	var (
		mu       sync.Mutex
		restored bool
	)
	prevPercent := debug.SetGCPercent(-1)
	prevLimit := debug.SetMemoryLimit(oneShotFirstCollection)
	// The first collection, which the limit starts, frees this: from then
	// on the heap may grow past the limit, by oneShotGCPercent at a time.
	// (Held under a limit, a live heap past it would be collected again and
	// again.)
	runtime.AddCleanup(new([64]byte), func(struct{}) {
		mu.Lock()
		defer mu.Unlock()
		if !restored {
			debug.SetGCPercent(oneShotGCPercent)
			debug.SetMemoryLimit(prevLimit)
		}
	}, struct{}{})
	return func() {
		mu.Lock()
		defer mu.Unlock()
		restored = true
		debug.SetGCPercent(prevPercent)
		debug.SetMemoryLimit(prevLimit)
	}
}
