// Package tui is kgroups' terminal UI, a Bubble Tea application. The root
// model (root.go) owns the layout, the session with the cluster
// (session.go) and a stack of pages (stack.go); it routes keys to the one
// modal open or to the top page, and every result to every page, without
// knowing what the pages are. A page (page.go) is one screen in its own
// file: the base picker, the topics of the cluster, the groups of the base
// on a topic, one group's partitions, and a batch of records with a detail
// pane. Pages talk to the root only through the intents their Update
// returns, and leaving a page cancels the reads it asked for.
//
// The offset operations (package ops) are one more thing the root holds:
// a controller whose open flow is the modal, reached through one intent.
//
// What the root and the pages share (styles, table, inputs, status bar,
// report messages, the command runner) is in package widget. Every Kafka
// call runs in a tea.Cmd built in commands.go and comes back as a typed
// message. Everything that comes from the cluster is shown through package
// render, which makes control characters and escape sequences visible and
// inert.
package tui
