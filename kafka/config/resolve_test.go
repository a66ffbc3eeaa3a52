package config

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// fakeEnv is an environment for Resolve.
type fakeEnv map[string]string

func (e fakeEnv) lookup(name string) (string, bool) {
	v, ok := e[name]
	return v, ok
}

func ptr[T any](v T) *T { return &v }

// writeConfig writes a config file with mode and returns its path.
func writeConfig(t *testing.T, dir, content string, mode os.FileMode) string {
	t.Helper()
	path := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil { // umask may have narrowed it
		t.Fatal(err)
	}
	return path
}

const precedenceFile = `current-context: prod
contexts:
  prod:
    brokers: [file-prod:9092]
    base: file-base
    read-only: false
    timeout: 20s
    refresh: 7s
    client-id: from-file
  staging:
    brokers: [file-staging:9092]
`

func TestResolvePrecedence(t *testing.T) {
	dir := t.TempDir()
	path := writeConfig(t, dir, precedenceFile, 0o600)
	defaults := Layer{Timeout: ptr(10 * time.Second), Refresh: ptr(5 * time.Second), ClientID: ptr("kgroups")}

	tests := []struct {
		name  string
		flags Layer
		env   fakeEnv

		wantContext, wantContextSource string
		wantBrokers, wantBrokersSource string
		wantBase, wantBaseSource       string
		wantReadOnly                   bool
		wantReadOnlySource             Source
	}{
		{
			name:        "file alone, current context",
			wantContext: "prod", wantContextSource: "file current-context",
			wantBrokers: "file-prod:9092", wantBrokersSource: "file:prod",
			wantBase: "file-base", wantBaseSource: "file:prod",
			wantReadOnly: false, wantReadOnlySource: "file:prod",
		},
		{
			name:        "env beats file",
			env:         fakeEnv{EnvBrokers: "env-a:9092, env-b:9092", EnvBase: "env-base", EnvReadOnly: "true"},
			wantContext: "prod", wantContextSource: "file current-context",
			wantBrokers: "env-a:9092,env-b:9092", wantBrokersSource: "env KGROUPS_BROKERS",
			wantBase: "env-base", wantBaseSource: "env KGROUPS_BASE",
			wantReadOnly: true, wantReadOnlySource: "env KGROUPS_READ_ONLY",
		},
		{
			name:        "flags beat env",
			flags:       Layer{Brokers: []string{"flag:9092"}, Base: ptr("flag-base"), ReadOnly: ptr(false)},
			env:         fakeEnv{EnvBrokers: "env:9092", EnvBase: "env-base", EnvReadOnly: "true"},
			wantContext: "prod", wantContextSource: "file current-context",
			wantBrokers: "flag:9092", wantBrokersSource: "flag --brokers",
			wantBase: "flag-base", wantBaseSource: "flag --base",
			wantReadOnly: false, wantReadOnlySource: "flag --read-only",
		},
		{
			name:        "env context beats current-context",
			env:         fakeEnv{EnvContext: "staging"},
			wantContext: "staging", wantContextSource: "env KGROUPS_CONTEXT",
			wantBrokers: "file-staging:9092", wantBrokersSource: "file:staging",
			wantBase: "", wantBaseSource: "",
			wantReadOnly: false, wantReadOnlySource: "",
		},
		{
			name:        "flag context beats env context",
			flags:       Layer{Context: ptr("prod")},
			env:         fakeEnv{EnvContext: "staging"},
			wantContext: "prod", wantContextSource: "flag --context",
			wantBrokers: "file-prod:9092", wantBrokersSource: "file:prod",
			wantBase: "file-base", wantBaseSource: "file:prod",
			wantReadOnly: false, wantReadOnlySource: "file:prod",
		},
		{
			name:        "empty env values do not count",
			env:         fakeEnv{EnvBrokers: " ", EnvBase: ""},
			wantContext: "prod", wantContextSource: "file current-context",
			wantBrokers: "file-prod:9092", wantBrokersSource: "file:prod",
			wantBase: "file-base", wantBaseSource: "file:prod",
			wantReadOnly: false, wantReadOnlySource: "file:prod",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := fakeEnv{EnvConfig: path}
			for k, v := range tt.env {
				env[k] = v
			}
			r, err := Resolve(Options{Flags: tt.flags, Defaults: defaults, Env: env.lookup, Home: noHome})
			if err != nil {
				t.Fatalf("Resolve: %v", err)
			}
			if r.Context.Value != tt.wantContext || string(r.Context.Source) != tt.wantContextSource {
				t.Errorf("context = %+v, want %s from %s", r.Context, tt.wantContext, tt.wantContextSource)
			}
			if got := strings.Join(r.Brokers.Value, ","); got != tt.wantBrokers || string(r.Brokers.Source) != tt.wantBrokersSource {
				t.Errorf("brokers = %+v, want %s from %s", r.Brokers, tt.wantBrokers, tt.wantBrokersSource)
			}
			if r.Base.Value != tt.wantBase || string(r.Base.Source) != tt.wantBaseSource {
				t.Errorf("base = %+v, want %s from %s", r.Base, tt.wantBase, tt.wantBaseSource)
			}
			if r.ReadOnly.Value != tt.wantReadOnly || r.ReadOnly.Source != tt.wantReadOnlySource {
				t.Errorf("read-only = %+v, want %v from %s", r.ReadOnly, tt.wantReadOnly, tt.wantReadOnlySource)
			}
			if r.ConfigPath.Value != path || r.ConfigPath.Source != "env KGROUPS_CONFIG" || !r.ConfigLoaded {
				t.Errorf("config path = %+v loaded=%v", r.ConfigPath, r.ConfigLoaded)
			}
		})
	}
}

