package keymap

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
)

// KeyMap gathers the bindings of every view.
type KeyMap struct {
	Global     Global
	List       List
	Bases      Bases
	Topics     Topics
	Groups     Groups
	Partitions Partitions
	Batch      Batch
	Follow     Follow
	Dialog     Dialog
	Ops        Ops
	Filter     Filter
	Input      Input
}

// DefaultKeyMap returns kgroups' default bindings.
func DefaultKeyMap() KeyMap {
	list := List{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "ctrl+b"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "ctrl+f"), key.WithHelp("pgdn", "page down")),
		Top:      key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/home", "first")),
		Bottom:   key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G/end", "last")),
	}
	consume := key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "consume N (commits)"))
	peek := key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "peek (no commit)"))
	newSuffix := key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "new suffix"))
	filter := key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter"))
	open := key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open"))
	reset := key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "reset offsets"))
	copyFrom := key.NewBinding(key.WithKeys("S"), key.WithHelp("S", "copy from sibling"))
	create := key.NewBinding(key.WithKeys("N"), key.WithHelp("N", "create group"))
	deleteGroup := key.NewBinding(key.WithKeys("D"), key.WithHelp("D", "delete"))
	undo := key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "undo last change"))
	// A follow starts at the log end: only records produced from then on.
	follow := key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "follow from the end"))
	return KeyMap{
		Global: Global{
			Quit:      key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
			Interrupt: key.NewBinding(key.WithKeys("ctrl+c")),
			Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "more keys")),
			Back:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
			Refresh:   key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "refresh")),
		},
		List: list,
		Bases: Bases{
			Select: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "use base")),
		},
		Topics: Topics{
			Open:      open,
			Filter:    filter,
			Sort:      key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sort")),
			Internal:  key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "internal topics")),
			Consume:   consume,
			Peek:      peek,
			NewSuffix: newSuffix,
			Follow:    follow,
		},
		Groups: Groups{
			Open:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "partitions")),
			Others:    key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "other groups")),
			Filter:    filter,
			Sort:      key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sort")),
			Consume:   consume,
			Peek:      peek,
			NewSuffix: newSuffix,
			Follow:    follow,
			Reset:     reset,
			CopyFrom:  copyFrom,
			Create:    create,
			Delete:    deleteGroup,
			Undo:      undo,
		},
		Partitions: Partitions{
			Consume:  consume,
			Peek:     key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "peek this partition")),
			Reset:    reset,
			CopyFrom: copyFrom,
			Create:   create,
			Delete:   deleteGroup,
			Undo:     undo,
		},
		Batch: Batch{
			Focus:      key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "list/detail")),
			ScrollUp:   key.NewBinding(key.WithKeys("shift+up", "K"), key.WithHelp("K", "detail up")),
			ScrollDown: key.NewBinding(key.WithKeys("shift+down", "J"), key.WithHelp("J", "detail down")),
			Search:     key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "search")),
			Mode:       key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "decoded/text/hex")),
			Export:     key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "export batch")),
			Copy:       key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy value")),
			CopyRecord: key.NewBinding(key.WithKeys("Y"), key.WithHelp("Y", "copy record as JSON")),
			Commit:     key.NewBinding(key.WithKeys("C"), key.WithHelp("C", "commit batch")),
			Consume:    consume,
			Peek:       key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "peek again")),
			Follow:     follow,
		},
		Follow: Follow{
			Pause:  key.NewBinding(key.WithKeys(" "), key.WithHelp("space", "pause/resume")),
			Filter: key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
			Open:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "record detail")),
			Mode:   key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "decoded/text/hex")),
		},
		Dialog: Dialog{
			Confirm: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "ok")),
			Cancel:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
			Next:    key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab", "next field")),
			Prev:    key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab", "previous field")),
			Left:    key.NewBinding(key.WithKeys("left"), key.WithHelp("←/→", "choose")),
			Right:   key.NewBinding(key.WithKeys("right")),
			Yes:     key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "yes")),
			No:      key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "no")),
			Force:   key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "force…")),
			Close:   key.NewBinding(key.WithKeys("esc", "enter"), key.WithHelp("esc", "close")),
		},
		Ops: Ops{
			Apply:    key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "apply")),
			Press:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "ok")),
			Cancel:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
			Next:     key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next")),
			Prev:     key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous")),
			Left:     key.NewBinding(key.WithKeys("left"), key.WithHelp("←/→", "choose")),
			Right:    key.NewBinding(key.WithKeys("right")),
			Up:       key.NewBinding(key.WithKeys("up"), key.WithHelp("↑/↓", "move")),
			Down:     key.NewBinding(key.WithKeys("down")),
			PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup/pgdn", "scroll")),
			PageDown: key.NewBinding(key.WithKeys("pgdown")),
			Force:    key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "plan anyway")),
		},
		Filter: Filter{
			Apply:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "apply")),
			Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear")),
		},
		Input: Input{
			Left:           key.NewBinding(key.WithKeys("left", "ctrl+b")),
			Right:          key.NewBinding(key.WithKeys("right", "ctrl+f")),
			Home:           key.NewBinding(key.WithKeys("home", "ctrl+a")),
			End:            key.NewBinding(key.WithKeys("end", "ctrl+e")),
			DeleteBack:     key.NewBinding(key.WithKeys("backspace", "ctrl+h")),
			DeleteForward:  key.NewBinding(key.WithKeys("delete", "ctrl+d")),
			DeleteWordBack: key.NewBinding(key.WithKeys("ctrl+w", "alt+backspace")),
			DeleteToStart:  key.NewBinding(key.WithKeys("ctrl+u")),
			DeleteToEnd:    key.NewBinding(key.WithKeys("ctrl+k")),
		},
	}
}

