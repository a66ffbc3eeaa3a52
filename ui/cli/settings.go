package cli

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/kafka/config"
	"github.com/kgroups/kgroups/kafka/decode"
)

// Environment variables read for settings not given as flags. They win over
// the configuration file.
const (
	envBrokers = config.EnvBrokers
	envBase    = config.EnvBase
	// envReadOnly set to true, 1 or yes is --read-only.
	envReadOnly = config.EnvReadOnly
	envContext  = config.EnvContext
	envConfig   = config.EnvConfig
)

// defaultClientID names kgroups to the brokers unless a context says
// otherwise.
const defaultClientID = config.DefaultClientID

// Settings is the resolved connection configuration every command starts
// from: flags first, then environment variables, then the configuration
// file's context, then defaults.
type Settings struct {
	Brokers []string      // bootstrap addresses; replaced by the demo's when Demo
	Base    string        // base group prefix; "" when not given
	Demo    bool          // serve an in-process seeded demo cluster instead of dialing Brokers
	Timeout time.Duration // bound on reaching the cluster and on each request
	Refresh time.Duration // TUI auto-refresh interval; 0 disables it
	// ReadOnly refuses every write: commits from consume, reset, copy,
	// create, delete. Peeks and lag still work.
	ReadOnly bool
	ClientID string // client id the brokers see
	Context  string // the configuration file's context in use; "" for none
	// Decode says whether record values are decoded (schema registry,
	// compression) before they are shown.
	Decode decode.Mode

	// Warnings are configuration problems that do not stop kgroups (a
	// password in a file others can read); already printed on stderr.
	Warnings []string

	// Resolved holds every value with its source, and the context's TLS
	// and SASL; nil for Settings built by hand.
	Resolved *config.Resolved

	prompt config.Prompt // asks for a password-prompt password
}

// addSettingsFlags declares the global flags that resolveSettings reads.
func addSettingsFlags(cmd *cobra.Command) {
	f := cmd.PersistentFlags()
	f.StringSlice("brokers", nil, "bootstrap brokers, comma-separated (env "+envBrokers+")")
	f.String("base", "", "base group prefix: groups are named {base}-{topic}[-{suffix}] (env "+envBase+")")
	f.Bool("demo", false, "use an in-process demo cluster seeded with sample groups")
	f.Duration("timeout", kafka.DefaultTimeout, "give up reaching the cluster after this long")
	f.Bool("read-only", false, "refuse every write (commits, reset, create, delete); peek and lag still work (env "+envReadOnly+")")
	f.String("config", "", "configuration file (env "+envConfig+"; default $XDG_CONFIG_HOME/kgroups/config.yaml or ~/.config/kgroups/config.yaml)")
	f.String("context", "", "context of the configuration file to use (env "+envContext+"; default its current-context)")
	f.String("client-id", "", "Kafka client id kgroups announces (default kgroups; brokers log and quota by it)")
	f.String("schema-registry", "", "schema registry URL to decode Avro, Protobuf and JSON Schema values (env "+config.EnvSchemaRegistry+")")
	f.String("decode", "auto", "auto: show values decoded (schema registry, gzip/zstd/lz4/snappy); raw: show the bytes")
}

// resolveSettings reads the global flags of cmd and merges them with the
// environment, the configuration file and the defaults. Configuration
// warnings are printed on cmd's stderr.
func resolveSettings(cmd *cobra.Command) (Settings, error) {
	f := cmd.Flags()
	var s Settings
	var err error
	if s.Demo, err = f.GetBool("demo"); err != nil {
		return s, err
	}
	if s.Demo && f.Changed("brokers") {
		return s, usagef("--demo and --brokers cannot be used together")
	}
	if s.Demo && f.Changed("context") {
		return s, usagef("--demo and --context cannot be used together: the demo runs in process")
	}

	flags, err := changedFlags(cmd)
	if err != nil {
		return s, err
	}
	if fl := f.Lookup("decode"); fl != nil {
		if s.Decode, err = decode.ParseMode(fl.Value.String()); err != nil {
			return s, usagef("--decode: %v", err)
		}
	}
	defaults := config.Layer{
		Timeout:  durationDefault(cmd, "timeout", kafka.DefaultTimeout),
		Refresh:  durationDefault(cmd, "refresh", defaultRefresh),
		ClientID: ptr(defaultClientID),
		ReadOnly: ptr(false),
	}
	r, err := config.Resolve(config.Options{Flags: flags, Defaults: defaults, NoFile: s.Demo})
	if err != nil {
		// A bad file or variable: nothing was attempted, like a bad flag.
		return s, &usageError{err: err}
	}
	s.Resolved = r
	s.Warnings = r.Warnings
	for _, w := range r.Warnings {
		fmt.Fprintln(cmd.ErrOrStderr(), "kgroups: warning: "+w)
	}

	s.Timeout = r.Timeout.Value
	if s.Timeout <= 0 {
		return s, usagef("%s must be positive, got %s", settingName("timeout", r.Timeout.Source), s.Timeout)
	}
	if !s.Demo {
		s.Brokers = r.Brokers.Value
	}
	s.Base = r.Base.Value
	if s.Base == "" && s.Demo {
		s.Base = demoBase
	}
	s.ReadOnly = r.ReadOnly.Value
	s.ClientID = r.ClientID.Value
	s.Context = r.Context.Value

	// --refresh exists on the root command only (the TUI).
	if f.Lookup("refresh") != nil {
		s.Refresh = r.Refresh.Value
		if s.Refresh < 0 {
			return s, usagef("%s must be 0 (off) or positive, got %s", settingName("refresh", r.Refresh.Source), s.Refresh)
		}
	}
	s.prompt = terminalPrompt
	return s, nil
}

