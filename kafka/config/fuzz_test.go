package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// passwordLine finds what is typed after a "password:" key, block or flow style.
var passwordLine = regexp.MustCompile(`password[ \t]*:[ \t]*([^\n]*)`)

// typedPasswords returns the texts typed as password values in doc, in the
// forms an error could quote them: the rest of the line, the flow-style value
// and both without YAML's quotes, alias, anchor and tag marks.
func typedPasswords(doc []byte) []string {
	var out []string
	for _, m := range passwordLine.FindAllSubmatch(doc, -1) {
		rest := string(m[1])
		if i := strings.Index(rest, " #"); i >= 0 {
			rest = rest[:i]
		}
		flow := rest
		if i := strings.IndexAny(flow, ",}]"); i >= 0 {
			flow = flow[:i]
		}
		for _, v := range []string{rest, flow} {
			v = strings.TrimSpace(v)
			out = append(out, v, strings.Trim(v, `"'*&!|>`+" \t"))
		}
	}
	return out
}

// rotate returns s with each ASCII letter and digit replaced by the next one,
// so it has the same shape in YAML and none of the same words.
func rotate(s string) string {
	b := []byte(s)
	for i, c := range b {
		switch {
		case c >= 'a' && c <= 'z':
			b[i] = 'a' + (c-'a'+1)%26
		case c >= 'A' && c <= 'Z':
			b[i] = 'A' + (c-'A'+1)%26
		case c >= '0' && c <= '9':
			b[i] = '0' + (c-'0'+1)%10
		}
	}
	return string(b)
}

// echoes reports whether out quotes secret because of the input rather than
// by coincidence: with every occurrence of secret in doc rotated, out2 (the
// same output for the rotated doc) no longer contains it.
func echoes(out, secret string, doc []byte, render func([]byte) string) bool {
	if len(secret) < 4 || !strings.Contains(out, secret) || bytes.Count(doc, []byte(secret)) != 1 {
		return false
	}
	return !strings.Contains(render(bytes.ReplaceAll(doc, []byte(secret), []byte(rotate(secret)))), secret)
}

func parseError(doc []byte) string {
	if _, err := Parse(doc); err != nil {
		return err.Error()
	}
	return ""
}

// printed renders f every way it could reach output: fmt verbs, JSON, YAML.
func printed(f *File) string {
	var b strings.Builder
	for _, name := range f.ContextNames() {
		c := f.Contexts[name]
		fmt.Fprintf(&b, "%v %+v %#v\n", *c, *c, *c)
		if c.SASL != nil {
			s := *c.SASL
			fmt.Fprintf(&b, "%v %+v %#v %s %q %x %d %10s\n", s, s, s, s.Password, s.Password, s.Password, s.Password, s.Password)
		}
	}
	if j, err := json.Marshal(f); err == nil {
		b.Write(j)
	}
	if y, err := yaml.Marshal(f); err == nil {
		b.Write(y)
	}
	return b.String()
}

func printedFile(doc []byte) string {
	f, err := Parse(doc)
	if err != nil {
		return ""
	}
	return printed(f)
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(fullFile))
	f.Add([]byte("contexts:\n  prod:\n    sasl: {mechanism: PLAIN, username: u, password: hunter2-secret}\n"))
	f.Add([]byte("contexts:\n  prod:\n    sasl:\n      password: [hunter2-secret]\n"))
	f.Add([]byte("contexts:\n  prod:\n    sasl:\n      password: *hunter2-secret\n"))
	f.Add([]byte("contexts:\n  prod:\n    sasl:\n      password: !!binary hunter2-secret\n"))
	f.Add([]byte("contexts:\n  prod:\n    sasl:\n      passwrd: hunter2-secret\n      password: \"x\n"))
	f.Add([]byte("contexts:\n  prod:\n    timeout: hunter2-secret\n    brokers: {hunter2-secret: 1}\n"))
	f.Add([]byte("contexts:\n  \" \": {}\n"))
	f.Add([]byte("contexts:\n  p: &a\n    base: *a\n"))
	f.Add([]byte("\xff\xfe\x00"))
	f.Fuzz(func(t *testing.T, doc []byte) {
		file, err := Parse(doc)
		if err != nil {
			if file != nil {
				t.Fatalf("Parse returned a file and the error %v", err)
			}
			for _, secret := range typedPasswords(doc) {
				if echoes(err.Error(), secret, doc, parseError) {
					t.Fatalf("the error %q quotes the password %q", err, secret)
				}
			}
			return
		}
		for name, c := range file.Contexts {
			if strings.TrimSpace(name) == "" || c == nil {
				t.Fatalf("context %q: %v", name, c)
			}
		}
		out := printed(file)
		for _, c := range file.Contexts {
			if c.SASL == nil {
				continue
			}
			if secret := c.SASL.Password.Reveal(); echoes(out, secret, doc, printedFile) {
				t.Fatalf("printing the file shows the password %q: %s", secret, out)
			}
		}
	})
}
