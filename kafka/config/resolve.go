package config

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Environment variables kgroups reads. They override the file and are
// overridden by flags.
const (
	EnvConfig   = "KGROUPS_CONFIG"
	EnvContext  = "KGROUPS_CONTEXT"
	EnvBrokers  = "KGROUPS_BROKERS"
	EnvBase     = "KGROUPS_BASE"
	EnvReadOnly = "KGROUPS_READ_ONLY"
)

// Flag names, as the CLI declares them; sources name them.
const (
	FlagConfig   = "config"
	FlagContext  = "context"
	FlagBrokers  = "brokers"
	FlagBase     = "base"
	FlagClientID = "client-id"
	FlagReadOnly = "read-only"
	FlagRefresh  = "refresh"
	FlagTimeout  = "timeout"
)

// Layer is one source of settings (the flags a user gave, the environment,
// the defaults). A nil field is unset and lets the next source speak.
type Layer struct {
	Config   *string
	Context  *string
	Brokers  []string
	Base     *string
	ClientID *string
	ReadOnly *bool
	Refresh  *time.Duration
	Timeout  *time.Duration
	// SchemaRegistry is the schema registry's URL.
	SchemaRegistry *string
}

// Source says where a resolved value came from: "flag --brokers",
// "env KGROUPS_BROKERS", "file:prod" (the context), or "default".
type Source string

// SourceDefault marks a built-in default.
const SourceDefault Source = "default"

func flagSource(name string) Source { return Source("flag --" + name) }
func envSource(name string) Source  { return Source("env " + name) }
func fileSource(ctx string) Source  { return Source("file:" + ctx) }

// Setting is a resolved value and where it came from. Source is "" when no
// source set it and the zero value stands.
type Setting[T any] struct {
	Value  T
	Source Source
}

// Options are the inputs of Resolve. Env and Home default to the process's
// environment and home directory; tests inject their own.
type Options struct {
	Flags    Layer // only the flags the user set
	Defaults Layer // the flags' default values
	Env      func(name string) (string, bool)
	Home     func() (string, error)
	// NoFile ignores the configuration file and contexts: the demo
	// cluster is reached in-process, without the file's TLS or SASL.
	NoFile bool
}

// Resolved is the effective configuration, each value with its source.
type Resolved struct {
	ConfigPath    Setting[string]
	ConfigLoaded  bool            // the file exists and was read
	ConfigIgnored bool            // Options.NoFile: the file was not read
	Context       Setting[string] // "" when no context is in use
	Brokers       Setting[[]string]
	Base          Setting[string]
	ClientID      Setting[string]
	ReadOnly      Setting[bool]
	Refresh       Setting[time.Duration]
	Timeout       Setting[time.Duration]
	// SchemaRegistryURL is the schema registry's URL; "" for none.
	SchemaRegistryURL Setting[string]

	// TLS and SASL come from the context only; nil when it has none.
	TLS  *TLS
	SASL *SASL
	// SchemaRegistry is the context's schema-registry block (credentials
	// and TLS); nil when it has none.
	SchemaRegistry *SchemaRegistry

	// Warnings are problems worth telling the user that do not stop
	// kgroups: a password in a file others can read, PLAIN without TLS.
	Warnings []string

	dir  string // directory of the config file, for relative paths
	home func() (string, error)
	env  func(string) (string, bool)
}

// EnvLayer reads kgroups' environment variables.
func EnvLayer(env func(string) (string, bool)) (Layer, error) {
	var l Layer
	get := func(name string) (string, bool) {
		v, ok := env(name)
		v = strings.TrimSpace(v)
		return v, ok && v != ""
	}
	if v, ok := get(EnvConfig); ok {
		l.Config = &v
	}
	if v, ok := get(EnvContext); ok {
		l.Context = &v
	}
	if v, ok := get(EnvBrokers); ok {
		if l.Brokers = SplitList(v); len(l.Brokers) == 0 {
			return l, fmt.Errorf("%s=%q has no broker address: give host:port[,host:port...]", EnvBrokers, v)
		}
	}
	if v, ok := get(EnvBase); ok {
		l.Base = &v
	}
	if v, ok := get(EnvSchemaRegistry); ok {
		l.SchemaRegistry = &v
	}
	if v, ok := get(EnvReadOnly); ok {
		b, err := ParseBool(v)
		if err != nil {
			return l, fmt.Errorf("%s=%q: %w", EnvReadOnly, v, err)
		}
		l.ReadOnly = &b
	}
	return l, nil
}

