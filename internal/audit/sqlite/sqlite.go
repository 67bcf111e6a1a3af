// Package sqlite is the embedded audit store: a SQLite database in WAL mode,
// written with modernc.org/sqlite (no cgo).
//
// Layout: each Append is stored as one row of the blocks table, holding its
// events in their stored JSON form (audit.AppendStored), one a line, with the
// block's range of sequence numbers and times beside them for filtering. A
// row per event cost ~20 µs of CPU per event in SQLite (binding 21 columns,
// updating three indexes), more than the relay spends on the call it
// records; a row per group commit costs that once per batch. Queries read
// the blocks that can match and filter their events in Go.
//
// Durability: Append commits one transaction per batch. With SyncFull (the
// default) SQLite fsyncs the write-ahead log at every commit, so an appended
// event survives kill -9 and power loss; with SyncNormal it survives kill -9
// (the log is in the kernel's page cache) but the last commits may be lost on
// power loss. Several ward processes may append to one database: the chain
// head is read inside each write transaction.
package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/ward-mcp/ward/internal/audit"
	msqlite "modernc.org/sqlite" // also registers the "sqlite" driver
)

// Sync chooses how hard SQLite pushes commits to disk.
type Sync string

// Sync levels (SQLite's PRAGMA synchronous).
const (
	SyncFull   Sync = "FULL"
	SyncNormal Sync = "NORMAL"
)

// Options configures Open. The zero value is the safe default.
type Options struct {
	// Sync is the synchronous level; "" means SyncFull.
	Sync Sync
	// ReadOnly opens an existing database for reading only (ward audit).
	ReadOnly bool
}

// DefaultPath returns the default database path: $XDG_STATE_HOME/ward/audit.db,
// or ~/.local/state/ward/audit.db.
func DefaultPath() (string, error) {
	if d := os.Getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "ward", "audit.db"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("audit database path: %w", err)
	}
	return filepath.Join(home, ".local", "state", "ward", "audit.db"), nil
}

// schemaVersion 2 stores events in blocks; 1 stored a row per event and is
// upgraded when a database is opened for writing (see migrate).
const schemaVersion = 2

const schema = `
CREATE TABLE IF NOT EXISTS blocks (
	id          INTEGER PRIMARY KEY,
	first_seq   INTEGER NOT NULL,
	last_seq    INTEGER NOT NULL,
	min_time_ns INTEGER NOT NULL,
	max_time_ns INTEGER NOT NULL,
	last_hash   TEXT NOT NULL,
	events      BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS blocks_last_seq ON blocks(last_seq);
CREATE INDEX IF NOT EXISTS blocks_max_time ON blocks(max_time_ns);
CREATE TABLE IF NOT EXISTS checkpoints (
	id      INTEGER PRIMARY KEY,
	seq     INTEGER NOT NULL,
	hash    TEXT NOT NULL,
	time_ns INTEGER NOT NULL,
	key_id  TEXT NOT NULL,
	sig     BLOB NOT NULL
);`

const insertBlock = `INSERT INTO blocks (first_seq, last_seq, min_time_ns, max_time_ns, last_hash, events)
	VALUES (?, ?, ?, ?, ?, ?)`

const insertCheckpoint = `INSERT INTO checkpoints (seq, hash, time_ns, key_id, sig) VALUES (?, ?, ?, ?, ?)`

// Store is an audit.Store in a SQLite database.
type Store struct {
	db       *sql.DB
	path     string
	mu       sync.Mutex // serialises appends within this process
	closed   bool
	readOnly bool
	// Reused by Append under mu: the sealed copy of a batch and its block,
	// and its statements, prepared at the first Append.
	sealed         []audit.Event
	block          []byte
	maxBlock       int // the most bytes one block may hold, see blockLimit
	headStmt       *sql.Stmt
	insertStmt     *sql.Stmt
	checkpointStmt *sql.Stmt
}

const selectHead = `SELECT last_seq, last_hash FROM blocks ORDER BY id DESC LIMIT 1`

