//go:build unix

package cli

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spf13/cobra"
)

// TestReceiptLeavesPipesAlone: an input given as a pipe (--lock <(...), a
// FIFO) is not read for its hash: that would block without a writer, or
// take the bytes the command itself must read.
func TestReceiptLeavesPipesAlone(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "lock.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip(err)
	}
	p := filepath.Join(dir, "r.json")
	rf := receiptFlag{path: p}
	run := rf.wrap("proxy", func(*cobra.Command, []string) error {
		rf.input("lockfile", fifo)
		return nil
	})
	done := make(chan error, 1)
	go func() { done <- run(&cobra.Command{}, nil) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the receipt blocked reading a FIFO input")
	}
	if r := readReceipt(t, p); len(r.Inputs) != 1 || r.Inputs[0].SHA256 != "" || !strings.Contains(r.Inputs[0].Error, "not a regular file") {
		t.Errorf("inputs = %+v", r.Inputs)
	}
}
