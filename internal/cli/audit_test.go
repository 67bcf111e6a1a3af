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
	"github.com/ward-mcp/ward/internal/audit/sqlite"
	"github.com/ward-mcp/ward/internal/audit/sqlite/sqlitetest"
	"github.com/ward-mcp/ward/internal/sign"
)

// wardRun runs ward in-process.
func wardRun(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

// auditFixture writes 40 events through a Writer signing checkpoints with a
// fresh audit key, and returns the database and the public key file.
func auditFixture(t *testing.T) (db, pub string) {
	t.Helper()
	dir := t.TempDir()
	priv, pub := filepath.Join(dir, "audit.key"), filepath.Join(dir, "audit.pub")
	if code, _, errs := wardRun(t, "keygen", "-o", filepath.Join(dir, "audit")); code != 0 {
		t.Fatalf("keygen: %s", errs)
	}
	key, err := sign.LoadPrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	db = filepath.Join(dir, "audit.db")
	s, err := sqlite.Open(db, nil)
	if err != nil {
		t.Fatal(err)
	}
	w := audit.NewWriter(s, &audit.WriterOptions{Key: key, CheckpointEvery: 10})
	for _, e := range audittest.Sample(40) {
		if err := w.Write(e); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	s.Close()
	return db, pub
}

func TestAuditCommands(t *testing.T) {
	db, pub := auditFixture(t)

	code, out, errs := wardRun(t, "audit", "list", "--db", db, "--decision", "deny", "--server", "web")
	if code != 0 || !strings.Contains(out, "lock.unknown-tool") || strings.Count(out, "\n") != 5 {
		t.Fatalf("list: %d %q %s", code, out, errs)
	}
	code, out, _ = wardRun(t, "audit", "list", "--db", db, "--json", "--limit", "3")
	var e audit.Event
	if code != 0 || strings.Count(out, "\n") != 3 || json.Unmarshal([]byte(strings.Split(out, "\n")[2]), &e) != nil || e.Seq != 3 {
		t.Fatalf("list --json: %d %q", code, out)
	}
	code, out, _ = wardRun(t, "audit", "stats", "--db", db, "--json")
	var st audit.Stats
	if code != 0 || json.Unmarshal([]byte(out), &st) != nil || st.Total != 40 || st.Denied != 10 {
		t.Fatalf("stats: %d %s", code, out)
	}
	code, out, _ = wardRun(t, "audit", "stats", "--db", db)
	if code != 0 || !strings.Contains(out, "deny rate") || !strings.Contains(out, "per server") {
		t.Fatalf("stats table: %s", out)
	}
	code, out, _ = wardRun(t, "audit", "tail", "--db", db, "-n", "2")
	if code != 0 || strings.Count(out, "\n") != 2 || !strings.HasPrefix(out, "39 ") {
		t.Fatalf("tail: %q", out)
	}
	exp := filepath.Join(t.TempDir(), "export.jsonl")
	if code, _, errs := wardRun(t, "audit", "export", "--db", db, "-o", exp, "--since", "2026-11-22T03:00:30Z"); code != 0 {
		t.Fatalf("export: %s", errs)
	}
	if b, _ := os.ReadFile(exp); bytes.Count(b, []byte("\n")) != 10 {
		t.Fatalf("export since :30 wrote %d lines", bytes.Count(b, []byte("\n")))
	}
	if code, _, _ := wardRun(t, "audit", "export", "--db", db, "-o", exp); code != 3 {
		t.Errorf("export over an existing file: exit %d", code)
	}

	code, out, _ = wardRun(t, "audit", "verify", "--db", db, "--key", pub)
	if code != 0 || !strings.Contains(out, "ok: 40 records") || !strings.Contains(out, "checkpoints verified") {
		t.Fatalf("verify: %d %s", code, out)
	}
	sqlitetest.Edit(t, db, func(lines [][]byte) [][]byte {
		i := sqlitetest.Index(t, lines, 23)
		lines[i] = bytes.Replace(lines[i], []byte(`"decision":"deny"`), []byte(`"decision":"allow"`), 1)
		i = sqlitetest.Index(t, lines, 31)
		return append(lines[:i], lines[i+1:]...)
	})
	code, out, _ = wardRun(t, "audit", "verify", "--db", db, "--key", pub)
	if code != 1 || !strings.Contains(out, "modified: record seq 23") || !strings.Contains(out, "removed: record seq 31") {
		t.Fatalf("verify of a tampered trail: %d %s", code, out)
	}
	code, out, _ = wardRun(t, "audit", "verify", "--db", db, "--json")
	var rep audit.Report
	if code != 1 || json.Unmarshal([]byte(out), &rep) != nil || len(rep.Problems) != 2 || rep.CheckpointsVerified {
		t.Fatalf("verify --json: %d %s", code, out)
	}
}

func TestAuditUsage(t *testing.T) {
	db, _ := auditFixture(t)
	for _, args := range [][]string{
		{"audit", "list", "--db", db, "--decision", "maybe"},
		{"audit", "list", "--db", db, "--since", "yesterday"},
		{"audit", "list", "--db", db, "--jsonl", "x"},
		{"audit", "verify", "--db", db, "--key", db},
	} {
		if code, _, _ := wardRun(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	if code, _, _ := wardRun(t, "audit", "list", "--db", filepath.Join(t.TempDir(), "none.db")); code != 3 {
		t.Errorf("missing database: exit %d, want 3", code)
	}
}
