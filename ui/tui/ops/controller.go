package ops

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/kafka/journal"
	"github.com/kgroups/kgroups/keymap"
	"github.com/kgroups/kgroups/model"
	"github.com/kgroups/kgroups/ui/tui/widget"
)

// Offset operations: reset (R), copy from a sibling (S), create a suffix
// group (N) and delete (D), from the groups and partitions views. Each runs
// as a flow in one dialog: a form, the plan the cluster computes, an
// explicit Apply, then what was read back. Nothing is written before Apply;
// the kafka layer refuses live groups and read-only connections as well.

// Controller runs the offset operations for the root: it opens a flow for
// what a view asks, sends the flow's requests to the cluster as commands,
// and takes their answers. The open flow is the root's modal, handed in
// and out on every call; the controller keeps what outlives a dialog: the
// generation of the requests and the write in flight.
type Controller struct {
	gen     int // bumps with every request a flow makes
	writing int // the write in flight (its gen), 0 if none

	seq     int        // bumps with every read of the undo journal
	changes ChangesMsg // the newest read of it
}

// Gen is the generation of the newest request.
func (c Controller) Gen() int { return c.gen }

// Writing is the generation of the write in flight, 0 if none.
func (c Controller) Writing() int { return c.writing }

// Waiting reports whether the user waits for an answer: a write, or a
// request of the open flow.
func (c Controller) Waiting(open *Flow) bool {
	return c.writing != 0 || (open != nil && open.Wait != 0)
}

// Env is what the offset operations need from the root, built afresh for
// every call: the cluster and the lifetime of the commands, the keys and
// styles, the clock, the read-only flag, and what the root knows now.
type Env struct {
	Cluster *kafka.Cluster
	Res     *widget.Resources
	Keys    *keymap.KeyMap
	Styles  *widget.Styles
	Now     func() time.Time
	// ReadOnly is nil when writes are allowed; otherwise the warning that
	// refuses what (e.g. "reset writes offsets, so it").
	ReadOnly func(what string) tea.Cmd
	Base     string
	Snap     model.Snapshot // the newest snapshot, zero before the first
	Width    int            // the body the dialog is drawn in
	Height   int
	Tick     tea.Cmd // turns the spinner while a request runs
}

// Request is what a view asks for: an operation on a group.
type Request struct {
	Op        Kind
	Group     model.Group // the group acted on; for create, the topic is enough
	Topic     string
	Partition *int32 // the partition selected in the partitions view
	Missing   bool   // the group does not exist yet
	Foreign   bool   // not a group of the base
	// Change is the group's newest change in the undo journal, for Undo;
	// nil when it has none.
	Change *journal.Entry
}

// Outcome is what a call asks of the root.
type Outcome struct {
	// Set says the modal becomes Flow (nil closes it); otherwise the
	// modal is left as it is.
	Set  bool
	Flow *Flow
	// Refusal, when set, closes the modal and opens this notice instead.
	Refusal *Refusal
	// Forget is a group whose offsets kgroups moved itself: its lag
	// history is not consumption.
	Forget string
	// Refresh takes a new snapshot even if one is in flight: that one may
	// predate the write, and its answer is then dropped by generation.
	Refresh bool
	Cmd     tea.Cmd
}

// Refusal explains why an operation cannot be done.
type Refusal struct {
	Title string
	Body  []string
}

func show(f Flow) Outcome { return Outcome{Set: true, Flow: &f} }