func TestResolveDefaults(t *testing.T) {
	defaults := Layer{Timeout: ptr(10 * time.Second), Refresh: ptr(5 * time.Second), ClientID: ptr("kgroups")}
	home := t.TempDir()
	r, err := Resolve(Options{Defaults: defaults, Env: fakeEnv{}.lookup, Home: func() (string, error) { return home, nil }})
	if err != nil {
		t.Fatalf("Resolve without any file: %v", err)
	}
	if r.ConfigLoaded || r.ConfigPath.Value != filepath.Join(home, ".config", "kgroups", "config.yaml") {
		t.Errorf("config = %+v loaded=%v", r.ConfigPath, r.ConfigLoaded)
	}
	if r.Timeout != (Setting[time.Duration]{10 * time.Second, SourceDefault}) ||
		r.Refresh != (Setting[time.Duration]{5 * time.Second, SourceDefault}) ||
		r.ClientID != (Setting[string]{"kgroups", SourceDefault}) {
		t.Errorf("defaults not applied: %+v %+v %+v", r.Timeout, r.Refresh, r.ClientID)
	}
	if r.Context.Source != "" || len(r.Brokers.Value) != 0 || r.TLS != nil || r.SASL != nil {
		t.Errorf("unexpected values without a file: %+v", r)
	}

	// The file's timeout and refresh beat the defaults.
	dir := t.TempDir()
	path := writeConfig(t, dir, precedenceFile, 0o600)
	r, err = Resolve(Options{Defaults: defaults, Flags: Layer{Config: &path}, Env: fakeEnv{}.lookup, Home: noHome})
	if err != nil {
		t.Fatal(err)
	}
	if r.Timeout.Value != 20*time.Second || r.Refresh.Value != 7*time.Second || r.ClientID.Value != "from-file" {
		t.Errorf("file values lost: %+v %+v %+v", r.Timeout, r.Refresh, r.ClientID)
	}
	if r.ConfigPath.Source != "flag --config" {
		t.Errorf("config source = %s", r.ConfigPath.Source)
	}
}

func TestDefaultPath(t *testing.T) {
	tests := []struct {
		env  fakeEnv
		want string
	}{
		{fakeEnv{"XDG_CONFIG_HOME": "/xdg"}, "/xdg/kgroups/config.yaml"},
		{fakeEnv{"XDG_CONFIG_HOME": "relative"}, "/home/u/.config/kgroups/config.yaml"},
		{fakeEnv{}, "/home/u/.config/kgroups/config.yaml"},
	}
	for _, tt := range tests {
		got, err := DefaultPath(tt.env.lookup, func() (string, error) { return "/home/u", nil })
		if err != nil || got != tt.want {
			t.Errorf("DefaultPath(%v) = %q, %v; want %q", tt.env, got, err, tt.want)
		}
	}
}

