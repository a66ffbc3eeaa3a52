package cli

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"syscall"
)

// SignalError is the cause (context.Cause) of a context that NotifyContext
// ended because a signal arrived.
type SignalError struct{ Signal os.Signal }

func (e *SignalError) Error() string { return e.Signal.String() + " signal received" }

// NotifyContext is signal.NotifyContext whose cause is a *SignalError naming
// the signal, so that Main can exit the way a shell reports it (130 for
// SIGINT, 143 for SIGTERM) once the command has stopped cleanly.
func NotifyContext(parent context.Context, signals ...os.Signal) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancelCause(parent)
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, signals...)
	go func() {
		select {
		case s := <-ch:
			cancel(&SignalError{Signal: s})
		case <-ctx.Done():
		}
	}()
	return ctx, func() {
		signal.Stop(ch)
		cancel(context.Canceled)
	}
}

// signalOf returns the signal that ended ctx, if one did.
func signalOf(ctx context.Context) (*SignalError, bool) {
	var se *SignalError
	if ctx.Err() == nil || !errors.As(context.Cause(ctx), &se) {
		return nil, false
	}
	return se, true
}

// signalExit is the exit code of a command stopped by a signal: 128 plus the
// signal's number, as shells report it.
func signalExit(se *SignalError) int {
	if n, ok := se.Signal.(syscall.Signal); ok {
		return 128 + int(n)
	}
	return ExitError
}

// catchSIGPIPE turns a write to a closed pipe on stdout into an EPIPE error
// the caller sees, instead of the runtime killing the process with SIGPIPE,
// until the returned function is called. consume needs the error: it must
// not commit records the reader did not get, and must say so.
func catchSIGPIPE() (restore func()) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGPIPE)
	return func() { signal.Stop(ch) }
}
