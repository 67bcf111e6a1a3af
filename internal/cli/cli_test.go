package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ward-mcp/ward/internal/lockfile"
	"github.com/ward-mcp/ward/internal/mcptest"
)

func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestUsageErrorsExit2(t *testing.T) {
	for _, args := range [][]string{
		{"--bogus"},
		{"nosuchcommand"},
		{"nosuchcommand", "--help"},
		{"proxy"},
		{"proxy", "extra", "--", "x"},
		{"proxy", "--mode", "yolo", "--", "x"},
		{"proxy", "--audit-only", "--filter-only", "--", "x"},
		{"proxy", "--log-format", "xml", "--", "x"},
		{"proxy", "--fail-on", "critical", "--", "x"},
		{"proxy", "--deny-tools", " ", "--", "x"},
		{"scan"},
		{"diff", "--fail-on", "severe", "--", "x"},
		{"lock", "--from-mcptrust", "f.json", "--", "x"},
	} {
		code, _, stderr := run(t, args...)
		if code != ExitUsage {
			t.Errorf("ward %s: exit %d, want %d (stderr: %s)", strings.Join(args, " "), code, ExitUsage, stderr)
		}
		if !strings.HasPrefix(stderr, "ward: ") {
			t.Errorf("ward %s: stderr %q does not start with \"ward: \"", strings.Join(args, " "), stderr)
		}
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := run(t, "version", "--json")
	var v map[string]string
	if code != 0 || json.Unmarshal([]byte(out), &v) != nil || v["version"] == "" {
		t.Errorf("version --json: exit %d, %s", code, out)
	}
}

func TestScanOfBrokenServerExits3(t *testing.T) {
	code, _, stderr := run(t, "scan", "--timeout", "2s", "--", "sh", "-c", "echo cannot start >&2; exit 1")
	if code != ExitInternal || !strings.Contains(stderr, "cannot start") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

func TestLockAndCheckExitCodes(t *testing.T) {
	dir := t.TempDir()
	lock := filepath.Join(dir, "mcp-lock.json")
	everything := mcptest.ServerEverything(t)
	if code, out, stderr := run(t, append([]string{"lock", "-o", lock, "--only", "echo", "--"}, everything...)...); code != 0 {
		t.Fatalf("lock: exit %d: %s %s", code, out, stderr)
	}
	if code, out, _ := run(t, append([]string{"check", "--lock", lock, "--"}, everything...)...); code != 0 || !strings.Contains(out, "matches its lock") {
		t.Fatalf("check of the same server: exit %d: %s", code, out)
	}
	// The filesystem server is another server: under the same lock name it
	// has drifted completely.
	fs := mcptest.ServerFilesystem(t, dir)
	code, out, _ := run(t, append([]string{"check", "--lock", lock, "--name", "mcp-servers-everything", "--json", "--"}, fs...)...)
	if code != ExitFindings {
		t.Fatalf("check of a drifted server: exit %d, want 1: %s", code, out)
	}
	var rep struct {
		Failed  bool
		Worst   string
		Changes []struct{ Severity, Kind, Item, Name string }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || !rep.Failed || rep.Worst != "moderate" {
		t.Errorf("check --json: %v failed=%v worst=%s", err, rep.Failed, rep.Worst)
	}
	removed := false
	for _, c := range rep.Changes {
		removed = removed || (c.Item == "tool" && c.Name == "echo" && c.Kind == "removed")
	}
	if !removed {
		t.Errorf("the locked tool echo, absent from the live server, is not reported as removed: %+v", rep.Changes)
	}
	// Tools outside the --only selection are not drift; the removal of echo
	// is moderate, so a critical threshold passes.
	if code, out, _ := run(t, append([]string{"check", "--lock", lock, "--name", "mcp-servers-everything", "--fail-on", "critical", "--"}, fs...)...); code != 0 {
		t.Errorf("check --fail-on critical of a moderate drift: exit %d: %s", code, out)
	}
	data, _ := os.ReadFile(lock)
	if !strings.Contains(string(data), `"echo"`) || strings.Contains(string(data), `"get-sum"`) {
		t.Error("--only echo did not lock exactly echo")
	}
}

// TestProxyRequireSignature: a lockfile whose signature does not verify
// stops ward proxy before the server is started.
func TestProxyRequireSignature(t *testing.T) {
	dir := t.TempDir()
	lock := writeLock(t, dir)
	original, _ := os.ReadFile(lock)
	key := filepath.Join(dir, "k")
	if code, _, stderr := run(t, "keygen", "-o", key); code != 0 {
		t.Fatalf("keygen: %d %s", code, stderr)
	}
	if code, _, stderr := run(t, "sign", "--key", key+".key", lock); code != 0 {
		t.Fatalf("sign: %d %s", code, stderr)
	}
	marker := filepath.Join(dir, "server-started")
	// Like an MCP server, it exits when ward closes its stdin.
	server := []string{"--", "sh", "-c", "touch " + marker + "; cat >/dev/null"}
	args := append([]string{"proxy", "--audit", "none", "--lock", lock, "--require-signature", "--key", key + ".pub"}, server...)
	if code, _, stderr := run(t, args...); code != 0 || !strings.Contains(stderr, "verified") {
		t.Fatalf("valid signature: exit %d, %s", code, stderr)
	}
	if _, err := os.Stat(marker); err != nil {
		t.Fatal("the server did not start with a valid signature")
	}
	os.Remove(marker)
	if err := os.WriteFile(lock, append([]byte("  "), original...), 0o644); err != nil {
		t.Fatal(err)
	}
	// Only whitespace changed: the canonical bytes are the same, so it
	// still verifies. A change of meaning must not.
	if code, _, _ := run(t, args...); code != 0 {
		t.Errorf("whitespace-only change refused: exit %d", code)
	}
	os.Remove(marker)
	if err := os.WriteFile(lock, []byte(strings.Replace(string(original), `"version": "1"`, `"version": "2"`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := run(t, args...)
	if code != ExitFindings || !strings.Contains(stderr, "does not verify") {
		t.Errorf("tampered lockfile: exit %d, %s", code, stderr)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Error("the server was started although the signature did not verify")
	}
}

// writeLock writes a lockfile of one small server into dir.
func writeLock(t *testing.T, dir string) string {
	t.Helper()
	lock := filepath.Join(dir, "mcp-lock.json")
	srv, err := lockfile.Build("s", &lockfile.Snapshot{
		ServerInfo: lockfile.ServerInfo{Name: "s", Version: "1"}, ProtocolVersion: "2025-06-18",
		Tools: []json.RawMessage{json.RawMessage(`{"name":"t","inputSchema":{"type":"object"}}`)},
	}, lockfile.BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	f := lockfile.NewFile()
	f.Servers["s"] = srv
	if err := lockfile.Save(lock, f); err != nil {
		t.Fatal(err)
	}
	return lock
}

// TestReceipts: --receipt records the inputs with their hashes and the
// outcome, on success and on failure.
func TestReceipts(t *testing.T) {
	dir := t.TempDir()
	lock := writeLock(t, dir)
	type rec struct {
		Command  string
		Outcome  string
		ExitCode int `json:"exit_code"`
		Error    string
		Inputs   []struct{ Role, SHA256 string }
		Findings json.RawMessage
	}
	read := func(path string) rec {
		t.Helper()
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("no receipt: %v", err)
		}
		var r rec
		if err := json.Unmarshal(b, &r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	ok := filepath.Join(dir, "ok.json")
	run(t, "policy", "check", "--lock", lock, "--receipt", ok)
	r := read(ok)
	if r.Command != "policy check" || r.Outcome != "ok" || len(r.Inputs) != 1 || len(r.Inputs[0].SHA256) != 64 || len(r.Findings) == 0 {
		t.Errorf("policy check receipt: %+v", r)
	}
	bad := filepath.Join(dir, "bad.json")
	if code, _, _ := run(t, "diff", "--lock", filepath.Join(dir, "missing.json"), "--receipt", bad, "--", "true"); code != ExitInternal {
		t.Errorf("diff of a missing lock: exit %d", code)
	}
	r = read(bad)
	if r.Outcome != "error" || r.ExitCode != ExitInternal || !strings.Contains(r.Error, "missing.json") {
		t.Errorf("failed diff receipt: %+v", r)
	}
}
