package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"slices"

	"github.com/spf13/cobra"
)

// Set by the release build with -ldflags "-X github.com/kgroups/kgroups/ui/cli.version=…"
// (see .goreleaser.yaml). Empty in a plain `go build` or `go install`, where
// buildInfo falls back to what the Go toolchain recorded.
var (
	version string
	commit  string
	date    string
)

// BuildInfo says which kgroups this is.
type BuildInfo struct {
	Version   string
	Commit    string
	Date      string
	GoVersion string
}

// buildInfo merges the ldflags-stamped values with debug.ReadBuildInfo: the
// module version for `go install …@vX`, and the VCS revision and time for a
// build from a checkout.
func buildInfo() BuildInfo {
	info, _ := debug.ReadBuildInfo()
	return mergeBuildInfo(BuildInfo{Version: version, Commit: commit, Date: date, GoVersion: runtime.Version()}, info)
}

// mergeBuildInfo fills the fields of stamped that ldflags left empty from
// info (nil when the binary carries none), then the placeholders.
func mergeBuildInfo(stamped BuildInfo, info *debug.BuildInfo) BuildInfo {
	bi := stamped
	if info == nil {
		return withDefaults(bi)
	}
	if bi.Version == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
		bi.Version = info.Main.Version
	}
	for _, s := range info.Settings {
		switch {
		case s.Key == "vcs.revision" && bi.Commit == "":
			bi.Commit = s.Value
		case s.Key == "vcs.time" && bi.Date == "":
			bi.Date = s.Value
		}
	}
	// A checkout with uncommitted changes is not the commit it names.
	if stamped.Commit == "" && bi.Commit != "" && slices.Contains(info.Settings, debug.BuildSetting{Key: "vcs.modified", Value: "true"}) {
		bi.Commit += "-dirty"
	}
	return withDefaults(bi)
}

func withDefaults(bi BuildInfo) BuildInfo {
	if bi.Version == "" {
		bi.Version = "dev"
	}
	if bi.Commit == "" {
		bi.Commit = "unknown"
	}
	if bi.Date == "" {
		bi.Date = "unknown"
	}
	return bi
}

func newVersionCommand(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit, build date and Go version",
		Args:  cobra.NoArgs,
		RunE: a.runE(func(cmd *cobra.Command, _ []string) error {
			bi := buildInfo()
			_, err := fmt.Fprintf(a.stdout, "kgroups %s\ncommit: %s\nbuilt: %s\ngo: %s\n", bi.Version, bi.Commit, bi.Date, bi.GoVersion)
			return err
		}),
	}
}
