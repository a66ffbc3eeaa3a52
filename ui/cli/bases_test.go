package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestBasesAndLagWithoutBase lists the bases with their group counts, and
// checks that lag without --base uses the only base, and with several
// fails with a usage error naming them.
func TestBasesAndLagWithoutBase(t *testing.T) {
	f := newOpsFixture(t)
	t.Setenv(envReadOnly, "")

	r := kgroups(t, "lag", "--brokers", f.brokers)
	mustSucceed(t, r)
	if !strings.HasPrefix(r.stdout, "base b: 2 group(s), total lag 11") {
		t.Errorf("lag without --base did not use the only base b:\n%s", r.stdout)
	}

	f.commit(t, "other-"+opsTopic, map[int32]int64{0: 1})
	f.commit(t, "other-"+opsTopic+"-x", map[int32]int64{0: 1})
	f.commit(t, "third-"+opsTopic, map[int32]int64{0: 1})

	r = kgroups(t, "bases", "--brokers", f.brokers)
	mustSucceed(t, r)
	if want := "BASE   GROUPS\nb      2\nother  2\nthird  1\n"; r.stdout != want {
		t.Errorf("bases:\n%s\nwant:\n%s", r.stdout, want)
	}
	r = kgroups(t, "bases", "--brokers", f.brokers, "-o", "json")
	mustSucceed(t, r)
	var rep struct {
		Bases []struct {
			Base   string `json:"base"`
			Groups int    `json:"groups"`
		} `json:"bases"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Bases) != 3 || rep.Bases[0].Base != "b" || rep.Bases[0].Groups != 2 || rep.Bases[2].Base != "third" {
		t.Errorf("bases -o json = %+v", rep.Bases)
	}

	r = kgroups(t, "lag", "--brokers", f.brokers)
	if r.code != ExitUsage {
		t.Fatalf("lag without --base on 3 bases: exit %d, want %d:\n%s", r.code, ExitUsage, r.stderr)
	}
	for _, want := range []string{"--base", "b (2 group(s)), other (2 group(s)), third (1 group(s))"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, r.stderr)
		}
	}
	if r.stdout != "" {
		t.Errorf("stdout on a usage error:\n%s", r.stdout)
	}
}
