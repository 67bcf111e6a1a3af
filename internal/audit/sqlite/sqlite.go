// Package sqlite is the embedded audit store: a SQLite database in WAL mode,
// written with modernc.org/sqlite (no cgo).
//
// Durability: Append commits one transaction per batch. With SyncFull (the
// default) SQLite fsyncs the write-ahead log at every commit, so an appended
// event survives kill -9 and power loss; with SyncNormal it survives kill -9
// (the log is in the kernel's page cache) but the last commits may be lost on
// power loss. Several ward processes may append to one database: the chain
// head is read inside each write transaction.
package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/ward-mcp/ward/internal/audit"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
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

const schemaVersion = 1

const schema = `
CREATE TABLE IF NOT EXISTS events (
	id             INTEGER PRIMARY KEY,
	seq            INTEGER NOT NULL,
	schema         INTEGER NOT NULL,
	time_ns        INTEGER NOT NULL,
	session        TEXT NOT NULL,
	server         TEXT NOT NULL,
	host           TEXT NOT NULL,
	client_name    TEXT NOT NULL,
	client_version TEXT NOT NULL,
	direction      TEXT NOT NULL,
	method         TEXT NOT NULL,
	kind           TEXT NOT NULL,
	name           TEXT NOT NULL,
	decision       TEXT NOT NULL,
	mode           TEXT NOT NULL,
	rule_ids       TEXT NOT NULL,
	reasons        TEXT NOT NULL,
	latency_ns     INTEGER NOT NULL,
	ward_version   TEXT NOT NULL,
	arguments      TEXT NOT NULL,
	prev_hash      TEXT NOT NULL,
	hash           TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_time ON events(time_ns);
CREATE INDEX IF NOT EXISTS events_server ON events(server);
CREATE INDEX IF NOT EXISTS events_session ON events(session);
CREATE TABLE IF NOT EXISTS checkpoints (
	id      INTEGER PRIMARY KEY,
	seq     INTEGER NOT NULL,
	hash    TEXT NOT NULL,
	time_ns INTEGER NOT NULL,
	key_id  TEXT NOT NULL,
	sig     BLOB NOT NULL
);`

const insertEvent = `INSERT INTO events (seq, schema, time_ns, session, server, host, client_name, client_version,
	direction, method, kind, name, decision, mode, rule_ids, reasons, latency_ns, ward_version, arguments, prev_hash, hash)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

const selectEvents = `SELECT id, seq, schema, time_ns, session, server, host, client_name, client_version,
	direction, method, kind, name, decision, mode, rule_ids, reasons, latency_ns, ward_version, arguments, prev_hash, hash
	FROM events`

// Store is an audit.Store in a SQLite database.
type Store struct {
	db       *sql.DB
	path     string
	mu       sync.Mutex // serialises appends within this process
	closed   bool
	readOnly bool
}

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
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			return nil, fmt.Errorf("open audit database: %w", err)
		}
		f.Close()
	}
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous("+string(o.Sync)+")")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(ON)")
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
	if err := s.init(); err != nil {
		db.Close()
		return nil, fmt.Errorf("open audit database %s: %w", path, err)
	}
	return s, nil
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
		if v != schemaVersion {
			return fmt.Errorf("not a ward audit database (schema version %d)", v)
		}
		return nil
	}
	if v == schemaVersion {
		return nil
	}
	if _, err := s.db.Exec(schema); err != nil {
		return err
	}
	_, err := s.db.Exec(fmt.Sprintf(`PRAGMA user_version = %d`, schemaVersion))
	return err
}

// Path returns the database's file name.
func (s *Store) Path() string { return s.path }

// DB returns the underlying database, for tests that tamper with it.
func (s *Store) DB() *sql.DB { return s.db }

// Append implements audit.Store.
func (s *Store) Append(ctx context.Context, events []audit.Event) (err error) {
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
	err = tx.QueryRowContext(ctx, `SELECT seq, hash FROM events ORDER BY id DESC LIMIT 1`).Scan(&head.Seq, &head.Hash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("append audit events: read chain head: %w", err)
	}
	stmt, err := tx.PrepareContext(ctx, insertEvent)
	if err != nil {
		return fmt.Errorf("append audit events: %w", err)
	}
	defer stmt.Close()
	sealed := make([]audit.Event, len(events))
	copy(sealed, events)
	for i := range sealed {
		e := &sealed[i]
		if err := head.Seal(e); err != nil {
			return fmt.Errorf("append audit events: %w", err)
		}
		_, err := stmt.ExecContext(ctx, e.Seq, e.Schema, e.Time.UnixNano(), e.Session, e.Server, e.Host,
			e.Client.Name, e.Client.Version, string(e.Direction), e.Method, string(e.Kind), e.Name,
			string(e.Decision), string(e.Mode), jsonList(e.RuleIDs), jsonList(e.Reasons), int64(e.Latency),
			e.WardVersion, string(e.Arguments), e.PrevHash, e.Hash)
		if err != nil {
			return fmt.Errorf("append audit event %d: %w", e.Seq, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("append audit events: commit: %w", err)
	}
	copy(events, sealed)
	return nil
}

func jsonList(s []string) string {
	if len(s) == 0 {
		return ""
	}
	b, _ := json.Marshal(s)
	return string(b)
}

// AppendCheckpoint implements audit.Store.
func (s *Store) AppendCheckpoint(ctx context.Context, c audit.Checkpoint) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return audit.ErrClosed
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO checkpoints (seq, hash, time_ns, key_id, sig) VALUES (?, ?, ?, ?, ?)`,
		c.Seq, c.Hash, c.Time.UnixNano(), c.KeyID, c.Signature)
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
		var c audit.Checkpoint
		var ns int64
		if err := rows.Scan(&c.Seq, &c.Hash, &ns, &c.KeyID, &c.Signature); err != nil {
			return nil, fmt.Errorf("read audit checkpoints: %w", err)
		}
		c.Time = time.Unix(0, ns).UTC()
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read audit checkpoints: %w", err)
	}
	return out, nil
}

