// Package widget holds what the TUI's root and its pages share, so that a
// page never needs the root: the styles, the table, the text input and the
// filter line, the status bar and the report messages that fill it, the
// words for figures (counts, ages, sizes), and the command runner (Run,
// Resources) whose commands end when their page is left or the TUI closes.
package widget
