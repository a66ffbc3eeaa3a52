// Package config reads kgroups' configuration file of named contexts,
// merges it with flags and environment variables (flags win over the
// environment, which wins over the file), and turns the result into a
// kafka.Config with TLS and SASL. Passwords are Secrets: they print as
// "****" and never reach output, logs or errors.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// File is the configuration file: named contexts and the one to use when
// neither --context nor KGROUPS_CONTEXT picks another.
//
//	current-context: prod
//	contexts:
//	  prod:
//	    brokers: [kafka-1:9093, kafka-2:9093]
//	    base: my-batch-consumer
//	    tls: {enabled: true, ca-file: ca.pem}
//	    sasl: {mechanism: SCRAM-SHA-512, username: kgroups, password-env: KAFKA_PASSWORD}
type File struct {
	CurrentContext string              `yaml:"current-context"`
	Contexts       map[string]*Context `yaml:"contexts"`
}

// Context is one cluster and how to reach it. Unset fields fall back to the
// environment and to defaults.
type Context struct {
	Brokers  []string  `yaml:"brokers"`
	Base     string    `yaml:"base"`
	ClientID string    `yaml:"client-id"`
	ReadOnly *bool     `yaml:"read-only"`
	Refresh  *Duration `yaml:"refresh"`
	Timeout  *Duration `yaml:"timeout"`
	TLS      *TLS      `yaml:"tls"`
	SASL     *SASL     `yaml:"sasl"`
	// SchemaRegistry decodes framed record values; see SchemaRegistry.
	SchemaRegistry *SchemaRegistry `yaml:"schema-registry"`
}

// TLS configures encryption to the brokers. TLS is on when Enabled is true,
// or when Enabled is unset and a CA, certificate or server name is given;
// an explicit "enabled: false" turns it off whatever else is set.
type TLS struct {
	Enabled            *bool  `yaml:"enabled"`
	CAFile             string `yaml:"ca-file"`   // PEM CA bundle; the system roots when empty
	CertFile           string `yaml:"cert-file"` // client certificate for mTLS
	KeyFile            string `yaml:"key-file"`  // its private key
	ServerName         string `yaml:"server-name"`
	InsecureSkipVerify bool   `yaml:"insecure-skip-verify"`
}

// On reports whether TLS is in use.
func (t *TLS) On() bool {
	if t == nil {
		return false
	}
	if t.Enabled != nil {
		return *t.Enabled
	}
	return t.CAFile != "" || t.CertFile != "" || t.KeyFile != "" || t.ServerName != "" || t.InsecureSkipVerify
}

// SASL configures authentication. The password comes from exactly one of
// PasswordEnv (the name of an environment variable), PasswordFile,
// PasswordPrompt, or Password (inline, discouraged: kgroups warns when the
// file is readable by others).
type SASL struct {
	Mechanism      Mechanism `yaml:"mechanism"`
	Username       string    `yaml:"username"`
	Password       Secret    `yaml:"password"`
	PasswordEnv    string    `yaml:"password-env"`
	PasswordFile   string    `yaml:"password-file"`
	PasswordPrompt bool      `yaml:"password-prompt"`
}

// Mechanism is a SASL mechanism name, checked when the file is read.
type Mechanism string

// The SASL mechanisms kgroups supports.
const (
	Plain       Mechanism = "PLAIN"
	ScramSHA256 Mechanism = "SCRAM-SHA-256"
	ScramSHA512 Mechanism = "SCRAM-SHA-512"
)

// Mechanisms lists the supported mechanisms.
var Mechanisms = []Mechanism{Plain, ScramSHA256, ScramSHA512}

// UnmarshalYAML accepts a supported mechanism in any case.
func (m *Mechanism) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: sasl.mechanism must be one of %s", n.Line, mechanismList())
	}
	for _, known := range Mechanisms {
		if strings.EqualFold(n.Value, string(known)) {
			*m = known
			return nil
		}
	}
	return fmt.Errorf("line %d: unknown SASL mechanism %q (kgroups supports %s)", n.Line, n.Value, mechanismList())
}

func mechanismList() string {
	names := make([]string, len(Mechanisms))
	for i, m := range Mechanisms {
		names[i] = string(m)
	}
	return strings.Join(names, ", ")
}

// Duration is a time.Duration written as "5s" or "1m30s".
type Duration struct{ time.Duration }

// UnmarshalYAML parses a Go duration and refuses bare numbers, which would
// silently mean nanoseconds.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if n.Kind != yaml.ScalarNode || err != nil {
		return fmt.Errorf("line %d: %q is not a duration like 5s or 1m", n.Line, n.Value)
	}
	if v < 0 {
		return fmt.Errorf("line %d: duration %s is negative", n.Line, n.Value)
	}
	d.Duration = v
	return nil
}

