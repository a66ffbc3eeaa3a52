package ui

import (
	"context"
	"errors"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/kgroups/kgroups/kafka"
)

// DefaultRefresh is the auto-refresh interval when the caller gives none.
const DefaultRefresh = 5 * time.Second

// Deps is everything the TUI needs from the outside world. The caller owns
// Cluster and Registry and closes them after Run returns.
type Deps struct {
	Cluster  *kafka.Cluster
	Registry *kafka.Registry // consumes through the service's naming; nil disables consume
	Base     string          // "" shows the base picker first
	Brokers  []string        // bootstrap addresses, shown in the header
	Refresh  time.Duration   // auto-refresh interval; 0 disables it
	ReadOnly bool            // disables every write (consume commits, commit-after-review)
	Now      func() time.Time
}

// Run starts the TUI on the alternate screen with mouse support and blocks
// until the user quits or ctx ends. A ctx that ends is not an error.
func Run(ctx context.Context, d Deps) error {
	p := tea.NewProgram(New(d),
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

// Model is the root of the TUI. It routes messages to the views and owns
// the layout; see root.go.
type Model struct {
	deps Deps
	ctx  context.Context
}

// New builds the root model. It does no I/O: the first snapshot (or the base
// detection when d.Base is empty) starts from Init.
func New(d Deps) Model {
	if d.Now == nil {
		d.Now = time.Now
	}
	return Model{deps: d, ctx: context.Background()}
}

// Init implements tea.Model.
func (m Model) Init() tea.Cmd { return nil }

// Update implements tea.Model.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok && k.Type == tea.KeyCtrlC {
		return m, tea.Quit
	}
	return m, nil
}

// View implements tea.Model.
func (m Model) View() string { return "kgroups: loading…" }
