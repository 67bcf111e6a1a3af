package sqlite

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ward-mcp/ward/internal/audit"
	"github.com/ward-mcp/ward/internal/audit/audittest"
	"github.com/ward-mcp/ward/internal/audit/sqlite/sqlitetest"
	msqlite "modernc.org/sqlite"
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
// file would (see sqlitetest.Edit).
type tamperer struct{}

func (tamperer) edit(t *testing.T, dir string, f func(lines [][]byte) [][]byte) {
	sqlitetest.Edit(t, filepath.Join(dir, "audit.db"), f)
}

var index = sqlitetest.Index

func (tm tamperer) FlipByte(t *testing.T, dir string, seq uint64) {
	tm.edit(t, dir, func(lines [][]byte) [][]byte {
		l := lines[index(t, lines, seq)]
		i := bytes.Index(l, []byte(`"name":"`))
		if i < 0 {
			t.Fatalf("event %d has no name", seq)
		}
		l[i+len(`"name":"`)] ^= 0x01
		return lines
	})
}

func (tm tamperer) Delete(t *testing.T, dir string, seq uint64) {
	tm.edit(t, dir, func(lines [][]byte) [][]byte {
		i := index(t, lines, seq)
		return append(lines[:i], lines[i+1:]...)
	})
}

func (tm tamperer) Swap(t *testing.T, dir string, a, b uint64) {
	tm.edit(t, dir, func(lines [][]byte) [][]byte {
		i, j := index(t, lines, a), index(t, lines, b)
		lines[i], lines[j] = lines[j], lines[i]
		return lines
	})
}

func (tm tamperer) CutTail(t *testing.T, dir string, seq uint64) {
	tm.edit(t, dir, func(lines [][]byte) [][]byte {
		return lines[:index(t, lines, seq)+1]
	})
}

