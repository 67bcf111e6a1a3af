package e2e

import (
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ward-mcp/ward/internal/mcptest"
)

// TestTSClientLocked locks server-everything without two tools, then runs the
// TypeScript SDK client through `ward proxy --lock`: the tools left out are
// hidden and refused with ward's error, every other scenario (sampling,
// elicitation, roots, progress) works, and the decision log names the lock
// rule.
func TestTSClientLocked(t *testing.T) {
	dir := t.TempDir()
	lock := filepath.Join(dir, "mcp-lock.json")
	server := mcptest.ServerEverything(t)
	ward := mcptest.WardBinary(t)
	// server-everything offers its sampling, elicitation and roots tools
	// only to clients that declare those capabilities: lock as the host
	// (the TypeScript client) will connect.
	args := append([]string{"lock", "-o", lock, "--name", "everything", "--exclude", "get-env,toggle-*",
		"--capabilities", `{"sampling":{},"elicitation":{},"roots":{"listChanged":true}}`, "--root", "file:///tmp", "--"}, server...)
	if out, err := exec.CommandContext(t.Context(), ward, args...).CombinedOutput(); err != nil {
		t.Fatalf("ward lock: %v\n%s", err, out)
	}
	logFile := filepath.Join(dir, "decisions.jsonl")
	proxied := wardProxy(t, []string{"--lock", lock, "--log-format", "json", "--log-file", logFile}, server)
	rep := runTSClient(t, []string{"--expect-denied", "get-env", "--expect-denied", "toggle-simulated-logging"}, proxied)
	checkEverythingReport(t, rep)
	for _, hidden := range []string{"get-env", "toggle-simulated-logging", "toggle-subscriber-updates"} {
		if slices.Contains(rep.Tools, hidden) {
			t.Errorf("tools/list through ward --lock shows the unlocked tool %s", hidden)
		}
	}
	if !slices.Contains(rep.Tools, "echo") || !slices.Contains(rep.Tools, "trigger-long-running-operation") {
		t.Errorf("tools/list through ward --lock lacks locked tools: %q", rep.Tools)
	}
	var refused, hidden bool
	for _, rec := range readDecisionLog(t, logFile) {
		if rec["name"] == "get-env" && rec["rule"] == "lock.not-locked" {
			switch rec["decision"] {
			case "deny":
				refused = true
			case "hide":
				hidden = true
			}
		}
	}
	if !refused || !hidden {
		t.Errorf("decision log: get-env refused=%v hidden=%v, want both with rule lock.not-locked", refused, hidden)
	}
}
