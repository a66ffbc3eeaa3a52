package tui

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	saslplain "github.com/twmb/franz-go/pkg/sasl/plain"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/kafka/demo"
	"github.com/kgroups/kgroups/kafka/kafkatest"
)

// viewLog keeps the last view a program rendered, and the first one that
// held a forbidden string.
type viewLog struct {
	mu     sync.Mutex
	last   string
	views  int
	forbid string
	leaked string
}

func (l *viewLog) add(v string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.last = v
	l.views++
	if l.forbid != "" && l.leaked == "" && strings.Contains(v, l.forbid) {
		l.leaked = v
	}
}

func (l *viewLog) get() (last string, views int, leaked string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.last, l.views, l.leaked
}

// recorder is the TUI with every View it renders logged, so a test reads
// whole screens instead of the terminal's incremental repaints.
type recorder struct {
	Model
	log *viewLog
}

func (r recorder) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m, cmd := r.Model.Update(msg)
	return recorder{Model: m.(Model), log: r.log}, cmd
}

func (r recorder) View() string {
	v := r.Model.View()
	r.log.add(v)
	return v
}

// tuiRun is a TUI driven by teatest on a cluster.
type tuiRun struct {
	driver
	log *viewLog
}

func startTUI(t *testing.T, d Deps, forbid string) *tuiRun {
	t.Helper()
	log := &viewLog{forbid: forbid}
	return &tuiRun{driver: drive(t, recorder{Model: New(d), log: log}, 160, 50), log: log}
}

// waitView waits until the last rendered view satisfies cond.
func (r *tuiRun) waitView(what string, cond func(view string) bool) string {
	r.t.Helper()
	var view string
	kafkatest.Eventually(r.t, e2eWait, func() error {
		if view, _, _ = r.log.get(); view != "" && cond(view) {
			return nil
		}
		return fmt.Errorf("no view %s; last view:\n%s", what, view)
	})
	return view
}

// pick moves the cursor down a list until it is on the row of name,
// pressing down again only once the previous press has moved it.
func (r *tuiRun) pick(name string) {
	r.t.Helper()
	pressedOn := ""
	kafkatest.Eventually(r.t, e2eWait, func() error {
		view, _, _ := r.log.get()
		on := cursorLine(view)
		if strings.Contains(on, "› "+name+" ") {
			return nil
		}
		if on != pressedOn {
			r.keys("down")
			pressedOn = on
		}
		return fmt.Errorf("the cursor is not on %s; last view:\n%s", name, view)
	})
}

// cursorLine is the line of view the list cursor is on, without styles.
func cursorLine(view string) string {
	for _, l := range strings.Split(view, "\n") {
		if l = ansi.Strip(l); strings.HasPrefix(l, "› ") {
			return l
		}
	}
	return ""
}

// quit ends the program and every command it started.
func (r *tuiRun) quit() {
	r.t.Helper()
	r.tm.Send(keyMsg("q"))
	fm := r.tm.FinalModel(r.t, teatest.WithFinalTimeout(10*time.Second)).(recorder)
	fm.Close()
}

func has(view string, subs ...string) bool {
	for _, s := range subs {
		if !strings.Contains(view, s) {
			return false
		}
	}
	return true
}

// freeAddrs returns n loopback addresses nothing listens on, with their
// ports.
func freeAddrs(t *testing.T, n int) ([]string, []int) {
	t.Helper()
	var addrs []string
	var ports []int
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addrs = append(addrs, ln.Addr().String())
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
		ln.Close()
	}
	return addrs, ports
}

// startOn starts a cluster on ports with topic orders (3 partitions, 10
// records each) and group svc-orders committed at 4 on each, so its lag is
// 18. It skips the test if the ports are taken.
func startOn(t *testing.T, ports []int) *kfake.Cluster {
	t.Helper()
	kc, err := kfake.NewCluster(kfake.NumBrokers(len(ports)), kfake.Ports(ports...), kfake.SeedTopics(3, "orders"))
	if err != nil {
		t.Skipf("cannot listen on the chosen loopback ports: %v", err)
	}
	seedOrders(t, kc.ListenAddrs())
	return kc
}

func seedOrders(t *testing.T, brokers []string) {
	t.Helper()
	var recs []*kgo.Record
	for p := range int32(3) {
		recs = append(recs, kafkatest.Values(p, 10, strconv.Itoa)...)
	}
	kafkatest.Produce(t, brokers, "orders", recs...)
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var offs kadm.Offsets
	for p := range int32(3) {
		offs.AddOffset("orders", p, 4, -1)
	}
	if err := kadm.NewClient(cl).CommitAllOffsets(context.Background(), "svc-orders", offs); err != nil {
		t.Fatal(err)
	}
}

