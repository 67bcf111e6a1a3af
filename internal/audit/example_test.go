package audit_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/ward-mcp/ward/internal/audit"
	"github.com/ward-mcp/ward/internal/audit/jsonl"
)

func ExampleHead_Seal() {
	var buf bytes.Buffer
	s := jsonl.NewStream(&buf)
	e := audit.Event{
		Time:        time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC),
		Session:     "7f3a",
		Server:      "filesystem",
		Client:      audit.Client{Name: "claude-code", Version: "2.1.0"},
		Direction:   audit.HostToServer,
		Method:      "tools/call",
		Kind:        audit.KindTool,
		Name:        "write_file",
		Decision:    audit.Deny,
		Mode:        audit.ModeEnforce,
		RuleIDs:     []string{"path.jail"},
		Reasons:     []string{"path /etc/passwd is outside the allowed roots"},
		Latency:     42 * time.Microsecond,
		WardVersion: "v0.1.0",
		Arguments:   json.RawMessage(`{"path":"/etc/passwd","content":"…[truncated]"}`),
	}
	s.Append(context.Background(), []audit.Event{e})
	fmt.Print(buf.String())
	// Output:
	// {"schema":1,"seq":1,"time":"2026-11-22T03:00:00Z","session":"7f3a","server":"filesystem","client":{"name":"claude-code","version":"2.1.0"},"direction":"host->server","method":"tools/call","kind":"tool","name":"write_file","decision":"deny","mode":"enforce","rule_ids":["path.jail"],"reasons":["path /etc/passwd is outside the allowed roots"],"latency_ns":42000,"ward_version":"v0.1.0","arguments":{"path":"/etc/passwd","content":"…[truncated]"},"prev_hash":"0000000000000000000000000000000000000000000000000000000000000000","hash":"96155530bc90cb7e2e3a948e97e35e1a7b004f084e8aa080100bfb1f225f6a28"}
}
