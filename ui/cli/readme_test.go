package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/charmbracelet/bubbles/key"

	"github.com/kgroups/kgroups/kafka/demo"
	"github.com/kgroups/kgroups/keymap"
	"github.com/kgroups/kgroups/model"
)

var updateReadme = flag.Bool("update-readme", false, "rewrite the README's example outputs and key map from the real program")

// The README is read from the repository root: the tests change into it so
// that paths in the README's commands (docs/config.example.yaml) resolve as
// they do for a reader in a checkout.
const (
	readmeFile        = "README.md"
	configExampleFile = "docs/config.example.yaml"
	keymapBegin       = "<!-- keymap:begin (generated from keymap.DefaultKeyMap by go test ./ui/cli -run TestReadme -args -update-readme) -->"
	keymapEnd         = "<!-- keymap:end -->"
)

// mdBlock is a fenced code block of the README.
type mdBlock struct {
	lang  string
	line  int // 1-based line of the opening fence
	first int // index in the file's lines of the first content line
	lines []string
}

// readmeBlocks returns the fenced code blocks of a Markdown document.
func readmeBlocks(lines []string) []mdBlock {
	var blocks []mdBlock
	for i := 0; i < len(lines); i++ {
		if !strings.HasPrefix(lines[i], "```") {
			continue
		}
		b := mdBlock{lang: strings.TrimSpace(strings.TrimPrefix(lines[i], "```")), line: i + 1, first: i + 1}
		for i++; i < len(lines) && strings.TrimSpace(lines[i]) != "```"; i++ {
			b.lines = append(b.lines, lines[i])
		}
		blocks = append(blocks, b)
	}
	return blocks
}

// shellCommand is one command line of the README.
type shellCommand struct {
	line     int      // 1-based line in the README
	env      []string // NAME=value assignments before the command
	args     []string // the words, program first; redirections and pipes cut
	exitCode int      // from a trailing "# exit N" comment; 0 without
	output   []string // the output shown under it (console blocks), nil if none
	outFirst int      // index in the README's lines of the first output line
}

var (
	exitComment = regexp.MustCompile(`#\s*exit\s+(\d+)\s*$`)
	envAssign   = regexp.MustCompile(`^[A-Z_][A-Z0-9_]*=`)
)

// parseCommandLine splits a shell line into words with single and double
// quotes, stopping at an unquoted comment, redirection or pipe.
func parseCommandLine(s string) (env, args []string, exit int, err error) {
	if m := exitComment.FindStringSubmatch(s); m != nil {
		exit, _ = strconv.Atoi(m[1])
	}
	var words []string
	var cur strings.Builder
	inWord := false
	end := func() {
		if inWord {
			words = append(words, cur.String())
		}
		cur.Reset()
		inWord = false
	}
scan:
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\'' || c == '"':
			j := strings.IndexByte(s[i+1:], c)
			if j < 0 {
				return nil, nil, 0, fmt.Errorf("unterminated quote in %q", s)
			}
			cur.WriteString(s[i+1 : i+1+j])
			inWord = true
			i += j + 1
		case c == ' ' || c == '\t':
			end()
		case (c == '#' && !inWord) || c == '>' || c == '|' || c == '<' || c == ';' || c == '&':
			break scan
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	end()
	for len(words) > 0 && envAssign.MatchString(words[0]) {
		env = append(env, words[0])
		words = words[1:]
	}
	return env, words, exit, nil
}

// readmeCommands returns every command line of the README's sh and console
// blocks: in a console block, lines starting with "$ " are commands and the
// lines under them their output; in an sh block every line is a command.
func readmeCommands(t *testing.T, blocks []mdBlock) []shellCommand {
	t.Helper()
	var cmds []shellCommand
	for _, b := range blocks {
		if b.lang != "sh" && b.lang != "console" {
			continue
		}
		for i, l := range b.lines {
			text := l
			if b.lang == "console" {
				var ok bool
				if text, ok = strings.CutPrefix(l, "$ "); !ok {
					if len(cmds) == 0 || cmds[len(cmds)-1].line < b.line {
						t.Errorf("README.md:%d: console block starts with output, not a $ command", b.first+i+1)
					} else {
						cmds[len(cmds)-1].output = append(cmds[len(cmds)-1].output, l)
					}
					continue
				}
			}
			if strings.TrimSpace(text) == "" || strings.HasPrefix(strings.TrimSpace(text), "#") {
				continue
			}
			env, args, exit, err := parseCommandLine(text)
			if err != nil {
				t.Errorf("README.md:%d: %v", b.first+i+1, err)
				continue
			}
			cmds = append(cmds, shellCommand{line: b.first + i + 1, env: env, args: args, exitCode: exit, outFirst: b.first + i + 1})
		}
	}
	return cmds
}

