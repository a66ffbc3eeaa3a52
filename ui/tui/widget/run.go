package widget

import (
	"context"
	"errors"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// Run wraps a command body so it registers with res (and is waited for on
// close) and gets a context bounded by timeout.
func Run(res *Resources, timeout time.Duration, body func(ctx context.Context) tea.Msg) tea.Cmd {
	return func() tea.Msg {
		if !res.begin() {
			return nil
		}
		defer res.done()
		ctx, cancel := context.WithTimeout(res.ctx, timeout)
		defer cancel()
		return body(ctx)
	}
}

// After is tea.Tick that gives up when res closes, so no timer goroutine of
// the TUI outlives it.
func After(res *Resources, d time.Duration, fn func(time.Time) tea.Msg) tea.Cmd {
	return func() tea.Msg {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case at := <-t.C:
			return fn(at)
		case <-res.ctx.Done():
			return nil
		}
	}
}

// ErrNoCluster is what a command returns when the TUI has no cluster.
var ErrNoCluster = errors.New("not connected to a cluster")
