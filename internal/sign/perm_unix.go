//go:build unix

package sign

import (
	"fmt"
	"io/fs"
)

// checkKeyMode refuses a private key file that group or others may read.
func checkKeyMode(fi fs.FileInfo) error {
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return fmt.Errorf("mode %04o, run chmod 600: %w", perm, ErrKeyPermissions)
	}
	return nil
}
