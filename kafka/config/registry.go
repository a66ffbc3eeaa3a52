package config

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/kgroups/kgroups/kafka/decode"
)

// Environment variable and flag naming the schema registry's URL.
const (
	EnvSchemaRegistry  = "KGROUPS_SCHEMA_REGISTRY"
	FlagSchemaRegistry = "schema-registry"
)

// SchemaRegistry configures the Confluent-compatible schema registry that
// framed Avro, Protobuf and JSON Schema values are decoded with. Basic auth
// takes Username and a password from exactly one of PasswordEnv,
// PasswordFile or Password (inline, warned about like SASL's); a bearer
// token comes from the environment variable BearerTokenEnv.
//
//	schema-registry:
//	  url: https://registry.example.com
//	  username: kgroups
//	  password-env: SR_PASSWORD
//	  tls: {ca-file: ca.pem}
type SchemaRegistry struct {
	URL            string       `yaml:"url"`
	Username       string       `yaml:"username"`
	Password       Secret       `yaml:"password"`
	PasswordEnv    string       `yaml:"password-env"`
	PasswordFile   string       `yaml:"password-file"`
	BearerTokenEnv string       `yaml:"bearer-token-env"`
	TLS            *RegistryTLS `yaml:"tls"`
}

// RegistryTLS configures TLS to the schema registry beyond an https URL's
// defaults.
type RegistryTLS struct {
	CAFile             string `yaml:"ca-file"`
	CertFile           string `yaml:"cert-file"`
	KeyFile            string `yaml:"key-file"`
	InsecureSkipVerify bool   `yaml:"insecure-skip-verify"`
}

// CheckRegistryURL checks a schema registry URL: http or https with a host.
func CheckRegistryURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not a schema registry URL such as http://localhost:8081", s)
	}
	if u.User != nil {
		return fmt.Errorf("the schema registry URL must not hold credentials: use username and password-env in the context")
	}
	return nil
}

// checkRegistry validates the context's schema-registry block and the
// resolved URL, without reading any secret.
func (r *Resolved) checkRegistry(where string) error {
	if r.SchemaRegistryURL.Value != "" {
		if err := CheckRegistryURL(r.SchemaRegistryURL.Value); err != nil {
			return fmt.Errorf("%s: %w", r.describeSource(FlagSchemaRegistry, r.SchemaRegistryURL.Source), err)
		}
	}
	s := r.SchemaRegistry
	if s == nil {
		return nil
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
	switch {
	case len(given) > 1:
		return fmt.Errorf("%s: schema-registry has %s; keep exactly one password source", where, strings.Join(given, " and "))
	case s.Username != "" && len(given) == 0:
		return fmt.Errorf("%s: schema-registry has a username but no password source: password-env or password-file", where)
	case s.Username == "" && len(given) > 0:
		return fmt.Errorf("%s: schema-registry has a password but no username", where)
	case s.Username != "" && s.BearerTokenEnv != "":
		return fmt.Errorf("%s: schema-registry has both a username and bearer-token-env; keep one", where)
	}
	if t := s.TLS; t != nil {
		if (t.CertFile == "") != (t.KeyFile == "") {
			return fmt.Errorf("%s: schema-registry.tls needs both cert-file and key-file for a client certificate", where)
		}
		if t.InsecureSkipVerify {
			r.Warnings = append(r.Warnings, where+": schema-registry.tls.insecure-skip-verify is set: the registry's certificate is not checked")
		}
	}
	if s.PasswordFile != "" {
		if path, err := r.path(s.PasswordFile); err == nil {
			if info, err := os.Stat(path); err == nil && info.Mode().Perm()&0o077 != 0 {
				r.Warnings = append(r.Warnings, fmt.Sprintf(
					"password file %s is readable by group or others (mode %04o): run chmod 600 %s",
					path, info.Mode().Perm(), path))
			}
		}
	}
	return nil
}

// RegistryOptions builds the schema registry client's options, reading its
// password or token now. ok is false when no registry is configured.
func (r *Resolved) RegistryOptions() (opt decode.RegistryOptions, ok bool, err error) {
	if r.SchemaRegistryURL.Value == "" {
		return opt, false, nil
	}
	opt.URL = r.SchemaRegistryURL.Value
	s := r.SchemaRegistry
	if s == nil {
		return opt, true, nil
	}
	opt.Username = s.Username
	if s.Username != "" {
		pass, err := r.readSecret("schema-registry", s.Password, s.PasswordEnv, s.PasswordFile)
		if err != nil {
			return opt, false, err
		}
		opt.Password = pass.Reveal()
	}
	if s.BearerTokenEnv != "" {
		v, ok := r.env(s.BearerTokenEnv)
		if !ok || v == "" {
			return opt, false, fmt.Errorf("schema-registry.bearer-token-env: environment variable %s is not set", s.BearerTokenEnv)
		}
		opt.BearerToken = v
	}
	if t := s.TLS; t != nil {
		c := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: t.InsecureSkipVerify} //nolint:gosec // only when the user set it, with a warning
		if t.CAFile != "" {
			path, err := r.path(t.CAFile)
			if err != nil {
				return opt, false, err
			}
			pem, err := os.ReadFile(path)
			if err != nil {
				return opt, false, fmt.Errorf("schema-registry.tls.ca-file: %w", err)
			}
			pool := x509.NewCertPool()
			if !pool.AppendCertsFromPEM(pem) {
				return opt, false, fmt.Errorf("schema-registry.tls.ca-file %s holds no PEM certificate", path)
			}
			c.RootCAs = pool
		}
		if t.CertFile != "" {
			certPath, err := r.path(t.CertFile)
			if err != nil {
				return opt, false, err
			}
			keyPath, err := r.path(t.KeyFile)
			if err != nil {
				return opt, false, err
			}
			pair, err := tls.LoadX509KeyPair(certPath, keyPath)
			if err != nil {
				return opt, false, fmt.Errorf("schema-registry client certificate (%s, %s): %w", certPath, keyPath, err)
			}
			c.Certificates = []tls.Certificate{pair}
		}
		opt.TLS = c
	}
	return opt, true, nil
}

