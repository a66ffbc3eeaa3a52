package tui

import (
	"context"
	"io"
	"sync"
)

// resources is the state shared by the model's copies and the commands it
// starts: the lifetime of in-flight commands and where OSC 52 goes. It is
// the only mutable thing commands touch, and it is safe for concurrent use.
type resources struct {
	ctx    context.Context
	cancel context.CancelFunc

	mu     sync.Mutex
	closed bool
	wg     sync.WaitGroup

	clipboard io.Writer // the terminal; nil disables copying
}

func newResources(clipboard io.Writer) *resources {
	ctx, cancel := context.WithCancel(context.Background())
	return &resources{ctx: ctx, cancel: cancel, clipboard: clipboard}
}

// begin registers a running command; it reports false once close started,
// and the command must then return at once.
func (r *resources) begin() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return false
	}
	r.wg.Add(1)
	return true
}

func (r *resources) end() { r.wg.Done() }

// close cancels every in-flight command and waits for them to return, so no
// goroutine of the TUI outlives it.
func (r *resources) close() {
	r.mu.Lock()
	r.closed = true
	r.mu.Unlock()
	r.cancel()
	r.wg.Wait()
}
