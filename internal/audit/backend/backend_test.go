package backend

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/ward-mcp/ward/internal/audit/audittest"
)

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_STATE_HOME", dir)
	s, err := Open(Config{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := os.Stat(filepath.Join(dir, "ward", "audit.db")); err != nil {
		t.Fatalf("default database not created: %v", err)
	}
	var buf bytes.Buffer
	s, err = Open(Config{Kind: Stdout, Stdout: &buf})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Append(context.Background(), audittest.Sample(1)); err != nil || buf.Len() == 0 {
		t.Fatalf("stdout store wrote %q, %v", buf.String(), err)
	}
	for _, c := range []Config{{Kind: "postgres"}, {Kind: JSONL}, {Kind: JSONL, Path: filepath.Join(dir, "a"), Sync: "OFF"}, {Kind: Stdout}, {Kind: SQLite, Path: filepath.Join(dir, "b.db"), Sync: "OFF"}} {
		if s, err := Open(c); err == nil {
			s.Close()
			t.Errorf("Open(%+v) succeeded", c)
		}
	}
}
