package cli

import (
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kgroups/kgroups/kafka"
)

// Environment variables read for settings not given as flags.
const (
	envBrokers = "KGROUPS_BROKERS"
	envBase    = "KGROUPS_BASE"
	// envReadOnly set to true, 1 or yes is --read-only.
	envReadOnly = "KGROUPS_READ_ONLY"
)

// Settings is the resolved connection configuration every command starts
// from: flags first, then environment variables.
type Settings struct {
	Brokers []string      // bootstrap addresses; replaced by the demo's when Demo
	Base    string        // base group prefix; "" when not given
	Demo    bool          // serve an in-process seeded demo cluster instead of dialing Brokers
	Timeout time.Duration // bound on reaching the cluster and on each request
	Refresh time.Duration // TUI auto-refresh interval; 0 disables it
	// ReadOnly refuses every write: commits from consume, reset, copy,
	// create, delete. Peeks and lag still work.
	ReadOnly bool
}

// addSettingsFlags declares the global flags that resolveSettings reads.
func addSettingsFlags(cmd *cobra.Command) {
	f := cmd.PersistentFlags()
	f.StringSlice("brokers", nil, "bootstrap brokers, comma-separated (env "+envBrokers+")")
	f.String("base", "", "base group prefix: groups are named {base}-{topic}[-{suffix}] (env "+envBase+")")
	f.Bool("demo", false, "use an in-process demo cluster seeded with sample groups")
	f.Duration("timeout", kafka.DefaultTimeout, "give up reaching the cluster after this long")
	f.Bool("read-only", false, "refuse every write (commits, reset, create, delete); peek and lag still work (env "+envReadOnly+")")
}

// resolveSettings reads the global flags of cmd, falling back to the
// environment for those not given.
func resolveSettings(cmd *cobra.Command) (Settings, error) {
	f := cmd.Flags()
	var s Settings
	var err error
	if s.Demo, err = f.GetBool("demo"); err != nil {
		return s, err
	}
	if s.Timeout, err = f.GetDuration("timeout"); err != nil {
		return s, err
	}
	if s.Timeout <= 0 {
		return s, usagef("--timeout must be positive, got %s", s.Timeout)
	}

	if f.Changed("brokers") {
		brokers, err := f.GetStringSlice("brokers")
		if err != nil {
			return s, err
		}
		s.Brokers = splitList(strings.Join(brokers, ","))
		if len(s.Brokers) == 0 {
			return s, usagef("--brokers is empty: give host:port[,host:port...]")
		}
		if s.Demo {
			return s, usagef("--demo and --brokers cannot be used together")
		}
	} else if !s.Demo {
		s.Brokers = splitList(os.Getenv(envBrokers))
	}

	if f.Changed("base") {
		if s.Base, err = f.GetString("base"); err != nil {
			return s, err
		}
	} else {
		s.Base = os.Getenv(envBase)
	}
	if s.Base == "" && s.Demo {
		s.Base = demoBase
	}

	if s.ReadOnly, err = resolveReadOnly(cmd); err != nil {
		return s, err
	}

	// --refresh exists on the root command only (the TUI).
	if f.Lookup("refresh") != nil {
		if s.Refresh, err = f.GetDuration("refresh"); err != nil {
			return s, err
		}
		if s.Refresh < 0 {
			return s, usagef("--refresh must be 0 (off) or positive, got %s", s.Refresh)
		}
	}
	return s, nil
}

// KafkaConfig builds the client configuration for s. For the demo cluster
// the brokers are filled in once it is started.
func (s Settings) KafkaConfig() (kafka.Config, error) {
	return kafka.Config{
		Brokers:  s.Brokers,
		ClientID: "kgroups",
		Timeout:  s.Timeout,
		ReadOnly: s.ReadOnly,
	}, nil
}

// resolveReadOnly reads --read-only, falling back to KGROUPS_READ_ONLY. An
// unrecognised value is a usage error rather than silently writable.
func resolveReadOnly(cmd *cobra.Command) (bool, error) {
	f := cmd.Flags()
	if f.Changed("read-only") {
		return f.GetBool("read-only")
	}
	switch v := strings.ToLower(strings.TrimSpace(os.Getenv(envReadOnly))); v {
	case "", "0", "false", "no":
		return false, nil
	case "1", "true", "yes":
		return true, nil
	default:
		return false, usagef("%s=%q: want true, 1 or yes (or false, 0, no)", envReadOnly, v)
	}
}

// splitList splits a comma-separated list, trimming spaces and dropping
// empty items.
func splitList(s string) []string {
	var out []string
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}
