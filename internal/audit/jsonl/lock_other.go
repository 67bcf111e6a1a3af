//go:build !unix

package jsonl

import "os"

// lockFile does nothing where flock does not exist: there, keeping to one
// writer per log is up to the configuration.
func lockFile(*os.File) error { return nil }
