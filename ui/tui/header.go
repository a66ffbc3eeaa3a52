package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/kgroups/kgroups/ui/tui/widget"
)

// headerHeight is the number of lines the header takes.
const headerHeight = 2

// headerInfo is what the header shows; the root fills it.
type headerInfo struct {
	Bootstrap   []string
	Brokers     int // 0 until the first snapshot
	Base        string
	LastRefresh time.Time
	Now         time.Time
	Loading     bool
	Spinner     string
	ReadOnly    bool
	Crumbs      []string // where the user is, most general first

	// Down is set while the cluster does not answer; the data shown, if
	// any, is from LastRefresh and marked stale.
	Down  bool
	Retry string // when the next attempt starts: "retrying in 4s"
}

// headerView renders the two header lines: the cluster and refresh state,
// then the breadcrumb.
func headerView(st *widget.Styles, h headerInfo, width int) string {
	return headerLine(st, h, width) + "\n" + crumbLine(st, h.Crumbs, width)
}

// headerLine is the cluster, the base and the refresh state on one line.
// When they do not fit it drops detail in a fixed order (the broker count,
// the base label, then the words around the ages; see fitDetail) and then
// cuts the names, so that the state of the data stays readable at 80
// columns.
func headerLine(st *widget.Styles, h headerInfo, width int) string {
	line, ok := widget.FitDetail(width, 3, func(detail int) string {
		return assembleHeader(st, h, clusterText(h.Bootstrap, h.Brokers, detail >= 3), widget.Clean(h.Base), detail)
	})
	if ok {
		return line
	}
	// Name the first broker alone, then cut the base, then the broker,
	// down to a few cells each.
	const keep = 8
	base := widget.Clean(h.Base)
	cluster := clusterText(h.Bootstrap[:min(len(h.Bootstrap), 1)], 0, false)
	line = assembleHeader(st, h, cluster, base, 0)
	over := ansi.StringWidth(line) - width
	for _, name := range []*string{&base, &cluster} {
		if w := ansi.StringWidth(*name); over > 0 && w > keep {
			cut := min(over, w-keep)
			*name = ansi.Truncate(*name, w-cut, "…")
			over -= cut
		}
	}
	return ansi.Truncate(assembleHeader(st, h, cluster, base, 0), width, "…")
}

// assembleHeader joins the parts of the header line at a level of detail.
func assembleHeader(st *widget.Styles, h headerInfo, cluster, base string, detail int) string {
	parts := []string{st.AppName.Render("kgroups")}
	if h.ReadOnly {
		parts = append(parts, st.ReadOnly.Render("READ-ONLY"))
	}
	parts = append(parts, st.Header.Render(cluster))
	switch {
	case base == "":
	case detail >= 2:
		parts = append(parts, st.HeaderDim.Render("base ")+st.Header.Render(base))
	default:
		parts = append(parts, st.Header.Render(base))
	}
	if state := stateText(st, h, detail >= 1); state != "" {
		parts = append(parts, state)
	}
	return strings.Join(parts, st.HeaderDim.Render(" │ "))
}

// clusterText names the cluster by its first bootstrap address, how many
// more were given, and how many brokers the last snapshot saw:
// "127.0.0.1:9092 +2 (3 brokers)".
func clusterText(bootstrap []string, brokers int, withCount bool) string {
	if len(bootstrap) == 0 {
		return "no brokers"
	}
	s := widget.Clean(bootstrap[0])
	if n := len(bootstrap) - 1; n > 0 {
		s += fmt.Sprintf(" +%d", n)
	}
	if withCount && brokers > 0 {
		s += fmt.Sprintf(" (%d broker%s)", brokers, widget.Plural(brokers))
	}
	return s
}

// stateText says how fresh the data is: its age, STALE with its age while
// the cluster does not answer, OFFLINE before any data, and when the next
// attempt starts. long spells the ages out.
func stateText(st *widget.Styles, h headerInfo, long bool) string {
	spin := ""
	if h.Loading {
		spin = st.Spinner.Render(h.Spinner) + " "
	}
	if h.Down {
		mark := st.Alert.Render("OFFLINE")
		if !h.LastRefresh.IsZero() {
			mark = st.Alert.Render("STALE " + widget.Age(h.Now.Sub(h.LastRefresh)))
		}
		if h.Retry == "" {
			return mark
		}
		return mark + st.HeaderDim.Render(" · ") + spin + st.HeaderDim.Render(h.Retry)
	}
	switch {
	case !h.LastRefresh.IsZero() && long:
		return spin + st.HeaderDim.Render("refreshed "+widget.Age(h.Now.Sub(h.LastRefresh))+" ago")
	case !h.LastRefresh.IsZero():
		return spin + st.HeaderDim.Render(widget.Age(h.Now.Sub(h.LastRefresh))+" ago")
	case h.Loading:
		return spin + st.HeaderDim.Render("loading")
	}
	return ""
}

// crumbLine is where the user is. The deepest crumb matters most: it cuts
// from the left.
func crumbLine(st *widget.Styles, crumbs []string, width int) string {
	cleaned := make([]string, len(crumbs))
	for i, c := range crumbs {
		cleaned[i] = widget.Clean(c)
	}
	trail := strings.Join(cleaned, " › ")
	if over := ansi.StringWidth(trail) - width; over > 0 {
		trail = ansi.TruncateLeft(trail, over+1, "…")
	}
	return st.Breadcrumb.Render(trail)
}
