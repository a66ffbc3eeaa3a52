package model

import "time"

// MaxHistoryCapacity bounds the samples kept per partition however long a
// window is against the interval between samples: 4,096 samples are
// 192 KiB per partition (48 bytes a sample). A window holding more is
// evaluated over the newest.
const MaxHistoryCapacity = 4096

// HistoryCapacity is how many samples per partition a window needs when a
// sample is taken every interval, with two to spare; never fewer than
// DefaultHistoryCapacity (which also holds the widest sparkline), never more
// than MaxHistoryCapacity. Without a regular interval (interval ≤ 0: samples
// come as the user asks) it is DefaultHistoryCapacity. The TUI and
// lag --watch both size their history with it.
func HistoryCapacity(window, interval time.Duration) int {
	if interval <= 0 || window <= 0 {
		return DefaultHistoryCapacity
	}
	need := int(min(window/interval, MaxHistoryCapacity)) + 2
	return min(max(need, DefaultHistoryCapacity), MaxHistoryCapacity)
}