// ParseBool reads a yes/no value from the environment: true, 1, yes, on or
// false, 0, no, off, in any case.
func ParseBool(v string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "true", "yes", "on":
		return true, nil
	case "0", "false", "no", "off":
		return false, nil
	}
	return false, errors.New("want true, 1, yes or on (or false, 0, no, off)")
}

// DefaultPath is $XDG_CONFIG_HOME/kgroups/config.yaml, or
// ~/.config/kgroups/config.yaml when XDG_CONFIG_HOME is unset.
func DefaultPath(env func(string) (string, bool), home func() (string, error)) (string, error) {
	if dir, ok := env("XDG_CONFIG_HOME"); ok && filepath.IsAbs(dir) {
		return filepath.Join(dir, "kgroups", "config.yaml"), nil
	}
	h, err := home()
	if err != nil {
		return "", fmt.Errorf("cannot find the configuration file: %w", err)
	}
	return filepath.Join(h, ".config", "kgroups", "config.yaml"), nil
}

// Resolve merges flags, environment, the configuration file and defaults.
func Resolve(opt Options) (*Resolved, error) {
	if opt.Env == nil {
		opt.Env = os.LookupEnv
	}
	if opt.Home == nil {
		opt.Home = os.UserHomeDir
	}
	env, err := EnvLayer(opt.Env)
	if err != nil {
		return nil, err
	}
	r := &Resolved{env: opt.Env, home: opt.Home}

	// The file and the context are picked from flags and environment only.
	explicit := pick(&r.ConfigPath, opt.Flags.Config, env.Config, FlagConfig, EnvConfig)
	if !explicit {
		path, err := DefaultPath(opt.Env, opt.Home)
		if err != nil {
			return nil, err
		}
		r.ConfigPath = Setting[string]{Value: path, Source: SourceDefault}
	}
	if r.ConfigPath.Value, err = expandHome(r.ConfigPath.Value, opt.Home); err != nil {
		return nil, err
	}
	var file *File
	if opt.NoFile {
		r.ConfigIgnored = true
	} else {
		if file, err = r.readFile(explicit); err != nil {
			return nil, err
		}
		pick(&r.Context, opt.Flags.Context, env.Context, FlagContext, EnvContext)
	}
	if r.Context.Source == "" && file != nil && file.CurrentContext != "" {
		r.Context = Setting[string]{Value: file.CurrentContext, Source: "file current-context"}
	}
	ctx, err := r.selectContext(file)
	if err != nil {
		return nil, err
	}
	if file != nil && r.Context.Source == "" && len(file.Contexts) > 0 {
		r.Warnings = append(r.Warnings, fmt.Sprintf(
			"config file %s has contexts (%s) but none is selected: set current-context or pass --context",
			r.ConfigPath.Value, strings.Join(file.ContextNames(), ", ")))
	}

	name := r.Context.Value
	layers := []struct {
		l      Layer
		source func(flag, env string) Source
	}{
		{opt.Flags, func(flag, _ string) Source { return flagSource(flag) }},
		{env, func(_, e string) Source { return envSource(e) }},
		{ctx.layer(), func(string, string) Source { return fileSource(name) }},
		{opt.Defaults, func(string, string) Source { return SourceDefault }},
	}
	for _, l := range layers {
		setList(&r.Brokers, l.l.Brokers, l.source(FlagBrokers, EnvBrokers))
		set(&r.Base, l.l.Base, l.source(FlagBase, EnvBase))
		set(&r.ClientID, l.l.ClientID, l.source(FlagClientID, ""))
		set(&r.ReadOnly, l.l.ReadOnly, l.source(FlagReadOnly, EnvReadOnly))
		set(&r.Refresh, l.l.Refresh, l.source(FlagRefresh, ""))
		set(&r.Timeout, l.l.Timeout, l.source(FlagTimeout, ""))
		set(&r.SchemaRegistryURL, l.l.SchemaRegistry, l.source(FlagSchemaRegistry, EnvSchemaRegistry))
	}
	if err := CheckBrokers(r.Brokers.Value); err != nil {
		return nil, fmt.Errorf("%s: %w", r.describeSource("brokers", r.Brokers.Source), err)
	}
	r.TLS, r.SASL, r.SchemaRegistry = ctx.TLS, ctx.SASL, ctx.SchemaRegistry
	if err := r.check(); err != nil {
		return nil, err
	}
	return r, nil
}

