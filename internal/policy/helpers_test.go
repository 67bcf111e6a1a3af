package policy

import (
	"io/fs"
	"path"
	"strings"
	"testing"
	"time"
)

// memFS is a tiny in-memory filesystem of directories, files and symlinks.
type memFS map[string]string // path → "dir", "file" or "link:<target>"

type memInfo struct {
	name string
	mode fs.FileMode
}

func (i memInfo) Name() string       { return i.name }
func (i memInfo) Size() int64        { return 0 }
func (i memInfo) Mode() fs.FileMode  { return i.mode }
func (i memInfo) ModTime() time.Time { return time.Time{} }
func (i memInfo) IsDir() bool        { return i.mode.IsDir() }
func (i memInfo) Sys() any           { return nil }

func (m memFS) Lstat(name string) (fs.FileInfo, error) {
	v, ok := m[path.Clean(name)]
	if !ok {
		return nil, fs.ErrNotExist
	}
	switch {
	case v == "dir":
		return memInfo{path.Base(name), fs.ModeDir | 0o755}, nil
	case strings.HasPrefix(v, "link:"):
		return memInfo{path.Base(name), fs.ModeSymlink | 0o777}, nil
	}
	return memInfo{path.Base(name), 0o644}, nil
}

func (m memFS) Readlink(name string) (string, error) {
	v, ok := m[path.Clean(name)]
	if !ok || !strings.HasPrefix(v, "link:") {
		return "", fs.ErrInvalid
	}
	return strings.TrimPrefix(v, "link:"), nil
}

// testFS is the host the corpus runs against: a project with symlinks that
// stay inside it and symlinks that point out (CVE-2025-53109).
var testFS = memFS{
	"/home": "dir", "/home/dev": "dir", "/home/dev/project": "dir", "/home/dev/project/src": "dir",
	"/home/dev/project/src/main.go": "file", "/home/dev/project/README.md": "file",
	"/home/dev/project/link-to-etc": "link:/etc", "/etc": "dir", "/etc/passwd": "file", "/etc/cron.d": "dir",
	"/home/dev/project/innocent.txt": "link:/home/dev/.ssh/id_rsa", "/home/dev/.ssh": "dir", "/home/dev/.ssh/id_rsa": "file",
	"/home/dev/project/sub": "dir", "/home/dev/project/sub/escape": "link:../../",
	"/home/dev/project/data-link": "link:data", "/home/dev/project/data": "dir", "/home/dev/project/data/file.csv": "file",
	"/home/dev/docs": "dir", "/home/dev/docs/handbook.md": "file",
	"/home/dev/project/loop1": "link:loop2", "/home/dev/project/loop2": "link:loop1",
}

// testConfig is the default policy with the project as read-write root and
// a read-only documentation root.
func testConfig() *Config {
	c := DefaultConfig("/home/dev/project")
	c.Filesystem.Roots = append(c.Filesystem.Roots, Root{Path: "/home/dev/docs", Mode: "read-only"})
	c.Filesystem.Home = "/home/dev"
	return c
}

func testEngine(t testing.TB, c *Config) *Engine {
	t.Helper()
	if c == nil {
		c = testConfig()
	}
	e, err := NewWithOptions(c, &Options{FS: testFS, Home: "/home/dev"})
	if err != nil {
		t.Fatal(err)
	}
	return e
}
