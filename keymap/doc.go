// Package keymap holds kgroups' key bindings: one KeyMap struct of
// key.Binding per view, built by DefaultKeyMap and implementing help.KeyMap.
package keymap

import _ "github.com/charmbracelet/bubbles/key" // bindings land here with the TUI
