//go:build unix

package cli

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kgroups/kgroups/kafka/kafkatest"
)

// Sizes of the kill test: a topic of killRecords records over
// killPartitions partitions, consumed with -n killRecords.
const (
	killTopic      = "events"
	killBase       = "kt"
	killPartitions = 4
	killRecords    = 100_000
)

// killFixture is a seeded cluster and the kgroups binary built from this
// module, run as a user runs it.
type killFixture struct {
	bin     string
	brokers string
	adm     *kadm.Client
	cl      *kgo.Client
}

func newKillFixture(t *testing.T) *killFixture {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "kgroups")
	build := exec.Command("go", "build", "-o", bin, "../..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	// The cluster runs in a process of its own (kgroups demo, not built
	// with -race like this test), so that serving 100,000 records many
	// times over stays quick.
	brokers := startDemoProcess(t, bin)
	cl := kafkatest.Client(t, brokers, kgo.DefaultProduceTopic(killTopic), kgo.RecordPartitioner(kgo.ManualPartitioner()),
		kgo.ProducerLinger(0), kgo.MaxBufferedRecords(killRecords))
	if _, err := kadm.NewClient(cl).CreateTopic(context.Background(), killPartitions, 1, nil, killTopic); err != nil {
		t.Fatalf("create %s: %v", killTopic, err)
	}
	recs := make([]*kgo.Record, 0, killRecords)
	for i := range killRecords {
		p := int32(i % killPartitions)
		recs = append(recs, &kgo.Record{Partition: p, Key: fmt.Appendf(nil, "k%d", i),
			Value: fmt.Appendf(nil, `{"i":%d,"pad":"%s"}`, i, strings.Repeat("x", 120))})
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		t.Fatalf("seed %s: %v", killTopic, err)
	}
	return &killFixture{bin: bin, brokers: strings.Join(brokers, ","), adm: kadm.NewClient(cl), cl: cl}
}

// startDemoProcess runs bin demo --no-producer on free loopback ports until
// the test ends and returns its brokers.
func startDemoProcess(t *testing.T, bin string) []string {
	t.Helper()
	cmd := exec.Command(bin, "demo", "--no-producer", "--ports", "0,0,0")
	cmd.Env = append(os.Environ(), envBrokers+"=", envBase+"=", "KGROUPS_CONTEXT=", "KGROUPS_CONFIG="+os.DevNull)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	// "demo cluster on HOST:PORT,... (base ...); Ctrl-C to stop"
	line, err := bufio.NewReader(stdout).ReadString('\n')
	fields := strings.Fields(line)
	if err != nil || len(fields) < 4 || fields[0] != "demo" {
		t.Fatalf("demo did not say where it listens: %q, %v", line, err)
	}
	go io.Copy(io.Discard, stdout)
	return strings.Split(fields[3], ",")
}

// command is kgroups consume -n n of the group kt-events-suffix, as jsonl.
func (f *killFixture) command(suffix string, n int) *exec.Cmd {
	cmd := exec.Command(f.bin, "consume", "--brokers", f.brokers, "--base", killBase, "--topic", killTopic,
		"--suffix", suffix, "-n", fmt.Sprint(n), "-o", "jsonl")
	cmd.Env = append(os.Environ(), envBrokers+"=", envBase+"=", envReadOnly+"=", "KGROUPS_CONTEXT=", "KGROUPS_CONFIG="+os.DevNull)
	return cmd
}

// committed reads the group's commits on the topic from the cluster.
func (f *killFixture) committed(t *testing.T, group string) map[int32]int64 {
	t.Helper()
	out := map[int32]int64{}
	resp, err := f.adm.FetchOffsets(context.Background(), group)
	if errors.Is(err, kerr.GroupIDNotFound) {
		return out
	}
	if err != nil {
		t.Fatalf("fetch offsets of %s: %v", group, err)
	}
	resp.Each(func(o kadm.OffsetResponse) {
		if o.Topic == killTopic && o.Err == nil && o.At >= 0 {
			out[o.Partition] = o.At
		}
	})
	return out
}