// prepare prepares Append's statements once: parsing them cost a group
// commit as much as a few events.
func (s *Store) prepare(ctx context.Context) error {
	if s.insertStmt != nil {
		return nil
	}
	maxBlock, err := blockLimit(ctx, s.db)
	if err != nil {
		return err
	}
	s.maxBlock = maxBlock
	head, err := s.db.PrepareContext(ctx, selectHead)
	if err != nil {
		return err
	}
	insert, err := s.db.PrepareContext(ctx, insertBlock)
	if err != nil {
		head.Close()
		return err
	}
	checkpoint, err := s.db.PrepareContext(ctx, insertCheckpoint)
	if err != nil {
		head.Close()
		insert.Close()
		return err
	}
	s.headStmt, s.insertStmt, s.checkpointStmt = head, insert, checkpoint
	return nil
}

// maxBlockBytes bounds a block, so that a group commit of large events
// (full arguments) is stored as several blocks: one value of SQLite holds
// at most 1e9 bytes (SQLITE_MAX_LENGTH), and a batch of 1024 calls of a few
// MiB each was refused whole.
const maxBlockBytes = 64 << 20

// blockLimit returns the most bytes a block may hold in db: maxBlockBytes,
// or less if SQLite's limit on the length of a value is lower.
func blockLimit(ctx context.Context, db *sql.DB) (int, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	const sqliteLimitLength = 0 // SQLITE_LIMIT_LENGTH
	n, err := msqlite.Limit(conn, sqliteLimitLength, -1)
	if err != nil {
		return 0, err
	}
	return max(min(n, maxBlockBytes), 1), nil
}

// maxKeptBlock is the largest block buffer Append keeps for the next batch
// (a batch of 1024 ordinary events needs about 600 KB).
const maxKeptBlock = 4 << 20

var _ audit.Store = (*Store)(nil)

// Open opens (creating if needed) the database at path. Its directory is
// created 0700 and the file 0600: audit events can hold arguments.
func Open(path string, opts *Options) (*Store, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	switch o.Sync {
	case "":
		o.Sync = SyncFull
	case SyncFull, SyncNormal:
	default:
		return nil, fmt.Errorf("open audit database: unknown sync level %q", o.Sync)
	}
	if o.ReadOnly {
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("open audit database: %w", err)
		}
	} else {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("open audit database: %w", err)
		}
		if err := refuseLinks(path); err != nil {
			return nil, err
		}
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|oNoFollow, 0o600)
		if err != nil {
			return nil, fmt.Errorf("open audit database: %w", err)
		}
		fi, err := f.Stat()
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("open audit database: %w", err)
		}
		if !fi.Mode().IsRegular() {
			return nil, fmt.Errorf("open audit database %s: not a regular file", path)
		}
		if fi.Size() == 0 {
			if err := retryBusy(func() error { return create(path) }); err != nil {
				return nil, fmt.Errorf("open audit database %s: %w", path, err)
			}
		}
	}
	q := url.Values{}
	// busy_timeout first: the pragmas run in order on each new connection,
	// and journal_mode needs a lock that another ward opening or creating
	// the same database may hold for a moment (without the timeout set,
	// that was SQLITE_BUSY at once, and the ward refused to start).
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous("+string(o.Sync)+")")
	// 512 KiB of page cache (SQLite's default is 2 MiB): appends write whole
	// new pages and queries scan blocks once, so a bigger cache buys little
	// and costs ward's resident memory (-6 MiB measured under load).
	q.Add("_pragma", "cache_size(-512)")
	q.Add("_pragma", "foreign_keys(ON)")
	q.Add("_pragma", fmt.Sprintf("wal_autocheckpoint(%d)", walAutocheckpoint))
	q.Set("_txlock", "immediate")
	if o.ReadOnly {
		q.Set("mode", "ro")
	}
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open audit database %s: %w", path, err)
	}
	s := &Store{db: db, path: path, readOnly: o.ReadOnly}
	if err := retryBusy(s.init); err != nil {
		db.Close()
		return nil, fmt.Errorf("open audit database %s: %w", path, err)
	}
	return s, nil
}

