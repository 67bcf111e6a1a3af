package backend

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/ward-mcp/ward/internal/audit"
	"github.com/ward-mcp/ward/internal/audit/audittest"
	"github.com/ward-mcp/ward/internal/sign"
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

func TestPipeline(t *testing.T) {
	dir := t.TempDir()
	if code := keygen(t, dir); code != nil {
		t.Fatal(code)
	}
	p, err := Start(Settings{Store: JSONL, Path: filepath.Join(dir, "a.jsonl"), Key: filepath.Join(dir, "k.key"), Required: true, CheckpointEvery: 5}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.Arguments != audit.ArgumentsRedacted {
		t.Errorf("default arguments mode = %s", p.Arguments)
	}
	if err := p.Admit(); err != nil {
		t.Fatal(err)
	}
	for _, e := range audittest.Sample(12) {
		if err := p.Record(e); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if err := p.Admit(); !errors.Is(err, ErrNotRecorded) {
		t.Errorf("a closed required trail admits calls: %v", err)
	}
	s, _ := Open(Config{Kind: JSONL, Path: filepath.Join(dir, "a.jsonl"), ReadOnly: true})
	pub, _ := sign.LoadPublicKey(filepath.Join(dir, "k.pub"))
	rep, err := audit.Verify(context.Background(), s, pub)
	if err != nil || !rep.OK() || rep.Records != 12 || rep.LastCheckpoint != 12 {
		t.Fatalf("pipeline trail: %+v %v", rep, err)
	}
	if _, err := Start(Settings{Store: "none", Required: true}, nil, nil); err == nil {
		t.Error("store none with required accepted")
	}
	if _, err := Start(Settings{Arguments: "all"}, nil, nil); err == nil {
		t.Error("unknown arguments mode accepted")
	}
	os.Chmod(filepath.Join(dir, "k.key"), 0o644)
	if _, err := Start(Settings{Store: JSONL, Path: filepath.Join(dir, "b.jsonl"), Key: filepath.Join(dir, "k.key")}, nil, nil); !errors.Is(err, sign.ErrKeyPermissions) {
		t.Errorf("world-readable audit key: %v", err)
	}
}

func keygen(t *testing.T, dir string) error {
	_, err := sign.GenerateKeyFiles(filepath.Join(dir, "k.key"), filepath.Join(dir, "k.pub"))
	return err
}
