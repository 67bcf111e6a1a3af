package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/ward-mcp/ward/internal/mcptest"
)

// TestPolicyInFrontOfFilesystemServer runs `ward proxy --policy` in front of
// @modelcontextprotocol/server-filesystem with the project as the only root,
// driven by the Go SDK client: reads inside the project work; traversal, a
// symlink pointing out of the project, credential files and encoded
// traversal inside an array are refused with the rule that decided; and
// nothing outside the project is written.
func TestPolicyInFrontOfFilesystemServer(t *testing.T) {
	project := t.TempDir()
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(project, "notes.txt"), []byte("inside"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(outside, "secret.txt"), []byte("outside"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(project, "escape")); err != nil {
		t.Fatal(err)
	}
	pol := filepath.Join(t.TempDir(), "policy.yaml")
	if err := os.WriteFile(pol, []byte("version: 1\nfilesystem:\n  roots:\n    - path: "+project+"\n      mode: read-write\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	logFile := filepath.Join(t.TempDir(), "decisions.jsonl")
	// The server may see the outside directory too: only ward stands in the way.
	proxied := wardProxy(t, []string{"--policy", pol, "--log-format", "json", "--log-file", logFile},
		mcptest.ServerFilesystem(t, project, outside))

	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cs := connectGo(ctx, t, mcp.NewClient(&mcp.Implementation{Name: "e2e", Version: "1"}, nil), "2025-11-25", proxied)

	call := func(tool string, args map[string]any) (string, error) {
		res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: tool, Arguments: args})
		if err != nil {
			return "", err
		}
		if res.IsError {
			return "", &toolError{resultText(t, res)}
		}
		return resultText(t, res), nil
	}
	if got, err := call("read_text_file", map[string]any{"path": filepath.Join(project, "notes.txt")}); err != nil || !strings.Contains(got, "inside") {
		t.Fatalf("read inside the project: %q, %v", got, err)
	}
	for _, c := range []struct {
		tool string
		args map[string]any
		rule string
	}{
		{"read_text_file", map[string]any{"path": filepath.Join(outside, "secret.txt")}, "fs."},
		{"read_text_file", map[string]any{"path": project + "/../" + filepath.Base(outside) + "/secret.txt"}, "fs."},
		{"read_text_file", map[string]any{"path": filepath.Join(project, "escape", "secret.txt")}, "fs."},
		{"read_text_file", map[string]any{"path": filepath.Join(project, ".env")}, "fs.sensitive"},
		{"read_multiple_files", map[string]any{"paths": []string{filepath.Join(project, "notes.txt"), project + "%2f..%2f" + filepath.Base(outside) + "%2fsecret.txt"}}, "fs."},
		{"write_file", map[string]any{"path": filepath.Join(outside, "planted.txt"), "content": "x"}, "fs."},
	} {
		got, err := call(c.tool, c.args)
		if err == nil {
			t.Errorf("%s %v through ward succeeded: %q", c.tool, c.args, got)
			continue
		}
		if !strings.Contains(err.Error(), "ward: "+c.rule) {
			t.Errorf("%s %v: error %q does not name a %s rule", c.tool, c.args, err, c.rule)
		}
	}
	if _, err := os.Stat(filepath.Join(outside, "planted.txt")); err == nil {
		t.Error("a file was written outside the project")
	}
	denials := 0
	for _, rec := range readDecisionLog(t, logFile) {
		if rec["decision"] == "deny" && strings.HasPrefix(rec["rule"].(string), "fs.") {
			denials++
		}
	}
	if denials != 6 {
		t.Errorf("decision log has %d fs.* denials, want 6", denials)
	}
}

type toolError struct{ text string }

func (e *toolError) Error() string { return "tool error: " + e.text }