// Global bindings work on every screen unless a text field has focus.
type Global struct {
	Quit, Help, Back, Refresh key.Binding
	// Interrupt quits from anywhere, even while typing in a field.
	Interrupt key.Binding
}

// List moves a cursor in any list or table.
type List struct {
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
}

// ShortHelp implements help.KeyMap.
func (k List) ShortHelp() []key.Binding { return []key.Binding{k.Up, k.Down} }

// FullHelp implements help.KeyMap.
func (k List) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom}}
}

// Bases is the base picker shown when no --base was given.
type Bases struct {
	Select key.Binding
}

// Topics is the topics view.
type Topics struct {
	Open, Filter, Sort, Internal, Consume, Peek, NewSuffix key.Binding
	// Follow streams the selected topic's new records.
	Follow key.Binding
}

// Groups is the groups view of one topic.
type Groups struct {
	Open, Others, Filter, Sort, Consume, Peek, NewSuffix key.Binding
	// Follow streams the topic's new records.
	Follow key.Binding
	// Offset operations on the selected group (Create: a new suffix group;
	// Undo: restore the offsets from before the group's last change).
	Reset, CopyFrom, Create, Delete, Undo key.Binding
}

// Partitions is the partitions view of one group.
type Partitions struct {
	Consume, Peek key.Binding
	// Offset operations on the group shown.
	Reset, CopyFrom, Create, Delete, Undo key.Binding
}

// Batch is the batch view: a list of records and a detail pane.
type Batch struct {
	Focus, ScrollUp, ScrollDown, Search, Mode key.Binding
	// Export writes the batch (or the matches of a search) to a file; Copy
	// copies the value of the record under the cursor, CopyRecord the whole
	// record as a JSON line; Commit commits the whole batch.
	Export, Copy, CopyRecord, Commit key.Binding
	Consume, Peek                    key.Binding
	// Follow streams the batch's topic from its end.
	Follow key.Binding
}

// Follow is the follow view: records of a topic streaming in. Open shows
// the record under the cursor in full; Mode changes how its value shows.
// Global.Back stops the stream and goes back.
type Follow struct {
	Pause, Filter, Open, Mode key.Binding
}

// Dialog drives prompts and confirmations.
type Dialog struct {
	Confirm, Cancel, Next, Prev, Left, Right, Yes, No, Force, Close key.Binding
}

// Ops drives the dialogs of the offset operations (reset, copy, create,
// delete): fields and buttons, a list to pick from, a table to scroll.
// Letters are left to text fields, so only y (and f, on an undo refused
// because the group moved) are shortcuts, and only where no text field is
// shown.
type Ops struct {
	Apply, Press, Cancel, Next, Prev, Left, Right, Up, Down, PageUp, PageDown key.Binding
	// Force plans an undo although the group moved since the change.
	Force key.Binding
}

