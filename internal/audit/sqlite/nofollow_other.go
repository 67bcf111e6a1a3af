//go:build !unix

package sqlite

// oNoFollow: Open checks for a symbolic link with Lstat instead.
const oNoFollow = 0