// evict removes the group's members, as their session timeout would once
// the process behind them is dead: a SIGKILLed kgroups cannot leave.
func (f *killFixture) evict(t *testing.T, group string) {
	t.Helper()
	ctx := context.Background()
	described, err := f.adm.DescribeGroups(ctx, group)
	if err != nil {
		t.Fatalf("describe %s: %v", group, err)
	}
	g := described[group]
	if len(g.Members) == 0 {
		return
	}
	req := kmsg.NewPtrLeaveGroupRequest()
	req.Group = group
	for _, m := range g.Members {
		lm := kmsg.NewLeaveGroupRequestMember()
		lm.MemberID = m.MemberID
		req.Members = append(req.Members, lm)
	}
	resp, err := req.RequestWith(ctx, f.cl)
	if err == nil {
		err = kerr.ErrorForCode(resp.ErrorCode)
	}
	if err != nil {
		t.Fatalf("evict the members of %s: %v", group, err)
	}
}

// written parses the complete jsonl lines of out (a killed process may leave
// half a line) into the offset after the last record written per partition,
// checking that each partition was written from its start without a gap.
func written(t *testing.T, out []byte, from map[int32]int64) (next map[int32]int64, n int) {
	t.Helper()
	next = map[int32]int64{}
	for len(out) > 0 {
		i := bytes.IndexByte(out, '\n')
		if i < 0 {
			break // a line cut by the kill: not fully written
		}
		line := out[:i]
		out = out[i+1:]
		rec, err := recordPosition(line)
		if err != nil {
			t.Fatal(err)
		}
		at, ok := next[rec.Partition]
		if !ok {
			at = from[rec.Partition]
		}
		if rec.Offset != at {
			t.Fatalf("partition %d: wrote offset %d, want %d (a gap or a repeat)", rec.Partition, rec.Offset, at)
		}
		next[rec.Partition] = rec.Offset + 1
		n++
	}
	for p, o := range from {
		if _, ok := next[p]; !ok {
			next[p] = o
		}
	}
	return next, n
}

// recordPosition reads the partition and offset of one jsonl record line,
// which are its second and third fields (a scan: encoding/json is slow under
// -race for millions of lines).
func recordPosition(line []byte) (pos struct {
	Partition int32
	Offset    int64
}, err error) {
	field := func(name string) (int64, error) {
		key := []byte(`,"` + name + `":`)
		i := bytes.Index(line, key)
		if i < 0 {
			return 0, fmt.Errorf("jsonl line without %s: %q", name, line)
		}
		rest := line[i+len(key):]
		j := bytes.IndexByte(rest, ',')
		if j < 0 {
			return 0, fmt.Errorf("jsonl line cut after %s: %q", name, line)
		}
		return strconv.ParseInt(string(rest[:j]), 10, 64)
	}
	p, err := field("partition")
	if err != nil {
		return pos, err
	}
	pos.Partition = int32(p)
	pos.Offset, err = field("offset")
	return pos, err
}

// killRun is how one run of the kill test ends.
type killRun int

const (
	runSIGKILL killRun = iota
	runSIGINT
	runSIGTERM
	runReaderCloses // SIGPIPE: the reader closes the pipe early
	runDiskFull     // stdout is /dev/full
	killRunKinds
)

func (k killRun) String() string {
	return [...]string{"SIGKILL", "SIGINT", "SIGTERM", "reader closes", "disk full"}[k]
}

