// Package ops is the offset operations of the TUI: reset (R), copy from a
// sibling (S), create a suffix group (N) and delete (D). A Flow is one
// operation in one dialog, from its form to the plan the cluster computes,
// an explicit apply and what was read back; its commands ask the kafka
// layer for plans and writes and come back as the messages here. Nothing
// is written before Apply. It needs nothing of the TUI's root: the root
// opens a Flow as its modal and routes keys and results to it.
package ops
