// Package ops is the offset operations of the TUI: reset (R), copy from a
// sibling (S), create a suffix group (N), delete (D) and undo the last
// change of a group (u). A Flow is one operation in one dialog, from its
// form to the plan the cluster computes, an explicit apply and what was
// read back; its commands ask the kafka layer for plans and writes and come
// back as the messages here. Nothing is written before Apply.
//
// The Controller runs the flows. It needs nothing of the TUI's root: the
// root hands it an Env (the cluster, the command scope, keys, styles, the
// clock, read-only mode, the newest snapshot and the body size) with each
// view's Request, key and result, and carries out the Outcome it answers:
// the flow open as the root's modal, a refusal to show, a refresh after a
// write.
package ops
