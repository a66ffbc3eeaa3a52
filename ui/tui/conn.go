package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/keymap"
	"github.com/kgroups/kgroups/ui/tui/widget"
)

// Connection state: whether the cluster answers, and when the TUI asks it
// again. A snapshot (or, on the base picker, base detection) that fails as
// a whole puts the TUI in this state; the first one that succeeds ends it.

const (
	retryFirst = time.Second      // wait after the first failure
	retryMax   = 30 * time.Second // the wait doubles up to this
)

// retryDelay is the wait after failures consecutive failures: 1s, 2s, 4s …
// capped at retryMax.
func retryDelay(failures int) time.Duration {
	d := retryFirst
	for i := 1; i < failures && d < retryMax; i++ {
		d *= 2
	}
	return min(d, retryMax)
}

// connState says whether the cluster answered the last snapshot, and if
// not why and when the next attempt starts.
type connState struct {
	err      error     // the last attempt's failure; nil when it succeeded
	failures int       // consecutive failed attempts
	config   bool      // err is an authentication or TLS problem: only r retries
	retryAt  time.Time // when the next attempt starts; zero when none is planned
}

// failed records a failed attempt at now and plans the next one, unless
// retrying cannot help before the configuration changes.
func (c connState) failed(err error, now time.Time) connState {
	c.err = err
	c.failures++
	c.config = isConfigError(err)
	c.retryAt = time.Time{}
	if !c.config {
		c.retryAt = now.Add(retryDelay(c.failures))
	}
	return c
}

// down reports whether the last attempt failed.
func (c connState) down() bool { return c.err != nil }

// due reports whether a planned retry should start at now.
func (c connState) due(now time.Time) bool {
	return c.down() && !c.retryAt.IsZero() && !now.Before(c.retryAt)
}

// retryIn is how long until the planned retry, rounded up to a second so a
// countdown never shows 0s while waiting.
func (c connState) retryIn(now time.Time) time.Duration {
	d := c.retryAt.Sub(now)
	if d <= 0 {
		return 0
	}
	return (d + time.Second - 1).Truncate(time.Second)
}

// isConfigError reports whether err is a configuration problem that the
// cluster will keep answering the same way: wrong credentials, SASL or TLS
// set up differently on each side.
func isConfigError(err error) bool {
	var (
		auth *kafka.AuthError
		tls  *kafka.TLSError
	)
	return errors.As(err, &auth) || errors.As(err, &tls)
}

// connTitle names what went wrong, for the panel shown before any data.
func connTitle(err error) string {
	var (
		auth        *kafka.AuthError
		tls         *kafka.TLSError
		unreachable *kafka.UnreachableError
	)
	switch {
	case errors.As(err, &auth):
		return "Authentication failed"
	case errors.As(err, &tls):
		return "TLS failed"
	case errors.As(err, &unreachable):
		return "Cannot reach the cluster"
	}
	return "Cannot read the cluster"
}

// retryText says when the next attempt starts, for the header and the
// panel: "retrying in 4s", "retrying…" while it runs, or that only the
// refresh key (r) does.
func (c connState) retryText(now time.Time, loading bool, k keymap.Global) string {
	switch {
	case c.config && !loading:
		return keymap.Name(k.Refresh) + " retries"
	case c.retryAt.IsZero() && !loading:
		return ""
	case loading || c.retryIn(now) == 0:
		return "retrying…"
	}
	return "retrying in " + widget.Age(c.retryIn(now))
}

// connPanel is the body shown while there is no data yet and the cluster
// does not answer: what failed, in full, and what happens next.
func connPanel(st *widget.Styles, k keymap.Global, c connState, now time.Time, loading bool, width, height int) string {
	lines := []string{st.Bad.Render(connTitle(c.err)), ""}
	msg := ansi.Wrap(widget.Clean(widget.OneLine(c.err.Error()))+connAdvice(c.err), max(width, 10), " ,")
	lines = append(lines, strings.Split(msg, "\n")...)
	lines = append(lines, "")
	retry, quit := keymap.Name(k.Refresh), keymap.Name(k.Quit)
	next := fmt.Sprintf("%s (%d attempt%s failed) · %s retries now · %s quits",
		c.retryText(now, loading, k), c.failures, widget.Plural(c.failures), retry, quit)
	if c.config {
		next = fmt.Sprintf("Retrying will not help until the configuration changes ('kgroups config' shows it) · %s retries · %s quits", retry, quit)
	}
	lines = append(lines, st.Dim.Render(ansi.Wrap(next, max(width, 10), " ")))
	return strings.Join(lines, "\n")
}

// connAdvice is what a TUI user can check about err, ready to append to
// its message: the kafka layer names no way out, the CLI names its flags.
func connAdvice(err error) string {
	var unreachable *kafka.UnreachableError
	if errors.As(err, &unreachable) {
		return " (check the broker addresses and that the cluster is up)"
	}
	return ""
}

// connFailed keeps what is shown (marked stale by the header) and plans
// the next attempt.
func (m Model) connFailed(err error) Model {
	m.conn = m.conn.failed(err, m.deps.Now())
	m.timeLags = kafka.NewTimeLagMemo()
	m.status.Conn, m.status.ConnCut = widget.OneLine(err.Error()), shortConnError(err)
	return m
}

// shortConnError says why the cluster is unreachable in a few words for a
// narrow status bar: the first broker, how many more, and the last words
// of the cause ("connection refused"). "" for other errors.
func shortConnError(err error) string {
	var unreachable *kafka.UnreachableError
	if !errors.As(err, &unreachable) || unreachable.Err == nil {
		return ""
	}
	cause := widget.OneLine(unreachable.Err.Error())
	if errors.Is(unreachable.Err, context.DeadlineExceeded) {
		cause = "no broker answered in time"
	} else if i := strings.LastIndex(cause, ": "); i >= 0 {
		cause = cause[i+2:]
	}
	return "cannot reach Kafka at " + clusterText(unreachable.Brokers, 0, false) + ": " + cause
}

// connOK ends the failed state: the cluster answered.
func (m Model) connOK() Model {
	m.conn = connState{}
	m.status.Conn = ""
	return m
}

// retryIfDue starts the planned attempt once its time has come. It does
// not wait for a consume or a commit in flight: those do not refresh.
func (m Model) retryIfDue() (Model, tea.Cmd) {
	if m.snapLoading || m.basesLoad || !m.conn.due(m.deps.Now()) {
		return m, nil
	}
	return m.refresh()
}

// connBody is the panel shown instead of the focused view while the
// cluster does not answer and that view has nothing to show yet.
func (m Model) connBody(height int) (string, bool) {
	if !m.conn.down() || m.prompt() != nil || !m.top().Empty() {
		return "", false
	}
	return connPanel(m.styles, m.keys.Global, m.conn, m.deps.Now(), m.snapLoading || m.basesLoad, m.width, height), true
}
