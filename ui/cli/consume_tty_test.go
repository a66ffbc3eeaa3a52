//go:build linux

package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/kgroups/kgroups/kafka/demo"
)

// openPTY opens a pseudo-terminal and returns its controlling side and the
// terminal a program writes to.
func openPTY(t *testing.T) (master, tty *os.File) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	ioctl := func(req uintptr, arg unsafe.Pointer) error {
		if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, master.Fd(), req, uintptr(arg)); errno != 0 {
			return errno
		}
		return nil
	}
	var unlock int32
	var n uint32
	if err := ioctl(syscall.TIOCSPTLCK, unsafe.Pointer(&unlock)); err != nil {
		master.Close()
		t.Skipf("unlock pseudo-terminal: %v", err)
	}
	if err := ioctl(syscall.TIOCGPTN, unsafe.Pointer(&n)); err != nil {
		master.Close()
		t.Skipf("name pseudo-terminal: %v", err)
	}
	tty, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		master.Close()
		t.Skipf("open pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { master.Close(); tty.Close() })
	return master, tty
}

// onTerminal runs the CLI in process with its stdout on a pseudo-terminal,
// as kgroups does, and returns what the terminal showed.
func onTerminal(t *testing.T, args ...string) string {
	t.Helper()
	master, tty := openPTY(t)
	read := make(chan string, 1)
	go func() {
		var out bytes.Buffer
		io.Copy(&out, master) // ends with EIO once the terminal side is closed
		read <- out.String()
	}()
	var stderr bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	a := &app{stdin: strings.NewReader(""), stdout: tty, stderr: &stderr, now: func() time.Time { return demo.SeedBase }}
	t.Setenv(envBrokers, "")
	t.Setenv(envBase, "")
	if code := run(ctx, a, args); code != ExitOK {
		t.Fatalf("exit %d on a terminal: %s", code, stderr.String())
	}
	tty.Close()
	select {
	case shown := <-read:
		return shown
	case <-time.After(30 * time.Second):
		t.Fatal("the terminal output never ended")
	}
	return ""
}

// TestConsumeOutputDefault checks consume's default format: pretty on a
// terminal, jsonl when the output goes anywhere else (a pipe, a file).
func TestConsumeOutputDefault(t *testing.T) {
	brokers := startDemo(t)
	args := []string{"consume", "--topic", demo.UserEventsTopic, "-n", "2", "--peek", "--brokers", brokers, "--base", demo.Base}

	piped := kgroups(t, args...)
	mustSucceed(t, piped)
	lines := strings.Split(strings.TrimSuffix(piped.stdout, "\n"), "\n")
	for _, l := range lines {
		if !json.Valid([]byte(l)) {
			t.Errorf("output to a buffer is not jsonl: %q", l)
		}
	}
	if len(lines) != 2 {
		t.Errorf("output to a buffer has %d lines, want 2 records", len(lines))
	}

	shown := onTerminal(t, args...)
	if strings.Count(shown, "\n") <= 2 || strings.HasPrefix(shown, `{"topic"`) {
		t.Errorf("output to a terminal is not the pretty format:\n%s", shown)
	}
}

// TestValueOutputOnATerminalIsEscaped: on a terminal, -o value escapes what
// the terminal would act on (a hostile value cannot retitle the window or
// split into two lines); into a pipe the bytes go as they are
// (TestValueOutput).
func TestValueOutputOnATerminalIsEscaped(t *testing.T) {
	brokers, _ := valueFixture(t)
	shown := onTerminal(t, "consume", "--topic", "values", "--peek", "-n", "5", "-o", "value", "--brokers", brokers)
	shown = strings.ReplaceAll(shown, "\r\n", "\n") // the terminal's line discipline
	if strings.ContainsAny(shown, "\x1b\x07") || strings.Count(shown, "\n") != 5 {
		t.Errorf("on a terminal, -o value printed control characters or split a value:\n%q", shown)
	}
	if !strings.Contains(shown, `{"a":1}`+"\n") || !strings.Contains(shown, "pwned") {
		t.Errorf("on a terminal, -o value lost a value:\n%q", shown)
	}
}
