//go:build !linux

package transport

import (
	"io"
	"os"
)

// waitable returns pollable(f): the ppoll reader is Linux-only.
func waitable(f *os.File) io.Reader { return pollable(f) }
