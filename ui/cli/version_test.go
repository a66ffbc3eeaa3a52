package cli

import (
	"bytes"
	"context"
	"runtime"
	"strings"
	"testing"
)

func TestVersionUsesLdflagsThenBuildInfo(t *testing.T) {
	saved := [3]string{version, commit, date}
	t.Cleanup(func() { version, commit, date = saved[0], saved[1], saved[2] })

	version, commit, date = "", "", ""
	bi := buildInfo()
	if bi.Version == "" || bi.Commit == "" || bi.Date == "" || bi.GoVersion != runtime.Version() {
		t.Fatalf("fallback build info has empty fields: %+v", bi)
	}

	version, commit, date = "v1.2.3", "abc123", "2026-11-28T10:00:00Z"
	var out, errOut bytes.Buffer
	if code := Main(context.Background(), []string{"version"}, nil, &out, &errOut); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	want := "kgroups v1.2.3\ncommit: abc123\nbuilt: 2026-11-28T10:00:00Z\ngo: " + runtime.Version() + "\n"
	if out.String() != want {
		t.Fatalf("version printed %q, want %q", out.String(), want)
	}
}

func TestCompletionScripts(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		var out, errOut bytes.Buffer
		if code := Main(context.Background(), []string{"completion", shell}, nil, &out, &errOut); code != ExitOK {
			t.Fatalf("completion %s: exit %d: %s", shell, code, errOut.String())
		}
		if !strings.Contains(out.String(), "kgroups") || out.Len() < 500 {
			t.Fatalf("completion %s printed %d bytes without the program name", shell, out.Len())
		}
	}
}
