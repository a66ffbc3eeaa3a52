package config

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// Masked is what a Secret prints as, whatever the verb or encoder.
const Masked = "****"

// Secret is a password. It prints, formats and encodes as Masked so that it
// cannot reach output, logs, errors or panics by accident; Reveal is the one
// way to read it, for the SASL mechanism only.
type Secret string

// Reveal returns the secret itself. Call it only to hand the password to
// the SASL mechanism.
func (s Secret) Reveal() string { return string(s) }

// IsSet reports whether the secret holds a value.
func (s Secret) IsSet() bool { return s != "" }

func (s Secret) String() string   { return Masked }
func (s Secret) GoString() string { return `config.Secret("` + Masked + `")` }

// Format prints Masked for every verb (%s, %v, %q, %x, %d, ...), so neither
// padding nor a numeric verb reveals the secret or its length.
func (s Secret) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		fmt.Fprint(f, s.GoString())
		return
	}
	if verb == 'q' {
		fmt.Fprint(f, `"`+Masked+`"`)
		return
	}
	fmt.Fprint(f, Masked)
}

func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + Masked + `"`), nil }
func (s Secret) MarshalText() ([]byte, error) { return []byte(Masked), nil }
func (s Secret) MarshalYAML() (any, error)    { return Masked, nil }

// UnmarshalYAML accepts any scalar and never quotes the value in its error.
func (s *Secret) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: a password must be a plain string", n.Line)
	}
	*s = Secret(n.Value)
	return nil
}