// readFile loads the configuration file if there is one. A missing default
// file is fine; a missing file the user named is an error.
func (r *Resolved) readFile(explicit bool) (*File, error) {
	path := r.ConfigPath.Value
	info, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) && !explicit {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("config file (from %s): %w", r.ConfigPath.Source, err)
	}
	file, err := ReadFile(path)
	if err != nil {
		return nil, err
	}
	r.ConfigLoaded = true
	r.dir = filepath.Dir(path)
	if mode := info.Mode().Perm(); mode&0o077 != 0 && file.HoldsPassword() {
		r.Warnings = append(r.Warnings, fmt.Sprintf(
			"config file %s holds a password and is readable by group or others (mode %04o): run chmod 600 %s",
			path, mode, path))
	}
	return file, nil
}

// selectContext returns the context named by r.Context, or an empty one
// when none is named.
func (r *Resolved) selectContext(file *File) (*Context, error) {
	name := r.Context.Value
	if r.Context.Source == "" || name == "" {
		return &Context{}, nil
	}
	if file == nil {
		return nil, fmt.Errorf("context %q (from %s) needs a config file, and there is none at %s",
			name, r.Context.Source, r.ConfigPath.Value)
	}
	ctx, ok := file.Contexts[name]
	if !ok {
		known := "it has none"
		if names := file.ContextNames(); len(names) > 0 {
			known = "it has " + strings.Join(names, ", ")
		}
		return nil, fmt.Errorf("context %q (from %s) is not in %s: %s",
			name, r.Context.Source, r.ConfigPath.Value, known)
	}
	return ctx, nil
}

// layer turns a context into a settings layer.
func (c *Context) layer() Layer {
	var l Layer
	l.Brokers = c.Brokers
	if c.Base != "" {
		l.Base = &c.Base
	}
	if c.ClientID != "" {
		l.ClientID = &c.ClientID
	}
	l.ReadOnly = c.ReadOnly
	if c.Refresh != nil {
		l.Refresh = &c.Refresh.Duration
	}
	if c.Timeout != nil {
		l.Timeout = &c.Timeout.Duration
	}
	if c.SchemaRegistry != nil && c.SchemaRegistry.URL != "" {
		l.SchemaRegistry = &c.SchemaRegistry.URL
	}
	return l
}

// check validates what the chosen context asks for, without reading any
// password, and collects warnings.
func (r *Resolved) check() error {
	where := "context " + strconv.Quote(r.Context.Value)
	if t := r.TLS; t.On() {
		if (t.CertFile == "") != (t.KeyFile == "") {
			return fmt.Errorf("%s: tls needs both cert-file and key-file for a client certificate", where)
		}
		if t.InsecureSkipVerify {
			r.Warnings = append(r.Warnings, where+": tls.insecure-skip-verify is set: broker certificates are not checked")
		}
	}
	if s := r.SASL; s != nil {
		if s.Mechanism == "" {
			return fmt.Errorf("%s: sasl needs a mechanism (%s)", where, mechanismList())
		}
		if s.Username == "" {
			return fmt.Errorf("%s: sasl needs a username", where)
		}
		var given []string
		if s.Password.IsSet() {
			given = append(given, "password")
		}
		if s.PasswordEnv != "" {
			given = append(given, "password-env")
		}
		if s.PasswordFile != "" {
			given = append(given, "password-file")
		}
		if s.PasswordPrompt {
			given = append(given, "password-prompt")
		}
		switch {
		case len(given) == 0:
			return fmt.Errorf("%s: sasl needs a password source: password-env, password-file or password-prompt", where)
		case len(given) > 1:
			return fmt.Errorf("%s: sasl has %s; keep exactly one password source", where, strings.Join(given, " and "))
		}
		if s.PasswordFile != "" {
			path, err := r.path(s.PasswordFile)
			if err != nil {
				return err
			}
			if info, err := os.Stat(path); err == nil && info.Mode().Perm()&0o077 != 0 {
				r.Warnings = append(r.Warnings, fmt.Sprintf(
					"password file %s is readable by group or others (mode %04o): run chmod 600 %s",
					path, info.Mode().Perm(), path))
			}
		}
		if s.Mechanism == Plain && !r.TLS.On() {
			r.Warnings = append(r.Warnings, where+": SASL PLAIN without TLS sends the password in clear text")
		}
	}
	return r.checkRegistry(where)
}

