package config

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/kgroups/kgroups/kafka"
	"github.com/kgroups/kgroups/kafka/kafkatest"
)

// certFiles writes a CA and a client certificate to dir.
type certFiles struct {
	ca, clientCert, clientKey, otherCA string
}

// tlsClusters starts a TLS cluster and an mTLS cluster whose broker
// certificates name 127.0.0.1 and broker.test.
func tlsClusters(t *testing.T, dir string) (tlsBrokers, mtlsBrokers []string, files certFiles) {
	t.Helper()
	ca := kafkatest.NewCA(t, "cluster CA")
	clientCA := kafkatest.NewCA(t, "client CA")
	other := kafkatest.NewCA(t, "other CA")
	server := ca.Issue(t, "broker", "127.0.0.1", "broker.test")
	client := clientCA.Issue(t, "kgroups")
	_, tlsBrokers = kafkatest.NewCluster(t, kfake.NumBrokers(1), kfake.TLS(kafkatest.ServerTLS(server, nil)))
	_, mtlsBrokers = kafkatest.NewCluster(t, kfake.NumBrokers(1), kfake.TLS(kafkatest.ServerTLS(server, clientCA)))
	files = certFiles{
		ca:         kafkatest.WriteFile(t, dir, "ca.pem", ca.PEM),
		clientCert: kafkatest.WriteFile(t, dir, "client.pem", client.CertPEM),
		clientKey:  kafkatest.WriteFile(t, dir, "client.key", client.KeyPEM),
		otherCA:    kafkatest.WriteFile(t, dir, "other-ca.pem", other.PEM),
	}
	return tlsBrokers, mtlsBrokers, files
}

// resolveDoc resolves a one-context config file written to dir.
func resolveDoc(t *testing.T, dir, context string, env fakeEnv) (*Resolved, error) {
	t.Helper()
	path := writeConfig(t, dir, "current-context: c\ncontexts:\n  c:\n"+context, 0o600)
	if env == nil {
		env = fakeEnv{}
	}
	return Resolve(Options{
		Flags:    Layer{Config: &path},
		Defaults: Layer{Timeout: ptr(3 * time.Second)},
		Env:      env.lookup,
		Home:     noHome,
	})
}

func dial(t *testing.T, r *Resolved, prompt Prompt) error {
	t.Helper()
	cfg, err := r.KafkaConfig(prompt)
	if err != nil {
		return err
	}
	c, err := kafka.Dial(context.Background(), cfg)
	if err != nil {
		return err
	}
	defer c.Close()
	_, err = c.Admin().ListBrokers(context.Background())
	return err
}

func TestKafkaConfigSASL(t *testing.T) {
	_, brokers := kafkatest.NewCluster(t,
		kfake.EnableSASL(),
		kfake.Superuser("PLAIN", "admin", "admin"),
		kfake.User("PLAIN", "plain-user", leak),
		kfake.User("SCRAM-SHA-256", "scram256-user", leak),
		kfake.User("SCRAM-SHA-512", "scram512-user", leak),
	)
	dir := t.TempDir()
	kafkatest.WriteFile(t, dir, "pw", []byte(leak+"\n"))
	kafkatest.WriteFile(t, dir, "wrong-pw", []byte("wrong\n"))
	brokerList := fmt.Sprintf("    brokers: [%s]\n", strings.Join(brokers, ", "))
	prompted := func(string) (Secret, error) { return Secret(leak), nil }

	tests := []struct {
		name    string
		sasl    string
		env     fakeEnv
		prompt  Prompt
		wantErr string // "" means the dial succeeds
	}{
		{"PLAIN from env", "{mechanism: PLAIN, username: plain-user, password-env: KAFKA_PW}", fakeEnv{"KAFKA_PW": leak}, nil, ""},
		{"SCRAM-SHA-256 from file", "{mechanism: SCRAM-SHA-256, username: scram256-user, password-file: pw}", nil, nil, ""},
		{"SCRAM-SHA-512 from prompt", "{mechanism: scram-sha-512, username: scram512-user, password-prompt: true}", nil, prompted, ""},
		{"PLAIN inline", "{mechanism: PLAIN, username: plain-user, password: " + leak + "}", nil, nil, ""},
		{"wrong password from file", "{mechanism: SCRAM-SHA-256, username: scram256-user, password-file: wrong-pw}", nil, nil, "wrong username or password"},
		{"wrong password from env", "{mechanism: PLAIN, username: plain-user, password-env: KAFKA_PW}", fakeEnv{"KAFKA_PW": leak + "x"}, nil, "wrong username or password"},
		{"env var unset", "{mechanism: PLAIN, username: plain-user, password-env: KAFKA_PW}", nil, nil, "KAFKA_PW is not set"},
		{"password file missing", "{mechanism: PLAIN, username: plain-user, password-file: missing}", nil, nil, "password-file"},
		{"prompt without terminal", "{mechanism: PLAIN, username: plain-user, password-prompt: true}", nil, nil, "interactive terminal"},
		{"prompt fails", "{mechanism: PLAIN, username: plain-user, password-prompt: true}", nil,
			func(string) (Secret, error) { return "", errors.New("no tty") }, "no tty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := resolveDoc(t, dir, brokerList+"    sasl: "+tt.sasl+"\n", tt.env)
			if err != nil {
				t.Fatalf("Resolve: %v", err)
			}
			err = dial(t, r, tt.prompt)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("dial: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("dial error = %v, want %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), leak) {
				t.Errorf("error leaks the password: %v", err)
			}
		})
	}
}

