package sqlite

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ward-mcp/ward/internal/audit"
	"github.com/ward-mcp/ward/internal/audit/audittest"
)

// schemaV1 is the layout ward wrote before blocks: a row per event.
const schemaV1 = `
CREATE TABLE events (
	id INTEGER PRIMARY KEY, seq INTEGER NOT NULL, schema INTEGER NOT NULL, time_ns INTEGER NOT NULL,
	session TEXT NOT NULL, server TEXT NOT NULL, host TEXT NOT NULL, client_name TEXT NOT NULL,
	client_version TEXT NOT NULL, direction TEXT NOT NULL, method TEXT NOT NULL, kind TEXT NOT NULL,
	name TEXT NOT NULL, decision TEXT NOT NULL, mode TEXT NOT NULL, rule_ids TEXT NOT NULL,
	reasons TEXT NOT NULL, latency_ns INTEGER NOT NULL, ward_version TEXT NOT NULL,
	arguments TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
CREATE INDEX events_time ON events(time_ns);
CREATE TABLE checkpoints (id INTEGER PRIMARY KEY, seq INTEGER NOT NULL, hash TEXT NOT NULL,
	time_ns INTEGER NOT NULL, key_id TEXT NOT NULL, sig BLOB NOT NULL);
PRAGMA user_version = 1;`

func jsonList(s []string) string {
	if len(s) == 0 {
		return ""
	}
	b, _ := json.Marshal(s)
	return string(b)
}

// writeV1 makes a schema-1 database at path holding n sealed events and a
// checkpoint of the last one, and returns the events.
func writeV1(t *testing.T, path string, n int) []audit.Event {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`PRAGMA journal_mode=WAL;` + schemaV1); err != nil {
		t.Fatal(err)
	}
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	evs := audittest.Sample(n)
	head := audit.EmptyHead()
	for i := range evs {
		e := &evs[i]
		if err := head.Seal(e); err != nil {
			t.Fatal(err)
		}
		_, err := tx.Exec(`INSERT INTO events (seq, schema, time_ns, session, server, host, client_name, client_version,
			direction, method, kind, name, decision, mode, rule_ids, reasons, latency_ns, ward_version, arguments, prev_hash, hash)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			e.Seq, e.Schema, e.Time.UnixNano(), e.Session, e.Server, e.Host, e.Client.Name, e.Client.Version,
			string(e.Direction), e.Method, string(e.Kind), e.Name, string(e.Decision), string(e.Mode),
			jsonList(e.RuleIDs), jsonList(e.Reasons), int64(e.Latency), e.WardVersion, string(e.Arguments), e.PrevHash, e.Hash)
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	c := audit.SignCheckpoint(audittest.Key(), head.Seq, head.Hash, evs[n-1].Time)
	if _, err := db.Exec(`INSERT INTO checkpoints (seq, hash, time_ns, key_id, sig) VALUES (?, ?, ?, ?, ?)`,
		c.Seq, c.Hash, c.Time.UnixNano(), c.KeyID, c.Signature); err != nil {
		t.Fatal(err)
	}
	return evs
}

// A database written by the ward before blocks is upgraded when it is opened
// for writing: every event, hash and checkpoint is kept, it verifies, and
// new events extend the same chain.
func TestUpgradeFromSchema1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.db")
	old := writeV1(t, path, 2500)

	if _, err := Open(path, &Options{ReadOnly: true}); err == nil || !strings.Contains(err.Error(), "older ward") {
		t.Fatalf("read-only open of a schema-1 database: %v", err)
	}
	s, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got := audittest.Collect(t, s, audit.Filter{})
	if len(got) != len(old) {
		t.Fatalf("%d events after the upgrade, want %d", len(got), len(old))
	}
	for i := range old {
		if got[i].Seq != old[i].Seq || got[i].Hash != old[i].Hash || got[i].Name != old[i].Name {
			t.Fatalf("event %d changed: %+v, was %+v", i, got[i], old[i])
		}
	}
	var blocks int
	if err := s.DB().QueryRow(`SELECT count(*) FROM blocks`).Scan(&blocks); err != nil || blocks != 3 {
		t.Fatalf("%d blocks (%v), want 3 of at most %d events", blocks, err, migrateBlock)
	}
	more := audittest.Sample(2)
	if err := s.Append(context.Background(), more); err != nil {
		t.Fatal(err)
	}
	if more[0].Seq != 2501 || more[0].PrevHash != old[2499].Hash {
		t.Fatalf("the chain did not go on: seq %d prev %s", more[0].Seq, more[0].PrevHash)
	}
	rep, err := audit.Verify(context.Background(), s, audittest.Key().Public().(ed25519.PublicKey))
	if err != nil || !rep.OK() || rep.Records != 2502 {
		t.Fatalf("verify after the upgrade: %+v %v", rep, err)
	}
}

// TestUpgradeByWardsStartingTogether opens a schema-1 database from several
// wards at once (the servers of an MCP host's configuration, after ward
// was upgraded): one upgrades it, and the others, which read the old
// version before it committed, must open the upgraded database, not fail
// ("no such table: events") or upgrade it twice.
func TestUpgradeByWardsStartingTogether(t *testing.T) {
	for round := range 4 {
		path := filepath.Join(t.TempDir(), "audit.db")
		old := writeV1(t, path, 300)
		const n = 4
		errs := make(chan error, n)
		stores := make(chan *Store, n)
		for range n {
			go func() {
				s, err := Open(path, nil)
				errs <- err
				stores <- s
			}()
		}
		for range n {
			if err := <-errs; err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
			if s := <-stores; s != nil {
				defer s.Close()
			}
		}
		s, err := Open(path, &Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if got := audittest.Collect(t, s, audit.Filter{}); len(got) != len(old) {
			t.Fatalf("round %d: %d events after the upgrade, want %d", round, len(got), len(old))
		}
	}
}
