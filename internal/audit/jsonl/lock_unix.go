//go:build unix

package jsonl

import (
	"os"
	"syscall"
)

// lockFile takes an exclusive, non-blocking flock on f: one writer per log.
// The lock goes with the file descriptor, so it ends when the file is closed
// or the process dies.
func lockFile(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
}

// oNoFollow makes the writer's open fail on a symbolic link.
const oNoFollow = syscall.O_NOFOLLOW