// path resolves a path from the config file: "~/" is the home directory and
// relative paths start at the config file's directory.
func (r *Resolved) path(p string) (string, error) {
	p, err := expandHome(p, r.home)
	if err != nil {
		return "", err
	}
	if !filepath.IsAbs(p) && r.dir != "" {
		p = filepath.Join(r.dir, p)
	}
	return p, nil
}

func expandHome(p string, home func() (string, error)) (string, error) {
	if p != "~" && !strings.HasPrefix(p, "~/") {
		return p, nil
	}
	h, err := home()
	if err != nil {
		return "", fmt.Errorf("cannot expand %s: %w", p, err)
	}
	return filepath.Join(h, strings.TrimPrefix(p, "~")), nil
}

// pick sets dst from the flag or, failing that, the environment, and
// reports whether either was set.
func pick(dst *Setting[string], flag, env *string, flagName, envName string) bool {
	switch {
	case flag != nil:
		*dst = Setting[string]{Value: *flag, Source: flagSource(flagName)}
	case env != nil:
		*dst = Setting[string]{Value: *env, Source: envSource(envName)}
	default:
		return false
	}
	return true
}

// set fills dst from v unless a stronger source already did.
func set[T any](dst *Setting[T], v *T, source Source) {
	if dst.Source == "" && v != nil {
		*dst = Setting[T]{Value: *v, Source: source}
	}
}

func setList(dst *Setting[[]string], v []string, source Source) {
	if dst.Source == "" && len(v) > 0 {
		*dst = Setting[[]string]{Value: v, Source: source}
	}
}

// SplitList splits a comma-separated list, trimming spaces and dropping
// empty items.
func SplitList(s string) []string {
	var out []string
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// CheckBrokers checks bootstrap addresses before anything dials them: each
// is host:port (or a bare host, which kgo dials on 9092) with a port in
// 1-65535, never a URL.
func CheckBrokers(addrs []string) error {
	for _, a := range addrs {
		if err := checkBroker(a); err != nil {
			return err
		}
	}
	return nil
}

func checkBroker(addr string) error {
	if scheme, _, ok := strings.Cut(addr, "://"); ok {
		return fmt.Errorf("%q is a URL (%s://): give host:port, e.g. localhost:9092", addr, scheme)
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		var ae *net.AddrError
		if errors.As(err, &ae) && ae.Err == "missing port in address" {
			// A bare host: kgo adds the default port 9092.
			host, port = addr, ""
		} else {
			return fmt.Errorf("%q is not host:port", addr)
		}
	}
	if host == "" {
		return fmt.Errorf("%q has no host: give host:port, e.g. localhost:9092", addr)
	}
	if port == "" {
		return nil
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 {
		return fmt.Errorf("%q: the port must be a number in 1-65535", addr)
	}
	return nil
}

// describeSource names a setting the way people gave it: the flag, the
// environment variable, or the context of the configuration file.
func (r *Resolved) describeSource(name string, s Source) string {
	switch {
	case s == flagSource(name):
		return "--" + name
	case strings.HasPrefix(string(s), "env "):
		return strings.TrimPrefix(string(s), "env ")
	case strings.HasPrefix(string(s), "file:"):
		return fmt.Sprintf("%s in context %q of %s", name, strings.TrimPrefix(string(s), "file:"), r.ConfigPath.Value)
	}
	return fmt.Sprintf("%s (%s)", name, s)
}
