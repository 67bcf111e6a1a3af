package lockfile

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func readMCPTrust(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "mcptrust", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestImportMCPTrustV2(t *testing.T) {
	data := readMCPTrust(t, "filesystem-v2.json")
	if DetectFormat(data) != FormatMCPTrust {
		t.Fatal("not detected as MCPTrust")
	}
	f, err := ImportMCPTrust(data)
	if err != nil {
		t.Fatal(err)
	}
	s := f.Servers["server-filesystem"]
	if s == nil || len(f.Servers) != 1 {
		t.Fatalf("servers = %v", f.Servers)
	}
	if s.ImportedFrom != "mcptrust v2" || s.Source.CommandLine != "npx -y @modelcontextprotocol/server-filesystem /srv/project" || len(s.Source.Command) != 0 {
		t.Fatalf("server = %+v", s)
	}
	if len(s.Tools) != 3 || !s.Tools["write_file"].Imported() || s.Tools["write_file"].Definition != nil || s.Tools["write_file"].MCPTrust.RiskLevel != "HIGH" {
		t.Fatalf("tools = %+v", s.Tools)
	}

	// Run-time checks compare MCPTrust-style hashes.
	snap := loadSnapshot(t, "filesystem")
	if v := s.CheckTool(toolNamed(t, snap, "read_text_file")); v.Status != Locked {
		t.Fatalf("unchanged imported tool: %+v", v)
	}
	if v := s.CheckTool(toolNamed(t, snap, "move_file")); v.Status != NotLocked {
		t.Fatalf("tool absent from the MCPTrust lock: %+v", v)
	}
	changed := editJSON(t, toolNamed(t, snap, "write_file"), func(m map[string]any) {
		m["inputSchema"].(map[string]any)["additionalProperties"] = true
	})
	v := s.CheckTool(changed)
	if v.Status != Changed || !strings.Contains(v.Reason, "inputSchema=") {
		t.Fatalf("changed imported tool: %+v", v)
	}
	// Title and annotations are outside what MCPTrust hashed: a known blind
	// spot of hash-only locks, kept honest here.
	retitled := editJSON(t, toolNamed(t, snap, "read_text_file"), func(m map[string]any) { m["title"] = "Anything" })
	if v := s.CheckTool(retitled); v.Status != Locked {
		t.Fatalf("MCPTrust pins do not cover titles, yet: %+v", v)
	}

	// Parse recognises the format and imports it too.
	g, err := Parse(data)
	if err != nil || g.Servers["server-filesystem"] == nil {
		t.Fatalf("Parse(mcptrust) = %v", err)
	}
	// The converted lock marshals, re-parses and keeps its pins.
	out, err := Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse(out)
	if err != nil {
		t.Fatal(err)
	}
	out2, _ := Marshal(back)
	if !bytes.Equal(out, out2) {
		t.Fatal("converted lock is not stable")
	}
	golden(t, "mcptrust-v2-converted.json", out)
}

func TestImportMCPTrustV3(t *testing.T) {
	f, err := ImportMCPTrust(readMCPTrust(t, "everything-v3.json"))
	if err != nil {
		t.Fatal(err)
	}
	s := f.Servers["server-everything"]
	if s == nil || s.ImportedFrom != "mcptrust v3" {
		t.Fatalf("servers = %v", f.Servers)
	}
	if s.Artifact == nil || s.Artifact.Type != "npm" || s.Artifact.Version != "2025.9.25" {
		t.Fatalf("artifact = %+v", s.Artifact)
	}
	if got := s.Tools["add"].MCPTrust; got.DescriptionHash != "sha256:1efcb1f3567517e507fe44f6853681a389c3ac9ec493ea45f8e0da09b2d6aaf8" || got.RiskLevel != "LOW" {
		t.Fatalf("bare upper-case hash not normalised: %+v", got)
	}
	snap := loadSnapshot(t, "everything")
	for _, raw := range snap.Prompts {
		if v := s.CheckPrompt(raw); v.Status != Locked {
			t.Fatalf("prompt: %+v", v)
		}
	}
	for _, raw := range snap.Resources[:2] {
		if v := s.CheckResource(raw); v.Status != Locked {
			t.Fatalf("resource: %+v", v)
		}
	}
	if v := s.CheckResource(json.RawMessage(`{"uri":"test://static/resource/1","name":"Resource 1","mimeType":"text/html"}`)); v.Status != Changed {
		t.Fatalf("resource with new MIME type: %+v", v)
	}
	if v := s.CheckTemplate(snap.ResourceTemplates[0]); v.Status != Locked {
		t.Fatalf("template: %+v", v)
	}
	if ok, _ := s.MatchResource("test://static/resource/7"); !ok {
		t.Fatal("imported template does not match")
	}
	if ok, _ := s.MatchResource("test://static/resource/..%2F..%2Fsecret"); ok {
		t.Fatal("traversal through an imported template")
	}
	// Diff against a fresh scan explains what the hashes allow.
	live := mustBuild(t, "everything", snap, BuildOptions{})
	changedSnap := loadSnapshot(t, "everything")
	changedSnap.Tools[0] = editJSON(t, changedSnap.Tools[0], func(m map[string]any) { m["description"] = "Echoes back the input, then calls home." })
	changedSnap.Tools[1] = editJSON(t, changedSnap.Tools[1], func(m map[string]any) {
		m["inputSchema"].(map[string]any)["properties"].(map[string]any)["c"] = map[string]any{"type": "number"}
	})
	changes := Diff(s, mustBuild(t, "everything", changedSnap, BuildOptions{}))
	var text bytes.Buffer
	_ = RenderText(&text, changes)
	golden(t, "diff-mcptrust-v3.txt", text.Bytes())
	for _, c := range Diff(s, live) {
		if c.Item != ItemServer && c.Kind != Added {
			t.Errorf("unchanged server differs from its MCPTrust lock: %+v", c)
		}
	}
}

func TestImportMCPTrustRejects(t *testing.T) {
	tests := []struct{ name, data, want string }{
		{"unknown field", `{"version":"2.0","server_command":"x","tools":{},"signature":"abc"}`, "unknown field"},
		{"unknown tool field", `{"version":"2.0","server_command":"x","tools":{"a":{"description_hash":"sha256:` + strings.Repeat("a", 64) + `","schema":"x"}}}`, "unknown field"},
		{"v1", `{"version":"1.0","server_command":"x","tools":{}}`, "not supported"},
		{"v4", `{"version":"4.0","server_command":"x","tools":{}}`, "not supported"},
		{"v2 with prompts", `{"version":"2.0","server_command":"x","tools":{},"prompts":{}}`, "need version 3"},
		{"bad hash", `{"version":"3.0","server_command":"x","tools":{"a":{"description_hash":"sha256:xyz"}}}`, "not a sha256"},
		{"pins nothing", `{"version":"3.0","server_command":"x","tools":{"a":{"risk_level":"LOW"}}}`, "pins nothing"},
		{"bad risk", `{"version":"3.0","server_command":"x","tools":{"a":{"description_hash":"sha256:` + strings.Repeat("a", 64) + `","risk_level":"EXTREME"}}}`, "risk level"},
		{"no tools", `{"version":"3.0","server_command":"x"}`, "missing \"tools\""},
		{"key in other case", `{"Version":"3.0","server_command":"x","tools":{}}`, `unknown field "Version"`},
		{"duplicate key", `{"version":"3.0","version":"2.0","tools":{}}`, "duplicate key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ImportMCPTrust([]byte(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("ImportMCPTrust error = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestMCPTrustServerName(t *testing.T) {
	tests := map[string]string{
		"npx -y @modelcontextprotocol/server-filesystem /srv":      "server-filesystem",
		"npx -y @modelcontextprotocol/server-everything@2025.9.25": "server-everything",
		"uvx mcp-server-fetch":           "mcp-server-fetch",
		"/usr/local/bin/my-tool --stdio": "my-tool",
		"":                               "mcptrust",
	}
	for cmd, want := range tests {
		if got := mcptrustServerName(cmd); got != want {
			t.Errorf("mcptrustServerName(%q) = %q, want %q", cmd, got, want)
		}
	}
}
