package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/kgroups/kgroups/kafka/config"
	"github.com/kgroups/kgroups/kafka/kafkatest"
)

// TestMain keeps the developer's configuration file and KGROUPS_*
// variables out of every test of the package.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "kgroups-cli-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Setenv("XDG_CONFIG_HOME", dir)
	// The undo journal of the writes tests make stays in the test's directory.
	os.Setenv("XDG_STATE_HOME", dir)
	for _, name := range []string{envConfig, envContext, envBrokers, envBase, envReadOnly} {
		os.Unsetenv(name)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// password is distinctive so that a leak is easy to spot.
const password = "Pa55-w0rd-never-printed"

// writeConfigFile writes a configuration file with mode and returns its path.
func writeConfigFile(t *testing.T, dir, content string, mode os.FileMode) string {
	t.Helper()
	path := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
	return path
}

const twoContexts = `current-context: prod
contexts:
  prod:
    brokers: [prod-1:9093, prod-2:9093]
    base: prod-base
    read-only: true
    timeout: 30s
    refresh: 15s
    client-id: kgroups-prod
  staging:
    brokers: [staging:9092]
    base: staging-base
`

func TestSettingsPrecedence(t *testing.T) {
	path := writeConfigFile(t, t.TempDir(), twoContexts, 0o600)
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want Settings
	}{
		{
			name: "file current context",
			env:  map[string]string{envConfig: path},
			args: []string{"--brokers", "x:1"},
			want: Settings{Brokers: []string{"x:1"}, Base: "prod-base", ReadOnly: true, Timeout: 30 * time.Second,
				Refresh: 15 * time.Second, ClientID: "kgroups-prod", Context: "prod"},
		},
		{
			name: "env beats file",
			env:  map[string]string{envConfig: path, envBrokers: "env:1", envBase: "env-base", envReadOnly: "no"},
			args: []string{"lag"},
			want: Settings{Brokers: []string{"env:1"}, Base: "env-base", ReadOnly: false, Timeout: 30 * time.Second,
				ClientID: "kgroups-prod", Context: "prod"},
		},
		{
			name: "flags beat env",
			env:  map[string]string{envBrokers: "env:1", envBase: "env-base", envReadOnly: "yes", envContext: "prod"},
			args: []string{"lag", "--config", path, "--brokers", "flag:1", "--base", "flag-base", "--read-only=false", "--timeout", "2s", "--client-id", "ops-laptop"},
			want: Settings{Brokers: []string{"flag:1"}, Base: "flag-base", ReadOnly: false, Timeout: 2 * time.Second,
				ClientID: "ops-laptop", Context: "prod"},
		},
		{
			name: "env context",
			env:  map[string]string{envConfig: path, envContext: "staging"},
			args: []string{"lag"},
			want: Settings{Brokers: []string{"staging:9092"}, Base: "staging-base", Timeout: 10 * time.Second,
				ClientID: "kgroups", Context: "staging"},
		},
		{
			name: "flag context beats env context",
			env:  map[string]string{envConfig: path, envContext: "staging"},
			args: []string{"lag", "--context", "prod"},
			want: Settings{Brokers: []string{"prod-1:9093", "prod-2:9093"}, Base: "prod-base", ReadOnly: true,
				Timeout: 30 * time.Second, ClientID: "kgroups-prod", Context: "prod"},
		},
		{
			name: "demo ignores the file",
			env:  map[string]string{envConfig: path},
			args: []string{"lag", "--demo"},
			want: Settings{Demo: true, Base: demoBase, Timeout: 10 * time.Second, ClientID: "kgroups"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			got, err := resolveSettings(parsedCommand(t, tt.args...))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.Brokers, tt.want.Brokers) || got.Base != tt.want.Base || got.Demo != tt.want.Demo ||
				got.ReadOnly != tt.want.ReadOnly || got.Timeout != tt.want.Timeout || got.Refresh != tt.want.Refresh ||
				got.ClientID != tt.want.ClientID || got.Context != tt.want.Context {
				t.Errorf("settings = %+v\nwant       %+v", got, tt.want)
			}
		})
	}
}