// retryBusy runs f again while it fails with SQLITE_BUSY, for up to ten
// seconds (busy_timeout's wait). Switching a new database to WAL needs an
// exclusive lock, and SQLite answers that pragma with SQLITE_BUSY at once,
// without its busy handler, while another connection holds the file: wards
// that an MCP host starts together on a new database met it about once in
// 30 starts and refused to start.
func retryBusy(f func() error) error {
	deadline := time.Now().Add(10 * time.Second)
	for wait := 5 * time.Millisecond; ; wait = min(2*wait, 200*time.Millisecond) {
		err := f()
		if err == nil || !isBusy(err) || time.Now().After(deadline) {
			return err
		}
		time.Sleep(wait)
	}
}

// isBusy reports whether err is SQLite's SQLITE_BUSY (any extended code).
func isBusy(err error) bool {
	var e interface{ Code() int }
	return errors.As(err, &e) && e.Code()&0xff == 5
}

// refuseLinks refuses a symbolic link at path or where SQLite keeps its
// write-ahead log, shared memory or journal beside it: someone who can
// write the directory (a shared log directory) would choose which file
// ward writes a database or log frames into, and which one SQLite
// truncates when it resets the log.
func refuseLinks(path string) error {
	for _, p := range []string{path, path + "-wal", path + "-shm", path + "-journal"} {
		if fi, err := os.Lstat(p); err == nil && fi.Mode()&os.ModeSymlink != 0 {
			return fmt.Errorf("open audit database %s: %s is a symbolic link; name the file itself", path, p)
		}
	}
	return nil
}

// pageSize is the page size of a new database. SQLite's default, 4 KiB,
// made a group commit of 1024 events (~570 KB of block) some 140 WAL frames,
// each a pwrite, copied again frame by frame at every checkpoint. Bigger
// pages mean fewer frames, but every commit also rewrites the last page of
// the table and of its two indexes whole, which costs small batches. 32 KiB
// measured best across batch sizes (BenchmarkPageSize, CPU per event at 4,
// 16, 32 and 64 KiB: 1024-event batches 2.7-2.9, 2.1-2.2, 2.0-2.1, 1.9-2.2
// us; 128-event batches 4.0-4.2, 3.6-3.8, 3.4-3.8, 3.6-4.3 us). (Variables
// for the benchmarks.)
var pageSize = 32768

// walAutocheckpoint is the number of WAL pages after which a commit copies
// the log into the database. SQLite's default, 1000 pages, would let the log
// grow to 32 MiB at pageSize; 128 pages keep it at the default's 4 MiB,
// which measured better than longer logs (one that stays in the page cache
// is cheap to copy).
var walAutocheckpoint = 128

// create gives the empty file at path its page size and WAL mode before
// anything else touches it: the page size of a database is fixed when its
// first page is written, which the journal_mode pragma of Open's connections
// would do with the default size. A database that exists keeps its own.
func create(path string) error {
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()
	conn, err := db.Conn(context.Background())
	if err != nil {
		return err
	}
	defer conn.Close()
	// page_size only takes effect if the file is still empty: another ward
	// creating the same database meanwhile leaves its own choice in place.
	if _, err := conn.ExecContext(context.Background(), fmt.Sprintf("PRAGMA page_size = %d", pageSize)); err != nil {
		return err
	}
	_, err = conn.ExecContext(context.Background(), "PRAGMA journal_mode = WAL")
	return err
}