// MarshalYAML writes the duration back as "5s".
func (d Duration) MarshalYAML() (any, error) { return d.String(), nil }

// ReadFile reads and checks a configuration file. Unknown fields are
// rejected with the line they are on.
func ReadFile(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	f, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("config file %s: %w", path, err)
	}
	return f, nil
}

// Parse decodes a configuration file's content strictly.
func Parse(data []byte) (*File, error) {
	var f File
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
		return nil, explainYAML(err)
	}
	for name, c := range f.Contexts {
		if strings.TrimSpace(name) == "" {
			return nil, errors.New("a context has an empty name")
		}
		if c == nil {
			f.Contexts[name] = &Context{}
		}
	}
	return &f, nil
}

var (
	unknownField = regexp.MustCompile(`^line (\d+): field (.+) not found in type ([\w.]+)$`)
	// quotedValue matches the value yaml.v3 quotes in type errors; it is
	// dropped so that a password typed into the wrong field is not echoed.
	quotedValue = regexp.MustCompile("`[^`]*`")
	// singleQuoted matches the anchor names yaml.v3 quotes in syntax errors.
	singleQuoted = regexp.MustCompile(` '[^']*'`)
)

// explainYAML rewrites yaml.v3's type errors into one line per problem,
// naming the section and the fields it accepts.
func explainYAML(err error) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		// Syntax errors quote anchor names, and an unquoted password
		// starting with '*' is read as an alias: drop what they quote.
		msg := singleQuoted.ReplaceAllString(err.Error(), "")
		if strings.Contains(msg, "unknown anchor") {
			msg += " (quote values that start with * or &)"
		}
		return errors.New(msg)
	}
	var lines []string
	for _, e := range te.Errors {
		if m := unknownField.FindStringSubmatch(e); m != nil {
			// "password:secret" with no space is one key: show only the
			// part before the colon, so the value is not echoed.
			field, hint := m[2], ""
			if k, _, ok := strings.Cut(field, ":"); ok {
				field, hint = k+":…", `; write "key: value", with a space after the colon`
			}
			lines = append(lines, fmt.Sprintf("line %s: unknown field %q %s%s (known: %s)",
				m[1], field, sectionOf(m[3]), hint, strings.Join(fieldsOf(m[3]), ", ")))
			continue
		}
		e = strings.Join(strings.Fields(quotedValue.ReplaceAllString(e, "")), " ")
		if m := wrongType.FindStringSubmatch(e); m != nil {
			e = fmt.Sprintf("line %s: expected %s, found %s", m[1], typeWords(m[3]), yamlKindWords(m[2]))
		}
		lines = append(lines, e)
	}
	return errors.New(strings.Join(lines, "; "))
}

var wrongType = regexp.MustCompile(`^line (\d+): cannot unmarshal !!(\w+) into (\S+)$`)

func typeWords(goType string) string {
	switch goType {
	case "bool":
		return "true or false"
	case "[]string":
		return "a list like [host:port, host:port]"
	case "string":
		return "a string"
	case "config.File", "config.Context", "config.TLS", "config.SASL", "map[string]*config.Context":
		return "a mapping of name: value"
	}
	return goType
}

func yamlKindWords(tag string) string {
	switch tag {
	case "str", "int", "float", "bool", "null", "timestamp":
		return "a single value"
	case "seq":
		return "a list"
	case "map":
		return "a mapping"
	}
	return tag
}

var sections = map[string]struct {
	where string
	typ   reflect.Type
}{
	"config.File":    {"at the top level", reflect.TypeFor[File]()},
	"config.Context": {"in a context", reflect.TypeFor[Context]()},
	"config.TLS":     {"in tls", reflect.TypeFor[TLS]()},
	"config.SASL":    {"in sasl", reflect.TypeFor[SASL]()},
}

func sectionOf(typeName string) string {
	if s, ok := sections[typeName]; ok {
		return s.where
	}
	return "in " + typeName
}

func fieldsOf(typeName string) []string {
	s, ok := sections[typeName]
	if !ok {
		return nil
	}
	var names []string
	for i := range s.typ.NumField() {
		if tag, _, _ := strings.Cut(s.typ.Field(i).Tag.Get("yaml"), ","); tag != "" && tag != "-" {
			names = append(names, tag)
		}
	}
	return names
}

// ContextNames returns the contexts of f, sorted.
func (f *File) ContextNames() []string {
	names := make([]string, 0, len(f.Contexts))
	for name := range f.Contexts {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// HoldsPassword reports whether any context has an inline password.
func (f *File) HoldsPassword() bool {
	for _, c := range f.Contexts {
		if c.SASL != nil && c.SASL.Password.IsSet() || c.SchemaRegistry != nil && c.SchemaRegistry.Password.IsSet() {
			return true
		}
	}
	return false
}