// Open starts the flow req asks for, or says why not.
func (c Controller) Open(env Env, req Request) (Controller, Outcome) {
	id := widget.Clean(req.Group.ID)
	switch {
	case env.ReadOnly != nil:
		return c, Outcome{Cmd: env.ReadOnly(req.Op.String() + " writes offsets, so it")}
	case c.writing != 0:
		return c, Outcome{Cmd: widget.ReportWarn("an offset change is still running: wait for it")}
	case req.Op == Undo:
		return c.openUndo(env, req)
	case req.Op != Create && req.Group.ID == "":
		return c, Outcome{Cmd: widget.ReportInfo("no group selected")}
	case req.Op != Create && req.Foreign:
		return c, Outcome{Cmd: widget.ReportWarn("%s is not a group of the base: %s acts on {base}-{topic}[-{suffix}]", id, req.Op)}
	case req.Op == Delete && req.Missing:
		return c, Outcome{Cmd: widget.ReportInfo("%s does not exist yet: nothing to delete", id)}
	case req.Op != Create && len(req.Group.Members) > 0:
		return c, refuse(req.Group.ID, req.Group.Members, req.Op)
	}
	f := Flow{Op: req.Op, Group: req.Group, Name: req.Group.Name, Topic: req.Topic, Keys: env.Keys.Ops}
	if t, ok := env.Snap.Topic(req.Topic); ok {
		f.Parts = len(t.Partitions)
	}
	if f.Name.Base == "" {
		f.Name.Base = env.Base
	}
	switch req.Op {
	case Reset:
		f.Step, f.Focus = StepForm, CtlMode
		for i, rm := range ResetModes {
			f.Vals[i] = widget.NewLineInput("", "", rm.Placeholder)
		}
		f.Vals[ModeDatetime].SetValue(env.Now().UTC().Truncate(time.Minute).Format(time.RFC3339))
		part := ""
		if req.Partition != nil {
			part = strconv.Itoa(int(*req.Partition))
		}
		f.Limit = widget.NewLineInput("", part, "all")
	case Copy:
		f.Siblings = Siblings(env.Snap, req.Group)
		if len(f.Siblings) == 0 {
			return c, Outcome{Cmd: widget.ReportInfo("no other group of the base has commits on %s to copy from", widget.Clean(req.Topic))}
		}
		f.Step = StepPick
	case Create:
		f.Step, f.Focus = StepForm, CtlSuffix
		f.Name = model.GroupName{Base: env.Base, Topic: req.Topic}
		f.Text = widget.NewLineInput("", "", "e.g. full-index")
		f.At = widget.NewLineInput("", env.Now().UTC().Truncate(time.Minute).Format(time.RFC3339), "2025-01-31T09:00:00Z")
	case Delete:
		f.Text = NewConfirmInput(f.Name)
		f.Focus = CtlName
		f.Others = OtherTopics(req.Group)
		cl, res, group, topic := env.Cluster, env.Res, f.Group.ID, f.Topic
		return c.request(env, f, func(gen int) tea.Cmd { return DeletePreviewCmd(res, cl, gen, group, topic) })
	}
	return c, show(f.Refocus())
}

// request starts a command of flow f under a new generation; f waits for
// its answer.
func (c Controller) request(env Env, f Flow, cmd func(gen int) tea.Cmd) (Controller, Outcome) {
	c.gen++
	f.Wait = c.gen
	f.Err = ""
	if f.Step != StepApplying {
		f.Step = StepLoading
	}
	out := show(f)
	out.Cmd = tea.Batch(cmd(c.gen), env.Tick)
	return c, out
}

// refuse explains that live members hold the group: the broker would
// reject the change or the service would overwrite it.
func refuse(group string, members []model.Member, op Kind) Outcome {
	body := []string{fmt.Sprintf("%s has %d live member(s):", widget.Clean(group), len(members))}
	body = append(body, MemberLines(members)...)
	body = append(body, "", fmt.Sprintf("The broker would reject the %s, or the running service would overwrite it. Stop them first, then try again.", op))
	return Outcome{Refusal: &Refusal{
		Title: widget.Capitalize(op.String()) + " refused: the group is in use",
		Body:  body,
	}}
}

// Key gives a key to the open flow f and acts on what it did.
func (c Controller) Key(env Env, f Flow, msg tea.KeyMsg) (Controller, Outcome) {
	rows := f.TableRows(env.Styles, env.Width, env.Height)
	f, ev := f.Update(msg, env.Keys.Ops, env.Keys.Input, rows)
	switch ev {
	case Close:
		if f.Step == StepApplying {
			return c, Outcome{Set: true, Cmd: widget.ReportInfo("the %s goes on: its outcome will show here", f.Op)}
		}
		return c, Outcome{Set: true}
	case Submit:
		f.Note = ""
		return c.submit(env, f)
	case Apply:
		return c.apply(env, f)
	}
	return c, show(f)
}

// submit checks the form (or the pick) and asks the cluster for the plan.
func (c Controller) submit(env Env, f Flow) (Controller, Outcome) {
	cl, res := env.Cluster, env.Res
	switch f.Op {
	case Reset:
		spec, err := f.ResetSpec(env.Now)
		if err != nil {
			return c, invalid(f, err)
		}
		return c.request(env, f, func(gen int) tea.Cmd { return PlanResetCmd(res, cl, gen, f.Name.String(), f.Topic, spec) })
	case Copy:
		from := f.Siblings[f.Pick.Index]
		return c.request(env, f, func(gen int) tea.Cmd { return PlanCopyCmd(res, cl, gen, f.Name.String(), from.ID, f.Topic) })
	case Create:
		suffix := strings.TrimSpace(f.Text.Value())
		if err := widget.ValidSuffix(suffix); err != nil {
			return c, invalid(f, err)
		}
		name := model.GroupName{Base: env.Base, Topic: f.Topic, Suffix: suffix}
		if g, ok := env.Snap.Group(name.String()); ok && g.Exists() {
			return c, invalid(f, fmt.Errorf("%s already exists: move it with %s instead", name, keymap.Name(env.Keys.Groups.Reset)))
		}
		at := kafka.CreateStart{At: CreateKinds[f.Mode]}
		if f.Mode == CreateAtDatetime {
			t, err := ParseRFC3339(f.At.Value())
			if err != nil {
				return c, invalid(f, err)
			}
			at.Time = t
		}
		f.Name = name
		return c.request(env, f, func(gen int) tea.Cmd { return PlanCreateCmd(res, cl, gen, name.String(), f.Topic, at) })
	case Undo:
		// Planned again after a refusal (Force) or a stale plan: a force
		// once given holds.
		f.Forced = f.Forced || f.Refused != ""
		f.Refused = ""
		e, force := f.Change, f.Forced
		return c.request(env, f, func(gen int) tea.Cmd { return PlanUndoCmd(res, cl, gen, e, force) })
	}
	return c, show(f)
}

