package config

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// Entry is one line of the resolved configuration as `kgroups config`
// shows it. Value is already masked: it never holds a secret.
type Entry struct {
	Key    string `json:"key"`
	Value  string `json:"value"`
	Source Source `json:"source"`
}

// Entries lists the resolved configuration in a fixed order, with secrets
// masked and each value's source. Unset values show as "(unset)".
func (r *Resolved) Entries() []Entry {
	var out []Entry
	add := func(key, value string, source Source) {
		out = append(out, Entry{Key: key, Value: value, Source: source})
	}
	path := r.ConfigPath.Value
	switch {
	case r.ConfigIgnored:
		path += " (not used)"
	case !r.ConfigLoaded:
		path += " (not found)"
	}
	add("config", path, r.ConfigPath.Source)
	add("context", orUnset(r.Context.Value), r.Context.Source)
	add("brokers", orUnset(strings.Join(r.Brokers.Value, ",")), r.Brokers.Source)
	add("base", orUnset(r.Base.Value), r.Base.Source)
	add("client-id", orUnset(r.ClientID.Value), r.ClientID.Source)
	add("read-only", strconv.FormatBool(r.ReadOnly.Value), r.ReadOnly.Source)
	add("refresh", durationOrUnset(r.Refresh), r.Refresh.Source)
	add("timeout", durationOrUnset(r.Timeout), r.Timeout.Source)

	ctx := fileSource(r.Context.Value)
	if !r.TLS.On() {
		add("tls", "off", "")
	} else {
		t := r.TLS
		add("tls", "on", ctx)
		add("tls.ca-file", r.shownPath(t.CAFile, "(system roots)"), ctx)
		add("tls.cert-file", r.shownPath(t.CertFile, "(none)"), ctx)
		add("tls.key-file", r.shownPath(t.KeyFile, "(none)"), ctx)
		add("tls.server-name", orDefault(t.ServerName, "(broker host)"), ctx)
		add("tls.insecure-skip-verify", strconv.FormatBool(t.InsecureSkipVerify), ctx)
	}
	if r.SASL == nil {
		add("sasl", "off", "")
	} else {
		add("sasl.mechanism", string(r.SASL.Mechanism), ctx)
		add("sasl.username", r.SASL.Username, ctx)
		add("sasl.password", r.passwordShown(), r.PasswordSource())
	}
	r.registryEntries(add)
	return out
}

// WriteEntries writes entries as an aligned table of key, value and source.
func WriteEntries(w io.Writer, entries []Entry) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "KEY\tVALUE\tSOURCE")
	for _, e := range entries {
		source := e.Source
		if source == "" {
			source = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", e.Key, e.Value, source)
	}
	return tw.Flush()
}

// passwordShown says whether the password can be had, without showing it
// and without prompting.
func (r *Resolved) passwordShown() string {
	s := r.SASL
	switch {
	case s.PasswordEnv != "":
		if v, ok := r.env(s.PasswordEnv); !ok || v == "" {
			return "(not set: " + s.PasswordEnv + " is empty)"
		}
	case s.PasswordFile != "":
		path, err := r.path(s.PasswordFile)
		if err != nil {
			return "(unreadable)"
		}
		if info, err := os.Stat(path); err != nil {
			return "(missing: " + path + ")"
		} else if info.Size() == 0 {
			return "(empty file)"
		}
	case s.PasswordPrompt:
		return "(asked when connecting)"
	}
	return Masked
}

func (r *Resolved) shownPath(p, empty string) string {
	if p == "" {
		return empty
	}
	if abs, err := r.path(p); err == nil {
		return abs
	}
	return p
}

func durationOrUnset(s Setting[time.Duration]) string {
	if s.Source == "" {
		return "(unset)"
	}
	return s.Value.String()
}

func orUnset(s string) string { return orDefault(s, "(unset)") }

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