// connect builds the TUI's Cluster the way the CLI does: without waiting
// for a broker.
func connect(t *testing.T, cfg kafka.Config) *kafka.Cluster {
	t.Helper()
	if cfg.Timeout == 0 {
		cfg.Timeout = time.Second
	}
	c, err := kafka.Connect(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// TestEndToEndStartUnreachable starts the TUI on addresses nothing listens
// on: it says so, naming every address, and retries; once a cluster
// listens there it shows the data without a restart.
func TestEndToEndStartUnreachable(t *testing.T) {
	addrs, ports := freeAddrs(t, 3)
	run := startTUI(t, Deps{Cluster: connect(t, kafka.Config{Brokers: addrs}), Base: "svc", Brokers: addrs, Refresh: time.Second}, "")
	run.waitView("saying the cluster is unreachable", func(v string) bool {
		return has(v, append([]string{"Cannot reach the cluster", "OFFLINE", "retrying in"}, addrs...)...)
	})
	kc := startOn(t, ports)
	defer kc.Close()
	view := run.waitView("with the data once the cluster listens", func(v string) bool {
		return has(v, "orders", "refreshed") && !has(v, "OFFLINE")
	})
	if has(view, "error:") {
		t.Errorf("the recovered view still shows an error:\n%s", view)
	}
	run.quit()
}

// TestEndToEndClusterGoneAndBack stops the whole cluster under a running
// TUI: the last data stays, marked STALE, with the error; when the
// brokers listen again it recovers by itself.
func TestEndToEndClusterGoneAndBack(t *testing.T) {
	addrs, ports := freeAddrs(t, 3)
	kc := startOn(t, ports)
	run := startTUI(t, Deps{Cluster: connect(t, kafka.Config{Brokers: addrs}), Base: "svc", Brokers: addrs, Refresh: time.Second}, "")
	run.waitView("with the data", func(v string) bool { return has(v, "orders", "refreshed", "(3 brokers)") })

	kc.Close()
	view := run.waitView("marked stale", func(v string) bool { return has(v, "STALE", "retrying") })
	for _, want := range []string{"orders", "18", "error: cannot reach Kafka at " + addrs[0], "connection refused"} {
		if !has(view, want) {
			t.Errorf("the stale view lacks %q:\n%s", want, view)
		}
	}

	kc = startOn(t, ports)
	defer kc.Close()
	view = run.waitView("recovered", func(v string) bool { return has(v, "orders", "refreshed") && !has(v, "STALE") })
	if has(view, "error:") {
		t.Errorf("the recovered view still shows an error:\n%s", view)
	}
	run.quit()
}

// TestEndToEndBrokerLoss removes the coordinator of the base's group while
// the TUI runs, then adds it back, then makes it fail the group requests:
// the data keeps showing, the broker count follows, a failing node shows as
// a partial snapshot, and everything clears without a restart.
func TestEndToEndBrokerLoss(t *testing.T) {
	kc, brokers := kafkatest.NewCluster(t, kfake.SeedTopics(3, "orders"))
	seedOrders(t, brokers)
	ports := map[int32]int{}
	details, err := kadm.NewClient(kafkatest.Client(t, brokers)).ListBrokers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range details {
		ports[d.NodeID] = int(d.Port)
	}
	run := startTUI(t, Deps{Cluster: connect(t, kafka.Config{Brokers: brokers}), Base: "svc", Brokers: brokers, Refresh: time.Second}, "")
	run.waitView("with the data", func(v string) bool { return has(v, "orders", "18", "(3 brokers)") })

	victim := kc.CoordinatorFor("svc-orders")
	if err := kc.RemoveNode(victim); err != nil {
		t.Fatal(err)
	}
	run.waitView("with two brokers", func(v string) bool { return has(v, "orders", "18", "(2 brokers)") && !has(v, "STALE") })
	if _, _, err := kc.AddNode(victim, ports[victim]); err != nil {
		t.Fatal(err)
	}
	run.waitView("with three brokers again", func(v string) bool { return has(v, "orders", "18", "(3 brokers)") && !has(v, "STALE") })

	sick := kc.CoordinatorFor("svc-orders")
	fault := kc.Fault(kfake.Fault{Nodes: []int32{sick}, Keys: []kmsg.Key{kmsg.DescribeGroups, kmsg.OffsetFetch}, Err: kerr.UnknownServerError, Count: -1})
	run.keys("enter") // the groups of orders
	view := run.waitView("with the failing group marked", func(v string) bool { return has(v, "⚠ error") })
	if !has(view, "svc-orders", "UNKNOWN_SERVER_ERROR") {
		t.Errorf("the selected failing group's error is not in the status bar:\n%s", view)
	}
	fault.Remove()
	run.waitView("recovered from the fault", func(v string) bool { return has(v, "18") && !has(v, "⚠", "UNKNOWN_SERVER_ERROR") })
	run.quit()
}

// TestEndToEndNoSecretInView runs the TUI with SASL credentials, right and
// wrong: the password never appears in any rendered view, and the wrong one
// is a one-line authentication error that is not retried in a loop.
func TestEndToEndNoSecretInView(t *testing.T) {
	const password = "Sup3r-s3cret-pa55word-never-shown"
	_, brokers := kafkatest.NewCluster(t, kfake.EnableSASL(), kfake.User("PLAIN", "alice", password), kfake.SeedTopics(1, "orders"))

	right := saslplain.Auth{User: "alice", Pass: password}.AsMechanism()
	run := startTUI(t, Deps{Cluster: connect(t, kafka.Config{Brokers: brokers, SASL: right}), Base: "svc", Brokers: brokers, Refresh: time.Second}, password)
	run.waitView("with the data", func(v string) bool { return has(v, "orders", "refreshed") })
	run.quit()
	if _, n, leaked := run.log.get(); leaked != "" || n == 0 {
		t.Fatalf("the password is in a view (%d views):\n%s", n, leaked)
	}

	wrong := saslplain.Auth{User: "alice", Pass: password + "-typo"}.AsMechanism()
	run = startTUI(t, Deps{Cluster: connect(t, kafka.Config{Brokers: brokers, SASL: wrong}), Base: "svc", Brokers: brokers, Refresh: time.Second}, password)
	view := run.waitView("with the authentication failure", func(v string) bool {
		return has(v, "Authentication failed", "wrong username or password", "r retries")
	})
	if !has(view, "error: SASL authentication failed at") {
		t.Errorf("the status bar lacks the one-line error:\n%s", view)
	}
	run.keys("r")
	run.waitView("retrying on r", func(v string) bool { return has(v, "retrying…") })
	run.waitView("failed again and waiting", func(v string) bool { return has(v, "r retries") && !has(v, "retrying") })
	run.quit()
	if _, n, leaked := run.log.get(); leaked != "" || n == 0 {
		t.Fatalf("the password is in a view (%d views):\n%s", n, leaked)
	}
}

// TestEndToEndConsumeAfterBasePicker starts without a base: after picking
// one the TUI consumes, through a registry built from the cluster's
// configuration for that batch.
func TestEndToEndConsumeAfterBasePicker(t *testing.T) {
	cl, brokers := seededCluster(t)
	group := demo.Base + "-" + demo.UserEventsTopic + "-analytics"
	before := fetchOffsets(t, cl.Admin(), group)

	run := startTUI(t, Deps{Cluster: cl, Brokers: brokers}, "")
	run.waitView("with the base picker", func(v string) bool { return has(v, "Pick a base prefix", demo.Base) })
	run.pick(demo.Base)
	run.keys("enter")
	run.waitView("with the base's topics", func(v string) bool { return has(v, "base "+demo.Base, demo.UserEventsTopic) })
	run.keys("/")
	run.typeText(demo.UserEventsTopic)
	run.keys("enter", "enter")
	run.waitView("with the groups", func(v string) bool { return has(v, "analytics") })
	run.keys("down", "c") // the missing default group comes first
	run.waitView("asking how many", func(v string) bool { return has(v, "How many records?") })
	run.keys("ctrl+u")
	run.typeText("5")
	run.keys("enter")
	run.waitView("asking to confirm", func(v string) bool { return has(v, "Consume and commit?") })
	run.keys("y")
	run.waitView("with the consumed batch", func(v string) bool { return has(v, "consumed 5 records as "+group) })
	run.quit()

	after := fetchOffsets(t, cl.Admin(), group)
	moved := int64(0)
	for p, o := range after {
		moved += o - before[p]
	}
	if moved != 5 {
		t.Errorf("the group moved by %d records, want 5 (before %v, after %v)", moved, before, after)
	}
}
