// Package backend opens the audit store a configuration names, so that the
// proxy, the gateway and `ward audit` agree on what "the audit log" is.
package backend

import (
	"fmt"
	"io"

	"github.com/ward-mcp/ward/internal/audit"
	"github.com/ward-mcp/ward/internal/audit/jsonl"
	"github.com/ward-mcp/ward/internal/audit/sqlite"
)

// Kinds of store.
const (
	SQLite = "sqlite"
	JSONL  = "jsonl"
	Stdout = "stdout"
)

// Config names a store.
type Config struct {
	// Kind is SQLite (default), JSONL or Stdout.
	Kind string
	// Path is the file; for SQLite it defaults to sqlite.DefaultPath.
	Path string
	// Sync is SQLite's synchronous level ("FULL", default, or "NORMAL"), or
	// for JSONL "FULL" to fsync every batch.
	Sync string
	// ReadOnly opens an existing store for reading only (a JSONL file
	// without taking the writer's lock).
	ReadOnly bool
	// Stdout is where a Stdout store writes.
	Stdout io.Writer
}

// Open opens the store c names.
func Open(c Config) (audit.Store, error) {
	switch c.Kind {
	case "", SQLite:
		p := c.Path
		if p == "" {
			var err error
			if p, err = sqlite.DefaultPath(); err != nil {
				return nil, err
			}
		}
		return sqlite.Open(p, &sqlite.Options{Sync: sqlite.Sync(c.Sync), ReadOnly: c.ReadOnly})
	case JSONL:
		if c.Path == "" {
			return nil, fmt.Errorf("audit store jsonl: a path is required")
		}
		switch c.Sync {
		case "", "NORMAL", "FULL":
		default:
			return nil, fmt.Errorf("audit store jsonl: unknown sync level %q", c.Sync)
		}
		return jsonl.Open(c.Path, &jsonl.Options{ReadOnly: c.ReadOnly, Sync: c.Sync == "FULL"})
	case Stdout:
		if c.Stdout == nil {
			return nil, fmt.Errorf("audit store stdout: no writer")
		}
		return jsonl.NewStream(c.Stdout), nil
	}
	return nil, fmt.Errorf("unknown audit store %q (want sqlite, jsonl or stdout)", c.Kind)
}

// DefaultSQLitePath is the default audit database (sqlite.DefaultPath).
func DefaultSQLitePath() (string, error) { return sqlite.DefaultPath() }