// chdirRoot moves the test into the repository root.
func chdirRoot(t *testing.T) {
	t.Helper()
	t.Chdir(filepath.Join("..", ".."))
	if _, err := os.Stat("go.mod"); err != nil {
		t.Fatal("not at the repository root:", err)
	}
}

// TestReadme runs every command the README shows, the way a reader would,
// and compares the output it shows with what the command prints now.
// kgroups commands run in process; each --demo gets a fresh frozen demo
// cluster (no producer) whose records lead up to demo.SeedBase, with the
// clock stopped there, so outputs are stable. With -update-readme the shown
// outputs and the key map are rewritten (see regenerated).
func TestReadme(t *testing.T) {
	chdirRoot(t)
	raw, err := os.ReadFile(readmeFile)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(raw), "\n")
	blocks := readmeBlocks(lines)
	cmds := readmeCommands(t, blocks)
	if len(cmds) < 10 {
		t.Fatalf("found only %d commands in %s", len(cmds), readmeFile)
	}

	replacements := map[int][]string{} // first output line → new output lines
	for _, c := range cmds {
		name := fmt.Sprintf("line%d_%s", c.line, strings.Join(c.args, "_"))
		t.Run(safeName(name), func(t *testing.T) {
			got, checked := checkCommand(t, c)
			if !checked || c.output == nil {
				return
			}
			if sameOutput(c.output, got) {
				return
			}
			if committingConsume(c.args) && c.exitCode == 0 {
				// Which partition a group consumer is served first is the
				// brokers' choice: compare the records' shape, not which
				// records they are.
				if err := sameRecordShape(c.output, got); err != nil {
					t.Errorf("README.md:%d: the records shown for %q do not look like the real ones: %v\n--- shown\n%s\n--- real\n%s",
						c.line, strings.Join(c.args, " "), err, strings.Join(c.output, "\n"), strings.Join(got, "\n"))
				}
				return
			}
			if *updateReadme {
				if repl, ok := regenerated(c.output, got); ok {
					replacements[c.outFirst] = repl
					return
				}
			}
			t.Errorf("README.md:%d: the output shown for %q differs from the real one (go test ./ui/cli -run TestReadme -args -update-readme rewrites it unless it elides lines inside with ...):\n--- shown\n%s\n--- real\n%s",
				c.line, strings.Join(c.args, " "), strings.Join(c.output, "\n"), strings.Join(got, "\n"))
		})
	}

	if *updateReadme {
		var out []string
		var skipTo int
		cmdAt := map[int]shellCommand{}
		for _, c := range cmds {
			cmdAt[c.outFirst] = c
		}
		for i := 0; i < len(lines); i++ {
			if i < skipTo {
				continue
			}
			out = append(out, lines[i])
			if repl, ok := replacements[i+1]; ok {
				out = append(out, repl...)
				skipTo = i + 1 + len(cmdAt[i+1].output)
			}
		}
		updated := replaceKeymap(t, strings.Join(out, "\n"))
		if updated != string(raw) {
			if err := os.WriteFile(readmeFile, []byte(updated), 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("rewrote %s", readmeFile)
		}
	}
}

// committingConsume reports whether args are a consume that joins its
// group (not a peek).
func committingConsume(args []string) bool {
	return len(args) > 1 && slices.Contains(args, "consume") && !slices.Contains(args, "--peek")
}