// Filter drives a filter or search input line.
type Filter struct {
	Apply, Cancel key.Binding
}

// Input edits a one-line text field; printable keys insert themselves.
type Input struct {
	Left, Right, Home, End                                                key.Binding
	DeleteBack, DeleteForward, DeleteWordBack, DeleteToStart, DeleteToEnd key.Binding
}

// Help is a help.KeyMap assembled from the focused view's bindings (first)
// and the global ones, so the help bar always matches what the keys do.
type Help struct {
	Short []key.Binding
	Full  [][]key.Binding
}

// ShortHelp implements help.KeyMap.
func (h Help) ShortHelp() []key.Binding { return h.Short }

// FullHelp implements help.KeyMap.
func (h Help) FullHelp() [][]key.Binding { return h.Full }

func (g Global) column() []key.Binding { return []key.Binding{g.Refresh, g.Back, g.Help, g.Quit} }

// BasesHelp is the help of the base picker.
func (k KeyMap) BasesHelp() Help {
	return Help{
		Short: []key.Binding{k.Bases.Select, k.List.Up, k.List.Down, k.Global.Refresh, k.Global.Help, k.Global.Quit},
		Full:  [][]key.Binding{{k.Bases.Select}, k.Global.column(), k.List.FullHelp()[0]},
	}
}

// TopicsHelp is the help of the topics view.
func (k KeyMap) TopicsHelp() Help {
	t := k.Topics
	return Help{
		Short: []key.Binding{t.Open, t.Filter, t.Sort, t.Consume, t.Peek, k.Global.Refresh, k.Global.Help, k.Global.Quit},
		Full: [][]key.Binding{
			{t.Open, t.Filter, t.Sort, t.Internal},
			{t.Consume, t.Peek, t.NewSuffix, t.Follow},
			k.Global.column(),
			k.List.FullHelp()[0],
		},
	}
}

// GroupsHelp is the help of the groups view.
func (k KeyMap) GroupsHelp() Help {
	g := k.Groups
	return Help{
		Short: []key.Binding{g.Open, g.Others, g.Consume, g.Peek, g.NewSuffix, k.Global.Back, k.Global.Help, k.Global.Quit},
		Full: [][]key.Binding{
			{g.Open, g.Others, g.Filter, g.Sort},
			{g.Consume, g.Peek, g.NewSuffix, g.Follow},
			{g.Reset, g.CopyFrom, g.Create, g.Delete, g.Undo},
			k.Global.column(),
			k.List.FullHelp()[0],
		},
	}
}

// PartitionsHelp is the help of the partitions view.
func (k KeyMap) PartitionsHelp() Help {
	p := k.Partitions
	return Help{
		Short: []key.Binding{p.Consume, p.Peek, k.Global.Refresh, k.Global.Back, k.Global.Help, k.Global.Quit},
		Full: [][]key.Binding{
			{p.Consume, p.Peek},
			{p.Reset, p.CopyFrom, p.Create, p.Delete, p.Undo},
			k.Global.column(),
			k.List.FullHelp()[0],
		},
	}
}

// BatchHelp is the help of the batch view; with no records it offers only
// what can fill it, and it offers commit only for a batch still to commit
// (a peek not yet committed).
func (k KeyMap) BatchHelp(hasRecords, committable bool) Help {
	b := k.Batch
	if !hasRecords {
		short := []key.Binding{b.Consume, b.Peek, k.Global.Back, k.Global.Help, k.Global.Quit}
		return Help{Short: short, Full: [][]key.Binding{{b.Consume, b.Peek}, k.Global.column()}}
	}
	short := []key.Binding{b.Search, b.Export, b.Copy, b.Focus, k.Global.Back, k.Global.Help, k.Global.Quit}
	reading := []key.Binding{b.Consume, b.Peek, b.Follow}
	if committable {
		short = append([]key.Binding{b.Commit}, short...)
		reading = append([]key.Binding{b.Commit}, reading...)
	}
	return Help{
		Short: short,
		Full: [][]key.Binding{
			reading,
			{b.Search, b.Mode, b.Export, b.Copy, b.CopyRecord},
			k.Global.column(),
			{b.Focus, b.ScrollUp, b.ScrollDown, k.List.PageUp, k.List.PageDown},
		},
	}
}