// TestConsumeKilledNeverCommitsUnwritten kills kgroups consume at random
// moments, many times, and checks the delivery rule after each run: per
// partition, the group's commit is at most the offset after the last record
// fully written (nothing committed was lost), SIGINT and SIGTERM commit
// exactly what was written, and the next consume starts at the commit.
func TestConsumeKilledNeverCommitsUnwritten(t *testing.T) {
	setup := time.Now()
	f := newKillFixture(t)
	t.Logf("set up in %v", time.Since(setup).Round(time.Millisecond))
	_, err := os.Stat("/dev/full")
	haveFull := err == nil

	// A whole run first: it delivers every record once and commits the end,
	// and its duration spreads the kills below over a run's life.
	start := time.Now()
	full := f.command("whole", killRecords)
	var out bytes.Buffer
	full.Stdout = &out
	if err := full.Run(); err != nil {
		t.Fatalf("whole run: %v", err)
	}
	span := time.Since(start)
	next, n := written(t, out.Bytes(), nil)
	if n != killRecords {
		t.Fatalf("whole run wrote %d records, want %d", n, killRecords)
	}
	if c := f.committed(t, killBase+"-"+killTopic+"-whole"); fmt.Sprint(c) != fmt.Sprint(next) {
		t.Fatalf("whole run committed %v, wrote up to %v", c, next)
	}

	const runs = 35
	window := min(span/2, time.Second)
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 10))
	var kills, reread, lost, delivered int
	for run := range runs {
		kind := killRun(run % int(killRunKinds))
		if kind == runDiskFull && !haveFull {
			kind = runSIGKILL
		}
		suffix := fmt.Sprintf("run%d", run)
		group := killBase + "-" + killTopic + "-" + suffix
		// Kill anywhere from the start-up to the middle of the records'
		// flow, so that nearly every run is cut short.
		delay := time.Duration(rng.Int64N(int64(window)))
		got, code, stderr := f.killedRun(t, suffix, kind, delay, rng)

		wrote, nw := written(t, got, nil)
		committed := f.committed(t, group)
		for p, c := range committed {
			if c > wrote[p] {
				lost += int(c - wrote[p])
				t.Errorf("run %d (%s after %v): partition %d committed at %d, but only written up to %d",
					run, kind, delay, p, c, wrote[p])
			}
		}
		nc := 0
		for p, w := range wrote {
			reread += int(w - committed[p])
			nc += int(committed[p])
		}
		delivered += nw
		if nw < killRecords {
			kills++ // it was stopped before the end
		}

		switch kind {
		case runSIGINT, runSIGTERM:
			want := map[killRun]int{runSIGINT: ExitInterrupted, runSIGTERM: ExitTerminated}[kind]
			if code != want && !(code == 0 && nw == killRecords) && !(code == killedAtStart && nw == 0) {
				t.Errorf("run %d (%s after %v): exit %d, want %d; stderr: %s", run, kind, delay, code, want, stderr)
			}
			if nc != nw {
				t.Errorf("run %d (%s after %v): %d records written, %d committed: want all written committed",
					run, kind, delay, nw, nc)
			}
		case runReaderCloses:
			if code != ExitBrokenPipe || !strings.Contains(stderr, "broken pipe") {
				t.Errorf("run %d (%s): exit %d, want %d with a line saying so; stderr: %s", run, kind, code, ExitBrokenPipe, stderr)
			}
		case runDiskFull:
			if code != ExitError || !strings.Contains(stderr, "no space left on device") || nc != 0 {
				t.Errorf("run %d (%s): exit %d, %d committed; want exit %d, nothing committed, and a line saying so; stderr: %s",
					run, kind, code, nc, ExitError, stderr)
			}
		}
		if kind != runSIGKILL && strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
			t.Errorf("run %d (%s): more than one line on stderr:\n%s", run, kind, stderr)
		}

		// The next consume starts exactly at the commit (or the log start).
		f.evict(t, group)
		again := f.command(suffix, 2000)
		var more, moreErr bytes.Buffer
		again.Stdout, again.Stderr = &more, &moreErr
		if err := again.Run(); err != nil {
			t.Fatalf("run %d (%s): the next consume failed: %v\n%s", run, kind, err, moreErr.String())
		}
		seen := map[int32]bool{}
		for line := range strings.Lines(more.String()) {
			rec, err := recordPosition([]byte(line))
			if err != nil {
				t.Fatal(err)
			}
			// committed has no entry where nothing was committed: the
			// log start, 0.
			if !seen[rec.Partition] && rec.Offset != committed[rec.Partition] {
				t.Errorf("run %d (%s): the next consume starts partition %d at %d, the group's commit is %d",
					run, kind, rec.Partition, rec.Offset, committed[rec.Partition])
			}
			seen[rec.Partition] = true
		}
		if len(seen) == 0 && nc < killRecords {
			t.Errorf("run %d (%s): the next consume read nothing", run, kind)
		}
	}
	t.Logf("%d runs, %d killed or stopped early (whole run %v): %d records written, %d re-read (written, not committed), %d lost (committed, not written)",
		runs, kills, span.Round(time.Millisecond), delivered, reread, lost)
}

