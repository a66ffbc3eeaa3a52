package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"syscall"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/ui/render"
)

// Exit codes. Scripts rely on them; they are part of the CLI contract.
const (
	ExitOK      = 0 // success
	ExitError   = 1 // the command failed (cluster unreachable, unknown topic, ...)
	ExitUsage   = 2 // bad flags or arguments: nothing was attempted
	ExitRefused = 3 // refused for safety (a live group without --force, a write in read-only mode, offsets moved since planned, the undo journal not writable, an undo on another cluster or a moved group)
	// ExitCheckFailed: lag --check found a group failing a condition.
	ExitCheckFailed = 4
	// ExitNothingRead: consume joined the group (with --force) but read
	// nothing while the group has lag: live members kept the partitions.
	ExitNothingRead = 5

	// ExitBrokenPipe: stdout's reader went away (consume ... | head). It is
	// what shells report for a process killed by SIGPIPE; kgroups exits
	// with it after saying what it delivered and committed.
	ExitBrokenPipe = 141
	// Stopped by SIGINT (130) or SIGTERM (143) after finishing what it was
	// writing: 128 plus the signal's number, as shells report it.
	ExitInterrupted = 130
	ExitTerminated  = 143
)

// ErrRefused is matched (errors.Is) by every error that refuses an action
// for safety. Such errors exit with ExitRefused.
var ErrRefused = errors.New("refused for safety")

// refusedError refuses an action for safety with a reason saying what to do.
type refusedError struct{ reason string }

func (e *refusedError) Error() string        { return e.reason }
func (e *refusedError) Is(target error) bool { return target == ErrRefused }

// refusef returns an error that exits with ExitRefused.
func refusef(format string, args ...any) error {
	return &refusedError{reason: fmt.Sprintf(format, args...)}
}

// usageError is a mistake in how kgroups was called: a bad flag, a missing
// required flag, a bad value. It exits with ExitUsage.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// usagef returns an error that exits with ExitUsage.
func usagef(format string, args ...any) error {
	return &usageError{err: fmt.Errorf(format, args...)}
}

// exitCode maps an error returned by a command to the process exit code.
func exitCode(err error) int {
	var usage *usageError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &usage):
		return ExitUsage
	case errors.Is(err, ErrCheckFailed):
		return ExitCheckFailed
	case errors.Is(err, kafka.ErrNotAssigned), errors.Is(err, errNothingRead):
		return ExitNothingRead
	case errors.Is(err, ErrRefused), errors.Is(err, kafka.ErrGroupActive),
		errors.Is(err, kafka.ErrReadOnly), errors.Is(err, kafka.ErrOffsetsMoved),
		errors.Is(err, kafka.ErrJournal), errors.Is(err, kafka.ErrUndoRefused):
		return ExitRefused
	case errors.Is(err, syscall.EPIPE):
		return ExitBrokenPipe
	default:
		return ExitError
	}
}

// errorLine formats err as the single line kgroups prints on stderr.
// Messages can carry names that came from the cluster (groups, client ids),
// so they are sanitized; line breaks are folded so the message stays on one
// line.
func errorLine(ctx context.Context, err error) string {
	msg := err.Error() + flagAdvice(err)
	if ctx.Err() != nil && errors.Is(err, context.Canceled) {
		msg = "interrupted"
	}
	msg = strings.Join(strings.Fields(strings.ReplaceAll(msg, "\n", "; ")), " ")
	return "kgroups: " + render.SanitizeLine(msg)
}

// flagAdvice is what a CLI user can do about err, in flags, ready to append
// to its message: the kafka layer says what happened in words of no front
// end, and each front end names its own way out. "" when no flag helps.
func flagAdvice(err error) string {
	var (
		active      *kafka.GroupActiveError
		unreachable *kafka.UnreachableError
	)
	switch {
	case errors.Is(err, kafka.ErrNoBrokers):
		return ": pass --brokers host:port or use --demo"
	case errors.As(err, &unreachable):
		return " (check --brokers and that the cluster is up)"
	case errors.As(err, &active) && active.Op == kafka.OpJoin:
		return "; use --force to join anyway"
	}
	return ""
}