// sameRecordShape checks that two jsonl outputs have as many records, each
// with the same fields and topic, and distinct positions.
func sameRecordShape(shown, real []string) error {
	if len(shown) != len(real) {
		return fmt.Errorf("%d records shown, %d read", len(shown), len(real))
	}
	seen := map[string]bool{}
	for i := range shown {
		var a, b map[string]any
		if err := json.Unmarshal([]byte(shown[i]), &a); err != nil {
			return fmt.Errorf("shown line %d: %v", i+1, err)
		}
		if err := json.Unmarshal([]byte(real[i]), &b); err != nil {
			return fmt.Errorf("real line %d: %v", i+1, err)
		}
		if !slices.Equal(slices.Sorted(maps.Keys(a)), slices.Sorted(maps.Keys(b))) {
			return fmt.Errorf("line %d: fields %v, real %v", i+1, slices.Sorted(maps.Keys(a)), slices.Sorted(maps.Keys(b)))
		}
		if a["topic"] != b["topic"] {
			return fmt.Errorf("line %d: topic %v, real %v", i+1, a["topic"], b["topic"])
		}
		pos := fmt.Sprint(b["partition"], "@", b["offset"])
		if seen[pos] {
			return fmt.Errorf("record %s read twice", pos)
		}
		seen[pos] = true
	}
	return nil
}

// regenerated is the output to show in place of shown: the real output,
// or for an output that starts with "..." and elides nothing else, "..."
// and the real output's last paragraph (the last sample of a watch). Other
// elisions are left for a person to redo.
func regenerated(shown, real []string) ([]string, bool) {
	switch n := len(slices.DeleteFunc(slices.Clone(shown), func(l string) bool { return !isElision(l) })); {
	case n == 0:
		return real, true
	case n == 1 && isElision(shown[0]):
		last := 0
		for i, l := range real {
			if l == "" {
				last = i + 1
			}
		}
		return append([]string{"..."}, real[last:]...), true
	default:
		return nil, false
	}
}

// checkCommand runs or checks one README command and returns the combined
// stdout and stderr lines of a kgroups command (checked is false for the
// others).
func checkCommand(t *testing.T, c shellCommand) (out []string, checked bool) {
	t.Helper()
	if len(c.args) == 0 {
		t.Fatalf("README.md:%d: empty command", c.line)
	}
	switch {
	case c.args[0] == "kgroups":
		return runReadmeKgroups(t, c), true
	case len(c.args) >= 2 && c.args[0] == "go" && c.args[1] == "run":
		if len(c.args) < 3 || c.args[2] != "." {
			t.Fatalf("README.md:%d: go run of %v: only the root package is kgroups", c.line, c.args[2:])
		}
		runReadmeKgroups(t, shellCommand{line: c.line, env: c.env, args: append([]string{"kgroups"}, c.args[3:]...), exitCode: c.exitCode})
	case len(c.args) >= 2 && c.args[0] == "go" && c.args[1] == "install":
		checkGoInstall(t, c)
	case len(c.args) >= 2 && c.args[0] == "go" && (c.args[1] == "test" || c.args[1] == "vet"):
		checkGoTest(t, c)
	default:
		t.Fatalf("README.md:%d: no test knows how to check %q; show it in a text block or teach TestReadme", c.line, strings.Join(c.args, " "))
	}
	return nil, false
}

// commandsNeedingCluster are the kgroups commands that connect.
var commandsNeedingCluster = []string{"lag", "consume", "tail", "reset", "create", "delete", "bases", "export", "undo"}

