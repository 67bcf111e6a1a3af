package enforce

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/ward-mcp/ward/internal/relay"
)

func TestGlobMatch(t *testing.T) {
	for _, c := range []struct {
		pat, name string
		want      bool
	}{
		{"*", "", true},
		{"*", "anything/at/all", true},
		{"exec*", "exec_shell", true},
		{"exec*", "my_exec", false},
		{"*_file", "write_file", true},
		{"*_file", "write_files", false},
		{"read_?", "read_a", true},
		{"read_?", "read_ab", false},
		{"a*b*c", "aXXbYYc", true},
		{"a*b*c", "aXXbYY", false},
		{"file:///docs/*", "file:///docs/a/b.md", true},
		{"file:///docs/*", "file:///etc/passwd", false},
		{"exact", "exact", true},
		{"exact", "Exact", false},
		{"**", "x", true},
		{"*a", strings.Repeat("b", 10000), false},
		// ? is one character, not one byte: a deny pattern "rm_?" that
		// missed "rm_é" let a server's tool of that name through.
		{"rm_?", "rm_é", true},
		{"rm_?", "rm_ж", true},
		{"rm_??", "rm_é", false},
		{"?", "🙂", true},
		{"é?", "éx", true},
		{"*é", "café", true},
	} {
		if got := globMatch(c.pat, c.name); got != c.want {
			t.Errorf("globMatch(%q, %q) = %v, want %v", c.pat, c.name, got, c.want)
		}
	}
}

func TestNameListsDecide(t *testing.T) {
	n := &NameLists{AllowTools: []string{"read_*", "list_*", "exec_safe"}, DenyTools: []string{"exec*"}, DenyPrompts: []string{"secret*"}, AllowResources: []string{"file:///docs/*"}}
	for _, c := range []struct {
		kind, name, rule string
	}{
		{"tool", "read_file", ""},
		{"tool", "write_file", "names.allow-tools"},
		{"tool", "exec_safe", "names.deny-tools"}, // deny wins over allow
		{"prompt", "summarize", ""},
		{"prompt", "secret_plan", "names.deny-prompts"},
		{"resource", "file:///docs/x.md", ""},
		{"resource", "file:///etc/passwd", "names.allow-resources"},
		{"resourceTemplate", "file:///docs/{name}", ""},
		{"other", "x", ""},
	} {
		ok, rule, reason := n.Decide(c.kind, c.name)
		if ok != (c.rule == "") || rule != c.rule {
			t.Errorf("Decide(%s, %s) = %v %q, want rule %q", c.kind, c.name, ok, rule, c.rule)
		}
		if !ok && !strings.Contains(reason, c.name) {
			t.Errorf("reason %q does not name %s", reason, c.name)
		}
	}
	ok, _, reason := n.Decide("tool", "exec_shell")
	if ok || reason != `ward: tool "exec_shell" denied by --deny-tools` {
		t.Errorf("reason = %q", reason)
	}
	if err := (&NameLists{DenyTools: []string{" "}}).Validate(); err == nil {
		t.Error("an empty pattern was accepted")
	}
}

func TestLogFormats(t *testing.T) {
	e := &relay.Event{
		Time: time.Date(2026, 1, 2, 3, 4, 5, 6000000, time.UTC), Session: "s1", Dir: relay.ToServer,
		Method: "tools/call", Kind: "tool", Name: "exec \"x\"\n\x1b[31m", Decision: "deny",
		Rule: "names.deny-tools", Reason: `ward: tool "exec" denied`, Latency: 1500 * time.Microsecond,
	}
	var got map[string]any
	line := AppendEventJSON(nil, e)
	if err := json.Unmarshal(line, &got); err != nil {
		t.Fatalf("JSON line does not parse: %v: %s", err, line)
	}
	for k, v := range map[string]any{"session": "s1", "direction": "host->server", "name": e.Name, "decision": "deny", "latency_ms": 1.5, "mode": "enforce"} {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	text := string(AppendEventText(nil, e))
	if strings.ContainsAny(text, "\n\x1b") {
		t.Errorf("text line carries raw control characters: %q", text)
	}
	if !strings.Contains(text, "decision=deny") || !strings.Contains(text, `reason="ward: tool \"exec\" denied"`) {
		t.Errorf("text line = %s", text)
	}

	var buf bytes.Buffer
	l := NewLog(&buf, LogJSON)
	l.Record(e)
	allow := *e
	allow.Decision = "allow"
	l.Record(&allow)
	l.Close()
	if n := strings.Count(buf.String(), "\n"); n != 2 {
		t.Errorf("log has %d lines after Close, want 2:\n%s", n, buf.String())
	}
	l.Close() // idempotent
}

// TestNameListsResourceURIForms: a resource URI is judged in every form a
// server may read it in. Matched only as sent, a deny list was evaded by
// percent-encoding, a ".." segment, the scheme's case, an empty authority or
// "localhost", doubled slashes or double encoding, and an allow list let a
// ".." walk out of the allowed tree, although a server decodes and resolves
// the URI (Node's fileURLToPath, Python's unquote and os.path) and reads the
// file the rule was written to deny.
func TestNameListsResourceURIForms(t *testing.T) {
	deny := &NameLists{DenyResources: []string{"file:///etc/*", "https://internal.example/*"}}
	for _, uri := range []string{
		"file:///etc/passwd",
		"file:///%65tc/passwd",
		"file:///%2565tc/passwd",
		"FILE:///etc/passwd",
		"file:/etc/passwd",
		"file://localhost/etc/passwd",
		"file:////etc/passwd",
		"file:///tmp/../etc/passwd",
		"file:///tmp/%2e%2e/etc/passwd",
		"file:///tmp/..%2Fetc/passwd",
		`file:///tmp/..\etc\passwd`,
		"HTTPS://INTERNAL.EXAMPLE/admin",
	} {
		if ok, rule, _ := deny.Decide("resource", uri); ok || rule != "names.deny-resources" {
			t.Errorf("deny list: Decide(resource, %s) = %v %q, want denied by names.deny-resources", uri, ok, rule)
		}
	}
	for _, uri := range []string{"file:///tmp/etc/passwd", "file:///home/me/etc", "https://example/internal.example/x"} {
		if ok, rule, _ := deny.Decide("resource", uri); !ok {
			t.Errorf("deny list: Decide(resource, %s) denied by %s", uri, rule)
		}
	}

	allow := &NameLists{AllowResources: []string{"file:///home/me/src/*", "file:///my%20docs/*"}}
	for _, uri := range []string{
		"file:///home/me/src/../../../etc/passwd",
		"file:///home/me/src/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
		"file:///home/me/src/..%252F..%252F..%252Fetc/passwd",
		"file:///home/me/src/x/../../../../etc/shadow",
	} {
		if ok, rule, _ := allow.Decide("resource", uri); ok || rule != "names.allow-resources" {
			t.Errorf("allow list: Decide(resource, %s) = %v %q, want refused by names.allow-resources", uri, ok, rule)
		}
	}
	for _, uri := range []string{
		"file:///home/me/src/main.go",
		"file:///home/me/src/a%20b.txt",
		"file:///home/me/src/pkg/../main.go",
		"file:///my%20docs/notes.md",
		"file:///my docs/notes.md",
	} {
		if ok, rule, reason := allow.Decide("resource", uri); !ok {
			t.Errorf("allow list: Decide(resource, %s) refused by %s: %s", uri, rule, reason)
		}
	}
	if ok, _, _ := allow.Decide("resourceTemplate", "file:///home/me/src/{path}"); !ok {
		t.Error("allow list: the template file:///home/me/src/{path} was refused")
	}
}
