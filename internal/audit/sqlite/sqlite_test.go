package sqlite

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/ward-mcp/ward/internal/audit"
	"github.com/ward-mcp/ward/internal/audit/audittest"
)

func open(t *testing.T, dir string) audit.Store {
	t.Helper()
	s, err := Open(filepath.Join(dir, "audit.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestStore(t *testing.T) { audittest.Run(t, open) }

func TestTamper(t *testing.T) { audittest.RunTamper(t, open, tamperer{}) }

func TestFilePermissions(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state", "ward")
	s, err := Open(filepath.Join(dir, "audit.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for p, want := range map[string]os.FileMode{dir: 0o700, filepath.Join(dir, "audit.db"): 0o600} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != want {
			t.Errorf("%s mode = %v, want %v", p, got, want)
		}
	}
}

func TestDefaultPath(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", "/var/lib/x")
	if p, _ := DefaultPath(); p != "/var/lib/x/ward/audit.db" {
		t.Errorf("DefaultPath = %s", p)
	}
	t.Setenv("XDG_STATE_HOME", "")
	t.Setenv("HOME", "/home/u")
	if p, _ := DefaultPath(); p != "/home/u/.local/state/ward/audit.db" {
		t.Errorf("DefaultPath = %s", p)
	}
}

func TestUnknownSync(t *testing.T) {
	if _, err := Open(filepath.Join(t.TempDir(), "a.db"), &Options{Sync: "OFF"}); err == nil {
		t.Fatal("Open accepted synchronous OFF")
	}
}

// tamperer edits the database directly, as someone with write access to the
// file would.
type tamperer struct{}

func (tamperer) with(t *testing.T, dir string, f func(s *Store)) {
	t.Helper()
	s, err := Open(filepath.Join(dir, "audit.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	f(s)
}

func (tm tamperer) exec(t *testing.T, dir string, q string, args ...any) {
	t.Helper()
	tm.with(t, dir, func(s *Store) {
		if _, err := s.DB().Exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	})
}

func (tm tamperer) FlipByte(t *testing.T, dir string, seq uint64) {
	tm.with(t, dir, func(s *Store) {
		var name []byte
		if err := s.DB().QueryRow(`SELECT name FROM events WHERE seq = ?`, seq).Scan(&name); err != nil {
			t.Fatal(err)
		}
		name[0] ^= 0x01
		if _, err := s.DB().Exec(`UPDATE events SET name = ? WHERE seq = ?`, string(name), seq); err != nil {
			t.Fatal(err)
		}
	})
}

func (tm tamperer) Delete(t *testing.T, dir string, seq uint64) {
	tm.exec(t, dir, `DELETE FROM events WHERE seq = ?`, seq)
}

func (tm tamperer) Swap(t *testing.T, dir string, a, b uint64) {
	tm.with(t, dir, func(s *Store) {
		var ia, ib int64
		s.DB().QueryRow(`SELECT id FROM events WHERE seq = ?`, a).Scan(&ia)
		s.DB().QueryRow(`SELECT id FROM events WHERE seq = ?`, b).Scan(&ib)
		for _, q := range []struct {
			id  int64
			seq uint64
		}{{-1, a}, {ia, b}, {ib, a}} {
			if _, err := s.DB().Exec(`UPDATE events SET id = ? WHERE seq = ?`, q.id, q.seq); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func (tm tamperer) CutTail(t *testing.T, dir string, seq uint64) {
	tm.exec(t, dir, `DELETE FROM events WHERE seq > ?`, seq)
}

func (tm tamperer) Insert(t *testing.T, dir string, after uint64, e audit.Event) {
	tm.with(t, dir, func(s *Store) {
		var id int64
		if err := s.DB().QueryRow(`SELECT id FROM events WHERE seq = ?`, after).Scan(&id); err != nil {
			t.Fatal(err)
		}
		if _, err := s.DB().Exec(`UPDATE events SET id = id + 1000000 WHERE id > ?`, id); err != nil {
			t.Fatal(err)
		}
		_, err := s.DB().Exec(`INSERT INTO events (id, seq, schema, time_ns, session, server, host, client_name, client_version,
			direction, method, kind, name, decision, mode, rule_ids, reasons, latency_ns, ward_version, arguments, prev_hash, hash)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id+1, e.Seq, e.Schema, e.Time.UnixNano(), e.Session, e.Server, e.Host, e.Client.Name, e.Client.Version,
			string(e.Direction), e.Method, string(e.Kind), e.Name, string(e.Decision), string(e.Mode),
			jsonList(e.RuleIDs), jsonList(e.Reasons), int64(e.Latency), e.WardVersion, string(e.Arguments), e.PrevHash, e.Hash)
		if err != nil {
			t.Fatal(err)
		}
	})
}

// TestTwoProcessesShareADatabase opens the database twice, as two ward
// proxies on one machine do, and appends from both at once: the chain stays
// one chain because each transaction reads the head it extends.
func TestTwoProcessesShareADatabase(t *testing.T) {
	p := filepath.Join(t.TempDir(), "audit.db")
	a, err := Open(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Open(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	done := make(chan error, 2)
	for _, s := range []*Store{a, b} {
		go func() {
			for range 50 {
				if err := s.Append(context.Background(), audittest.Sample(4)); err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	for range 2 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	rep, err := audit.Verify(context.Background(), a, nil)
	if err != nil || !rep.OK() || rep.Records != 400 {
		t.Fatalf("shared database: %+v %v", rep, err)
	}
}

func TestReadOnly(t *testing.T) {
	p := filepath.Join(t.TempDir(), "audit.db")
	if _, err := Open(p, &Options{ReadOnly: true}); err == nil {
		t.Fatal("read-only open created a database")
	}
	w, err := Open(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := w.Append(context.Background(), audittest.Sample(3)); err != nil {
		t.Fatal(err)
	}
	os.Chmod(p, 0o400)
	defer os.Chmod(p, 0o600)
	r, err := Open(p, &Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if n := len(audittest.Collect(t, r, audit.Filter{})); n != 3 {
		t.Fatalf("reader sees %d events", n)
	}
	if err := r.Append(context.Background(), audittest.Sample(1)); err == nil {
		t.Fatal("read-only store appended")
	}
}
