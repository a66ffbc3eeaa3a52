package config

import (
	"fmt"
	"strings"
	"testing"
)

const registryFile = `current-context: prod
contexts:
  prod:
    brokers: [kafka-1:9093]
    schema-registry:
      url: https://registry.example.com:8081
      username: kgroups
      password-env: SR_PASSWORD
      tls: {ca-file: ca.pem}
  token:
    brokers: [kafka-1:9093]
    schema-registry: {url: "http://127.0.0.1:8081", bearer-token-env: SR_TOKEN}
  inline:
    brokers: [kafka-1:9093]
    schema-registry: {url: "http://127.0.0.1:8081", username: u, password: hunter2-inline}
  twosources:
    brokers: [kafka-1:9093]
    schema-registry: {url: "http://127.0.0.1:8081", username: u, password: x, password-env: SR_PASSWORD}
`

func resolveRegistry(t *testing.T, context string, flags Layer, env fakeEnv) (*Resolved, error) {
	t.Helper()
	path := writeConfig(t, t.TempDir(), registryFile, 0o600)
	flags.Config = &path
	flags.Context = &context
	return Resolve(Options{Flags: flags, Env: env.lookup, Home: noHome})
}

func TestSchemaRegistryFromContextMaskedInConfig(t *testing.T) {
	env := fakeEnv{"SR_PASSWORD": "s3cret-pass"}
	r, err := resolveRegistry(t, "prod", Layer{}, env)
	if err != nil {
		t.Fatal(err)
	}
	// What kgroups config shows: every entry with its value and source.
	var shown strings.Builder
	for _, e := range r.Entries() {
		fmt.Fprintf(&shown, "%s\t%s\t%s\n", e.Key, e.Value, e.Source)
	}
	out := shown.String()
	want := map[string]Entry{
		"schema-registry":          {"schema-registry", "https://registry.example.com:8081", "file:prod"},
		"schema-registry.username": {"schema-registry.username", "kgroups", "file:prod"},
		"schema-registry.password": {"schema-registry.password", "****", "env SR_PASSWORD"},
	}
	for _, e := range r.Entries() {
		if w, ok := want[e.Key]; ok {
			if e != w {
				t.Errorf("entry %+v, want %+v", e, w)
			}
			delete(want, e.Key)
		}
	}
	if len(want) > 0 {
		t.Errorf("kgroups config lacks %v:\n%s", want, out)
	}
	if strings.Contains(out, "s3cret") || strings.Contains(fmt.Sprintf("%+v %#v", r.SchemaRegistry, r.SchemaRegistry), "s3cret") {
		t.Fatalf("the password shows:\n%s", out)
	}
	opt, ok, err := r.RegistryOptions()
	if err == nil || ok {
		t.Fatalf("a missing ca.pem should fail: %v", err)
	}
	_ = opt
}

func TestSchemaRegistryOptions(t *testing.T) {
	r, err := resolveRegistry(t, "token", Layer{}, fakeEnv{"SR_TOKEN": "tok"})
	if err != nil {
		t.Fatal(err)
	}
	opt, ok, err := r.RegistryOptions()
	if err != nil || !ok || opt.URL != "http://127.0.0.1:8081" || opt.BearerToken != "tok" || opt.Username != "" {
		t.Fatalf("%+v %v %v", opt, ok, err)
	}

	// The flag (or KGROUPS_SCHEMA_REGISTRY) wins over the file's URL; the
	// context's credentials still apply.
	r, err = resolveRegistry(t, "inline", Layer{SchemaRegistry: ptr("http://other:8081")}, fakeEnv{})
	if err != nil {
		t.Fatal(err)
	}
	opt, ok, err = r.RegistryOptions()
	if err != nil || !ok || opt.URL != "http://other:8081" || opt.Username != "u" || opt.Password != "hunter2-inline" {
		t.Fatalf("%+v %v %v", opt, ok, err)
	}
	if r.SchemaRegistryURL.Source != "flag --schema-registry" {
		t.Fatalf("source %q", r.SchemaRegistryURL.Source)
	}
	r, err = resolveRegistry(t, "inline", Layer{}, fakeEnv{EnvSchemaRegistry: "http://env:8081"})
	if err != nil || r.SchemaRegistryURL.Value != "http://env:8081" || r.SchemaRegistryURL.Source != "env "+EnvSchemaRegistry {
		t.Fatalf("%+v %v", r.SchemaRegistryURL, err)
	}

	// No registry anywhere: off.
	r, err = Resolve(Options{Env: fakeEnv{}.lookup, Home: noHome})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := r.RegistryOptions(); ok {
		t.Fatal("a registry without any configured")
	}
}

func TestSchemaRegistryErrors(t *testing.T) {
	if _, err := resolveRegistry(t, "twosources", Layer{}, fakeEnv{}); err == nil || !strings.Contains(err.Error(), "keep exactly one password source") {
		t.Fatalf("two sources: %v", err)
	}
	if _, err := resolveRegistry(t, "token", Layer{SchemaRegistry: ptr("registry:8081")}, fakeEnv{}); err == nil || !strings.Contains(err.Error(), "--schema-registry") {
		t.Fatalf("bad URL: %v", err)
	}
	r, err := resolveRegistry(t, "prod", Layer{}, fakeEnv{})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := r.RegistryOptions(); err == nil || !strings.Contains(err.Error(), "SR_PASSWORD is not set") {
		t.Fatalf("unset password env: %v", err)
	}
}
