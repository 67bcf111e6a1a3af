package e2e

import (
	"fmt"
	"os"
	"testing"
)

// TestMain gives every ward the tests start a state directory of its own, so
// that the default audit database and its key never land in the home
// directory of whoever runs the tests.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "ward-e2e-state-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Setenv("XDG_STATE_HOME", dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
