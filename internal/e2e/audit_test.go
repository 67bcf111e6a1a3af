package e2e

import (
	"context"
	"database/sql"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/ward-mcp/ward/internal/mcptest"

	_ "modernc.org/sqlite"
)

// TestAuditTrailOfAProxySession runs the Go SDK client through `ward proxy`
// with an SQLite audit trail in front of server-memory: the allowed call,
// the denied call and the handshake are recorded with the client's
// identity; a secret in the arguments is masked; `ward audit verify` finds
// the chain intact with signed checkpoints; and after a record is tampered
// with, it says which one.
func TestAuditTrailOfAProxySession(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "audit.db")
	proxied := wardProxy(t, []string{"--deny-tools", "delete_*", "--audit", "sqlite:" + db, "--log-file", filepath.Join(dir, "log")}, mcptest.ServerMemory(t))
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cs := connectGo(ctx, t, mcp.NewClient(&mcp.Implementation{Name: "audit-e2e", Version: "7"}, nil), "2025-11-25", proxied)
	if _, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "create_entities", Arguments: map[string]any{"entities": []map[string]any{{
		"name": "k", "entityType": "note", "observations": []string{"aws key AKIAZ3MHKQZ4XJQZ7QW5 secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY9"},
	}}}}); err != nil {
		t.Fatalf("create_entities: %v", err)
	}
	if _, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "delete_entities", Arguments: map[string]any{"entityNames": []string{"k"}}}); err == nil {
		t.Fatal("delete_entities was not denied")
	}
	cs.Close() // ward flushes the trail and writes a checkpoint as it exits

	ward := mcptest.WardBinary(t)
	deadline := time.Now().Add(10 * time.Second)
	var recs []map[string]any
	for {
		out, err := exec.Command(ward, "audit", "list", "--db", db, "--json").Output()
		recs = recs[:0]
		if err == nil {
			for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
				var r map[string]any
				if json.Unmarshal([]byte(line), &r) == nil {
					recs = append(recs, r)
				}
			}
		}
		if len(recs) >= 3 || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	var allowed, denied bool
	for _, r := range recs {
		if c, _ := r["client"].(map[string]any); c["name"] != "audit-e2e" {
			t.Errorf("record without the client's identity: %v", r)
		}
		switch {
		case r["name"] == "create_entities" && r["decision"] == "allow":
			allowed = true
			args, _ := json.Marshal(r["arguments"])
			if strings.Contains(string(args), "AKIAZ3MHKQZ4XJQZ7QW5") {
				t.Errorf("the audit record keeps an AWS key in the clear: %s", args)
			}
			if !strings.Contains(string(args), "note") {
				t.Errorf("the arguments were not recorded: %s", args)
			}
		case r["name"] == "delete_entities" && r["decision"] == "deny":
			denied = true
		}
	}
	if !allowed || !denied {
		t.Fatalf("records: allow=%v deny=%v in %v", allowed, denied, recs)
	}
	out, err := exec.Command(ward, "audit", "verify", "--db", db, "--key", db+".pub").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "checkpoint") {
		t.Fatalf("audit verify: %v\n%s", err, out)
	}
	// Without --key, verify uses the key ward proxy created beside the store.
	if out, err := exec.Command(ward, "audit", "verify", "--db", db).CombinedOutput(); err != nil || !strings.Contains(string(out), "signed checkpoints verified") {
		t.Fatalf("audit verify without --key: %v\n%s", err, out)
	}
	// Tamper with one record: verify must fail and name it.
	sqldb, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	res, err := sqldb.Exec(`UPDATE blocks SET events = replace(events, '"name":"delete_entities"', '"name":"create_entities"')
		WHERE instr(events, '"name":"delete_entities"') > 0`)
	if n, _ := res.RowsAffected(); err != nil || n != 1 {
		t.Fatalf("tamper: %v (%d rows)", err, n)
	}
	sqldb.Close()
	out, err = exec.Command(ward, "audit", "verify", "--db", db, "--key", db+".pub").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "seq") {
		t.Errorf("verify after tampering: %v\n%s", err, out)
	}
}