// readSecret reads a password from its one source; errors name the
// source, never the value.
func (r *Resolved) readSecret(what string, inline Secret, envName, file string) (Secret, error) {
	switch {
	case envName != "":
		v, ok := r.env(envName)
		if !ok || v == "" {
			return "", fmt.Errorf("%s.password-env: environment variable %s is not set", what, envName)
		}
		return Secret(v), nil
	case file != "":
		path, err := r.path(file)
		if err != nil {
			return "", err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return "", fmt.Errorf("%s.password-file: %w", what, err)
		}
		v := strings.TrimRight(string(data), "\r\n")
		if v == "" {
			return "", fmt.Errorf("%s.password-file %s is empty", what, path)
		}
		return Secret(v), nil
	}
	return inline, nil
}

// registryEntries lists the schema registry's settings for `kgroups
// config`, secrets masked with their sources.
func (r *Resolved) registryEntries(add func(key, value string, source Source)) {
	if r.SchemaRegistryURL.Value == "" {
		add("schema-registry", "off", "")
		return
	}
	add("schema-registry", r.SchemaRegistryURL.Value, r.SchemaRegistryURL.Source)
	s := r.SchemaRegistry
	if s == nil {
		return
	}
	ctx := fileSource(r.Context.Value)
	if s.Username != "" {
		add("schema-registry.username", s.Username, ctx)
		switch {
		case s.PasswordEnv != "":
			shown := Masked
			if v, ok := r.env(s.PasswordEnv); !ok || v == "" {
				shown = "(not set: " + s.PasswordEnv + " is empty)"
			}
			add("schema-registry.password", shown, envSource(s.PasswordEnv))
		case s.PasswordFile != "":
			path, err := r.path(s.PasswordFile)
			if err != nil {
				path = s.PasswordFile
			}
			shown := Masked
			if _, err := os.Stat(path); err != nil {
				shown = "(missing: " + path + ")"
			}
			add("schema-registry.password", shown, Source("password-file "+path))
		default:
			add("schema-registry.password", Masked, ctx+" (inline)")
		}
	}
	if s.BearerTokenEnv != "" {
		shown := Masked
		if v, ok := r.env(s.BearerTokenEnv); !ok || v == "" {
			shown = "(not set: " + s.BearerTokenEnv + " is empty)"
		}
		add("schema-registry.bearer-token", shown, envSource(s.BearerTokenEnv))
	}
	if t := s.TLS; t != nil {
		add("schema-registry.tls.ca-file", r.shownPath(t.CAFile, "(system roots)"), ctx)
		add("schema-registry.tls.cert-file", r.shownPath(t.CertFile, "(none)"), ctx)
		add("schema-registry.tls.key-file", r.shownPath(t.KeyFile, "(none)"), ctx)
		add("schema-registry.tls.insecure-skip-verify", strconv.FormatBool(t.InsecureSkipVerify), ctx)
	}
}
