package tui

import (
	"fmt"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/kgroups/kgroups/model"
)

// statusLevel orders status lines: a newer line of a lower level does not
// hide an error the user has not seen for long.
type statusLevel int

const (
	levelInfo statusLevel = iota
	levelWarn
	levelError
)

const (
	infoTTL  = 5 * time.Second
	errorTTL = 30 * time.Second
)

// ReportError is the one path from anywhere in the TUI to the status bar.
func ReportError(err error) tea.Cmd {
	if err == nil {
		return nil
	}
	text := err.Error()
	return func() tea.Msg { return statusMsg{level: levelError, text: text} }
}

// reportWarn shows a warning in the status bar.
func reportWarn(format string, args ...any) tea.Cmd {
	text := fmt.Sprintf(format, args...)
	return func() tea.Msg { return statusMsg{level: levelWarn, text: text} }
}

// reportInfo shows transient information in the status bar.
func reportInfo(format string, args ...any) tea.Cmd {
	text := fmt.Sprintf(format, args...)
	return func() tea.Msg { return statusMsg{level: levelInfo, text: text} }
}

// reportPhrases shows information made of phrases: a bar too narrow for
// all of them leaves out whole phrases (see fitPhrases) rather than cut a
// word.
func reportPhrases(phrases ...phrase) tea.Cmd {
	return phrasesAt(levelInfo, phrases)
}

// reportWarnPhrases is reportPhrases for a warning.
func reportWarnPhrases(phrases ...phrase) tea.Cmd {
	return phrasesAt(levelWarn, phrases)
}

func phrasesAt(level statusLevel, phrases []phrase) tea.Cmd {
	var text strings.Builder
	for _, p := range phrases {
		text.WriteString(p.text)
	}
	msg := statusMsg{level: level, text: text.String(), phrases: phrases}
	return func() tea.Msg { return msg }
}

// statusBar shows the latest message, and otherwise what stands: the
// cluster not answering, the error of the selected item, or the warning of
// a partial snapshot, in that order.
type statusBar struct {
	level   statusLevel
	text    string
	phrases []phrase // text in phrases, if it came so
	id      int      // bumps with every message; a clear only applies to its own
	shown   bool

	conn    string            // why the last snapshot failed as a whole; "" once one succeeds
	connCut string            // conn said shortly, for a bar too narrow for it
	item    string            // the error of the selected row, if it has one
	partial []model.ItemError // errors of the last snapshot, kept data shown anyway
}

// set shows a message and returns the command that clears it later.
func (s statusBar) set(res *resources, msg statusMsg) (statusBar, tea.Cmd) {
	s.id++
	s.level, s.text, s.phrases, s.shown = msg.level, msg.text, msg.phrases, true
	ttl := infoTTL
	if msg.level == levelError {
		ttl = errorTTL
	}
	id := s.id
	return s, after(res, ttl, func(time.Time) tea.Msg { return clearStatusMsg{id: id} })
}

// withItem is the bar with the error of the selected row, for rendering.
func (s statusBar) withItem(text string) statusBar {
	s.item = text
	return s
}

// clear drops the message if it is still the one with id.
func (s statusBar) clear(id int) statusBar {
	if id == s.id {
		s.shown = false
	}
	return s
}

func (s statusBar) view(st *Styles, width int) string {
	var text string
	style := &st.StatusInfo
	switch {
	case s.shown:
		text = s.text
		if len(s.phrases) > 0 {
			text = fitPhrases(width, s.phrases...)
		}
		switch s.level {
		case levelError:
			text, style = "error: "+text, &st.StatusError
		case levelWarn:
			text, style = "warning: "+text, &st.StatusWarn
		}
	case s.conn != "":
		text, style = "error: "+s.conn, &st.StatusError
		if ansi.StringWidth(text) > width && s.connCut != "" {
			text = "error: " + s.connCut
		}
	case s.item != "":
		text, style = s.item, &st.StatusError
	case len(s.partial) > 0:
		text = fmt.Sprintf("warning: partial data, %d item(s) failed: %s", len(s.partial), s.partial[0].Error())
		if len(s.partial) > 1 {
			text += fmt.Sprintf(" (+%d more)", len(s.partial)-1)
		}
		style = &st.StatusWarn
	}
	if style == &st.StatusError {
		return style.Render(cutMiddle(clean(text), width))
	}
	return style.Render(ansi.Truncate(clean(text), max(width, 0), "…"))
}

// cutMiddle fits text in width by cutting out its middle: the last words of
// an error are its cause ("no such file or directory"), too useful to drop.
func cutMiddle(text string, width int) string {
	w := ansi.StringWidth(text)
	if w <= width || width < 20 {
		return ansi.Truncate(text, max(width, 0), "…")
	}
	return elideMiddle(text, width)
}

// elideMiddle fits text in width by putting an ellipsis in its middle,
// whatever the width.
func elideMiddle(text string, width int) string {
	w := ansi.StringWidth(text)
	if w <= width || width < 3 {
		return ansi.Truncate(text, max(width, 0), "…")
	}
	tail := (width - 1) / 2
	head := width - 1 - tail
	return ansi.Truncate(text, head, "") + "…" + ansi.TruncateLeft(text, w-tail, "")
}
