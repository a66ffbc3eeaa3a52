// Package ui is kgroups' Bubble Tea application: one root model that routes,
// one file per view, one Styles struct.
package ui

import (
	_ "github.com/charmbracelet/bubbletea" // the app lands here with the TUI
	_ "github.com/charmbracelet/lipgloss"
)