// invalid shows why the form cannot be sent.
func invalid(f Flow, err error) Outcome {
	f.Err = widget.Clean(err.Error())
	return show(f)
}

// apply runs the confirmed write.
func (c Controller) apply(env Env, f Flow) (Controller, Outcome) {
	if c.writing != 0 {
		return c, invalid(f, fmt.Errorf("an offset change is still running: wait for it"))
	}
	f.Step = StepApplying
	cl, res := env.Cluster, env.Res
	var cmd func(gen int) tea.Cmd
	switch f.Op {
	case Delete:
		offsetsOnly, shown := f.Mode == 1, f.Preview.Position
		cmd = func(gen int) tea.Cmd {
			return DeleteCmd(res, cl, gen, f.Name.String(), f.Topic, offsetsOnly, shown)
		}
	case Undo:
		up := f.Undo
		cmd = func(gen int) tea.Cmd { return UndoCmd(res, cl, gen, up) }
	default:
		plan := f.Plan
		cmd = func(gen int) tea.Cmd { return ApplyPlanCmd(res, cl, gen, f.Op, plan) }
	}
	c, out := c.request(env, f, cmd)
	c.writing = c.gen
	return c, out
}

// Answer takes the answer to a flow's request; open is the open flow, nil
// when none. Plans and previews the user moved past are dropped; the
// outcome of a write is always shown.
func (c Controller) Answer(env Env, open *Flow, msg Msg) (Controller, Outcome) {
	current := open != nil && open.Wait == msg.RequestGen()
	switch msg := msg.(type) {
	case PlanMsg:
		if !current {
			return c, Outcome{}
		}
		return c, takePlan(*open, msg)
	case PreviewMsg:
		if !current {
			return c, Outcome{}
		}
		return c, takePreview(*open, msg)
	case AppliedMsg:
		if msg.Gen == c.writing {
			c.writing = 0
		}
		return c.takeApplied(env, open, current, msg)
	case DeletedMsg:
		if msg.Gen == c.writing {
			c.writing = 0
		}
		return c.takeDeleted(env, open, current, msg)
	case UndoPlanMsg:
		if !current {
			return c, Outcome{}
		}
		return c, takeUndoPlan(*open, msg)
	case UndoneMsg:
		if msg.Gen == c.writing {
			c.writing = 0
		}
		return c.takeUndone(env, open, current, msg)
	}
	return c, Outcome{}
}

func takePlan(f Flow, msg PlanMsg) Outcome {
	f.Wait = 0
	if msg.Err != nil {
		// Back to where the request came from, with the reason.
		f.Step, _ = f.Asked()
		f.Err = widget.Clean(msg.Err.Error())
		return show(f)
	}
	f.Step, f.Focus, f.Scroll = StepPlan, CtlCancel, 0
	f.Plan, f.Source = msg.Plan, msg.Source
	if len(msg.Plan.Partitions) == 0 {
		f.Err = "the plan moves no partition: nothing to apply"
	}
	return show(f.Refocus())
}

func takePreview(f Flow, msg PreviewMsg) Outcome {
	f.Wait = 0
	if msg.Err != nil {
		return Outcome{Set: true, Cmd: widget.ReportError(msg.Err)}
	}
	if len(msg.Members) > 0 {
		return refuse(f.Group.ID, msg.Members, Delete)
	}
	hasCommits := slices.ContainsFunc(msg.Position, func(p model.PartitionLag) bool { return p.HasCommitted })
	if !hasCommits && (msg.State == "" || msg.State == "Dead") {
		return Outcome{Set: true, Cmd: widget.ReportInfo("%s does not exist: nothing to delete", widget.Clean(f.Group.ID))}
	}
	f.Preview = msg
	f.Step, f.Focus, f.Scroll = StepDelete, CtlName, 0
	if !hasCommits {
		f.Mode = 0 // no commit on the topic: only the whole group can go
	}
	return show(f.Refocus())
}

