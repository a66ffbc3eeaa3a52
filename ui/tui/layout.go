package tui

import (
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/kgroups/kgroups/keymap"
)

// Layout: the frame every view is drawn in. Header, body, status bar and
// help always fill the window exactly.

// helpKeys is the key map the help bar shows for the focused view.
func (m Model) helpKeys() keymap.Help {
	switch {
	case m.modal != nil:
		return m.modal.modalHelp(m)
	case m.top().Capturing():
		return m.keys.FilterHelp()
	}
	return m.top().Help()
}

func (m Model) helpView() string {
	m.help.Width = m.width
	keys := m.helpKeys()
	view := m.help.View(keys)
	if m.help.ShowAll {
		view = m.fullHelpView(keys.FullHelp())
	}
	// help.Model lets the last item overflow when not even its ellipsis
	// fits: cut every line to the width.
	lines := strings.Split(view, "\n")
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, m.width, "…")
	}
	return strings.Join(lines, "\n")
}

// fullHelpView lays the full help's columns side by side in as many bands
// as the width needs, where help.Model would cut the columns that do not
// fit and hide keys such as quit in a narrow window.
func (m Model) fullHelpView(columns [][]key.Binding) string {
	m.help.Width = 0
	var bands []string
	var band [][]key.Binding
	for _, c := range columns {
		wider := append(slices.Clone(band), c)
		if len(band) > 0 && lipgloss.Width(m.help.FullHelpView(wider)) > m.width {
			bands = append(bands, m.help.FullHelpView(band))
			wider = [][]key.Binding{c}
		}
		band = wider
	}
	if len(band) > 0 {
		bands = append(bands, m.help.FullHelpView(band))
	}
	// Leave the header, a line of the view and the status bar on screen:
	// a window too short for every band shows the first ones.
	if len(bands) == 0 {
		return ""
	}
	// Below the keys, the memory of the lag history.
	room := max(m.height-headerHeight-3, 1)
	lines := strings.Split(bands[0], "\n")
	for _, b := range bands[1:] {
		more := strings.Split(b, "\n")
		if len(lines)+len(more) > room {
			break
		}
		lines = append(lines, more...)
	}
	lines = append(lines, m.styles.Dim.Render(m.lag.memoryLine()))
	return strings.Join(lines, "\n")
}

// bodyHeight is what is left for the focused view once the header, the
// status bar and the help are drawn.
func (m Model) bodyHeight() int {
	helpLines := strings.Count(m.helpView(), "\n") + 1
	return max(m.height-headerHeight-1-helpLines, 1)
}

// resize gives every view the body size. Only the root sees
// tea.WindowSizeMsg.
func (m Model) resize() Model {
	w, h := max(m.width, 1), m.bodyHeight()
	m.stack = slices.Clone(m.stack) // copies of the model share no page
	for i := range m.stack {
		m.stack[i].page = m.stack[i].page.SetSize(w, h)
	}
	return m
}

func (m Model) crumbs() []string {
	var out []string
	for _, e := range m.stack {
		out = e.page.Crumbs(out)
	}
	return out
}

// View implements tea.Model. It only lays out what Update prepared.
func (m Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	brokers := 0
	if m.hasSnap {
		brokers = m.snap.Brokers
	}
	now := m.deps.Now()
	header := headerView(m.styles, headerInfo{
		Bootstrap:   m.deps.Brokers,
		Brokers:     brokers,
		Base:        m.base,
		LastRefresh: m.lastRefresh,
		Now:         now,
		Loading:     m.loading(),
		Spinner:     m.spinner.View(),
		ReadOnly:    m.deps.ReadOnly,
		Crumbs:      m.crumbs(),
		Down:        m.conn.down(),
		Retry:       m.conn.retryText(now, m.snapLoading || m.basesLoad, m.keys.Global),
	}, m.width)
	bodyH := m.bodyHeight()
	var body string
	if panel, ok := m.connBody(bodyH); ok {
		body = panel // nothing to show yet: say why and what happens next
	} else if m.modal != nil {
		body = m.modal.modalView(m, bodyH)
	} else {
		body = m.top().View()
	}
	return header + "\n" + box(body, m.width, bodyH) + "\n" + m.status.WithItem(m.selectedItemError()).View(m.styles, m.width) + "\n" + m.helpView()
}

// box cuts or pads s to exactly height lines no wider than width, so no
// view can push the status bar off screen or wrap a row.
func box(s string, width, height int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > height {
		lines = lines[:height]
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > width {
			lines[i] = ansi.Truncate(l, width, "…")
		}
	}
	for len(lines) < height {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}
