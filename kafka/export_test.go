package kafka

// SetMemoRereadAfter sets how many snapshots a TimeLagMemo keeps a position
// before reading it again, until the returned func restores it.
func SetMemoRereadAfter(n uint32) (restore func()) {
	was := memoRereadAfter
	memoRereadAfter = n
	return func() { memoRereadAfter = was }
}
