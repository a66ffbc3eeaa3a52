package tui

import (
	"context"
	"errors"
	"os"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/kafka/decode"
	"github.com/kgroups/kgroups/keymap"
)

// DefaultRefresh is the auto-refresh interval the CLI uses when --refresh
// is not given.
const DefaultRefresh = 5 * time.Second

// Deps is everything the TUI needs from the outside world. The caller owns
// Cluster and closes it after Run returns.
//
// The TUI keeps no consumer: each consume runs through a registry built from
// Cluster's configuration for that batch only, so kgroups never stays a
// member of a service's group, and a base picked in the TUI consumes too.
type Deps struct {
	// Cluster need not answer yet (see kafka.Connect): the TUI shows why
	// it does not and retries with backoff.
	Cluster  *kafka.Cluster
	Base     string        // "" shows the base picker first
	Brokers  []string      // bootstrap addresses, shown in the header
	Refresh  time.Duration // auto-refresh interval; 0 disables it
	ReadOnly bool          // disables every write (consume commits, commit-after-review)
	Now      func() time.Time
	// Keys rebinds the TUI's keys; nil is keymap.DefaultKeyMap. Help
	// lines and the hints in views and dialogs name the keys bound here.
	Keys *keymap.KeyMap

	// Window is how far back lag statuses and rates look; 0 is
	// model.DefaultEvalConfig's.
	Window time.Duration
	// HistoryBudget bounds the memory of the lag history of all groups;
	// 0 is model.DefaultHistoryBudget.
	HistoryBudget int64

	// Decoder decodes the keys and values of the records read (schema
	// registry, compression) before they are shown, exported or copied;
	// nil shows them as their bytes.
	Decoder *decode.Decoder

	// TailBuffer is how many records the follow view keeps; 0 is
	// DefaultTailBuffer.
	TailBuffer int
}

// Run starts the TUI on the alternate screen with mouse support and blocks
// until the user quits or ctx ends. A ctx that ends is not an error. Every
// command the TUI started has returned when Run returns.
func Run(ctx context.Context, d Deps) error {
	m := New(d)
	m.res.Clipboard = os.Stdout
	defer m.Close()
	p := tea.NewProgram(m,
		tea.WithContext(ctx),
		tea.WithAltScreen(),
		tea.WithMouseCellMotion(),
	)
	_, err := p.Run()
	if err != nil && ctx.Err() != nil && errors.Is(err, tea.ErrProgramKilled) {
		return nil
	}
	return err
}
