package config

import (
	"strings"
	"testing"
	"time"
)

const fullFile = `current-context: prod
contexts:
  prod:
    brokers: [kafka-1:9093, kafka-2:9093]
    base: my-batch-consumer
    client-id: kgroups-ops
    read-only: true
    refresh: 10s
    timeout: 1m30s
    tls:
      enabled: true
      ca-file: ca.pem
      cert-file: client.pem
      key-file: client.key
      server-name: kafka.internal
    sasl:
      mechanism: scram-sha-512
      username: ops
      password-env: KAFKA_PASSWORD
  local:
    brokers: [localhost:9092]
`

func TestParseFull(t *testing.T) {
	f, err := Parse([]byte(fullFile))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if f.CurrentContext != "prod" {
		t.Errorf("CurrentContext = %q", f.CurrentContext)
	}
	if got := f.ContextNames(); strings.Join(got, ",") != "local,prod" {
		t.Errorf("ContextNames = %v", got)
	}
	p := f.Contexts["prod"]
	if p.ReadOnly == nil || !*p.ReadOnly || p.Refresh.Duration != 10*time.Second || p.Timeout.Duration != 90*time.Second {
		t.Errorf("prod = %+v", p)
	}
	if !p.TLS.On() || p.TLS.ServerName != "kafka.internal" || p.TLS.InsecureSkipVerify {
		t.Errorf("prod.tls = %+v", p.TLS)
	}
	if p.SASL.Mechanism != ScramSHA512 || p.SASL.Username != "ops" || p.SASL.PasswordEnv != "KAFKA_PASSWORD" {
		t.Errorf("prod.sasl = %+v", p.SASL)
	}
	if l := f.Contexts["local"]; l.TLS.On() || l.SASL != nil {
		t.Errorf("local should have neither TLS nor SASL: %+v", l)
	}
	if f.HoldsPassword() {
		t.Error("HoldsPassword = true for a file without inline passwords")
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string // substrings of the error
	}{
		{
			name: "unknown top-level field",
			yaml: "current-context: a\ncontext:\n  a: {}\n",
			want: []string{"line 2", `unknown field "context"`, "at the top level", "contexts"},
		},
		{
			name: "unknown context field",
			yaml: "contexts:\n  a:\n    brokers: [x:1]\n    bootstrap: [x:1]\n",
			want: []string{"line 4", `unknown field "bootstrap"`, "in a context", "brokers"},
		},
		{
			name: "unknown tls field",
			yaml: "contexts:\n  a:\n    tls:\n      ca: ca.pem\n",
			want: []string{"line 4", `unknown field "ca"`, "in tls", "ca-file"},
		},
		{
			name: "misspelt sasl field",
			yaml: "contexts:\n  a:\n    sasl:\n      mechanism: PLAIN\n      pasword-env: X\n",
			want: []string{"line 5", `unknown field "pasword-env"`, "in sasl", "password-env"},
		},
		{
			name: "unknown mechanism",
			yaml: "contexts:\n  a:\n    sasl:\n      mechanism: GSSAPI\n",
			want: []string{"line 4", `unknown SASL mechanism "GSSAPI"`, "SCRAM-SHA-256"},
		},
		{
			name: "bare number duration",
			yaml: "contexts:\n  a:\n    refresh: 5\n",
			want: []string{"line 3", "not a duration"},
		},
		{
			name: "wrong type",
			yaml: "contexts:\n  a:\n    read-only: maybe\n",
			want: []string{"line 3", "expected true or false"},
		},
		{
			name: "syntax",
			yaml: "contexts:\n  a:\n   brokers: [x\n",
			want: []string{"line"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.yaml))
			if err == nil {
				t.Fatal("Parse accepted a bad file")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

// TestParseErrorsHideValues covers a password typed into the wrong place:
// the error names the line but does not echo the value.
func TestParseErrorsHideValues(t *testing.T) {
	for _, doc := range []string{
		"contexts:\n  a:\n    sasl:\n      password-prompt: " + leak + "\n",
		"contexts:\n  a:\n    sasl:\n      password: [" + leak + "]\n",
		"contexts:\n  a:\n    read-only: " + leak + "\n",
	} {
		_, err := Parse([]byte(doc))
		if err == nil {
			t.Fatalf("Parse accepted %q", doc)
		}
		if strings.Contains(err.Error(), leak) {
			t.Errorf("error leaks the value: %v", err)
		}
		if !strings.Contains(err.Error(), "line ") {
			t.Errorf("error names no line: %v", err)
		}
	}
}

func TestTLSOn(t *testing.T) {
	yes, no := true, false
	tests := []struct {
		tls  *TLS
		want bool
	}{
		{nil, false},
		{&TLS{}, false},
		{&TLS{Enabled: &yes}, true},
		{&TLS{CAFile: "ca.pem"}, true},
		{&TLS{ServerName: "k"}, true},
		{&TLS{Enabled: &no, CAFile: "ca.pem"}, false},
	}
	for _, tt := range tests {
		if got := tt.tls.On(); got != tt.want {
			t.Errorf("%+v.On() = %v, want %v", tt.tls, got, tt.want)
		}
	}
}
