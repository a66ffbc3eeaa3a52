package ops

import (
	"slices"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/kafka/journal"
	"github.com/kgroups/kgroups/keymap"
	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/tui/widget"
)

// Kind is the operation a flow performs.
type Kind int

const (
	Reset Kind = iota
	Copy
	Create
	Delete
	Undo
)

// String names the operation as a noun, for titles and status lines.
func (k Kind) String() string {
	return [...]string{"reset", "copy", "creation", "deletion", "undo"}[k]
}

// Step is where a flow stands.
type Step int

const (
	StepForm     Step = iota // reset: the mode; create: the suffix and start
	StepPick                 // copy: the sibling to copy from
	StepLoading              // a plan or a delete preview is being read
	StepPlan                 // the plan, waiting for Apply
	StepDelete               // what a delete removes, and the typed name
	StepApplying             // the write is running
	StepDone                 // what is committed now, read back
)

// Control is a focusable part of a flow's dialog.
type Control int

const (
	CtlNone       Control = iota
	CtlMode               // reset: the list of modes
	CtlValue              // reset: the value the mode needs
	CtlPartitions         // reset: the partitions to limit it to
	CtlSuffix             // create: the new suffix
	CtlStart              // create: earliest, latest or datetime
	CtlTime               // create: the datetime
	CtlScope              // delete: the whole group or its offsets only
	CtlName               // delete: the typed group name
	CtlApply              // the Apply (or Delete) button
	CtlCancel             // the Cancel button
)

// ResetModes lists the reset form's modes in order, as the CLI has them.
var ResetModes = [...]struct {
	Label, About string
	Mode         kafka.ResetMode
	Field        string // label of the value field; "" when the mode needs none
	Placeholder  string
}{
	{"earliest", "the log start of each partition", kafka.ResetToEarliest, "", ""},
	{"latest", "the log end: skip everything not read yet", kafka.ResetToLatest, "", ""},
	{"offset", "one offset on every partition", kafka.ResetToOffset, "offset", "e.g. 1000"},
	{"per partition", "one offset each, e.g. 0=10,1=20", kafka.ResetToOffsetMap, "offsets", "0=10,1=20"},
	{"datetime", "the first record at or after an RFC 3339 time", kafka.ResetToDatetime, "time", "2025-01-31T09:00:00Z"},
	{"duration ago", "the first record at or after that long ago", kafka.ResetByDuration, "ago", "1h, 30m, 1h30m"},
	{"shift by", "±N records from where the group is", kafka.ResetShiftBy, "shift", "-100 or +50"},
}

// Indices of resetModes the form treats specially.
const (
	ModeOffsetMap = 3
	ModeDatetime  = 4
)

// CreateStarts are where a created group can start.
var CreateStarts = []string{"earliest", "latest", "datetime"}

// CreateKinds are CreateStarts as the kafka layer takes them.
var CreateKinds = []kafka.CreateAt{kafka.CreateAtEarliest, kafka.CreateAtLatest, kafka.CreateAtTime}

const CreateAtDatetime = 2

// Flow is one operation from its form to its result. Its dialog is drawn
// by View (view.go).
type Flow struct {
	Keys  keymap.Ops // named by the dialog's hints
	Op    Kind
	Step  Step
	Wait  int // the request whose answer the flow waits for; 0 if none
	Group model.Group
	Name  model.GroupName // the group acted on (for create: the new one, once named)
	Topic string
	Parts int // partitions of the topic, when known

	Focus     Control
	formFocus Control                           // the focus when the form was sent, restored on going back to it
	Mode      int                               // reset: index in resetModes; create: in createStarts; delete: 1 for offsets only
	Vals      [len(ResetModes)]widget.LineInput // reset: one value per mode, kept while switching
	Limit     widget.LineInput                  // reset: partitions
	Text      widget.LineInput                  // create: suffix; delete: the typed name
	At        widget.LineInput                  // create: datetime

	Siblings []model.Group // copy: groups of the same topic with commits
	Pick     widget.ListCursor

	Plan    model.Plan
	Source  []model.PartitionLag // copy: the sibling's position when the plan was made
	Preview PreviewMsg           // delete: the group as read before deleting
	Others  []string             // delete: other topics the group holds commits on

	Change  journal.Entry  // undo: the change undone
	Undo    kafka.UndoPlan // undo: the whole plan (Plan is the part on Topic)
	Refused string         // undo: why the plan is refused; Force plans it anyway
	Forced  bool           // undo: planned although the group moved since the change

	Result  model.PlanResult // after Apply
	Undone  kafka.UndoResult // after an undo's Apply
	Deleted DeletedMsg       // after a delete
	Scroll  int              // first table row shown
	Err     string           // a validation failure or an error, shown in the dialog
	Note    string           // above a plan: why it was computed again
}

// OfKey maps R, S, N, D and u to their operation.
func OfKey(msg tea.KeyMsg, reset, copyFrom, create, del, undo key.Binding) (Kind, bool) {
	switch {
	case widget.KeyMatches(msg, undo):
		return Undo, true
	case widget.KeyMatches(msg, reset):
		return Reset, true
	case widget.KeyMatches(msg, copyFrom):
		return Copy, true
	case widget.KeyMatches(msg, create):
		return Create, true
	case widget.KeyMatches(msg, del):
		return Delete, true
	}
	return 0, false
}

// OtherTopics lists the topics other than its own a group has commits on:
// deleting the whole group removes those too.
func OtherTopics(g model.Group) []string {
	var out []string
	for _, c := range g.OtherCommits {
		if !slices.Contains(out, c.Topic) {
			out = append(out, c.Topic)
		}
	}
	slices.Sort(out)
	return out
}
