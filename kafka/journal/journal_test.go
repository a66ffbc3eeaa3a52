package journal

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// clock returns a Now that advances a millisecond a call from t0.
func clock(t0 time.Time) func() time.Time {
	n := 0
	return func() time.Time {
		n++
		return t0.Add(time.Duration(n) * time.Millisecond)
	}
}

var t0 = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

func entry(group string) Entry {
	return Entry{ClusterID: "c1", Group: group, Kind: KindReset, Command: "reset to earliest",
		Topics: []TopicChange{NewTopicChange("events", map[int32]int64{0: 4}, map[int32]int64{0: 0, 1: 0})}}
}

func TestRecordListGet(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state", "kgroups")
	j := &Journal{Dir: dir, Now: clock(t0)}
	a, err := j.Record(entry("g1"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := j.Record(entry("g2"))
	if err != nil {
		t.Fatal(err)
	}
	if a.ID != "20260301-100000.001" || b.ID != "20260301-100000.002" {
		t.Errorf("IDs %s, %s", a.ID, b.ID)
	}
	list, err := j.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != b.ID || list[1].ID != a.ID {
		t.Fatalf("List = %+v, want newest first", list)
	}
	got := list[1]
	if got.Group != "g1" || got.ClusterID != "c1" || !got.Time.Equal(t0.Add(time.Millisecond)) {
		t.Errorf("read back %+v", got)
	}
	tc := got.Topics[0]
	if fmt.Sprint(tc.Before()) != "map[0:4]" || fmt.Sprint(tc.After()) != "map[0:0 1:0]" {
		t.Errorf("before %v after %v", tc.Before(), tc.After())
	}
	if e, err := j.Get("20260301-100000.00"); err == nil {
		t.Errorf("an ambiguous prefix gave %s", e.ID)
	}
	if e, err := j.Get(a.ID); err != nil || e.Group != "g1" {
		t.Errorf("Get(%s) = %v, %v", a.ID, e.Group, err)
	}
	if e, ok, err := j.Latest("g1"); err != nil || !ok || e.ID != a.ID {
		t.Errorf("Latest(g1) = %s %v %v", e.ID, ok, err)
	}

	// Only the user may read what offsets their groups had.
	for _, name := range []string{dir, filepath.Join(dir, a.ID+".json")} {
		fi, err := os.Stat(name)
		if err != nil {
			t.Fatal(err)
		}
		want := os.FileMode(0o600)
		if fi.IsDir() {
			want = 0o700
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s has mode %v, want %v", name, fi.Mode().Perm(), want)
		}
	}

	// A directory made with wider permissions is made private.
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := j.Record(entry("g4")); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(dir); fi.Mode().Perm() != 0o700 {
		t.Errorf("the journal directory stayed %v", fi.Mode().Perm())
	}

	// Same millisecond: a second ID, after the first.
	j.Now = func() time.Time { return t0.Add(time.Millisecond) }
	c, err := j.Record(entry("g3"))
	if err != nil || c.ID != a.ID+"-2" {
		t.Fatalf("a change in the same millisecond got %q, %v", c.ID, err)
	}
	if list, _ := j.List(); list[1].ID != b.ID || list[2].ID != c.ID || list[3].ID != a.ID {
		t.Errorf("order with a collision: %s, %s, %s", list[1].ID, list[2].ID, list[3].ID)
	}
}

// TestBound records past the limit: the journal never holds more, and
// keeps the newest.
func TestBound(t *testing.T) {
	j := &Journal{Dir: t.TempDir(), Limit: 5, Now: clock(t0)}
	var last Entry
	for i := range 12 {
		var err error
		if last, err = j.Record(entry(fmt.Sprint("g", i))); err != nil {
			t.Fatal(err)
		}
		files, _ := filepath.Glob(filepath.Join(j.Dir, "*"))
		if len(files) > 5 {
			t.Fatalf("after %d changes the journal holds %d files", i+1, len(files))
		}
	}
	list, _ := j.List()
	if len(list) != 5 || list[0].ID != last.ID || list[4].Group != "g7" {
		t.Errorf("kept %d entries, newest %s, oldest %s", len(list), list[0].ID, list[len(list)-1].Group)
	}

	// The default bound is 500 changes.
	d := &Journal{Dir: t.TempDir(), Now: clock(t0.Add(time.Hour))}
	for i := range 500 {
		name := filepath.Join(d.Dir, t0.Add(time.Duration(i)*time.Millisecond).Format(idLayout)+".json")
		if err := os.WriteFile(name, []byte("{}"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := d.Record(entry("new")); err != nil {
		t.Fatal(err)
	}
	list, _ = d.List()
	if len(list) != 500 || list[0].Group != "new" || list[499].ID != t0.Add(time.Millisecond).Format(idLayout) {
		t.Errorf("default bound: %d entries, newest %q, oldest %s", len(list), list[0].Group, list[len(list)-1].ID)
	}
}

// TestCorruptEntry checks that a file that is not an entry gives a clear
// error for that entry while the others stay usable.
func TestCorruptEntry(t *testing.T) {
	j := &Journal{Dir: t.TempDir(), Now: clock(t0)}
	good, _ := j.Record(entry("g1"))
	bad, _ := j.Record(entry("g2"))
	if err := os.WriteFile(filepath.Join(j.Dir, bad.ID+".json"), []byte(`{"id":"`+bad.ID+`","group":`), 0o600); err != nil {
		t.Fatal(err)
	}
	list, err := j.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].Err == nil || list[1].Err != nil || list[1].Group != "g1" {
		t.Fatalf("List = %+v", list)
	}
	if msg := list[0].Err.Error(); !strings.Contains(msg, bad.ID) || !strings.Contains(msg, "corrupt") {
		t.Errorf("corrupt entry error %q names neither the file nor the problem", msg)
	}
	if e, _ := j.Get(bad.ID); e.Err == nil {
		t.Error("Get of the corrupt entry has no error")
	}
	if e, _ := j.Get(good.ID); e.Err != nil {
		t.Errorf("Get of the good entry: %v", e.Err)
	}
	if e, ok, _ := j.Latest(""); !ok || e.ID != good.ID {
		t.Errorf("Latest skips the corrupt entry: got %s", e.ID)
	}
}

// TestRecordFails checks that a journal that cannot be written fails the
// record and leaves no entry: on a full disk and where no directory can be
// made.
func TestRecordFails(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err == nil {
		j := &Journal{Dir: t.TempDir(), Now: func() time.Time { return t0 }}
		id := t0.Format(idLayout)
		if err := os.Symlink("/dev/full", filepath.Join(j.Dir, id+".json.tmp")); err != nil {
			t.Fatal(err)
		}
		if _, err := j.Record(entry("g")); err == nil || !strings.Contains(err.Error(), "no space") {
			t.Errorf("Record on a full disk: %v, want no space left", err)
		}
		if list, _ := j.List(); len(list) != 0 {
			t.Errorf("a failed record left %d entries", len(list))
		}
	}

	file := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	j := &Journal{Dir: filepath.Join(file, "kgroups")}
	if _, err := j.Record(entry("g")); err == nil {
		t.Error("Record under a file succeeded")
	}

	if os.Geteuid() != 0 {
		ro := t.TempDir()
		if err := os.Chmod(ro, 0o500); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(ro, 0o700) })
		if _, err := (&Journal{Dir: ro}).Record(entry("g")); !errors.Is(err, os.ErrPermission) {
			t.Errorf("Record in a read-only directory: %v", err)
		}
	}
}

func TestDefaultDir(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", "/x/state")
	if d, _ := DefaultDir(); d != filepath.Join("/x/state", "kgroups") {
		t.Errorf("with XDG_STATE_HOME: %s", d)
	}
	t.Setenv("XDG_STATE_HOME", "")
	t.Setenv("HOME", "/home/u")
	if d, _ := DefaultDir(); d != filepath.Join("/home/u", ".local", "state", "kgroups") {
		t.Errorf("without XDG_STATE_HOME: %s", d)
	}
}