func (tm tamperer) Insert(t *testing.T, dir string, after uint64, e audit.Event) {
	tm.edit(t, dir, func(lines [][]byte) [][]byte {
		b, err := audit.Marshal(&e)
		if err != nil {
			t.Fatal(err)
		}
		i := index(t, lines, after) + 1
		return append(lines[:i], append([][]byte{b}, lines[i:]...)...)
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

// The block ranges are outside the hash chain: an edit of them would hide
// events from a filtered listing without breaking the chain, so Verify
// checks them against the events.
func TestVerifyChecksBlockIndex(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir).(*Store)
	defer s.Close()
	for range 3 {
		if err := s.Append(context.Background(), audittest.Sample(5)); err != nil {
			t.Fatal(err)
		}
	}
	if rep, err := audit.Verify(context.Background(), s, nil); err != nil || !rep.OK() {
		t.Fatalf("intact: %+v %v", rep, err)
	}
	if _, err := s.DB().Exec(`UPDATE blocks SET max_time_ns = 0 WHERE id = 2`); err != nil {
		t.Fatal(err)
	}
	rep, err := audit.Verify(context.Background(), s, nil)
	if err != nil || rep.OK() || len(rep.Problems) != 1 || rep.Problems[0].Kind != audit.BadIndex || rep.Problems[0].Seq != 6 {
		t.Fatalf("edited index: %+v %v", rep, err)
	}
}

func pragma(t *testing.T, s *Store, name string) string {
	t.Helper()
	var v string
	if err := s.DB().QueryRow(`PRAGMA ` + name).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// A new database gets pageSize pages (set before its first page is written);
// one made with SQLite's default 4 KiB keeps them, and both go on working.
func TestPageSize(t *testing.T) {
	ctx := context.Background()
	for _, size := range []int{4096, pageSize} {
		path := filepath.Join(t.TempDir(), "audit.db")
		func() {
			defer func(p int) { pageSize = p }(pageSize)
			pageSize = size
			s, err := Open(path, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if err := s.Append(ctx, audittest.Sample(3)); err != nil {
				t.Fatal(err)
			}
		}()
		s, err := Open(path, nil) // reopened with the current pageSize
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Append(ctx, audittest.Sample(2000)); err != nil {
			t.Fatal(err)
		}
		if got, want := pragma(t, s, "page_size"), strconv.Itoa(size); got != want {
			t.Errorf("page_size %s, want %s", got, want)
		}
		if got := pragma(t, s, "journal_mode"); got != "wal" {
			t.Errorf("journal_mode %s, want wal", got)
		}
		if got := pragma(t, s, "wal_autocheckpoint"); got != strconv.Itoa(walAutocheckpoint) {
			t.Errorf("wal_autocheckpoint %s, want %d", got, walAutocheckpoint)
		}
		rep, err := audit.Verify(ctx, s, nil)
		if err != nil || !rep.OK() || rep.Records != 2003 {
			t.Errorf("page size %d: verify %+v %v", size, rep, err)
		}
		s.Close()
	}
}

// TestRefusesSymlink plants symbolic links where the database and its
// write-ahead log go, as someone who can write the directory (a shared log
// directory) could: ward must not write a database, its WAL frames or a
// new file wherever they point.
func TestRefusesSymlink(t *testing.T) {
	for _, planted := range []string{"audit.db", "audit.db-wal", "audit.db-shm"} {
		t.Run(planted, func(t *testing.T) {
			dir := t.TempDir()
			victim := filepath.Join(dir, "victim")
			if err := os.WriteFile(victim, []byte("precious\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(victim, filepath.Join(dir, planted)); err != nil {
				t.Fatal(err)
			}
			s, err := Open(filepath.Join(dir, "audit.db"), nil)
			if err == nil {
				s.Append(context.Background(), audittest.Sample(3))
				s.Close()
				t.Errorf("opened an audit database with a symbolic link at %s", planted)
			}
			if b, _ := os.ReadFile(victim); string(b) != "precious\n" {
				t.Errorf("the file the link points to was changed: %q", b)
			}
		})
	}
	t.Run("dangling", func(t *testing.T) {
		dir := t.TempDir()
		target := filepath.Join(dir, "elsewhere")
		if err := os.Symlink(target, filepath.Join(dir, "audit.db")); err != nil {
			t.Fatal(err)
		}
		if s, err := Open(filepath.Join(dir, "audit.db"), nil); err == nil {
			s.Close()
			t.Error("opened an audit database through a dangling symbolic link")
		}
		if _, err := os.Lstat(target); err == nil {
			t.Error("created the file a dangling link points to")
		}
	})
}

// TestBatchLargerThanABlob appends a batch whose events together are
// larger than SQLite takes in one value (1e9 bytes by default; lowered
// here): a group commit of large calls recorded with full arguments. It
// must be stored, in as many blocks as it takes, not refused whole (which
// lost every event of the batch and marked the store unavailable).
func TestBatchLargerThanABlob(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "audit.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	s.DB().SetMaxOpenConns(1)
	conn, err := s.DB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	const sqliteLimitLength = 0
	if _, err := msqlite.Limit(conn, sqliteLimitLength, 1<<20); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	evs := audittest.Sample(8)
	for i := range evs {
		evs[i].Arguments = []byte(`{"content":"` + strings.Repeat("x", 300<<10) + `"}`)
	}
	if err := s.Append(ctx, evs); err != nil {
		t.Fatalf("append a batch of %d KiB: %v", 8*300, err)
	}
	if err := s.Append(ctx, audittest.Sample(2)); err != nil {
		t.Fatal(err)
	}
	if n := len(audittest.Collect(t, s, audit.Filter{})); n != 10 {
		t.Fatalf("read %d events, want 10", n)
	}
	rep, err := audit.Verify(ctx, s, nil)
	if err != nil || !rep.OK() {
		t.Fatalf("verify: %v %+v", err, rep)
	}
}

// TestVerifyReportsMalformedRows stores values of the wrong type in the
// columns beside the chain (a checkpoint's seq, a block's range), as
// anyone with sqlite3 can: verify must name the row in its report, not
// stop with an error (exit 3, no report) that a check waiting for exit 1
// would not take for damage.
func TestVerifyReportsMalformedRows(t *testing.T) {
	ctx := context.Background()
	key := audittest.Key()
	pub := key.Public().(ed25519.PublicKey)
	for _, tc := range []struct {
		edit string
		want audit.ProblemKind
	}{
		{`UPDATE checkpoints SET seq = 'ten' WHERE id = 1`, audit.BadCheckpoint},
		{`UPDATE checkpoints SET hash = x'00ff' WHERE id = 1`, audit.BadCheckpoint},
		{`UPDATE checkpoints SET time_ns = 'x' WHERE id = 1`, audit.BadCheckpoint},
		{`UPDATE blocks SET last_seq = 'x' WHERE id = 1`, audit.BadIndex},
		{`UPDATE blocks SET min_time_ns = 1.5 WHERE id = 1`, audit.BadIndex},
		{`UPDATE blocks SET last_hash = 7 WHERE id = 1`, audit.BadIndex},
	} {
		t.Run(tc.edit, func(t *testing.T) {
			s := open(t, t.TempDir()).(*Store)
			defer s.Close()
			evs := audittest.Sample(10)
			if err := s.Append(ctx, evs[:5]); err != nil {
				t.Fatal(err)
			}
			if err := s.AppendCheckpoint(ctx, audit.SignCheckpoint(key, 5, evs[4].Hash, time.Now())); err != nil {
				t.Fatal(err)
			}
			if err := s.Append(ctx, evs[5:]); err != nil {
				t.Fatal(err)
			}
			if _, err := s.DB().Exec(tc.edit); err != nil {
				t.Fatal(err)
			}
			rep, err := audit.Verify(ctx, s, pub)
			if err != nil {
				t.Fatalf("verify stopped: %v", err)
			}
			if len(rep.Problems) != 1 || rep.Problems[0].Kind != tc.want {
				t.Fatalf("problems %v, want one %s", rep.Problems, tc.want)
			}
		})
	}
}
