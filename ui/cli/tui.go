package cli

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/ui"
)

// defaultRefresh is the TUI's auto-refresh interval unless --refresh says otherwise.
const defaultRefresh = ui.DefaultRefresh

// runTUI opens the terminal UI: kgroups run without a command.
func runTUI(a *app) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, _ []string) error {
		s, err := resolveSettings(cmd)
		if err != nil {
			return err
		}
		if !a.stdoutIsTerminal() {
			return errors.New("the terminal UI needs a terminal on stdout; in scripts use 'kgroups lag' or 'kgroups consume'")
		}
		ctx := cmd.Context()
		conn, err := a.connect(ctx, s)
		if err != nil {
			return err
		}
		defer conn.Close()

		// The registry names groups after the base; without one the TUI
		// first asks for a base and cannot consume through the registry.
		var reg *kafka.Registry
		if conn.Settings.Base != "" {
			if reg, err = kafka.NewRegistry(conn.Settings.Base, conn.Config); err != nil {
				return err
			}
			defer reg.Close()
		}
		return ui.Run(ctx, ui.Deps{
			Cluster:  conn.Cluster,
			Registry: reg,
			Base:     conn.Settings.Base,
			Brokers:  conn.Config.Brokers,
			Refresh:  conn.Settings.Refresh,
			Now:      a.now,
		})
	}
}
