//go:build !linux

package proxy

// releaseStartupPages is a no-op outside Linux.
func releaseStartupPages() {}
