//go:build unix

package sqlite

import "syscall"

// oNoFollow makes Open's creation of the database fail on a symbolic link.
const oNoFollow = syscall.O_NOFOLLOW