// settingName names a setting in an error the way the user gave it: as
// its flag, or with the source it came from.
func settingName(name string, source config.Source) string {
	if source == config.Source("flag --"+name) {
		return "--" + name
	}
	return fmt.Sprintf("%s (from %s)", name, source)
}

// changedFlags collects the settings flags the user gave; the others leave
// the environment and the file to speak.
func changedFlags(cmd *cobra.Command) (config.Layer, error) {
	f := cmd.Flags()
	var l config.Layer
	if f.Changed("brokers") {
		brokers, err := f.GetStringSlice("brokers")
		if err != nil {
			return l, err
		}
		if l.Brokers = splitList(strings.Join(brokers, ",")); len(l.Brokers) == 0 {
			return l, usagef("--brokers is empty: give host:port[,host:port...]")
		}
	}
	strs := map[string]**string{"base": &l.Base, "config": &l.Config, "context": &l.Context, "client-id": &l.ClientID,
		config.FlagSchemaRegistry: &l.SchemaRegistry}
	for name, dst := range strs {
		if f.Changed(name) {
			v, err := f.GetString(name)
			if err != nil {
				return l, err
			}
			*dst = &v
		}
	}
	if l.Context != nil && *l.Context == "" {
		return l, usagef("--context is empty: name a context of the configuration file")
	}
	if f.Changed("read-only") {
		v, err := f.GetBool("read-only")
		if err != nil {
			return l, err
		}
		l.ReadOnly = &v
	}
	durations := map[string]**time.Duration{"timeout": &l.Timeout, "refresh": &l.Refresh}
	for name, dst := range durations {
		if f.Lookup(name) != nil && f.Changed(name) {
			v, err := f.GetDuration(name)
			if err != nil {
				return l, err
			}
			*dst = &v
		}
	}
	return l, nil
}

// durationDefault is the default value of a duration flag, or def when cmd
// has no such flag.
func durationDefault(cmd *cobra.Command, name string, def time.Duration) *time.Duration {
	if fl := cmd.Flags().Lookup(name); fl != nil {
		if d, err := time.ParseDuration(fl.DefValue); err == nil {
			return &d
		}
	}
	return &def
}

// terminalPrompt asks for a password on the controlling terminal without
// echo, so it works when stdin and stdout are redirected.
func terminalPrompt(label string) (config.Secret, error) {
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return "", config.ErrNoPrompt
	}
	defer tty.Close()
	if !term.IsTerminal(tty.Fd()) {
		return "", config.ErrNoPrompt
	}
	fmt.Fprint(tty, label)
	pass, err := term.ReadPassword(tty.Fd())
	fmt.Fprintln(tty)
	if err != nil {
		return "", err
	}
	return config.Secret(pass), nil
}

// splitList splits a comma-separated list, trimming spaces and dropping
// empty items.
func splitList(s string) []string { return config.SplitList(s) }

func ptr[T any](v T) *T { return &v }

// readOnlyCause says what turned read-only mode on, so that a refusal tells
// people where to turn it off: the flag, the environment variable or the
// configuration file's context.
func readOnlyCause(s Settings) string {
	if s.Resolved == nil {
		return "--read-only or " + envReadOnly
	}
	src := s.Resolved.ReadOnly.Source
	switch {
	case src == config.Source("flag --"+config.FlagReadOnly):
		return "--read-only"
	case src == config.Source("env "+envReadOnly):
		return envReadOnly + "=" + os.Getenv(envReadOnly)
	case strings.HasPrefix(string(src), "file:"):
		return fmt.Sprintf("read-only: true in context %s of %s", strings.TrimPrefix(string(src), "file:"), s.Resolved.ConfigPath.Value)
	}
	return "from " + string(src)
}