func (s *Store) init() error {
	var v int
	if err := s.db.QueryRow(`PRAGMA user_version`).Scan(&v); err != nil {
		return err
	}
	if v > schemaVersion {
		return fmt.Errorf("database schema version %d is newer than this ward (%d)", v, schemaVersion)
	}
	if s.readOnly {
		switch v {
		case schemaVersion:
			return nil
		case 1:
			return errors.New("the database was written by an older ward (schema 1): open it once for writing (ward proxy --audit sqlite:PATH) to upgrade it")
		}
		return fmt.Errorf("not a ward audit database (schema version %d)", v)
	}
	if v == schemaVersion {
		return nil
	}
	tx, err := s.db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// Read again under the write lock: another ward opening the database
	// at the same time may have created or upgraded it meanwhile (and an
	// upgrade run twice found no events table to move).
	if err := tx.QueryRow(`PRAGMA user_version`).Scan(&v); err != nil {
		return err
	}
	if v == schemaVersion {
		return nil
	}
	if _, err := tx.Exec(schema); err != nil {
		return err
	}
	if v == 1 {
		if err := migrate(tx); err != nil {
			return fmt.Errorf("upgrade from schema 1: %w", err)
		}
	}
	if _, err := tx.Exec(fmt.Sprintf(`PRAGMA user_version = %d`, schemaVersion)); err != nil {
		return err
	}
	return tx.Commit()
}

// Path returns the database's file name.
func (s *Store) Path() string { return s.path }

// DB returns the underlying database, for tests that tamper with it.
func (s *Store) DB() *sql.DB { return s.db }

// Append implements audit.Store: the events become one block, in one
// transaction.
func (s *Store) Append(ctx context.Context, events []audit.Event) error {
	return s.AppendSigned(ctx, events, nil)
}

var _ audit.SignedAppender = (*Store)(nil)

