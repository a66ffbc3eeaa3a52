// Package cli is kgroups' command line: the cobra commands, their flags and
// the mapping from errors to exit codes. Output formats and exit codes are a
// contract scripts rely on (see the README's CLI section).
package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/kgroups/kgroups/ui/tui"
)

// Main runs kgroups with args (the command line without the program name)
// and returns the process exit code. Errors are printed on stderr as one line
// prefixed "kgroups: "; a usage error ends with the hint to run --help.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return run(ctx, &app{stdin: stdin, stdout: stdout, stderr: stderr, now: time.Now}, args)
}

// run is Main with the app (streams and clock) given.
func run(ctx context.Context, a *app, args []string) int {
	root := newRootCommand(a)
	root.SetArgs(args)
	root.SetIn(a.stdin)
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)

	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return ExitOK
	}
	// Cobra rejects unknown commands, bad arguments and missing required
	// flags before any command runs: all of those are usage errors.
	if !a.started {
		err = &usageError{err: err}
	}
	code := exitCode(err)
	line := errorLine(ctx, err)
	if se, ok := signalOf(ctx); ok && code == ExitError {
		// Stopped by SIGINT or SIGTERM: exit as the shell reports it.
		code = signalExit(se)
	}
	if code == ExitUsage {
		// The hint shares the error's line: one line per failure, always.
		line += fmt.Sprintf(" (see '%s --help')", cmd.CommandPath())
	}
	fmt.Fprintln(a.stderr, line)
	return code
}

// app carries the process streams and the clock to the commands.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	now            func() time.Time // for ages shown to people
	started        bool             // a command's RunE was entered
	command        string           // the command running, e.g. "kgroups reset"
	// ticker starts the clock between samples of lag --check --fail-on;
	// nil is time.NewTicker. Tests pass one that never waits.
	ticker func(time.Duration) (<-chan time.Time, func())
}

// runE wraps a command body so Main can tell cobra's own rejections (usage
// errors) from failures of the command itself.
func (a *app) runE(run func(cmd *cobra.Command, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		a.started = true
		a.command = cmd.CommandPath()
		return run(cmd, args)
	}
}

// stdoutIsTerminal reports whether output goes to a terminal, which picks
// human-oriented defaults (pretty records, colour).
func (a *app) stdoutIsTerminal() bool {
	f, ok := a.stdout.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// colour reports whether human output may use colour: on a terminal, unless
// NO_COLOR is set (https://no-color.org).
func (a *app) colour() bool {
	return a.stdoutIsTerminal() && os.Getenv("NO_COLOR") == ""
}

func newRootCommand(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:   "kgroups",
		Short: "Inspect and consume Kafka consumer groups named {base}-{topic}[-{suffix}]",
		Long: `kgroups shows Kafka consumer groups named by the convention {base}-{topic}
(the default group of a topic) and {base}-{topic}-{suffix} (one group per job),
with their lag per partition, and consumes or peeks batches of records.

Run without a command to open the terminal UI.`,
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE:          a.runE(runTUI(a)),
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &usageError{err: err}
	})
	addSettingsFlags(root)
	root.Flags().Duration("refresh", defaultRefresh, "TUI auto-refresh interval (0 disables it)")
	root.Flags().Duration("window", defaultWindow, "TUI: how far back lag statuses and rates look (at least 2 refreshes)")
	tuiBudget := defaultHistoryBudget
	root.Flags().Var(&tuiBudget, "history-budget", "TUI: memory for the lag history of all groups; older samples are thinned to fit")
	root.Flags().Int("tail-buffer", tui.DefaultTailBuffer, "TUI: how many records the follow view (f) keeps; older ones drop off the top")

	root.AddCommand(
		newLagCommand(a),
		newBasesCommand(a),
		newConsumeCommand(a),
		newTailCommand(a),
		newResetCommand(a),
		newCreateCommand(a),
		newDeleteCommand(a),
		newOffsetsCommand(a),
		newHistoryCommand(a),
		newUndoCommand(a),
		newDemoCommand(a),
		newVersionCommand(a),
		newConfigCommand(a),
	)
	return root
}
