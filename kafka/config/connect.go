package config

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/twmb/franz-go/pkg/sasl"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"

	"github.com/kgroups/kgroups/kafka"
)

// Prompt asks the user for a password, without echo. The CLI passes one
// that reads the terminal; tests pass a function.
type Prompt func(label string) (Secret, error)

// ErrNoPrompt is returned when a context wants password-prompt and there
// is no terminal to ask on.
var ErrNoPrompt = errors.New("sasl.password-prompt needs an interactive terminal; use password-env or password-file")

// DefaultClientID names kgroups to the brokers unless a flag or a context
// says otherwise.
const DefaultClientID = "kgroups"

// KafkaConfig builds the one client configuration kgroups runs with:
// brokers, client id (DefaultClientID when none is set), timeout, read-only
// mode, and the context's TLS and SASL (none when the file was ignored, as
// for the demo cluster, whose brokers the caller fills in once it runs). It
// reads the password now (from the environment, the file, or prompt), once,
// so that no prompt happens mid-session.
func (r *Resolved) KafkaConfig(prompt Prompt) (kafka.Config, error) {
	cfg := kafka.Config{
		Brokers:  r.Brokers.Value,
		ClientID: r.ClientID.Value,
		Timeout:  r.Timeout.Value,
		ReadOnly: r.ReadOnly.Value,
	}
	if cfg.ClientID == "" {
		cfg.ClientID = DefaultClientID
	}
	if r.ConfigIgnored {
		cfg.Brokers = nil
		return cfg, nil
	}
	var err error
	if cfg.TLS, err = r.TLSConfig(); err != nil {
		return kafka.Config{}, err
	}
	if cfg.SASL, err = r.Mechanism(prompt); err != nil {
		return kafka.Config{}, err
	}
	return cfg, nil
}

// TLSConfig builds the TLS configuration, or nil when TLS is off.
func (r *Resolved) TLSConfig() (*tls.Config, error) {
	t := r.TLS
	if !t.On() {
		return nil, nil
	}
	c := &tls.Config{
		MinVersion:         tls.VersionTLS12,
		ServerName:         t.ServerName,
		InsecureSkipVerify: t.InsecureSkipVerify, //nolint:gosec // only when the user set it, with a warning
	}
	if t.CAFile != "" {
		path, err := r.path(t.CAFile)
		if err != nil {
			return nil, err
		}
		pem, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("tls.ca-file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("tls.ca-file %s holds no PEM certificate", path)
		}
		c.RootCAs = pool
	}
	if t.CertFile != "" {
		certPath, err := r.path(t.CertFile)
		if err != nil {
			return nil, err
		}
		keyPath, err := r.path(t.KeyFile)
		if err != nil {
			return nil, err
		}
		pair, err := tls.LoadX509KeyPair(certPath, keyPath)
		if err != nil {
			// crypto/tls names the files and the problem, never key bytes.
			return nil, fmt.Errorf("tls client certificate (%s, %s): %w", certPath, keyPath, err)
		}
		c.Certificates = []tls.Certificate{pair}
	}
	return c, nil
}

// Mechanism builds the SASL mechanism, or nil when SASL is off. It reads
// the password from its one source.
func (r *Resolved) Mechanism(prompt Prompt) (sasl.Mechanism, error) {
	s := r.SASL
	if s == nil {
		return nil, nil
	}
	pass, err := r.password(prompt)
	if err != nil {
		return nil, err
	}
	switch s.Mechanism {
	case Plain:
		return plain.Auth{User: s.Username, Pass: pass.Reveal()}.AsMechanism(), nil
	case ScramSHA256:
		return scram.Auth{User: s.Username, Pass: pass.Reveal()}.AsSha256Mechanism(), nil
	case ScramSHA512:
		return scram.Auth{User: s.Username, Pass: pass.Reveal()}.AsSha512Mechanism(), nil
	}
	return nil, fmt.Errorf("unknown SASL mechanism %q (kgroups supports %s)", s.Mechanism, mechanismList())
}

// PasswordSource says where the password comes from, for display.
func (r *Resolved) PasswordSource() Source {
	s := r.SASL
	switch {
	case s == nil:
		return ""
	case s.PasswordEnv != "":
		return envSource(s.PasswordEnv)
	case s.PasswordFile != "":
		path, err := r.path(s.PasswordFile)
		if err != nil {
			path = s.PasswordFile
		}
		return Source("password-file " + path)
	case s.PasswordPrompt:
		return "prompt"
	case s.Password.IsSet():
		return fileSource(r.Context.Value) + " (inline)"
	}
	return ""
}

// password reads the password from its one source. Errors name the source,
// never the value.
func (r *Resolved) password(prompt Prompt) (Secret, error) {
	s := r.SASL
	switch {
	case s.PasswordEnv != "":
		v, ok := r.env(s.PasswordEnv)
		if !ok || v == "" {
			return "", fmt.Errorf("sasl.password-env: environment variable %s is not set", s.PasswordEnv)
		}
		return Secret(v), nil
	case s.PasswordFile != "":
		path, err := r.path(s.PasswordFile)
		if err != nil {
			return "", err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return "", fmt.Errorf("sasl.password-file: %w", err)
		}
		// Editors end files with a newline that is not part of the password.
		v := strings.TrimRight(string(data), "\r\n")
		if v == "" {
			return "", fmt.Errorf("sasl.password-file %s is empty", path)
		}
		return Secret(v), nil
	case s.PasswordPrompt:
		if prompt == nil {
			return "", ErrNoPrompt
		}
		v, err := prompt(fmt.Sprintf("Password for %s (%s, context %s): ", s.Username, s.Mechanism, r.Context.Value))
		if err != nil {
			return "", fmt.Errorf("password prompt: %w", err)
		}
		if !v.IsSet() {
			return "", errors.New("password prompt: empty password")
		}
		return v, nil
	case s.Password.IsSet():
		return s.Password, nil
	}
	return "", errors.New("sasl needs a password source: password-env, password-file or password-prompt")
}