func TestSettingsConfigErrors(t *testing.T) {
	dir := t.TempDir()
	path := writeConfigFile(t, dir, twoContexts, 0o600)
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("contexts:\n  a:\n    brokers: [x:1]\n    sasl: {mechanism: PLAIN, usernme: u}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"unknown context", nil, []string{"lag", "--config", path, "--context", "qa"}, `context "qa"`},
		{"missing file", nil, []string{"lag", "--config", filepath.Join(dir, "nope.yaml")}, "nope.yaml"},
		{"unknown field names the line", nil, []string{"lag", "--config", bad}, `line 4: unknown field "usernme" in sasl`},
		{"bad read-only variable", map[string]string{envReadOnly: "perhaps"}, []string{"lag"}, envReadOnly},
		{"demo with context", nil, []string{"lag", "--demo", "--context", "prod"}, "--demo and --context"},
		{"zero timeout in the file", map[string]string{envConfig: writeConfigFile(t, t.TempDir(),
			"current-context: a\ncontexts:\n  a: {timeout: 0s}\n", 0o600)}, []string{"lag"}, "timeout (from file:a) must be positive"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			_, err := resolveSettings(parsedCommand(t, tt.args...))
			if exitCode(err) != ExitUsage || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v (exit %d), want a usage error containing %q", err, exitCode(err), tt.want)
			}
		})
	}
}

func TestConfigCommand(t *testing.T) {
	dir := t.TempDir()
	// A world-readable file holding an inline password: kgroups warns.
	path := writeConfigFile(t, dir, `current-context: prod
contexts:
  prod:
    brokers: [prod-1:9093]
    base: prod-base
    tls: {ca-file: ca.pem}
    sasl: {mechanism: SCRAM-SHA-512, username: ops, password: `+password+`}
  env:
    brokers: [prod-1:9093]
    sasl: {mechanism: PLAIN, username: ops, password-env: KGROUPS_TEST_PASSWORD}
`, 0o644)
	t.Setenv(envConfig, path)
	t.Setenv("KGROUPS_TEST_PASSWORD", password)

	r := kgroups(t, "config", "--base", "flag-base")
	if r.code != ExitOK {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	for _, want := range []string{
		"KEY", "SOURCE",
		"config", path, "env KGROUPS_CONFIG",
		"context", "file current-context",
		"brokers", "prod-1:9093", "file:prod",
		"base", "flag-base", "flag --base",
		"timeout", "10s", "default",
		"tls.ca-file", filepath.Join(dir, "ca.pem"),
		"sasl.mechanism", "SCRAM-SHA-512",
		"sasl.password", config.Masked, "file:prod (inline)",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("kgroups config output lacks %q:\n%s", want, r.stdout)
		}
	}
	if !strings.Contains(r.stderr, "warning") || !strings.Contains(r.stderr, "chmod 600") {
		t.Errorf("no warning about the readable file holding a password; stderr:\n%s", r.stderr)
	}

	rj := kgroups(t, "config", "--context", "env", "-o", "json")
	if rj.code != ExitOK {
		t.Fatalf("exit %d, stderr:\n%s", rj.code, rj.stderr)
	}
	var entries []config.Entry
	if err := json.Unmarshal([]byte(rj.stdout), &entries); err != nil {
		t.Fatalf("json output: %v\n%s", err, rj.stdout)
	}
	i := slices.IndexFunc(entries, func(e config.Entry) bool { return e.Key == "sasl.password" })
	if i < 0 || entries[i].Value != config.Masked || entries[i].Source != "env KGROUPS_TEST_PASSWORD" {
		t.Errorf("sasl.password entry = %+v", entries)
	}

	for _, out := range []result{r, rj} {
		if strings.Contains(out.stdout+out.stderr, password) {
			t.Errorf("kgroups config printed the password:\n%s\n%s", out.stdout, out.stderr)
		}
	}
}