// runReadmeKgroups runs a kgroups command line in process and checks its
// exit code. Commands that connect run against a fresh frozen demo cluster
// in place of --demo or of the --brokers they name. The terminal UI is only
// checked to start: its flags and settings resolve, then it stops because
// the test has no terminal.
func runReadmeKgroups(t *testing.T, c shellCommand) []string {
	t.Helper()
	// Only the README's own variables count, and no configuration file
	// is found unless the command names one.
	for _, v := range []string{envBrokers, envBase, envReadOnly, envContext, envConfig} {
		t.Setenv(v, "")
	}
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	for _, e := range c.env {
		name, value, _ := strings.Cut(e, "=")
		t.Setenv(name, value)
	}

	args := slices.Clone(c.args[1:])
	root := newRootCommand(&app{})
	// Execute adds these lazily; Find must see them.
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd(args...)
	sub, _, err := root.Find(args)
	if err != nil {
		t.Fatalf("README.md:%d: %v", c.line, err)
	}
	tui := sub == root
	demoCmd := sub.Name() == "demo"
	watch := slices.Contains(args, "--watch")

	now := demo.SeedBase
	if watch {
		// Watch samples are timed by the wall clock; ages must agree.
		now = time.Now()
	}
	if slices.Contains(commandsNeedingCluster, sub.Name()) {
		named := slices.ContainsFunc(args, func(a string) bool {
			return a == "--demo" || a == "--brokers" || strings.HasPrefix(a, "--brokers=")
		}) || slices.ContainsFunc(c.env, func(e string) bool { return strings.HasPrefix(e, envBrokers+"=") })
		if !named {
			t.Fatalf("README.md:%d: %s would connect to whatever cluster the reader has; give it --demo or --brokers", c.line, strings.Join(c.args, " "))
		}
		if watch && !slices.ContainsFunc(args, func(a string) bool { return strings.HasPrefix(a, "--count") }) {
			t.Fatalf("README.md:%d: a --watch example needs --count to end", c.line)
		}
		args = withDemoBrokers(t, args, c.env, now)
	}
	if demoCmd && !slices.ContainsFunc(args, func(a string) bool { return strings.HasPrefix(a, "--ports") }) {
		args = append(args, "--ports", "0,0,0") // the default ports may be taken on this machine
	}

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out syncBuffer
	a := &app{stdin: strings.NewReader(""), stdout: &out, stderr: &out, now: func() time.Time { return now }}
	done := make(chan int, 1)
	go func() { done <- run(ctx, a, args) }()
	if demoCmd {
		// It serves until interrupted: interrupt it once it has said where.
		waitFor(t, &out, "Ctrl-C to stop", done)
		cancel()
	}
	code := <-done
	lines := outputLines(out.String())

	want := c.exitCode
	if tui {
		// Exit 1 with this message means the flags parsed and the
		// settings resolved; a usage error would exit 2.
		if want == 0 {
			want = ExitError
		}
		if !strings.Contains(out.String(), "needs a terminal") {
			t.Errorf("README.md:%d: %s did not get as far as opening the terminal UI:\n%s", c.line, strings.Join(c.args, " "), out.String())
		}
	}
	if code != want {
		t.Errorf("README.md:%d: %s exited %d, want %d:\n%s", c.line, strings.Join(c.args, " "), code, want, out.String())
	}
	return lines
}

// withDemoBrokers starts a frozen demo cluster for one command and points
// the command at it: --demo becomes --brokers (with the demo's base unless
// --base is given, and its schema registry) and a --brokers or
// --schema-registry value or KGROUPS_BROKERS is replaced.
func withDemoBrokers(t *testing.T, args, env []string, now time.Time) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	d, err := demo.Start(ctx, demo.Options{NoProducer: true, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatalf("start demo: %v", err)
	}
	t.Cleanup(d.Close)
	brokers := strings.Join(d.Brokers(), ",")

	var out []string
	hasBase := false
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "--demo":
			out = append(out, "--brokers", brokers)
			if !slices.Contains(args, "--schema-registry") {
				out = append(out, "--schema-registry", d.RegistryURL())
			}
		case a == "--schema-registry" && i+1 < len(args):
			out = append(out, a, d.RegistryURL())
			i++
		case a == "--brokers" && i+1 < len(args):
			out = append(out, a, brokers)
			i++
		case strings.HasPrefix(a, "--brokers="):
			out = append(out, "--brokers="+brokers)
		default:
			hasBase = hasBase || a == "--base" || strings.HasPrefix(a, "--base=")
			out = append(out, a)
		}
	}
	if slices.Contains(args, "--demo") && !hasBase {
		out = append(out, "--base", demo.Base)
	}
	for _, e := range env {
		if strings.HasPrefix(e, envBrokers+"=") {
			t.Setenv(envBrokers, brokers)
		}
	}
	return out
}

// waitFor polls out until it contains s, failing if the command ends first
// or the deadline passes.
func waitFor(t *testing.T, out *syncBuffer, s string, done chan int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(out.String(), s) {
		select {
		case code := <-done:
			done <- code
			t.Fatalf("ended (exit %d) before printing %q:\n%s", code, s, out.String())
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %q after 30s:\n%s", s, out.String())
		}
	}
}

// outputLines splits output into lines without the final newline.
func outputLines(s string) []string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return []string{}
	}
	return strings.Split(s, "\n")
}

// Volatile parts of outputs: loopback ports differ on every run, and watch
// samples carry the wall clock, so do the seconds of the ages they show
// (the other outputs run on a stopped clock, and their goldens pin the
// seconds).
var (
	loopbackPort = regexp.MustCompile(`127\.0\.0\.1:\d+`)
	clockAtStart = regexp.MustCompile(`^\d\d:\d\d:\d\d `)
	ageSeconds   = regexp.MustCompile(`\b(\d+m)\d\ds\b`)
)