// killedRun runs kgroups consume -n killRecords and ends it the kind's way
// after delay. It returns everything the process wrote that a reader got.
// killedAtStart is the code killedRun gives a run that SIGINT or SIGTERM
// ended before its signal handler was installed.
const killedAtStart = -2

func (f *killFixture) killedRun(t *testing.T, suffix string, kind killRun, delay time.Duration, rng *rand.Rand) (out []byte, code int, stderr string) {
	t.Helper()
	cmd := f.command(suffix, killRecords)
	var errBuf bytes.Buffer
	cmd.Stderr = &errBuf
	var file *os.File
	var pr *os.File
	switch kind {
	case runDiskFull:
		full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer full.Close()
		cmd.Stdout = full
	case runReaderCloses:
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stdout, pr = w, r
		defer w.Close()
	default:
		var err error
		file, err = os.Create(filepath.Join(t.TempDir(), "out.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		defer file.Close()
		cmd.Stdout = file
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if pr != nil {
		cmd.Stdout.(*os.File).Close() // the child holds the write end now
	}

	switch kind {
	case runSIGKILL, runSIGINT, runSIGTERM:
		time.Sleep(delay)
		sig := map[killRun]syscall.Signal{runSIGKILL: syscall.SIGKILL, runSIGINT: syscall.SIGINT, runSIGTERM: syscall.SIGTERM}[kind]
		cmd.Process.Signal(sig) // it may have finished already
	case runReaderCloses:
		// Read a random number of lines, freeze the writer, take what
		// the pipe still holds (it was written), then close the pipe.
		want := 1 + rng.IntN(killRecords/2)
		br := bufio.NewReaderSize(pr, 1<<16)
		for range want {
			line, err := br.ReadBytes('\n')
			out = append(out, line...)
			if err != nil {
				break
			}
		}
		cmd.Process.Signal(syscall.SIGSTOP)
		waitStopped(t, cmd.Process.Pid)
		pr.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
		rest, _ := io.ReadAll(br)
		out = append(out, rest...)
		pr.Close()
		cmd.Process.Signal(syscall.SIGCONT)
	}
	err := cmd.Wait()
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit) && exit.Exited():
		code = exit.ExitCode()
	case errors.As(err, &exit) && kind == runSIGKILL:
		code = -1
	case errors.As(err, &exit) && (kind == runSIGINT || kind == runSIGTERM):
		// The signal came before the process installed its handler, in
		// its first milliseconds: it died of it, having written nothing.
		code = killedAtStart
	default:
		t.Fatalf("%s: %v; stderr: %s", kind, err, errBuf.String())
	}
	if file != nil {
		if out, err = os.ReadFile(file.Name()); err != nil {
			t.Fatal(err)
		}
	}
	return out, code, errBuf.String()
}

// waitStopped waits until the process is stopped, where /proc tells.
func waitStopped(t *testing.T, pid int) {
	t.Helper()
	stat := fmt.Sprintf("/proc/%d/stat", pid)
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		b, err := os.ReadFile(stat)
		if err != nil {
			return // no /proc here
		}
		// The state follows the command name in parentheses.
		if i := bytes.LastIndexByte(b, ')'); i > 0 && len(b) > i+2 && (b[i+2] == 'T' || b[i+2] == 't') {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("process %d did not stop", pid)
}