// TestConnectWithConfig runs real commands against SASL and TLS clusters
// configured only through the file: the right credentials work, wrong ones
// give one line naming the failure, and the password never shows.
func TestConnectWithConfig(t *testing.T) {
	dir := t.TempDir()
	ca := kafkatest.NewCA(t, "cluster CA")
	other := kafkatest.NewCA(t, "other CA")
	kafkatest.WriteFile(t, dir, "ca.pem", ca.PEM)
	kafkatest.WriteFile(t, dir, "other.pem", other.PEM)
	kafkatest.WriteFile(t, dir, "pw", []byte(password+"\n"))

	_, brokers := kafkatest.NewCluster(t, kfake.NumBrokers(1), kfake.SeedTopics(1, "orders"),
		kfake.TLS(kafkatest.ServerTLS(ca.Issue(t, "broker", "127.0.0.1"), nil)),
		kfake.EnableSASL(), kfake.Superuser("SCRAM-SHA-256", "ops", password))
	list := strings.Join(brokers, ", ")
	path := writeConfigFile(t, dir, `current-context: good
contexts:
  good:
    brokers: [`+list+`]
    base: svc
    tls: {ca-file: ca.pem}
    sasl: {mechanism: SCRAM-SHA-256, username: ops, password-file: pw}
  wrong-password:
    brokers: [`+list+`]
    base: svc
    tls: {ca-file: ca.pem}
    sasl: {mechanism: SCRAM-SHA-256, username: ops, password-env: KGROUPS_TEST_PASSWORD}
  wrong-ca:
    brokers: [`+list+`]
    base: svc
    tls: {ca-file: other.pem}
    sasl: {mechanism: SCRAM-SHA-256, username: ops, password-file: pw}
  prompt:
    brokers: [`+list+`]
    base: svc
    tls: {ca-file: ca.pem}
    sasl: {mechanism: SCRAM-SHA-256, username: ops, password-prompt: true}
`, 0o600)
	t.Setenv(envConfig, path)
	t.Setenv("KGROUPS_TEST_PASSWORD", "wrong-"+password)

	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"right password from file", []string{"lag", "--timeout", "3s", "-o", "json"}, ExitOK, ""},
		{"wrong password", []string{"lag", "--context", "wrong-password", "--timeout", "3s"}, ExitError, "SASL authentication failed"},
		{"wrong CA", []string{"lag", "--context", "wrong-ca", "--timeout", "3s"}, ExitError, "unknown authority"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := kgroups(t, tt.args...)
			if r.code != tt.wantCode {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", r.code, tt.wantCode, r.stdout, r.stderr)
			}
			if tt.wantErr != "" {
				if !strings.Contains(r.stderr, tt.wantErr) || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
					t.Errorf("stderr = %q, want one line containing %q", r.stderr, tt.wantErr)
				}
			}
			if strings.Contains(r.stdout+r.stderr, password) {
				t.Errorf("output holds the password:\nstdout: %s\nstderr: %s", r.stdout, r.stderr)
			}
		})
	}
}