func normalizeLine(s string) string {
	s = loopbackPort.ReplaceAllString(s, "127.0.0.1:PORT")
	s = clockAtStart.ReplaceAllString(s, "HH:MM:SS ")
	s = ageSeconds.ReplaceAllString(s, "${1}SSs")
	return strings.TrimRight(s, " ")
}

func isElision(line string) bool { return strings.TrimSpace(line) == "..." }

// sameOutput compares shown output with real output after normalizing
// both; a shown line "..." (any indentation) stands for any number of real
// lines.
func sameOutput(shown, real []string) bool {
	if len(shown) == 0 {
		return len(real) == 0
	}
	if isElision(shown[0]) {
		for skip := 0; skip <= len(real); skip++ {
			if sameOutput(shown[1:], real[skip:]) {
				return true
			}
		}
		return false
	}
	return len(real) > 0 && normalizeLine(shown[0]) == normalizeLine(real[0]) && sameOutput(shown[1:], real[1:])
}

// checkGoInstall checks that `go install MODULE@VERSION` names this
// module, whose root package is the kgroups command.
func checkGoInstall(t *testing.T, c shellCommand) {
	t.Helper()
	if len(c.args) != 3 {
		t.Fatalf("README.md:%d: want go install MODULE@VERSION, got %q", c.line, strings.Join(c.args, " "))
	}
	path, _, _ := strings.Cut(c.args[2], "@")
	mod, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	if m := regexp.MustCompile(`(?m)^module\s+(\S+)`).FindSubmatch(mod); m == nil || string(m[1]) != path {
		t.Errorf("README.md:%d: go install %s, but go.mod declares module %s", c.line, path, m[1])
	}
	f, err := parser.ParseFile(token.NewFileSet(), "main.go", nil, parser.PackageClauseOnly)
	if err != nil {
		t.Fatal(err)
	}
	if f.Name.Name != "main" {
		t.Errorf("main.go is package %s: go install %s would not build a command", f.Name.Name, path)
	}
	if filepath.Base(path) != "kgroups" {
		t.Errorf("go install %s installs a binary named %s, not kgroups", path, filepath.Base(path))
	}
}

// checkGoTest checks a go test or go vet line: the whole-module checks must
// be what CI runs, and a targeted run must name tests or benchmarks that
// exist in the packages it names.
func checkGoTest(t *testing.T, c shellCommand) {
	t.Helper()
	line := strings.Join(c.args, " ")
	ci, err := os.ReadFile(filepath.Join(".ci", "run"))
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(c.args, "./...") {
		if !bytes.Contains(ci, []byte(line)) {
			t.Errorf("README.md:%d: %q is not what .ci/run runs", c.line, line)
		}
		return
	}
	var pkgs []string
	runPattern, benchPattern := "", ""
	for i := 2; i < len(c.args); i++ {
		switch a := c.args[i]; {
		case a == "-args":
			i = len(c.args)
		case a == "-run" && i+1 < len(c.args):
			runPattern = c.args[i+1]
			i++
		case a == "-bench" && i+1 < len(c.args):
			benchPattern = c.args[i+1]
			i++
		case strings.HasPrefix(a, "./"):
			pkgs = append(pkgs, a)
		}
	}
	if len(pkgs) == 0 {
		t.Fatalf("README.md:%d: %q names no package", c.line, line)
	}
	var funcs []string
	for _, p := range pkgs {
		files, _ := filepath.Glob(filepath.Join(p, "*_test.go"))
		if len(files) == 0 {
			t.Errorf("README.md:%d: %s has no tests", c.line, p)
		}
		for _, f := range files {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range regexp.MustCompile(`(?m)^func ((?:Test|Benchmark)\w*)\(`).FindAllSubmatch(src, -1) {
				funcs = append(funcs, string(m[1]))
			}
		}
	}
	matches := func(pattern, prefix string) bool {
		re, err := regexp.Compile(pattern)
		if err != nil {
			t.Fatalf("README.md:%d: bad pattern %q: %v", c.line, pattern, err)
		}
		return slices.ContainsFunc(funcs, func(f string) bool { return strings.HasPrefix(f, prefix) && re.MatchString(f) })
	}
	if runPattern != "" && runPattern != "^$" && !matches(runPattern, "Test") {
		t.Errorf("README.md:%d: -run %s matches no test in %v", c.line, runPattern, pkgs)
	}
	if benchPattern != "" && !matches(benchPattern, "Benchmark") {
		t.Errorf("README.md:%d: -bench %s matches no benchmark in %v", c.line, benchPattern, pkgs)
	}
}

