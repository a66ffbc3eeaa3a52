package widget

import (
	"os"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/lipgloss"

	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/format"
	"github.com/kgroups/kgroups/ui/render"
)

// Styles holds every style the TUI renders with. Views take their styles
// from here and never build one inline, so a theme change is one edit.
type Styles struct {
	// Header
	AppName    lipgloss.Style
	Header     lipgloss.Style
	HeaderDim  lipgloss.Style
	ReadOnly   lipgloss.Style
	Alert      lipgloss.Style // STALE, OFFLINE: the data is not current
	Breadcrumb lipgloss.Style
	Spinner    lipgloss.Style

	// Tables and lists
	ColumnHeader lipgloss.Style
	Row          lipgloss.Style
	Selected     lipgloss.Style
	Dim          lipgloss.Style
	Warn         lipgloss.Style // expired offsets, rewinds
	Bad          lipgloss.Style // errors in a cell
	Good         lipgloss.Style
	Tag          lipgloss.Style // "other prefix", "unmatched", "not created yet"
	Title        lipgloss.Style // section titles inside a view
	FilterPrompt lipgloss.Style
	Cursor       lipgloss.Style // the cursor of a text field

	// Lag statuses (always beside their word) and lag sparklines
	LagUnknown       lipgloss.Style // too few samples: muted
	LagOK            lipgloss.Style
	LagCatchingUp    lipgloss.Style
	LagFallingBehind lipgloss.Style
	LagStalled       lipgloss.Style
	LagStopped       lipgloss.Style
	Spark            lipgloss.Style

	// Status bar
	StatusError lipgloss.Style
	StatusWarn  lipgloss.Style
	StatusInfo  lipgloss.Style

	// Dialogs
	DialogBox    lipgloss.Style
	DialogTitle  lipgloss.Style
	DialogLabel  lipgloss.Style
	DialogActive lipgloss.Style
	DialogError  lipgloss.Style

	// Detail pane
	DetailLabel lipgloss.Style
	DetailRule  lipgloss.Style
	Match       lipgloss.Style

	Help help.Styles

	// Theme styles record values (JSON syntax, escapes) in the detail pane.
	Theme render.Theme
}

// DefaultStyles returns kgroups' theme with colours that adapt to light and
// dark terminals. When NO_COLOR is set it returns PlainStyles.
func DefaultStyles() Styles {
	if os.Getenv("NO_COLOR") != "" {
		return PlainStyles()
	}
	var (
		accent = lipgloss.AdaptiveColor{Light: "#5A3FC0", Dark: "#A99BFF"}
		dim    = lipgloss.AdaptiveColor{Light: "#8A8A8A", Dark: "#767676"}
		warn   = lipgloss.AdaptiveColor{Light: "#A15C00", Dark: "#FFB454"}
		bad    = lipgloss.AdaptiveColor{Light: "#C0232C", Dark: "#FF6B6B"}
		good   = lipgloss.AdaptiveColor{Light: "#17803D", Dark: "#7BD88F"}
		selBg  = lipgloss.AdaptiveColor{Light: "#DCD6FF", Dark: "#3B3561"}
		selFg  = lipgloss.AdaptiveColor{Light: "#1A1A1A", Dark: "#FFFFFF"}
		border = lipgloss.AdaptiveColor{Light: "#9E9E9E", Dark: "#5C5C5C"}
	)
	s := PlainStyles()
	s.AppName = s.AppName.Foreground(accent)
	s.HeaderDim = s.HeaderDim.Foreground(dim)
	s.ReadOnly = s.ReadOnly.Foreground(warn)
	s.Alert = s.Alert.Foreground(bad)
	s.Breadcrumb = s.Breadcrumb.Foreground(accent)
	s.Spinner = s.Spinner.Foreground(accent)
	s.ColumnHeader = s.ColumnHeader.Foreground(dim)
	s.Selected = lipgloss.NewStyle().Background(selBg).Foreground(selFg)
	s.Dim = s.Dim.Foreground(dim)
	s.Warn = s.Warn.Foreground(warn)
	s.Bad = s.Bad.Foreground(bad)
	s.Good = s.Good.Foreground(good)
	s.Tag = s.Tag.Foreground(warn)
	s.Title = s.Title.Foreground(accent)
	s.FilterPrompt = s.FilterPrompt.Foreground(accent)
	// The colours of lag statuses, the same as lag --watch's.
	s.LagUnknown = s.LagUnknown.Foreground(format.StatusColor(model.StatusUnknown))
	s.LagOK = s.LagOK.Foreground(format.StatusColor(model.StatusOK))
	s.LagCatchingUp = s.LagCatchingUp.Foreground(format.StatusColor(model.StatusCatchingUp))
	s.LagFallingBehind = s.LagFallingBehind.Foreground(format.StatusColor(model.StatusFallingBehind))
	s.LagStalled = s.LagStalled.Foreground(format.StatusColor(model.StatusStalled))
	s.LagStopped = s.LagStopped.Foreground(format.StatusColor(model.StatusStopped))
	s.Spark = s.Spark.Foreground(accent)
	s.StatusError = s.StatusError.Foreground(bad)
	s.StatusWarn = s.StatusWarn.Foreground(warn)
	s.StatusInfo = s.StatusInfo.Foreground(good)
	s.DialogBox = s.DialogBox.BorderForeground(accent)
	s.DialogTitle = s.DialogTitle.Foreground(accent)
	s.DialogLabel = s.DialogLabel.Foreground(dim)
	s.DialogActive = s.DialogActive.Foreground(accent)
	s.DialogError = s.DialogError.Foreground(bad)
	s.DetailLabel = s.DetailLabel.Foreground(accent)
	s.DetailRule = s.DetailRule.Foreground(border)
	s.Match = s.Match.Foreground(warn)
	s.Help = help.New().Styles
	s.Theme = render.ColorTheme()
	return s
}

