//go:build !unix

package sign

import "io/fs"

// checkKeyMode accepts the file: without Unix modes (Windows ACLs), who may
// read the key is for the file system's access control to say.
func checkKeyMode(fs.FileInfo) error { return nil }
