package ui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
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
}

// headerView renders the two header lines: the cluster and refresh state,
// then the breadcrumb.
func headerView(st *Styles, h headerInfo, width int) string {
	boot := strings.Join(h.Bootstrap, ",")
	if boot == "" {
		boot = "no brokers"
	}
	cluster := clean(boot)
	if h.Brokers > 0 {
		cluster += fmt.Sprintf(" (%d broker%s)", h.Brokers, plural(h.Brokers))
	}
	parts := []string{st.AppName.Render("kgroups")}
	if h.ReadOnly {
		parts = append(parts, st.ReadOnly.Render("READ-ONLY"))
	}
	parts = append(parts, st.Header.Render(ansi.Truncate(cluster, max(width/3, 16), "…")))
	if h.Base != "" {
		parts = append(parts, st.HeaderDim.Render("base ")+st.Header.Render(clean(h.Base)))
	}
	refresh := ""
	if !h.LastRefresh.IsZero() {
		refresh = st.HeaderDim.Render("refreshed " + age(h.Now.Sub(h.LastRefresh)) + " ago")
	}
	switch {
	case h.Loading && refresh != "":
		parts = append(parts, st.Spinner.Render(h.Spinner)+" "+refresh)
	case h.Loading:
		parts = append(parts, st.Spinner.Render(h.Spinner)+st.HeaderDim.Render(" loading"))
	case refresh != "":
		parts = append(parts, refresh)
	}
	line1 := ansi.Truncate(strings.Join(parts, st.HeaderDim.Render(" │ ")), width, "…")

	crumbs := make([]string, len(h.Crumbs))
	for i, c := range h.Crumbs {
		crumbs[i] = clean(c)
	}
	// The deepest crumb matters most: cut from the left.
	trail := strings.Join(crumbs, " › ")
	if over := ansi.StringWidth(trail) - width; over > 0 {
		trail = ansi.TruncateLeft(trail, over+1, "…")
	}
	line2 := st.Breadcrumb.Render(trail)
	return line1 + "\n" + line2
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
