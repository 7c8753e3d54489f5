package engine_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The engine must be a pure function of the journal (DESIGN.md, "Determinism rules"): replay,
// snapshot plus tail and the live state agree only if nothing in the core reads a clock, the
// disk, the network, randomness or the scheduler. These tests keep the imports and the code
// honest so that a convenient time.Now() or a goroutine cannot slip in unnoticed.

// corePackages are the pure roots; every Depot package they depend on must be pure too.
var corePackages = []string{
	"github.com/depothq/depot",
	"github.com/depothq/depot/ledger",
	"github.com/depothq/depot/orders",
	"github.com/depothq/depot/sourcing",
	"github.com/depothq/depot/carriers",
	"github.com/depothq/depot/engine",
	"github.com/depothq/depot/intel",
}

// forbidden are the standard packages the core must not import directly. Transitive standard
// imports are fine (fmt imports os) because the core never calls into them for I/O; what
// matters is that Depot's own code cannot reach them.
var forbidden = []string{
	"time", "os", "net", "log", "log/slog", "math/rand", "math/rand/v2", "crypto/rand",
	"sync", "sync/atomic", "runtime", "unsafe", "syscall", "io/fs", "os/exec", "os/signal",
}

// forbiddenPrefixes catch subpackages: net/http, os/user, runtime/debug and the like.
var forbiddenPrefixes = []string{"net/", "os/", "log/", "runtime/", "math/rand/", "sync/", "syscall/"}

type goPackage struct {
	importPath string
	dir        string
	files      []string
	imports    []string
}

// corePackageGraph lists every Depot package in the dependency closure of corePackages with
// its directory, non-test Go files and direct imports.
func corePackageGraph(t *testing.T) []goPackage {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go tool is needed to inspect the imports: %v", err)
	}
	args := append([]string{"list", "-deps", "-f",
		`{{if not .Standard}}{{.ImportPath}}|{{.Dir}}|{{join .GoFiles " "}}|{{join .Imports " "}}{{end}}`}, corePackages...)
	out, err := exec.Command(goTool, args...).Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []goPackage
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Split(line, "|")
		if len(f) != 4 {
			continue
		}
		pkgs = append(pkgs, goPackage{importPath: f[0], dir: f[1], files: strings.Fields(f[2]), imports: strings.Fields(f[3])})
	}
	return pkgs
}

func TestCoreImportsArePure(t *testing.T) {
	pkgs := corePackageGraph(t)
	var names []string
	for _, p := range pkgs {
		names = append(names, p.importPath)
		if !strings.HasPrefix(p.importPath, "github.com/depothq/depot") {
			// Only the standard library may sit under the core; a third-party module would
			// need its own audit.
			t.Errorf("the core depends on %s", p.importPath)
			continue
		}
		for _, imp := range p.imports {
			bad := slices.Contains(forbidden, imp)
			for _, prefix := range forbiddenPrefixes {
				bad = bad || strings.HasPrefix(imp, prefix)
			}
			if bad {
				t.Errorf("%s imports %s", p.importPath, imp)
			}
		}
	}
	// The guard is only as good as its coverage: the roots and the wire codec must be in it.
	for _, want := range append(slices.Clone(corePackages), "github.com/depothq/depot/internal/wire") {
		if !slices.Contains(names, want) {
			t.Errorf("go list did not report %s (got %v)", want, names)
		}
	}
}

func TestCoreStartsNoGoroutines(t *testing.T) {
	files := 0
	for _, p := range corePackageGraph(t) {
		for _, name := range p.files {
			path := filepath.Join(p.dir, name)
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
			if err != nil {
				t.Fatal(err)
			}
			files++
			ast.Inspect(f, func(n ast.Node) bool {
				if g, ok := n.(*ast.GoStmt); ok {
					t.Errorf("%s starts a goroutine", fset.Position(g.Pos()))
				}
				return true
			})
		}
	}
	if files < 10 {
		t.Fatalf("inspected only %d files; the package listing is wrong", files)
	}
}
