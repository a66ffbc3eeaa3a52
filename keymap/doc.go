// Package keymap holds kgroups' key bindings: one KeyMap struct of
// key.Binding per view, built by DefaultKeyMap and implementing help.KeyMap
// so the help bar is generated from the same bindings the views match.
package keymap