func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, s)
}

// keymapViews names the views of keymap.KeyMap as the README calls them;
// a view not listed here is named after its field.
var keymapViews = map[string]string{
	"Global":     "every view (dialogs list their own keys)",
	"List":       "lists",
	"Bases":      "base picker",
	"Topics":     "topics",
	"Groups":     "groups",
	"Partitions": "partitions",
	"Batch":      "batch",
	"Dialog":     "dialogs",
	"Ops":        "offset dialogs",
	"Filter":     "filter and search",
	"Input":      "text fields",
}

// keyNames are how the help text spells some keys.
var keyNames = map[string]string{"up": "↑", "down": "↓", "left": "←", "right": "→", "pgdown": "pgdn", " ": "space"}

// keymapTable renders keymap.DefaultKeyMap as a Markdown table: one row per
// key and action, with the views it works in. Bindings without help text
// are listed only for text fields, which document nothing else.
func keymapTable() string {
	type row struct {
		keys, action string
		views        []string
	}
	var rows []*row
	index := map[string]*row{}
	km := reflect.ValueOf(keymap.DefaultKeyMap())
	for i := range km.NumField() {
		viewField := km.Type().Field(i)
		view := keymapViews[viewField.Name]
		if view == "" {
			view = strings.ToLower(viewField.Name)
		}
		v := km.Field(i)
		for j := range v.NumField() {
			b, ok := v.Field(j).Interface().(key.Binding)
			if !ok || len(b.Keys()) == 0 {
				continue
			}
			keys, action := b.Help().Key, b.Help().Desc
			if keys == "" {
				if viewField.Name != "Input" {
					continue
				}
				keys, action = "", humanize(v.Type().Field(j).Name)
			}
			cell := keyCell(keys, b.Keys())
			id := cell + "\x00" + action
			r := index[id]
			if r == nil {
				r = &row{keys: cell, action: action}
				index[id] = r
				rows = append(rows, r)
			}
			if !slices.Contains(r.views, view) {
				r.views = append(r.views, view)
			}
		}
	}
	var b strings.Builder
	b.WriteString("| Key | Action | Where |\n|---|---|---|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %s | %s |\n", r.keys, mdEscape(r.action), strings.Join(r.views, ", "))
	}
	return b.String()
}

// keyCell shows the help's spelling of a binding's keys, plus the keys it
// does not mention.
func keyCell(help string, keys []string) string {
	var parts []string
	if help != "" {
		parts = append(parts, "`"+help+"`")
	}
	mentioned := strings.Split(help, "/")
	for _, k := range keys {
		name := k
		if n, ok := keyNames[k]; ok {
			name = n
		}
		if help != "" && (slices.Contains(mentioned, name) || slices.Contains(mentioned, k) || help == name) {
			continue
		}
		if help != "" && strings.Contains(help, name) && len([]rune(name)) == 1 && !unicode.IsLetter([]rune(name)[0]) {
			continue // "←/→" covers both arrows, "↑/↓" both
		}
		parts = append(parts, "`"+k+"`")
	}
	return strings.Join(parts, " ")
}

