package widget

import (
	"context"
	"io"
	"sync"
)

// Resources is the state shared by the model's copies and the commands it
// starts: the lifetime of in-flight commands and where OSC 52 goes. It is
// the only mutable thing commands touch, and it is safe for concurrent use.
//
// The root's resources live as long as the TUI; each page on the stack gets
// a scope of them (see scope) that ends when the page is left.
type Resources struct {
	ctx    context.Context
	cancel context.CancelFunc
	life   *lifetime

	Clipboard io.Writer // the terminal; nil disables copying
}

// lifetime counts the running commands of the root and of all its scopes,
// so that close waits for every one.
type lifetime struct {
	mu     sync.Mutex
	closed bool
	wg     sync.WaitGroup
}

func NewResources(clipboard io.Writer) *Resources {
	ctx, cancel := context.WithCancel(context.Background())
	return &Resources{ctx: ctx, cancel: cancel, life: &lifetime{}, Clipboard: clipboard}
}

// Scope returns resources whose commands are cancelled by end (a page is
// left) or by the root's close, which also waits for them.
func (r *Resources) Scope() *Resources {
	ctx, cancel := context.WithCancel(r.ctx)
	return &Resources{ctx: ctx, cancel: cancel, life: r.life, Clipboard: r.Clipboard}
}

// End cancels the commands of a scope; they report back as cancelled.
func (r *Resources) End() { r.cancel() }

// begin registers a running command; it reports false once close started,
// and the command must then return at once.
func (r *Resources) begin() bool {
	r.life.mu.Lock()
	defer r.life.mu.Unlock()
	if r.life.closed {
		return false
	}
	r.life.wg.Add(1)
	return true
}

// done unregisters a command begin registered.
func (r *Resources) done() { r.life.wg.Done() }

// Close cancels every in-flight command, of every scope, and waits for
// them to return, so no goroutine of the TUI outlives it.
func (r *Resources) Close() {
	r.life.mu.Lock()
	r.life.closed = true
	r.life.mu.Unlock()
	r.cancel()
	r.life.wg.Wait()
}
