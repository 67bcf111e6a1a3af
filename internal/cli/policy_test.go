package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPolicyInitLint(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "p.yaml")
	if code, out, errb := run(t, "policy", "init", "--root", dir, file); code != 0 || !strings.Contains(out, "wrote") {
		t.Fatalf("init: %d %q %q", code, out, errb)
	}
	if code, _, errb := run(t, "policy", "init", file); code != ExitUsage || !strings.Contains(errb, "not overwriting") {
		t.Fatalf("second init: %d %q", code, errb)
	}
	if code, out, errb := run(t, "policy", "lint", file); code != 0 || !strings.Contains(out, "ok") {
		t.Fatalf("lint: %d %q %q", code, out, errb)
	}
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("version: 1\nnetwork:\n  alow_private: true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errb := run(t, "policy", "lint", bad)
	if code != ExitFindings || !strings.Contains(errb, "bad.yaml:3:") || !strings.Contains(errb, `did you mean "allow_private"`) {
		t.Fatalf("lint bad: %d %q", code, errb)
	}
	if code, _, _ := run(t, "policy", "lint"); code != ExitUsage {
		t.Fatalf("lint without file: %d", code)
	}
}

func TestPolicyRules(t *testing.T) {
	code, out, _ := run(t, "policy", "rules")
	if code != 0 || !strings.Contains(out, "fs.symlink-escape") || !strings.Contains(out, "poison.tool-shadowing") {
		t.Fatalf("rules: %d %q", code, out)
	}
	code, out, _ = run(t, "policy", "rules", "--json")
	if code != 0 || !strings.Contains(out, `"references"`) {
		t.Fatalf("rules --json: %d %q", code, out)
	}
}