// AppendSigned implements audit.SignedAppender: the checkpoint goes into
// the batch's transaction.
func (s *Store) AppendSigned(ctx context.Context, events []audit.Event, sign func(audit.Head) (audit.Checkpoint, bool)) (err error) {
	if len(events) == 0 {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return audit.ErrClosed
	}
	if s.readOnly {
		return fmt.Errorf("append audit events: %s is open read-only", s.path)
	}
	if err := s.prepare(ctx); err != nil {
		return fmt.Errorf("append audit events: %w", err)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("append audit events: %w", err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	head := audit.EmptyHead()
	err = tx.StmtContext(ctx, s.headStmt).QueryRowContext(ctx).Scan(&head.Seq, &head.Hash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("append audit events: read chain head: %w", err)
	}
	// Sealed in a copy: events stay as they were if the commit fails.
	sealed := append(s.sealed[:0], events...)
	defer func() {
		clear(sealed) // keep no event's strings alive until the next batch
		s.sealed = sealed[:0]
	}()
	for i := range sealed {
		if err := head.Seal(&sealed[i]); err != nil {
			return fmt.Errorf("append audit events: %w", err)
		}
	}
	block, err := insertEvents(ctx, tx.StmtContext(ctx, s.insertStmt), sealed, s.block[:0], s.maxBlock)
	if cap(block) <= maxKeptBlock {
		s.block = block[:0]
	}
	if err != nil {
		return fmt.Errorf("append audit events: %w", err)
	}
	if sign != nil {
		last := &sealed[len(sealed)-1]
		if c, ok := sign(audit.Head{Seq: last.Seq, Hash: last.Hash}); ok {
			if _, err := tx.StmtContext(ctx, s.checkpointStmt).ExecContext(ctx, c.Seq, c.Hash, c.Time.UnixNano(), c.KeyID, c.Signature); err != nil {
				return fmt.Errorf("append audit checkpoint: %w", err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("append audit events: commit: %w", err)
	}
	copy(events, sealed)
	return nil
}

// insertEvents stores sealed events as one block, or as several if they
// take more than maxBlock bytes, encoded into block, which it returns for
// reuse (the driver copies what it binds).
func insertEvents(ctx context.Context, insert *sql.Stmt, events []audit.Event, block []byte, maxBlock int) ([]byte, error) {
	first := 0 // the first event of the block being encoded
	var minT, maxT int64
	flush := func(end int) error {
		last := &events[end-1]
		_, err := insert.ExecContext(ctx, events[first].Seq, last.Seq, minT, maxT, last.Hash, block)
		return err
	}
	for i := range events {
		e := &events[i]
		start := len(block)
		if i > first {
			block = append(block, '\n')
		}
		var err error
		if block, err = audit.AppendStored(block, e); err != nil {
			return block, fmt.Errorf("encode audit event %d: %w", e.Seq, err)
		}
		if len(block) > maxBlock && i > first {
			// The block is full without this event: store it, and start
			// the next one with this event.
			block = block[:start]
			if err := flush(i); err != nil {
				return block, err
			}
			first, block = i, block[:0]
			if block, err = audit.AppendStored(block, e); err != nil {
				return block, fmt.Errorf("encode audit event %d: %w", e.Seq, err)
			}
		}
		t := unixNano(e.Time)
		if i == first {
			minT, maxT = t, t
		}
		minT, maxT = min(minT, t), max(maxT, t)
	}
	return block, flush(len(events))
}

// unixNano is t.UnixNano() for the years 1678-2262 that it can represent,
// and the least or greatest int64 before or after them. UnixNano wraps
// around outside them: --until 9999-12-31 became a bound in the past and
// --since 1600-01-01 one in the future, and the query skipped every block.
func unixNano(t time.Time) int64 {
	switch {
	case t.Before(minNanoTime):
		return math.MinInt64
	case t.After(maxNanoTime):
		return math.MaxInt64
	}
	return t.UnixNano()
}

var (
	minNanoTime = time.Unix(0, math.MinInt64)
	maxNanoTime = time.Unix(0, math.MaxInt64)
)

// AppendCheckpoint implements audit.Store.
func (s *Store) AppendCheckpoint(ctx context.Context, c audit.Checkpoint) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return audit.ErrClosed
	}
	_, err := s.db.ExecContext(ctx, insertCheckpoint, c.Seq, c.Hash, c.Time.UnixNano(), c.KeyID, c.Signature)
	if err != nil {
		return fmt.Errorf("append audit checkpoint: %w", err)
	}
	return nil
}

// Checkpoints implements audit.Store.
func (s *Store) Checkpoints(ctx context.Context) ([]audit.Checkpoint, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT seq, hash, time_ns, key_id, sig FROM checkpoints ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("read audit checkpoints: %w", err)
	}
	defer rows.Close()
	var out []audit.Checkpoint
	for rows.Next() {
		var seq, hash, ns, keyID, sig any
		if err := rows.Scan(&seq, &hash, &ns, &keyID, &sig); err != nil {
			return nil, fmt.Errorf("read audit checkpoints: %w", err)
		}
		// A row edited to hold values of other types cannot vouch for
		// anything: it is returned as a checkpoint with no signature,
		// which Verify reports, rather than stopping the reading.
		var c audit.Checkpoint
		s, ok1 := seq.(int64)
		n, ok2 := ns.(int64)
		h, ok3 := hash.(string)
		k, ok4 := keyID.(string)
		g, ok5 := sig.([]byte)
		if ok1 && ok2 && ok3 && ok4 && ok5 && s >= 0 {
			c = audit.Checkpoint{Seq: uint64(s), Hash: h, Time: time.Unix(0, n).UTC(), KeyID: k, Signature: g}
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read audit checkpoints: %w", err)
	}
	return out, nil
}

// Query implements audit.Store. The blocks that cannot hold a match (by
// sequence number and time) are skipped in SQL; the events of the others
// are decoded and filtered here.
func (s *Store) Query(ctx context.Context, f audit.Filter) iter.Seq2[audit.Event, error] {
	return func(yield func(audit.Event, error) bool) {
		var where []string
		var args []any
		add := func(cond string, v any) { where = append(where, cond); args = append(args, v) }
		if !f.Since.IsZero() {
			add("max_time_ns >= ?", unixNano(f.Since))
		}
		if !f.Until.IsZero() {
			add("min_time_ns < ?", unixNano(f.Until))
		}
		if f.AfterSeq > 0 {
			add("last_seq > ?", f.AfterSeq)
		}
		q := `SELECT events FROM blocks`
		if len(where) > 0 {
			q += " WHERE " + strings.Join(where, " AND ")
		}
		q += " ORDER BY id"
		rows, err := s.db.QueryContext(ctx, q, args...)
		if err != nil {
			yield(audit.Event{}, fmt.Errorf("query audit events: %w", err))
			return
		}
		defer rows.Close()
		lq := audit.NewLineQuery(&f, yield)
		for rows.Next() {
			var block []byte
			if err := rows.Scan(&block); err != nil {
				yield(audit.Event{}, fmt.Errorf("query audit events: %w", err))
				return
			}
			for len(block) > 0 {
				line := block
				if i := bytes.IndexByte(block, '\n'); i >= 0 {
					line, block = block[:i], block[i+1:]
				} else {
					block = nil
				}
				if !lq.Next(line) {
					return
				}
			}
		}
		if err := rows.Err(); err != nil {
			yield(audit.Event{}, fmt.Errorf("query audit events: %w", err))
		}
	}
}

// Stats implements audit.Store.
func (s *Store) Stats(ctx context.Context, f audit.Filter) (*audit.Stats, error) {
	return audit.ComputeStats(s.Query(ctx, f))
}

// Close implements audit.Store.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	if s.insertStmt != nil {
		s.headStmt.Close()
		s.insertStmt.Close()
		s.checkpointStmt.Close()
	}
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close audit database: %w", err)
	}
	return nil
}

