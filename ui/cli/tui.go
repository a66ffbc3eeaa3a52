package cli

import (
	"errors"
	"time"

	"github.com/spf13/cobra"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/render"
	"github.com/kgroups/kgroups/ui/tui"
)

// defaultRefresh is the TUI's auto-refresh interval unless --refresh says otherwise.
const defaultRefresh = tui.DefaultRefresh

// defaultWindow is how far back the TUI's lag statuses look unless --window
// says otherwise: lag --watch's default.
var defaultWindow = model.DefaultEvalConfig().Window

// runTUI opens the terminal UI: kgroups run without a command.
func runTUI(a *app) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, _ []string) error {
		s, err := resolveSettings(cmd)
		if err != nil {
			return err
		}
		window, err := tuiWindow(cmd, s.Refresh)
		if err != nil {
			return err
		}
		tail, err := tailBuffer(cmd)
		if err != nil {
			return err
		}
		if !a.stdoutIsTerminal() {
			return errors.New("the terminal UI needs a terminal on stdout; in scripts use 'kgroups lag' or 'kgroups consume'")
		}
		ctx := cmd.Context()
		conn, err := a.prepare(ctx, s)
		if err != nil {
			return err
		}
		defer conn.Close()
		if _, err := connectTUI(conn); err != nil {
			return err
		}
		d, err := tuiDeps(conn, a)
		if err != nil {
			return err
		}
		d.Window = window
		d.TailBuffer = tail
		if f := cmd.Flags().Lookup("history-budget"); f != nil {
			d.HistoryBudget = int64(*f.Value.(*byteSize))
		}
		return tui.Run(ctx, d)
	}
}

// tuiWindow is --window checked against the refresh interval: a status
// needs model.DefaultEvalConfig().MinSamples refreshes inside the window.
// The default window stretches to hold them, as lag --watch's does.
func tuiWindow(cmd *cobra.Command, refresh time.Duration) (time.Duration, error) {
	window, err := cmd.Flags().GetDuration("window")
	if err != nil {
		return 0, err
	}
	least := time.Duration(model.DefaultEvalConfig().MinSamples-1) * refresh
	switch {
	case !cmd.Flags().Changed("window"):
		return max(window, least), nil
	case window <= 0:
		return 0, usagef("--window must be positive, got %s", window)
	case window < least:
		return 0, usagef("--window %s holds fewer than %d refreshes taken every %s: make it at least %s",
			window, model.DefaultEvalConfig().MinSamples, refresh, least)
	}
	return window, nil
}

// maxTailBuffer bounds --tail-buffer: a million records of 1 KB is a GB.
const maxTailBuffer = 1_000_000

// tailBuffer is --tail-buffer, checked before anything connects.
func tailBuffer(cmd *cobra.Command) (int, error) {
	n, err := cmd.Flags().GetInt("tail-buffer")
	if err != nil {
		return 0, err
	}
	if n < 1 || n > maxTailBuffer {
		return 0, usagef("--tail-buffer must be between 1 and %s records, got %d", render.Thousands(maxTailBuffer), n)
	}
	return n, nil
}

// connectTUI builds conn's Cluster without waiting for a broker: the TUI
// starts whether or not the cluster answers, shows why not, names the
// brokers tried and retries until they answer.
func connectTUI(conn *connection) (*kafka.Cluster, error) {
	c, err := kafka.Connect(conn.Config)
	if err != nil {
		return nil, err
	}
	conn.Cluster = c
	useJournal(conn, "kgroups (terminal UI)")
	return c, nil
}

// tuiDeps is what the TUI gets from the resolved settings. Consumes build
// their registry from the cluster's configuration, base picked or given.
// Records are decoded as consume decodes them: --decode, --schema-registry
// or the context's schema-registry, the demo's registry with --demo.
func tuiDeps(conn *connection, a *app) (tui.Deps, error) {
	dec, err := conn.Decoder()
	if err != nil {
		return tui.Deps{}, err
	}
	return tui.Deps{
		Cluster:  conn.Cluster,
		Base:     conn.Settings.Base,
		Brokers:  conn.Config.Brokers,
		Refresh:  conn.Settings.Refresh,
		ReadOnly: conn.Settings.ReadOnly,
		Now:      a.now,
		Decoder:  dec,
	}, nil
}
