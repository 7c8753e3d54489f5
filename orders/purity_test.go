package orders

import (
	"go/build"
	"testing"
)

// TestPurity keeps the package's non-test imports free of clocks, I/O and randomness. The
// engine's purity tests cover the whole core (orders included) and its goroutines.
func TestPurity(t *testing.T) {
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	forbidden := map[string]bool{"time": true, "os": true, "net": true, "log": true, "math/rand": true,
		"math/rand/v2": true, "crypto/rand": true, "sync": true, "unsafe": true, "reflect": true}
	for _, imp := range pkg.Imports {
		if forbidden[imp] {
			t.Errorf("pure package imports %s", imp)
		}
	}
}