// PlainStyles is the theme without colour: emphasis by weight and reverse
// video only, for NO_COLOR and for golden tests.
func PlainStyles() Styles {
	n := lipgloss.NewStyle
	return Styles{
		AppName:      n().Bold(true),
		Header:       n(),
		HeaderDim:    n(),
		ReadOnly:     n().Bold(true),
		Alert:        n().Bold(true),
		Breadcrumb:   n().Bold(true),
		Spinner:      n(),
		ColumnHeader: n().Bold(true),
		Row:          n(),
		Selected:     n().Reverse(true),
		Dim:          n(),
		Warn:         n().Bold(true),
		Bad:          n().Bold(true),
		Good:         n(),
		Tag:          n(),
		Title:        n().Bold(true),
		FilterPrompt: n().Bold(true),
		Cursor:       n().Reverse(true),
		StatusError:  n().Bold(true),
		StatusWarn:   n().Bold(true),
		StatusInfo:   n(),
		DialogBox:    n().Border(lipgloss.RoundedBorder()).Padding(0, 1),
		DialogTitle:  n().Bold(true),
		DialogLabel:  n(),
		DialogActive: n().Bold(true),
		DialogError:  n().Bold(true),
		DetailLabel:  n().Bold(true),
		DetailRule:   n(),
		Match:        n().Underline(true),
		Help: help.Styles{
			Ellipsis: n(), ShortKey: n().Bold(true), ShortDesc: n(), ShortSeparator: n(),
			FullKey: n().Bold(true), FullDesc: n(), FullSeparator: n(),
		},
		Theme: render.PlainTheme(),

		// Severity by weight: bold needs attention, reverse needs it now.
		LagUnknown:       format.StatusEmphasis(n(), model.StatusUnknown),
		LagOK:            format.StatusEmphasis(n(), model.StatusOK),
		LagCatchingUp:    format.StatusEmphasis(n(), model.StatusCatchingUp),
		LagFallingBehind: format.StatusEmphasis(n(), model.StatusFallingBehind),
		LagStalled:       format.StatusEmphasis(n(), model.StatusStalled),
		LagStopped:       format.StatusEmphasis(n(), model.StatusStopped),
		Spark:            n(),
	}
}
