package kafka

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestNoFlagsInMessages checks that the kafka layer speaks no CLI: no
// string of its code names a command-line flag. A TUI user cannot pass
// --force; the front ends add the advice in their own words.
func TestNoFlagsInMessages(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	flag := regexp.MustCompile(`(^|[\s("'])--[a-z]`)
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err == nil && flag.MatchString(s) {
				t.Errorf("%s: %q names a flag", fset.Position(lit.Pos()), s)
			}
			return true
		})
	}
}

// TestOpNames checks that a refused operation names itself in a word a
// front end can build its message on.
func TestOpNames(t *testing.T) {
	for op, want := range map[Op]string{OpJoin: "join", OpCommit: "commit", OpReset: "reset", OpDelete: "delete", Op(9): "Op(9)"} {
		if got := op.String(); got != want {
			t.Errorf("Op %d: %q, want %q", int(op), got, want)
		}
	}
}