// Query implements audit.Store. Filters other than Rule run in SQL.
func (s *Store) Query(ctx context.Context, f audit.Filter) iter.Seq2[audit.Event, error] {
	return func(yield func(audit.Event, error) bool) {
		var where []string
		var args []any
		add := func(cond string, v any) { where = append(where, cond); args = append(args, v) }
		if f.Server != "" {
			add("server = ?", f.Server)
		}
		if f.Name != "" {
			add("name = ?", f.Name)
		}
		if f.Decision != "" {
			add("decision = ?", string(f.Decision))
		}
		if f.Session != "" {
			add("session = ?", f.Session)
		}
		if !f.Since.IsZero() {
			add("time_ns >= ?", f.Since.UnixNano())
		}
		if !f.Until.IsZero() {
			add("time_ns < ?", f.Until.UnixNano())
		}
		if f.AfterSeq > 0 {
			add("seq > ?", f.AfterSeq)
		}
		q := selectEvents
		if len(where) > 0 {
			q += " WHERE " + strings.Join(where, " AND ")
		}
		q += " ORDER BY id"
		if f.Limit > 0 && f.Rule == "" {
			q += fmt.Sprintf(" LIMIT %d", f.Limit)
		}
		rows, err := s.db.QueryContext(ctx, q, args...)
		if err != nil {
			yield(audit.Event{}, fmt.Errorf("query audit events: %w", err))
			return
		}
		defer rows.Close()
		n := 0
		var pos int64
		for rows.Next() {
			pos++
			e, err := scanEvent(rows)
			if err != nil {
				if !yield(audit.Event{}, &audit.RecordError{Position: pos, Err: err}) {
					return
				}
				continue
			}
			if !f.Match(&e) {
				continue
			}
			if !yield(e, nil) {
				return
			}
			n++
			if f.Limit > 0 && n >= f.Limit {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(audit.Event{}, fmt.Errorf("query audit events: %w", err))
		}
	}
}

func scanEvent(rows *sql.Rows) (audit.Event, error) {
	var (
		e                               audit.Event
		id, timeNS, latency             int64
		direction, kind, decision, mode string
		ruleIDs, reasons, arguments     string
	)
	if err := rows.Scan(&id, &e.Seq, &e.Schema, &timeNS, &e.Session, &e.Server, &e.Host, &e.Client.Name,
		&e.Client.Version, &direction, &e.Method, &kind, &e.Name, &decision, &mode, &ruleIDs, &reasons,
		&latency, &e.WardVersion, &arguments, &e.PrevHash, &e.Hash); err != nil {
		return e, err
	}
	if e.Schema != audit.SchemaVersion {
		return e, fmt.Errorf("unknown schema version %d", e.Schema)
	}
	e.Time = time.Unix(0, timeNS).UTC()
	e.Direction, e.Kind, e.Decision, e.Mode = audit.Direction(direction), audit.Kind(kind), audit.Decision(decision), audit.Mode(mode)
	e.Latency = time.Duration(latency)
	if ruleIDs != "" {
		if err := json.Unmarshal([]byte(ruleIDs), &e.RuleIDs); err != nil {
			return e, fmt.Errorf("rule_ids: %w", err)
		}
	}
	if reasons != "" {
		if err := json.Unmarshal([]byte(reasons), &e.Reasons); err != nil {
			return e, fmt.Errorf("reasons: %w", err)
		}
	}
	if arguments != "" {
		e.Arguments = json.RawMessage(arguments)
	}
	return e, nil
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
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close audit database: %w", err)
	}
	return nil
}
