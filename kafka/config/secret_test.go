package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

const leak = "hunter2-Very-Secret"

func TestSecretNeverPrints(t *testing.T) {
	s := Secret(leak)
	sasl := SASL{Mechanism: ScramSHA512, Username: "kgroups", Password: s}
	ctx := &Context{Brokers: []string{"k:9093"}, SASL: &sasl}

	var logs bytes.Buffer
	slog.New(slog.NewTextHandler(&logs, nil)).Info("text", "secret", s, "sasl", sasl)
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("json", "secret", s, "sasl", sasl)

	jsonOut, err := json.Marshal(map[string]any{"secret": s, "sasl": sasl})
	if err != nil {
		t.Fatal(err)
	}
	yamlOut, err := yaml.Marshal(&File{Contexts: map[string]*Context{"prod": ctx}})
	if err != nil {
		t.Fatal(err)
	}

	outputs := map[string]string{
		"%s":          fmt.Sprintf("%s", s),
		"%v":          fmt.Sprintf("%v", s),
		"%+v":         fmt.Sprintf("%+v", s),
		"%#v":         fmt.Sprintf("%#v", s),
		"%q":          fmt.Sprintf("%q", s),
		"%x":          fmt.Sprintf("%x", s),
		"%X":          fmt.Sprintf("%X", s),
		"%30s":        fmt.Sprintf("%30s", s),
		"%d":          fmt.Sprintf("%d", s),
		"Sprint":      fmt.Sprint(s),
		"Sprintln":    fmt.Sprintln(s),
		"String":      s.String(),
		"struct %v":   fmt.Sprintf("%v", sasl),
		"struct %+v":  fmt.Sprintf("%+v", sasl),
		"struct %#v":  fmt.Sprintf("%#v", sasl),
		"nested %+v":  fmt.Sprintf("%+v", *ctx.SASL),
		"wrapped err": fmt.Errorf("failed with %v: %w", s, errors.New("x")).Error(),
		"json":        string(jsonOut),
		"yaml":        string(yamlOut),
		"slog":        logs.String(),
		"panic":       recovered(func() { panic(s) }),
		"panic %v":    recovered(func() { panic(fmt.Sprintf("%v", sasl)) }),
	}
	for name, out := range outputs {
		if strings.Contains(out, leak) {
			t.Errorf("%s leaks the secret: %q", name, out)
		}
		if strings.Contains(out, fmt.Sprintf("%x", leak)) {
			t.Errorf("%s leaks the secret in hex: %q", name, out)
		}
		if !strings.Contains(out, Masked) {
			t.Errorf("%s does not show the mask: %q", name, out)
		}
	}
	if s.Reveal() != leak {
		t.Errorf("Reveal = %q, want the secret", s.Reveal())
	}
}

func recovered(f func()) (out string) {
	defer func() { out = fmt.Sprint(recover()) }()
	f()
	return ""
}
