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
