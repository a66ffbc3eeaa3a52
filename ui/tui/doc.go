// Package tui is kgroups' terminal UI, a Bubble Tea application: one root
// model (root.go) that owns the layout and the page stack and routes every
// message, one file per view (bases, topics, groups, partitions, batch),
// one modal dialog, and one Styles struct. Every Kafka call runs in a
// tea.Cmd built in commands.go and comes back as a typed message.
//
// Screens: the base picker (when no base was given), the topics of the
// cluster, the groups of the base on a topic, one group's partitions, and a
// batch of records (peeked or consumed) with a detail pane. Everything that
// comes from the cluster is shown through package render, which makes
// control characters and escape sequences visible and inert.
package tui
