// Package buildinfo reports which ward this is.
package buildinfo

import "runtime/debug"

// Version is set at link time with -ldflags "-X github.com/ward-mcp/ward/internal/buildinfo.Version=v1.2.3".
// When it is empty, the module version recorded by the Go toolchain is used.
var Version = ""

// String returns the version of this binary, "devel" for an untagged build.
func String() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

// Revision returns the VCS revision the binary was built from, if known.
func Revision() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" {
			return s.Value
		}
	}
	return ""
}
