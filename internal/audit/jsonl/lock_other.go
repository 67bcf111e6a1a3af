//go:build !unix

package jsonl

import "os"

// lockFile does nothing where flock does not exist: there, keeping to one
// writer per log is up to the configuration.
func lockFile(*os.File) error { return nil }

// oNoFollow: Open checks for a symbolic link with Lstat instead.
const oNoFollow = 0
