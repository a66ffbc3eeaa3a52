package widget

import (
	"fmt"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/kgroups/kgroups/model"
)

// StatusLevel orders status lines: a newer line of a lower level does not
// hide an error the user has not seen for long.
type StatusLevel int

const (
	LevelInfo StatusLevel = iota
	LevelWarn
	LevelError
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
	return func() tea.Msg { return StatusMsg{Level: LevelError, Text: text} }
}

// ReportWarn shows a warning in the status bar.
func ReportWarn(format string, args ...any) tea.Cmd {
	text := fmt.Sprintf(format, args...)
	return func() tea.Msg { return StatusMsg{Level: LevelWarn, Text: text} }
}

// ReportInfo shows transient information in the status bar.
func ReportInfo(format string, args ...any) tea.Cmd {
	text := fmt.Sprintf(format, args...)
	return func() tea.Msg { return StatusMsg{Level: LevelInfo, Text: text} }
}

// ReportPhrases shows information made of phrases: a bar too narrow for
// all of them leaves out whole phrases (see fitPhrases) rather than cut a
// word.
func ReportPhrases(phrases ...Phrase) tea.Cmd {
	return phrasesAt(LevelInfo, phrases)
}

// ReportWarnPhrases is reportPhrases for a warning.
func ReportWarnPhrases(phrases ...Phrase) tea.Cmd {
	return phrasesAt(LevelWarn, phrases)
}

func phrasesAt(level StatusLevel, phrases []Phrase) tea.Cmd {
	var text strings.Builder
	for _, p := range phrases {
		text.WriteString(p.Text)
	}
	msg := StatusMsg{Level: level, Text: text.String(), phrases: phrases}
	return func() tea.Msg { return msg }
}

// StatusBar shows the latest message, and otherwise what stands: the
// cluster not answering, the error of the selected item, or the warning of
// a partial snapshot, in that order.
type StatusBar struct {
	level   StatusLevel
	text    string
	phrases []Phrase // text in phrases, if it came so
	ID      int      // bumps with every message; a clear only applies to its own
	shown   bool

	Conn    string            // why the last snapshot failed as a whole; "" once one succeeds
	ConnCut string            // conn said shortly, for a bar too narrow for it
	item    string            // the error of the selected row, if it has one
	Partial []model.ItemError // errors of the last snapshot, kept data shown anyway
}

// Set shows a message and returns the command that clears it later.
func (s StatusBar) Set(res *Resources, msg StatusMsg) (StatusBar, tea.Cmd) {
	s.ID++
	s.level, s.text, s.phrases, s.shown = msg.Level, msg.Text, msg.phrases, true
	ttl := infoTTL
	if msg.Level == LevelError {
		ttl = errorTTL
	}
	id := s.ID
	return s, After(res, ttl, func(time.Time) tea.Msg { return ClearStatusMsg{ID: id} })
}

// WithItem is the bar with the error of the selected row, for rendering.
func (s StatusBar) WithItem(text string) StatusBar {
	s.item = text
	return s
}

// Clear drops the message if it is still the one with id.
func (s StatusBar) Clear(id int) StatusBar {
	if id == s.ID {
		s.shown = false
	}
	return s
}

func (s StatusBar) View(st *Styles, width int) string {
	var text string
	style := &st.StatusInfo
	switch {
	case s.shown:
		text = s.text
		if len(s.phrases) > 0 {
			text = FitPhrases(width, s.phrases...)
		}
		switch s.level {
		case LevelError:
			text, style = "error: "+text, &st.StatusError
		case LevelWarn:
			text, style = "warning: "+text, &st.StatusWarn
		}
	case s.Conn != "":
		text, style = "error: "+s.Conn, &st.StatusError
		if ansi.StringWidth(text) > width && s.ConnCut != "" {
			text = "error: " + s.ConnCut
		}
	case s.item != "":
		text, style = s.item, &st.StatusError
	case len(s.Partial) > 0:
		text = fmt.Sprintf("warning: partial data, %d item(s) failed: %s", len(s.Partial), s.Partial[0].Error())
		if len(s.Partial) > 1 {
			text += fmt.Sprintf(" (+%d more)", len(s.Partial)-1)
		}
		style = &st.StatusWarn
	}
	if style == &st.StatusError {
		return style.Render(cutMiddle(Clean(text), width))
	}
	return style.Render(ansi.Truncate(Clean(text), max(width, 0), "…"))
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

// StatusMsg puts a line in the status bar; see ReportError and ReportInfo.
type StatusMsg struct {
	Level   StatusLevel
	Text    string
	phrases []Phrase // text in phrases, when it can drop some to fit; see ReportPhrases
}

// ClearStatusMsg clears a transient status line if it is still the one shown.
type ClearStatusMsg struct{ ID int }
