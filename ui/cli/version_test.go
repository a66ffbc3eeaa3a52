package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
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

// TestVersionFallsBackToBuildInfo checks where each field comes from when
// ldflags stamped none or some: `go install module@v1.2.3` records the
// module version, a build in a checkout the VCS revision and time.
func TestVersionFallsBackToBuildInfo(t *testing.T) {
	vcs := func(modified string) []debug.BuildSetting {
		return []debug.BuildSetting{
			{Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: "f00d"},
			{Key: "vcs.time", Value: "2026-01-02T03:04:05Z"},
			{Key: "vcs.modified", Value: modified},
		}
	}
	goVersion := BuildInfo{GoVersion: "go1.26"}
	tests := []struct {
		name    string
		stamped BuildInfo
		info    *debug.BuildInfo
		want    BuildInfo
	}{
		{name: "no build info", stamped: goVersion, info: nil,
			want: BuildInfo{Version: "dev", Commit: "unknown", Date: "unknown", GoVersion: "go1.26"}},
		{name: "go install module@version", stamped: goVersion,
			info: &debug.BuildInfo{Main: debug.Module{Path: "github.com/kgroups/kgroups", Version: "v1.2.3"}},
			want: BuildInfo{Version: "v1.2.3", Commit: "unknown", Date: "unknown", GoVersion: "go1.26"}},
		{name: "clean checkout", stamped: goVersion,
			info: &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("false")},
			want: BuildInfo{Version: "dev", Commit: "f00d", Date: "2026-01-02T03:04:05Z", GoVersion: "go1.26"}},
		{name: "checkout with changes", stamped: goVersion,
			info: &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("true")},
			want: BuildInfo{Version: "dev", Commit: "f00d-dirty", Date: "2026-01-02T03:04:05Z", GoVersion: "go1.26"}},
		{name: "ldflags win over build info",
			stamped: BuildInfo{Version: "v9.0.0", Commit: "abc", Date: "2026-11-28T10:00:00Z", GoVersion: "go1.26"},
			info:    &debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}, Settings: vcs("true")},
			want:    BuildInfo{Version: "v9.0.0", Commit: "abc", Date: "2026-11-28T10:00:00Z", GoVersion: "go1.26"}},
		{name: "ldflags version only",
			stamped: BuildInfo{Version: "v9.0.0", GoVersion: "go1.26"},
			info:    &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("false")},
			want:    BuildInfo{Version: "v9.0.0", Commit: "f00d", Date: "2026-01-02T03:04:05Z", GoVersion: "go1.26"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mergeBuildInfo(tt.stamped, tt.info); got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
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

// releaseConfig is the part of .goreleaser.yaml the release promises.
type releaseConfig struct {
	Version int `yaml:"version"`
	Builds  []struct {
		ID      string   `yaml:"id"`
		Main    string   `yaml:"main"`
		Binary  string   `yaml:"binary"`
		Env     []string `yaml:"env"`
		Goos    []string `yaml:"goos"`
		Goarch  []string `yaml:"goarch"`
		Flags   []string `yaml:"flags"`
		Ldflags []string `yaml:"ldflags"`
	} `yaml:"builds"`
	Archives []struct {
		Formats         []string `yaml:"formats"`
		FormatOverrides []struct {
			Goos    string   `yaml:"goos"`
			Formats []string `yaml:"formats"`
		} `yaml:"format_overrides"`
		Files []string `yaml:"files"`
	} `yaml:"archives"`
	Checksum struct {
		NameTemplate string `yaml:"name_template"`
	} `yaml:"checksum"`
	Nfpms []struct {
		Formats []string `yaml:"formats"`
	} `yaml:"nfpms"`
	HomebrewCasks []struct {
		SkipUpload string `yaml:"skip_upload"`
		Repository struct {
			Token string `yaml:"token"`
		} `yaml:"repository"`
	} `yaml:"homebrew_casks"`
}

// TestReleaseConfig checks what .goreleaser.yaml must build: static,
// trimmed binaries for linux, darwin and windows on amd64 and arm64,
// stamped through the variables `kgroups version` prints; tar.gz archives
// (zip on windows) with README and LICENSE; checksums; deb and rpm; a
// Homebrew section whose token comes from the environment, so validating it
// needs no secret. `goreleaser check` in .ci/run checks the schema only.
func TestReleaseConfig(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", ".goreleaser.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var rc releaseConfig
	if err := yaml.Unmarshal(raw, &rc); err != nil {
		t.Fatal(err)
	}
	if rc.Version != 2 {
		t.Errorf("version %d, want the goreleaser v2 schema", rc.Version)
	}
	if len(rc.Builds) != 1 {
		t.Fatalf("%d builds, want 1", len(rc.Builds))
	}
	b := rc.Builds[0]
	if b.Main != "." || b.Binary != "kgroups" {
		t.Errorf("build main %q binary %q, want the root package as kgroups", b.Main, b.Binary)
	}
	if !slices.Contains(b.Env, "CGO_ENABLED=0") {
		t.Errorf("build env %v, want CGO_ENABLED=0", b.Env)
	}
	if !slices.Contains(b.Flags, "-trimpath") {
		t.Errorf("build flags %v, want -trimpath", b.Flags)
	}
	for _, want := range [][2][]string{{b.Goos, {"darwin", "linux", "windows"}}, {b.Goarch, {"amd64", "arm64"}}} {
		if got := slices.Sorted(slices.Values(want[0])); !slices.Equal(got, want[1]) {
			t.Errorf("targets %v, want %v", got, want[1])
		}
	}
	// Every -X names a variable of this package that version prints.
	stamped := map[string]*string{"version": &version, "commit": &commit, "date": &date}
	setX := regexp.MustCompile(`-X\s+([^\s=]+)\.(\w+)=`)
	for _, l := range b.Ldflags {
		for _, m := range setX.FindAllStringSubmatch(l, -1) {
			if _, known := stamped[m[2]]; m[1] != "github.com/kgroups/kgroups/ui/cli" || !known {
				t.Errorf("ldflag %q stamps nothing version prints", m[0])
			}
			delete(stamped, m[2])
		}
	}
	for v := range stamped {
		t.Errorf("ldflags do not stamp %s", v)
	}

	if len(rc.Archives) != 1 {
		t.Fatalf("%d archives, want 1", len(rc.Archives))
	}
	a := rc.Archives[0]
	if !slices.Equal(a.Formats, []string{"tar.gz"}) || len(a.FormatOverrides) != 1 ||
		a.FormatOverrides[0].Goos != "windows" || !slices.Equal(a.FormatOverrides[0].Formats, []string{"zip"}) {
		t.Errorf("archives %v with overrides %+v, want tar.gz and zip on windows", a.Formats, a.FormatOverrides)
	}
	if !slices.Contains(a.Files, "README.md") || !slices.Contains(a.Files, "LICENSE") {
		t.Errorf("archive files %v, want README.md and LICENSE", a.Files)
	}
	if rc.Checksum.NameTemplate == "" {
		t.Error("no checksum file")
	}
	if len(rc.Nfpms) != 1 || !slices.Equal(slices.Sorted(slices.Values(rc.Nfpms[0].Formats)), []string{"deb", "rpm"}) {
		t.Errorf("nfpms %+v, want deb and rpm", rc.Nfpms)
	}
	for _, c := range rc.HomebrewCasks {
		if tok := c.Repository.Token; tok != "" && !strings.HasPrefix(tok, "{{ .Env.") {
			t.Errorf("the Homebrew token is written in the file, not read from the environment")
		}
		if c.SkipUpload != "auto" && c.SkipUpload != "true" {
			t.Errorf("homebrew skip_upload %q: a snapshot would try to push the tap", c.SkipUpload)
		}
	}
}