// FollowHelp is the help of the follow view; without records there is no
// record to open.
func (k KeyMap) FollowHelp(hasRecords bool) Help {
	f := k.Follow
	stop := Relabel(k.Global.Back, "stop")
	short := []key.Binding{f.Pause, f.Filter, f.Open, stop, k.Global.Help, k.Global.Quit}
	if !hasRecords {
		short = []key.Binding{f.Pause, f.Filter, stop, k.Global.Help, k.Global.Quit}
	}
	return Help{
		Short: short,
		Full: [][]key.Binding{
			{f.Pause, f.Filter, f.Open, f.Mode},
			{stop, k.Global.Help, k.Global.Quit},
			k.List.FullHelp()[0],
		},
	}
}

// FilterHelp is the help while a filter or search line has focus.
func (k KeyMap) FilterHelp() Help {
	f := k.Filter
	return Help{Short: []key.Binding{f.Apply, f.Cancel}, Full: [][]key.Binding{{f.Apply, f.Cancel}}}
}

// Relabel returns b with a new description and its keys, and the name its
// help shows for them, unchanged: help that says what a key does here.
func Relabel(b key.Binding, desc string) key.Binding {
	b.SetHelp(b.Help().Key, desc)
	return b
}

// Hint spells bindings for text in a view or a dialog, "y / enter: confirm",
// from the names their help shows, so a rebound key is named as it is bound.
func Hint(desc string, bs ...key.Binding) string {
	names := make([]string, len(bs))
	for i, b := range bs {
		names[i] = b.Help().Key
	}
	return strings.Join(names, " / ") + ": " + desc
}

// Hints joins hints into one line: "enter: ok · esc: cancel".
func Hints(hints ...string) string { return strings.Join(hints, " · ") }

// Name is the name help shows for b's keys: "c", "↑/k", "esc".
func Name(b key.Binding) string { return b.Help().Key }

// Arrows names the first keys of a pair of bindings as arrows where they
// are arrow keys, "↑/↓" or "pgup/pgdn", for text that names a movement.
func Arrows(a, b key.Binding) string { return firstKey(a) + "/" + firstKey(b) }

func firstKey(b key.Binding) string {
	keys := b.Keys()
	if len(keys) == 0 {
		return ""
	}
	if s, ok := keySymbols[keys[0]]; ok {
		return s
	}
	return keys[0]
}

// keySymbols is how help names the keys that have a symbol or a short name.
var keySymbols = map[string]string{"up": "↑", "down": "↓", "left": "←", "right": "→", "pgdown": "pgdn"}

// offReadOnly ends the help of a key that read-only mode turns off.
const offReadOnly = " off: read-only"

// Off reports whether b is a key read-only mode turned off (see ReadOnly).
func Off(b key.Binding) bool { return strings.HasSuffix(b.Help().Desc, offReadOnly) }

// ReadOnly returns k with the help of every writing key saying why it is
// off, its keys unchanged: the TUI refuses them in read-only mode.
func (k KeyMap) ReadOnly() KeyMap {
	off := func(b *key.Binding, what string) { *b = Relabel(*b, what+offReadOnly) }
	off(&k.Topics.Consume, "consume")
	off(&k.Groups.Consume, "consume")
	off(&k.Partitions.Consume, "consume")
	off(&k.Batch.Consume, "consume")
	off(&k.Batch.Commit, "commit")
	for _, op := range []struct {
		groups, partitions *key.Binding
		what               string
	}{
		{&k.Groups.Reset, &k.Partitions.Reset, "reset"},
		{&k.Groups.CopyFrom, &k.Partitions.CopyFrom, "copy"},
		{&k.Groups.Create, &k.Partitions.Create, "create"},
		{&k.Groups.Delete, &k.Partitions.Delete, "delete"},
		{&k.Groups.Undo, &k.Partitions.Undo, "undo"},
	} {
		off(op.groups, op.what)
		off(op.partitions, op.what)
	}
	return k
}