// TestPromptedPassword checks that a password-prompt context asks the
// injected prompt once and connects with its answer.
func TestPromptedPassword(t *testing.T) {
	_, brokers := kafkatest.NewCluster(t, kfake.NumBrokers(1),
		kfake.EnableSASL(), kfake.Superuser("SCRAM-SHA-512", "ops", password))
	path := writeConfigFile(t, t.TempDir(), "current-context: c\ncontexts:\n  c:\n    brokers: ["+strings.Join(brokers, ", ")+
		"]\n    sasl: {mechanism: SCRAM-SHA-512, username: ops, password-prompt: true}\n", 0o600)
	t.Setenv(envConfig, path)
	s, err := resolveSettings(parsedCommand(t, "lag"))
	if err != nil {
		t.Fatal(err)
	}
	asked := 0
	s.prompt = func(label string) (config.Secret, error) {
		asked++
		if !strings.Contains(label, "ops") {
			t.Errorf("prompt %q does not name the user", label)
		}
		return config.Secret(password), nil
	}
	cfg, err := s.Resolved.KafkaConfig(s.prompt)
	if err != nil {
		t.Fatal(err)
	}
	if asked != 1 {
		t.Errorf("prompted %d times, want once", asked)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cl := kafkatest.Client(t, brokers, cfg.Opts()...)
	if err := cl.Ping(ctx); err != nil {
		t.Fatalf("connect with the prompted password: %v", err)
	}

	// With no terminal to ask on, the error says what to do instead.
	s.prompt = func(string) (config.Secret, error) { return "", config.ErrNoPrompt }
	if _, err := s.Resolved.KafkaConfig(s.prompt); err == nil || !strings.Contains(err.Error(), "password-env") {
		t.Errorf("KafkaConfig without a terminal = %v, want advice to use password-env", err)
	}
}

// TestDemoIgnoresContextSecurity checks that --demo never applies a
// context's TLS or SASL to the in-process cluster.
func TestDemoIgnoresContextSecurity(t *testing.T) {
	path := writeConfigFile(t, t.TempDir(), "current-context: c\ncontexts:\n  c:\n    brokers: [x:1]\n    tls: {enabled: true}\n"+
		"    sasl: {mechanism: PLAIN, username: u, password-env: NOT_SET_ANYWHERE}\n", 0o600)
	t.Setenv(envConfig, path)
	s, err := resolveSettings(parsedCommand(t, "lag", "--demo"))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := s.Resolved.KafkaConfig(s.prompt)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.TLS != nil || cfg.SASL != nil || len(cfg.Brokers) != 0 {
		t.Errorf("demo config = %+v, want no TLS, SASL or brokers", cfg)
	}
}

// TestBrokersUsageErrors checks that broker addresses kgroups cannot dial
// are usage errors (exit 2, one line) naming the setting they came from,
// before anything is dialed.
func TestBrokersUsageErrors(t *testing.T) {
	file := writeConfigFile(t, t.TempDir(), "current-context: prod\ncontexts:\n  prod: {brokers: [\"kafka://k1:9092\"]}\n", 0o600)
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want []string
	}{
		{"empty flag", nil, []string{"--brokers", ""}, []string{"--brokers"}},
		{"only commas", nil, []string{"--brokers", ",,,"}, []string{"--brokers"}},
		{"port zero", nil, []string{"--brokers", "localhost:0"}, []string{"--brokers", `"localhost:0"`, "1-65535"}},
		{"port too large", nil, []string{"--brokers", "a:9092,b:65536"}, []string{"--brokers", `"b:65536"`, "1-65535"}},
		{"port not a number", nil, []string{"--brokers", "a:x"}, []string{"--brokers", `"a:x"`}},
		{"URL scheme", nil, []string{"--brokers", "kafka://host:9092"}, []string{"--brokers", "kafka://", "host:port"}},
		{"http URL", nil, []string{"--brokers", "http://host:9092/"}, []string{"--brokers", "http://"}},
		{"empty host", nil, []string{"--brokers", ":9092"}, []string{"--brokers", `":9092"`}},
		{"env only commas", map[string]string{envBrokers: ",,,"}, nil, []string{envBrokers}},
		{"env port out of range", map[string]string{envBrokers: "h:70000"}, nil, []string{envBrokers, "1-65535"}},
		{"config context with a scheme", map[string]string{envConfig: file}, nil, []string{`context "prod"`, "kafka://"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(envConfig, "")
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			args := append([]string{"lag", "--base", "b", "--timeout", "1s"}, tt.args...)
			// kgroups clears KGROUPS_BROKERS; run the app directly.
			var stdout, stderr bytes.Buffer
			a := &app{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, now: time.Now}
			code := run(context.Background(), a, args)
			lines := strings.Split(strings.TrimSuffix(stderr.String(), "\n"), "\n")
			if code != ExitUsage || len(lines) != 1 {
				t.Fatalf("exit %d, want %d with one line; stderr:\n%s", code, ExitUsage, stderr.String())
			}
			for _, w := range tt.want {
				if !strings.Contains(lines[0], w) {
					t.Errorf("stderr %q does not name %q", lines[0], w)
				}
			}
		})
	}
}