// humanize turns a field name such as DeleteWordBack into "delete word back".
func humanize(name string) string {
	var b strings.Builder
	for i, r := range name {
		if unicode.IsUpper(r) && i > 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

func mdEscape(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// readmeKeymap returns the README's generated key map section.
func readmeKeymap(t *testing.T, readme string) (before, table, after string) {
	t.Helper()
	start := strings.Index(readme, keymapBegin)
	end := strings.Index(readme, keymapEnd)
	if start < 0 || end < start {
		t.Fatalf("%s lacks the key map markers %q … %q", readmeFile, keymapBegin, keymapEnd)
	}
	return readme[:start+len(keymapBegin)], readme[start+len(keymapBegin) : end], readme[end:]
}

// replaceKeymap puts the generated key map between the README's markers.
func replaceKeymap(t *testing.T, readme string) string {
	t.Helper()
	before, _, after := readmeKeymap(t, readme)
	return before + "\n" + keymapTable() + after
}

// TestReadmeKeymap checks that the README's key map table is the one
// generated from keymap.DefaultKeyMap, and that every binding with help
// text appears in it with its key and action.
func TestReadmeKeymap(t *testing.T) {
	chdirRoot(t)
	raw, err := os.ReadFile(readmeFile)
	if err != nil {
		t.Fatal(err)
	}
	_, table, _ := readmeKeymap(t, string(raw))
	if *updateReadme {
		return // TestReadme rewrites it
	}
	if strings.TrimSpace(table) != strings.TrimSpace(keymapTable()) {
		t.Errorf("the README's key map differs from keymap.DefaultKeyMap (go test ./ui/cli -run TestReadme -args -update-readme rewrites it):\n--- README\n%s\n--- generated\n%s", table, keymapTable())
	}
	km := reflect.ValueOf(keymap.DefaultKeyMap())
	for i := range km.NumField() {
		v := km.Field(i)
		for j := range v.NumField() {
			b, ok := v.Field(j).Interface().(key.Binding)
			if !ok || b.Help().Key == "" {
				continue
			}
			row := "| `" + b.Help().Key + "`"
			found := false
			for l := range strings.Lines(table) {
				if strings.HasPrefix(l, row) && strings.Contains(l, "| "+mdEscape(b.Help().Desc)+" |") {
					found = true
				}
			}
			if !found {
				t.Errorf("%s.%s (%s: %s) is not in the README's key map", km.Type().Field(i).Name, v.Type().Field(j).Name, b.Help().Key, b.Help().Desc)
			}
		}
	}
}

// TestReadmeNaming checks the README's table of group names against the
// parser, with the demo cluster's topics.
func TestReadmeNaming(t *testing.T) {
	chdirRoot(t)
	raw, err := os.ReadFile(readmeFile)
	if err != nil {
		t.Fatal(err)
	}
	topics := model.NewTopicSet([]string{demo.SpentTopic, demo.UserEventsTopic, demo.OrdersTopic})
	row := regexp.MustCompile("^\\| `(" + regexp.QuoteMeta(demo.Base) + "-[^`]*)` \\| (.*?) \\| (.*?) \\|$")
	n := 0
	for l := range strings.Lines(string(raw)) {
		m := row.FindStringSubmatch(strings.TrimRight(l, "\n"))
		if m == nil {
			continue
		}
		n++
		id, topic, suffix := m[1], strings.Trim(m[2], "`"), strings.Trim(m[3], "`")
		name, ok := model.ParseGroupName(id, demo.Base, topics, nil)
		switch {
		case topic == "—" || topic == "-":
			if ok {
				t.Errorf("README says %s fits no topic; it parses as topic %q suffix %q", id, name.Topic, name.Suffix)
			}
		case !ok:
			t.Errorf("README says %s is topic %q suffix %q; it fits no topic", id, topic, suffix)
		case name.Topic != topic || (name.Suffix != suffix && !(name.Suffix == "" && suffix == "(default)")):
			t.Errorf("README says %s is topic %q suffix %q; it parses as topic %q suffix %q", id, topic, suffix, name.Topic, name.Suffix)
		}
	}
	if n < 5 {
		t.Errorf("found %d rows of group names in the README's naming table, want the seed's examples", n)
	}
}

// TestReadmeConfigExample checks that the configuration the README shows
// is docs/config.example.yaml, which the README's config commands read.
func TestReadmeConfigExample(t *testing.T) {
	chdirRoot(t)
	raw, err := os.ReadFile(readmeFile)
	if err != nil {
		t.Fatal(err)
	}
	example, err := os.ReadFile(configExampleFile)
	if err != nil {
		t.Fatal(err)
	}
	var yamls []string
	for _, b := range readmeBlocks(strings.Split(string(raw), "\n")) {
		if b.lang == "yaml" {
			yamls = append(yamls, strings.Join(b.lines, "\n")+"\n")
		}
	}
	if !slices.Contains(yamls, string(example)) {
		t.Errorf("no yaml block of %s is %s:\n%s", readmeFile, configExampleFile, example)
	}
}

// TestReadmeScreenshots checks that the pictures the README shows exist.
func TestReadmeScreenshots(t *testing.T) {
	chdirRoot(t)
	raw, err := os.ReadFile(readmeFile)
	if err != nil {
		t.Fatal(err)
	}
	imgs := regexp.MustCompile(`!\[[^\]]*\]\(([^)]+)\)`).FindAllSubmatch(raw, -1)
	if len(imgs) == 0 {
		t.Fatal("the README shows no picture")
	}
	for _, m := range imgs {
		path := string(m[1])
		data, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("README shows %s: %v", path, err)
			continue
		}
		if !bytes.HasPrefix(data, []byte("<svg")) {
			t.Errorf("%s is not an SVG made by TestScreenshot", path)
		}
	}
}

// TestReadmeLayout checks what a newcomer meets first and that the sections
// a user looks for are there: one sentence of what kgroups is, a picture of
// the TUI, then the two commands that set it up (run it on the demo
// cluster, run the tests) and the one-line install, before the reference
// sections.
func TestReadmeLayout(t *testing.T) {
	chdirRoot(t)
	raw, err := os.ReadFile(readmeFile)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(raw), "\n")
	cmds := readmeCommands(t, readmeBlocks(lines))
	var first []string
	for _, c := range cmds[:min(2, len(cmds))] {
		first = append(first, strings.Join(c.args, " "))
	}
	if want := []string{"go run . --demo", "go test -race ./..."}; !slices.Equal(first, want) {
		t.Errorf("the README's first commands are %q, want %q", first, want)
	}

	// The first paragraph after the title says what it is in one sentence.
	var intro []string
	for _, l := range lines[1:] {
		if strings.TrimSpace(l) == "" {
			if len(intro) > 0 {
				break
			}
			continue
		}
		intro = append(intro, l)
	}
	sentence := strings.Join(intro, " ")
	if !strings.HasSuffix(sentence, ".") || strings.Count(sentence, ". ") > 0 || strings.HasPrefix(sentence, "#") {
		t.Errorf("the README does not open with one sentence of what kgroups is: %q", sentence)
	}

	// Where things first appear, by line.
	at := func(s string) int {
		for i, l := range lines {
			if strings.Contains(l, s) {
				return i
			}
		}
		t.Errorf("the README never shows %q", s)
		return len(lines)
	}
	picture := at("![")
	runDemo := cmds[0].line - 1
	install := at("go install github.com/kgroups/kgroups@latest")
	sections := []string{
		"## Naming convention", "## Terminal UI and key map", "## CLI", "## Lag and status rules",
		"## Safety rules", "## Go API", "## Configuration and contexts", "## Performance", "## How it compares",
	}
	reference := at(sections[0])
	if !(picture < runDemo && runDemo < reference && install < reference) {
		t.Errorf("the picture (line %d), the set-up commands (line %d) and the install (line %d) must come first, before the reference (line %d)",
			picture+1, runDemo+1, install+1, reference+1)
	}
	for i := 1; i < len(sections); i++ {
		if at(sections[i-1]) > at(sections[i]) {
			t.Errorf("%q comes after %q", sections[i-1], sections[i])
		}
	}

	// What some sections must hold.
	section := func(heading string) string {
		start := at(heading)
		end := len(lines)
		for i := start + 1; i < len(lines); i++ {
			if strings.HasPrefix(lines[i], "## ") {
				end = i
				break
			}
		}
		return strings.Join(lines[min(start, end):end], "\n")
	}
	for heading, wants := range map[string][]string{
		"## Naming convention": {"`" + demo.Base + "-" + demo.SpentTopic + "-full-index`"},
		"## CLI":               {"kgroups lag", "kgroups consume", "--peek", "kgroups demo", "kgroups version", "kgroups completion"},
		"## Performance":       {"go test -run '^$' -bench"},
		// The delivery rule: nothing is committed before it was written.
		"## Safety rules":    {"Delivery before commit", "only then commits", "130 or 143", "TestConsumeKilledNeverCommitsUnwritten"},
		"## Go API":          {"ConsumerPool.ConsumeFunc", "process, then commit", "pool.ConsumeFunc("},
		"## How it compares": {"kcat", "kaf", "kafkactl", "ktea"},
	} {
		body := section(heading)
		for _, want := range wants {
			if !strings.Contains(body, want) {
				t.Errorf("section %q does not mention %q", heading, want)
			}
		}
	}
}