func TestKafkaConfigTLS(t *testing.T) {
	dir := t.TempDir()
	tlsBrokers, mtlsBrokers, files := tlsClusters(t, dir)
	list := func(b []string) string { return fmt.Sprintf("    brokers: [%s]\n", strings.Join(b, ", ")) }
	tests := []struct {
		name    string
		context string
		wantErr string
	}{
		{"CA file", list(tlsBrokers) + "    tls: {ca-file: ca.pem}\n", ""},
		{"absolute CA path, enabled", list(tlsBrokers) + "    tls: {enabled: true, ca-file: " + files.ca + "}\n", ""},
		{"server name in the certificate", list(tlsBrokers) + "    tls: {ca-file: ca.pem, server-name: broker.test}\n", ""},
		{"mTLS", list(mtlsBrokers) + "    tls: {ca-file: ca.pem, cert-file: client.pem, key-file: client.key}\n", ""},
		{"insecure-skip-verify", list(tlsBrokers) + "    tls: {insecure-skip-verify: true}\n", ""},
		{"unknown CA", list(tlsBrokers) + "    tls: {ca-file: other-ca.pem}\n", "unknown authority"},
		{"system roots do not know the test CA", list(tlsBrokers) + "    tls: {enabled: true}\n", "unknown authority"},
		{"wrong server name", list(tlsBrokers) + "    tls: {ca-file: ca.pem, server-name: kafka.example}\n", `not valid for host name "kafka.example"`},
		{"mTLS without client certificate", list(mtlsBrokers) + "    tls: {ca-file: ca.pem}\n", "rejected the TLS handshake"},
		{"CA file missing", list(tlsBrokers) + "    tls: {ca-file: nope.pem}\n", "tls.ca-file"},
		{"CA file is not PEM", list(tlsBrokers) + "    tls: {ca-file: client.key}\n", "no PEM certificate"},
		{"explicitly disabled", list(tlsBrokers) + "    tls: {enabled: false, ca-file: ca.pem}\n", "may require TLS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := resolveDoc(t, dir, tt.context, nil)
			if err != nil {
				t.Fatalf("Resolve: %v", err)
			}
			err = dial(t, r, nil)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("dial: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("dial error = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestEntriesMaskAndSources(t *testing.T) {
	dir := t.TempDir()
	kafkatest.WriteFile(t, dir, "pw", []byte(leak))
	tests := []struct {
		name       string
		sasl       string
		env        fakeEnv
		wantValue  string
		wantSource string
	}{
		{"env", "password-env: KAFKA_PW", fakeEnv{"KAFKA_PW": leak}, Masked, "env KAFKA_PW"},
		{"env unset", "password-env: KAFKA_PW", nil, "(not set: KAFKA_PW is empty)", "env KAFKA_PW"},
		{"file", "password-file: pw", nil, Masked, "password-file " + filepath.Join(dir, "pw")},
		{"missing file", "password-file: nope", nil, "(missing: " + filepath.Join(dir, "nope") + ")", "password-file " + filepath.Join(dir, "nope")},
		{"prompt", "password-prompt: true", nil, "(asked when connecting)", "prompt"},
		{"inline", "password: " + leak, nil, Masked, "file:c (inline)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := fakeEnv{EnvBase: "from-env"}
			for k, v := range tt.env {
				env[k] = v
			}
			r, err := resolveDoc(t, dir, "    brokers: [k:9093]\n    tls: {ca-file: ca.pem}\n    sasl: {mechanism: SCRAM-SHA-512, username: ops, "+tt.sasl+"}\n", env)
			if err != nil {
				t.Fatalf("Resolve: %v", err)
			}
			entries := map[string]Entry{}
			for _, e := range r.Entries() {
				entries[e.Key] = e
			}
			if e := entries["sasl.password"]; e.Value != tt.wantValue || string(e.Source) != tt.wantSource {
				t.Errorf("sasl.password = %+v, want %q from %q", e, tt.wantValue, tt.wantSource)
			}
			checks := map[string]Entry{
				"brokers":        {"brokers", "k:9093", "file:c"},
				"base":           {"base", "from-env", "env KGROUPS_BASE"},
				"timeout":        {"timeout", "3s", SourceDefault},
				"context":        {"context", "c", "file current-context"},
				"tls":            {"tls", "on", "file:c"},
				"tls.ca-file":    {"tls.ca-file", filepath.Join(dir, "ca.pem"), "file:c"},
				"sasl.username":  {"sasl.username", "ops", "file:c"},
				"sasl.mechanism": {"sasl.mechanism", "SCRAM-SHA-512", "file:c"},
			}
			for key, want := range checks {
				if entries[key] != want {
					t.Errorf("%s = %+v, want %+v", key, entries[key], want)
				}
			}

			var text bytes.Buffer
			if err := WriteEntries(&text, r.Entries()); err != nil {
				t.Fatal(err)
			}
			js, err := json.Marshal(r.Entries())
			if err != nil {
				t.Fatal(err)
			}
			for name, out := range map[string]string{"text": text.String(), "json": string(js), "%+v": fmt.Sprintf("%+v %+v", r, *r.SASL)} {
				if strings.Contains(out, leak) {
					t.Errorf("%s output leaks the password:\n%s", name, out)
				}
			}
			if !strings.Contains(text.String(), "env KGROUPS_BASE") {
				t.Errorf("text output lacks sources:\n%s", text.String())
			}
		})
	}
}

// TestKafkaConfigCarriesEverySetting checks that the one builder of the
// client configuration carries every resolved setting the binary runs
// with: brokers, timeout, read-only mode from the flags, the environment or
// the file, and the client id with its default.
func TestKafkaConfigCarriesEverySetting(t *testing.T) {
	dir := t.TempDir()
	file := writeConfig(t, dir, "current-context: c\ncontexts:\n  c:\n    brokers: [f:1]\n    read-only: true\n    client-id: from-file\n", 0o600)
	tests := []struct {
		name   string
		flags  Layer
		env    fakeEnv
		noFile bool
		want   kafka.Config
	}{
		{"defaults", Layer{Brokers: []string{"a:1"}}, nil, false,
			kafka.Config{Brokers: []string{"a:1"}, ClientID: DefaultClientID, Timeout: 3 * time.Second}},
		{"flags", Layer{Brokers: []string{"a:1", "b:2"}, ReadOnly: ptr(true), ClientID: ptr("ops"), Timeout: ptr(time.Second)}, nil, false,
			kafka.Config{Brokers: []string{"a:1", "b:2"}, ClientID: "ops", Timeout: time.Second, ReadOnly: true}},
		{"environment", Layer{}, fakeEnv{EnvBrokers: "e:1", EnvReadOnly: "true"}, false,
			kafka.Config{Brokers: []string{"e:1"}, ClientID: DefaultClientID, Timeout: 3 * time.Second, ReadOnly: true}},
		{"file", Layer{Config: &file}, nil, false,
			kafka.Config{Brokers: []string{"f:1"}, ClientID: "from-file", Timeout: 3 * time.Second, ReadOnly: true}},
		{"demo: no file, brokers filled in later", Layer{ReadOnly: ptr(true)}, fakeEnv{EnvBrokers: "e:1"}, true,
			kafka.Config{ClientID: DefaultClientID, Timeout: 3 * time.Second, ReadOnly: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.env == nil {
				tt.env = fakeEnv{}
			}
			r, err := Resolve(Options{Flags: tt.flags, Defaults: Layer{Timeout: ptr(3 * time.Second)}, Env: tt.env.lookup, Home: noHome, NoFile: tt.noFile})
			if err != nil {
				t.Fatal(err)
			}
			got, err := r.KafkaConfig(nil)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.Brokers, tt.want.Brokers) || got.ClientID != tt.want.ClientID || got.Timeout != tt.want.Timeout ||
				got.ReadOnly != tt.want.ReadOnly || got.TLS != nil || got.SASL != nil {
				t.Errorf("config = %+v, want %+v", got, tt.want)
			}
		})
	}
}