// CheckIndex implements audit.IndexChecker: each block's range of sequence
// numbers and times and its last hash, which Append reads as the chain head
// and Query filters by, must be those of the events it holds. Records that
// cannot be read are left to Verify's reading of the chain.
func (s *Store) CheckIndex(ctx context.Context) ([]audit.Problem, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, first_seq, last_seq, min_time_ns, max_time_ns, last_hash, events FROM blocks ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("check audit index: %w", err)
	}
	defer rows.Close()
	var problems []audit.Problem
	for rows.Next() {
		var (
			id                      int64
			cFirst, cLast           any
			cMinT, cMaxT, cLastHash any
			block                   []byte
		)
		if err := rows.Scan(&id, &cFirst, &cLast, &cMinT, &cMaxT, &cLastHash, &block); err != nil {
			return nil, fmt.Errorf("check audit index: %w", err)
		}
		// Columns edited to hold values of other types are a bad index, not
		// a store that cannot be read.
		iFirst, ok1 := cFirst.(int64)
		iLast, ok2 := cLast.(int64)
		minT, ok3 := cMinT.(int64)
		maxT, ok4 := cMaxT.(int64)
		lastHash, ok5 := cLastHash.(string)
		if !(ok1 && ok2 && ok3 && ok4 && ok5) {
			problems = append(problems, audit.Problem{Kind: audit.BadIndex,
				Detail: fmt.Sprintf("block %d holds values of the wrong type in its range (first_seq %v, last_seq %v, min_time_ns %v, max_time_ns %v, last_hash %q)",
					id, cFirst, cLast, cMinT, cMaxT, fmt.Sprint(cLastHash))})
			continue
		}
		first, last := uint64(iFirst), uint64(iLast)
		var got struct {
			first, last uint64
			minT, maxT  int64
			hash        string
			n           int
		}
		for line := range bytes.SplitSeq(block, []byte("\n")) {
			e, err := audit.UnmarshalStored(line)
			if err != nil {
				continue
			}
			t := unixNano(e.Time)
			if got.n == 0 {
				got.first, got.minT, got.maxT = e.Seq, t, t
			}
			got.last, got.hash, got.n = e.Seq, e.Hash, got.n+1
			got.minT, got.maxT = min(got.minT, t), max(got.maxT, t)
		}
		if got.n == 0 {
			continue
		}
		if got.first != first || got.last != last || got.minT != minT || got.maxT != maxT || got.hash != lastHash {
			problems = append(problems, audit.Problem{Kind: audit.BadIndex, Seq: first,
				Detail: fmt.Sprintf("block %d claims seq %d–%d, times %d–%d and last hash %.12s…, but holds seq %d–%d, times %d–%d, last hash %.12s…",
					id, first, last, minT, maxT, lastHash, got.first, got.last, got.minT, got.maxT, got.hash)})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("check audit index: %w", err)
	}
	return problems, nil
}
