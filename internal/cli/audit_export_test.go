package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ward-mcp/ward/internal/audit"
	"github.com/ward-mcp/ward/internal/audit/audittest"
	"github.com/ward-mcp/ward/internal/audit/jsonl"
)

// TestAuditExportReverifies exports a whole trail and verifies the copy
// with the audit key: the export must carry the signed checkpoints, or the
// copy handed to an auditor could be cut or rewritten from its start
// without a trace ("ok", exit 0).
func TestAuditExportReverifies(t *testing.T) {
	db, pub := auditFixture(t)
	exp := filepath.Join(t.TempDir(), "export.jsonl")
	if code, _, errs := wardRun(t, "audit", "export", "--db", db, "-o", exp); code != 0 {
		t.Fatalf("export: %s", errs)
	}
	code, out, errs := wardRun(t, "audit", "verify", "--jsonl", exp, "--key", pub)
	if code != 0 || !strings.Contains(out, "ok: 40 records") || !strings.Contains(out, "checkpoints verified, the last at seq 40") {
		t.Fatalf("verify of the export: exit %d: %s%s", code, out, errs)
	}
	// The export is read as a JSON Lines store: list reads it whole.
	if code, out, _ := wardRun(t, "audit", "list", "--jsonl", exp, "--json"); code != 0 || strings.Count(out, "\n") != 40 {
		t.Fatalf("list of the export: exit %d, %d lines", code, strings.Count(out, "\n"))
	}
	// The copy rewritten from record 26 on, with a chain that holds
	// together: the signed checkpoint at 40 shows it.
	b, err := os.ReadFile(exp)
	if err != nil {
		t.Fatal(err)
	}
	var kept []byte
	for _, l := range bytes.SplitAfter(b, []byte("\n")) {
		var e struct{ Seq uint64 }
		if bytes.HasPrefix(l, []byte(`{"checkpoint":`)) || json.Unmarshal(l, &e) == nil && e.Seq <= 25 {
			kept = append(kept, l...)
		}
	}
	forged := filepath.Join(t.TempDir(), "forged.jsonl")
	if err := os.WriteFile(forged, kept, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := jsonl.Open(forged, nil)
	if err != nil {
		t.Fatal(err)
	}
	evs := audittest.Sample(40)[25:]
	for i := range evs {
		evs[i].Decision, evs[i].RuleIDs, evs[i].Reasons = audit.Allow, nil, nil
	}
	if err := s.Append(context.Background(), evs); err != nil || evs[0].Seq != 26 {
		t.Fatalf("forge: %v (seq %d)", err, evs[0].Seq)
	}
	s.Close()
	code, out, _ = wardRun(t, "audit", "verify", "--jsonl", forged, "--key", pub)
	if code != 1 || !strings.Contains(out, "modified: record seq 40") {
		t.Fatalf("verify of a rewritten export: exit %d: %s", code, out)
	}
}
