package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const realLock = "../lockfile/testdata/real/mcp-lock.json"

func TestPolicyCheckExitCodes(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	approved := write("approved.yaml", "preset: strict\napproved_tools: [\"*/*\"]\ndisable: [gov.artifact-pinned, gov.explicit-selection, gov.poisoned-definition, gov.instructions-poisoned]\n")
	strictFile := write("strict.yaml", "preset: strict\n")
	broken := write("broken.yaml", "rules:\n  - id: a\n    message: m\n    violation_if: 'size(tools)'\n")
	badLock := write("bad-lock.json", `{"lockfileVersion": 1}`)
	tests := []struct {
		name string
		args []string
		code int
		out  string // in stdout
		err  string // in stderr
	}{
		{"baseline warns", []string{"--lock", realLock}, ExitOK, "pass: 0 failing", ""},
		{"strict fails", []string{"--lock", realLock, "--preset", "strict"}, ExitFindings, "FAIL: ", ""},
		{"one server", []string{"--lock", realLock, "--preset", "strict", "--name", "memory"}, ExitFindings, "server memory", ""},
		{"approved and disabled", []string{"--lock", realLock, "--policy", approved}, ExitOK, "pass: 0 failing, 0 warning", ""},
		{"preset flag and file agree", []string{"--lock", realLock, "--policy", strictFile, "--preset", "strict"}, ExitFindings, "FAIL", ""},
		{"preset conflict", []string{"--lock", realLock, "--policy", strictFile, "--preset", "baseline"}, ExitUsage, "", "conflicting governance options"},
		{"unknown preset", []string{"--lock", realLock, "--preset", "lax"}, ExitUsage, "", `--preset "lax"`},
		{"unknown server", []string{"--lock", realLock, "--name", "nope"}, ExitUsage, "", "no such server"},
		{"extra argument", []string{"--lock", realLock, "extra"}, ExitUsage, "", ""},
		{"missing lock", []string{"--lock", filepath.Join(dir, "none.json")}, ExitInternal, "", "load lockfile"},
		{"invalid lock", []string{"--lock", badLock}, ExitInternal, "", "parse lockfile"},
		{"missing policy", []string{"--lock", realLock, "--policy", filepath.Join(dir, "none.yaml")}, ExitInternal, "", "read governance policy"},
		{"policy does not compile", []string{"--lock", realLock, "--policy", broken}, ExitInternal, "", "broken.yaml:2: rule a: violation_if returns int, want bool"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errb := run(t, append([]string{"policy", "check"}, tc.args...)...)
			if code != tc.code || !strings.Contains(out, tc.out) || !strings.Contains(errb, tc.err) {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, out, errb)
			}
		})
	}
}

func TestPolicyCheckJSON(t *testing.T) {
	code, out, errb := run(t, "policy", "check", "--lock", realLock, "--preset", "strict", "--json")
	if code != ExitFindings {
		t.Fatalf("exit %d: %s", code, errb)
	}
	var rep struct {
		Preset   string
		Servers  []string
		Failed   bool
		Findings []struct {
			Rule, Level, Server string
			Items, References   []string
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	// The poisoning findings depend on internal/inspect's detectors; the
	// pins, grades and selection below do not.
	if rep.Preset != "strict" || !rep.Failed || len(rep.Servers) != 3 || len(rep.Findings) < 8 {
		t.Fatalf("report %+v", rep)
	}
	n := 0
	for _, f := range rep.Findings {
		if f.Rule == "gov.artifact-pinned" || f.Rule == "gov.explicit-selection" {
			n++
		}
		if f.Rule == "gov.high-risk-approved" && f.Server == "memory" && strings.Join(f.Items, ",") != "delete_entities,delete_observations,delete_relations" {
			t.Errorf("memory high-risk items %v", f.Items)
		}
		if len(f.References) == 0 || f.Level != "fail" {
			t.Errorf("finding %+v", f)
		}
	}
	if n != 6 {
		t.Errorf("%d pin and selection findings, want 6 (two per server)", n)
	}
}