func TestResolveErrors(t *testing.T) {
	dir := t.TempDir()
	path := writeConfig(t, dir, precedenceFile, 0o600)
	missing := filepath.Join(dir, "nope.yaml")
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("contexts:\n  a:\n    brokerz: [x]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		flags Layer
		env   fakeEnv
		want  []string
	}{
		{"missing explicit file", Layer{Config: &missing}, nil, []string{"nope.yaml", "flag --config"}},
		{"missing file from env", Layer{}, fakeEnv{EnvConfig: missing}, []string{"nope.yaml", "env KGROUPS_CONFIG"}},
		{"unknown context", Layer{Config: &path, Context: ptr("qa")}, nil, []string{`"qa"`, "prod, staging"}},
		{"context without file", Layer{Context: ptr("prod")}, fakeEnv{"XDG_CONFIG_HOME": dir + "/empty"}, []string{`"prod"`, "needs a config file"}},
		{"bad read-only env", Layer{Config: &path}, fakeEnv{EnvReadOnly: "sometimes"}, []string{"KGROUPS_READ_ONLY", "want true"}},
		{"bad file", Layer{Config: &bad}, nil, []string{"bad.yaml", "line 3", "brokerz"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := fakeEnv{}
			for k, v := range tt.env {
				env[k] = v
			}
			_, err := Resolve(Options{Flags: tt.flags, Env: env.lookup, Home: noHome})
			if err == nil {
				t.Fatal("Resolve succeeded")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestResolveContextChecks(t *testing.T) {
	tests := []struct {
		name string
		sasl string
		tls  string
		want string
	}{
		{"no password source", "{mechanism: PLAIN, username: u}", "", "needs a password source"},
		{"two password sources", "{mechanism: PLAIN, username: u, password-env: P, password-prompt: true}", "", "password-env and password-prompt"},
		{"no username", "{mechanism: PLAIN, password-env: P}", "", "needs a username"},
		{"no mechanism", "{username: u, password-env: P}", "", "needs a mechanism"},
		{"cert without key", "", "{cert-file: c.pem}", "both cert-file and key-file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := "current-context: c\ncontexts:\n  c:\n    brokers: [k:1]\n"
			if tt.sasl != "" {
				doc += "    sasl: " + tt.sasl + "\n"
			}
			if tt.tls != "" {
				doc += "    tls: " + tt.tls + "\n"
			}
			path := writeConfig(t, t.TempDir(), doc, 0o600)
			_, err := Resolve(Options{Flags: Layer{Config: &path}, Env: fakeEnv{}.lookup, Home: noHome})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Resolve error = %v, want %q", err, tt.want)
			}
			if !strings.Contains(err.Error(), `context "c"`) {
				t.Errorf("error %q does not name the context", err)
			}
		})
	}
}

func TestResolveWarnings(t *testing.T) {
	const inline = "current-context: c\ncontexts:\n  c:\n    brokers: [k:1]\n    tls: {enabled: true}\n    sasl: {mechanism: PLAIN, username: u, password: " + leak + "}\n"
	const fromFile = "current-context: c\ncontexts:\n  c:\n    brokers: [k:1]\n    tls: {enabled: true}\n    sasl: {mechanism: SCRAM-SHA-256, username: u, password-file: pw}\n"
	const plainNoTLS = "current-context: c\ncontexts:\n  c:\n    brokers: [k:1]\n    sasl: {mechanism: PLAIN, username: u, password-env: P}\n"
	const unselected = "contexts:\n  a: {}\n  b: {}\n"
	tests := []struct {
		name     string
		doc      string
		mode     os.FileMode
		pwMode   os.FileMode // mode of the password file, when there is one
		want     string      // substring of a warning; "" means no warning
		wantNone bool
	}{
		{name: "inline password, world readable", doc: inline, mode: 0o644, want: "holds a password and is readable by group or others (mode 0644)"},
		{name: "inline password, group readable", doc: inline, mode: 0o640, want: "chmod 600"},
		{name: "inline password, private", doc: inline, mode: 0o600, wantNone: true},
		{name: "no password, world readable", doc: precedenceFile, mode: 0o644, wantNone: true},
		{name: "password file, world readable", doc: fromFile, mode: 0o600, pwMode: 0o644, want: "password file"},
		{name: "password file, private", doc: fromFile, mode: 0o644, pwMode: 0o600, wantNone: true},
		{name: "PLAIN without TLS", doc: plainNoTLS, mode: 0o600, want: "clear text"},
		{name: "contexts but none selected", doc: unselected, mode: 0o600, want: "none is selected"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := writeConfig(t, dir, tt.doc, tt.mode)
			if tt.pwMode != 0 {
				pw := filepath.Join(dir, "pw")
				if err := os.WriteFile(pw, []byte(leak+"\n"), tt.pwMode); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(pw, tt.pwMode); err != nil {
					t.Fatal(err)
				}
			}
			r, err := Resolve(Options{Flags: Layer{Config: &path}, Env: fakeEnv{}.lookup, Home: noHome})
			if err != nil {
				t.Fatalf("Resolve: %v", err)
			}
			for _, w := range r.Warnings {
				if strings.Contains(w, leak) {
					t.Errorf("warning leaks the password: %q", w)
				}
			}
			if tt.wantNone {
				if len(r.Warnings) != 0 {
					t.Errorf("Warnings = %q, want none", r.Warnings)
				}
				return
			}
			if !slices.ContainsFunc(r.Warnings, func(w string) bool { return strings.Contains(w, tt.want) }) {
				t.Errorf("Warnings = %q, want one containing %q", r.Warnings, tt.want)
			}
		})
	}
}

func noHome() (string, error) { return "/nonexistent-home", nil }

// TestResolveNoFile covers the demo: the file, its context and its TLS and
// SASL are ignored, flags and environment still count.
func TestResolveNoFile(t *testing.T) {
	path := writeConfig(t, t.TempDir(), "current-context: c\ncontexts:\n  c:\n    base: file-base\n    tls: {enabled: true}\n    sasl: {mechanism: PLAIN, username: u, password-env: P}\n", 0o600)
	r, err := Resolve(Options{NoFile: true, Flags: Layer{Config: &path}, Env: fakeEnv{EnvBase: "env-base"}.lookup, Home: noHome})
	if err != nil {
		t.Fatal(err)
	}
	if r.ConfigLoaded || !r.ConfigIgnored || r.Context.Source != "" || r.TLS != nil || r.SASL != nil {
		t.Errorf("NoFile read the file: %+v", r)
	}
	if r.Base != (Setting[string]{"env-base", "env KGROUPS_BASE"}) {
		t.Errorf("base = %+v", r.Base)
	}
}