// written is the outcome of a write: the snapshot is taken again, and the
// lag history of the group kgroups moved (if it did) starts over.
func written(out Outcome, moved string, status ...tea.Cmd) Outcome {
	out.Refresh, out.Forget = true, moved
	out.Cmd = tea.Batch(append([]tea.Cmd{out.Cmd}, status...)...)
	return out
}

func (c Controller) takeApplied(env Env, f *Flow, current bool, msg AppliedMsg) (Controller, Outcome) {
	group := widget.Clean(msg.Result.Plan.Group)
	if ga, ok := GroupActive(msg.Err); ok {
		return c, written(refuse(ga.Group, ga.Members, msg.Op), "")
	}
	if se, ok := StaleError(msg.Err); ok && current {
		// The plan's figures are stale: compute it again on the new ones
		// and show it, with what moved; nothing was written.
		g := *f
		g.Wait, g.Step = 0, StepPlan
		g.Note = fmt.Sprintf("Not applied: %s moved since the plan was read (%s). Below is the plan on the new figures; nothing was written.", group, MovedText(se.Moved))
		c, out := c.submit(env, g)
		return c, written(out, "", widget.ReportWarn("%s of %s not applied: its offsets moved since the plan was read", msg.Op, group))
	}
	forget := ""
	if msg.Err == nil {
		// kgroups moved the offsets itself: not consumption.
		forget = msg.Result.Plan.Group
	}
	var status tea.Cmd
	switch {
	case msg.Err != nil && !current:
		status = widget.ReportError(fmt.Errorf("%s of %s: %w", msg.Op, group, msg.Err))
	case msg.Err != nil:
	case !msg.Result.OK():
		status = widget.ReportWarn("%s of %s: %d partition(s) did not take their new offset", msg.Op, group, len(msg.Result.Failed))
	default:
		status = widget.ReportInfo("%s of %s: committed and read back", msg.Op, group)
	}
	if !current {
		// The dialog was closed while the write ran: report in the status bar.
		return c, written(Outcome{}, forget, status)
	}
	g := f.done(msg.Err)
	g.Result = msg.Result
	return c, written(show(g), forget, status)
}

// done is the flow showing the end of its write, with err, if any, in words.
func (f *Flow) done(err error) Flow {
	g := *f
	g.Wait, g.Step, g.Scroll, g.Focus = 0, StepDone, 0, CtlNone
	switch {
	case errors.Is(err, kafka.ErrReadOnly):
		g.Err = "read-only: nothing was written"
	case err != nil:
		g.Err = widget.Clean(err.Error())
	}
	return g
}

func (c Controller) takeDeleted(env Env, f *Flow, current bool, msg DeletedMsg) (Controller, Outcome) {
	group := widget.Clean(msg.Group)
	if ga, ok := GroupActive(msg.Err); ok {
		return c, written(refuse(ga.Group, ga.Members, Delete), "")
	}
	if se, ok := StaleError(msg.Err); ok && current {
		// What the dialog showed is stale: read the group again and show
		// it, with what moved; nothing was deleted.
		g := *f
		g.Wait, g.Step = 0, StepDelete
		g.Note = fmt.Sprintf("Not deleted: %s moved since it was read (%s). Below is the group now; confirm again to delete it.", group, MovedText(se.Moved))
		cl, res, name, topic := env.Cluster, env.Res, g.Group.ID, g.Topic
		c, out := c.request(env, g, func(gen int) tea.Cmd { return DeletePreviewCmd(res, cl, gen, name, topic) })
		return c, written(out, "", widget.ReportWarn("delete of %s not applied: its offsets moved since they were read", group))
	}
	forget := ""
	if msg.Err == nil {
		forget = msg.Group
	}
	left := msg.Left()
	var status tea.Cmd
	switch {
	case msg.Err != nil:
		status = widget.ReportError(fmt.Errorf("delete of %s: %w", group, msg.Err))
	case msg.ReadErr != nil:
		status = widget.ReportWarn("deleted %s, but reading it back failed: %v", group, msg.ReadErr)
	case len(left) > 0:
		status = widget.ReportWarn("deleted %s, but it still has commits on partition(s) %s", group, JoinInts(left))
	default:
		status = widget.ReportInfo("deleted %s: read back, no commit left on %s", group, widget.Clean(msg.Topic))
	}
	if !current {
		return c, written(Outcome{}, forget, status)
	}
	g := f.done(msg.Err)
	g.Deleted = msg
	return c, written(show(g), forget, status)
}
