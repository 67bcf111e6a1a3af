package backend

import (
	"errors"
	"fmt"
	"io"

	"github.com/ward-mcp/ward/internal/audit"
	"github.com/ward-mcp/ward/internal/sign"
)

// Settings is the audit section of ward's configuration (docs/audit.md).
// The zero value records to the default SQLite database with redacted
// arguments and no checkpoints.
type Settings struct {
	// Store is "sqlite" (default), "jsonl", "stdout" or "none".
	Store string `json:"store,omitempty"`
	// Path is the database or log file.
	Path string `json:"path,omitempty"`
	// Sync is "FULL" (default for SQLite) or "NORMAL"; see docs/audit.md.
	Sync string `json:"sync,omitempty"`
	// Arguments is "none", "redacted" (default) or "full".
	Arguments string `json:"arguments,omitempty"`
	// Required makes ward deny a call it cannot record.
	Required bool `json:"required,omitempty"`
	// Key is the audit private key that signs checkpoints (ward keygen).
	Key string `json:"key,omitempty"`
	// CheckpointEvery is the number of records between checkpoints (default 1000).
	CheckpointEvery uint64 `json:"checkpoint_every,omitempty"`
	// QueueSize bounds the events waiting to be written (default 16384).
	QueueSize int `json:"queue_size,omitempty"`
}

// Pipeline is a running audit trail: a Writer in front of a Store.
type Pipeline struct {
	// Writer takes events; nil when Store is "none".
	Writer *audit.Writer
	// Store is where they go; nil when Store is "none".
	Store audit.Store
	// Arguments is how much of a call's arguments events keep.
	Arguments audit.ArgumentsMode
	// Required is Settings.Required.
	Required bool
}

// ErrNotRecorded is returned by Record and Admit when an event cannot be
// recorded and the trail is required: the caller denies the call.
var ErrNotRecorded = errors.New("audit trail cannot record this call")

// Start opens the store s names and starts its Writer. stdout is where a
// "stdout" store writes; onError receives store failures (may be nil).
func Start(s Settings, stdout io.Writer, onError func(error)) (*Pipeline, error) {
	mode, err := audit.ParseArgumentsMode(s.Arguments)
	if err != nil {
		return nil, err
	}
	p := &Pipeline{Arguments: mode, Required: s.Required}
	if s.Store == "none" {
		if s.Required {
			return nil, errors.New("audit: store none contradicts required: true")
		}
		return p, nil
	}
	opts := &audit.WriterOptions{CheckpointEvery: s.CheckpointEvery, QueueSize: s.QueueSize, OnError: onError}
	if s.Key != "" {
		key, err := sign.LoadPrivateKey(s.Key)
		if err != nil {
			return nil, fmt.Errorf("audit key: %w", err)
		}
		opts.Key = key
	}
	st, err := Open(Config{Kind: s.Store, Path: s.Path, Sync: s.Sync, Stdout: stdout})
	if err != nil {
		return nil, err
	}
	p.Store = st
	p.Writer = audit.NewWriter(st, opts)
	return p, nil
}

// Admit reports whether a call may proceed as far as the audit trail is
// concerned: always, unless the trail is required and cannot record now.
func (p *Pipeline) Admit() error {
	if p.Required && (p.Writer == nil || !p.Writer.Healthy()) {
		return ErrNotRecorded
	}
	return nil
}

// Record queues e. If the event cannot be queued, the error is returned when
// the trail is required (the caller denies) and only counted otherwise.
func (p *Pipeline) Record(e audit.Event) error {
	if p.Writer == nil {
		return nil
	}
	if err := p.Writer.Write(e); err != nil && p.Required {
		return fmt.Errorf("%w: %w", ErrNotRecorded, err)
	}
	return nil
}

// Close flushes the writer, signs the final checkpoint and closes the store.
func (p *Pipeline) Close() error {
	if p.Writer == nil {
		return nil
	}
	werr := p.Writer.Close()
	serr := p.Store.Close()
	return errors.Join(werr, serr)
}
