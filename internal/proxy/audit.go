package proxy

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ward-mcp/ward/internal/audit"
	"github.com/ward-mcp/ward/internal/audit/backend"
	"github.com/ward-mcp/ward/internal/audit/sqlite"
	"github.com/ward-mcp/ward/internal/enforce"
	"github.com/ward-mcp/ward/internal/sign"
)

// AuditConfig says where the proxy records its decisions.
type AuditConfig struct {
	// Spec is "sqlite" (the default database in the state directory),
	// "sqlite:PATH", "jsonl:PATH" or "none".
	Spec string
	// KeyPath is an Ed25519 private key (PKCS#8 PEM) that signs checkpoints
	// of the chain. Empty means the store's own key, DefaultAuditKey beside
	// the store, created on first use.
	KeyPath string
	// Arguments is how much of each call's arguments is recorded.
	Arguments audit.ArgumentsMode
	// Required refuses calls while the trail cannot record them.
	Required bool
	// Stream is where "jsonl:/dev/stderr" writes; os.Stderr if nil.
	Stream io.Writer
}

// auditQueue is the writer's queue size; --audit-required refuses calls
// when it is full. 4096 events are ~60 ms of calls at 70k/s against a
// writer that stores ~128k/s; 16384 cost 9 MiB more resident memory under
// load and caught no burst that 4096 dropped (make bench, ward-audit).
const auditQueue = 4096

// streamCloseWait bounds how long closing a trail on stderr waits for
// stderr to take the last events. An MCP host may never read ward's stderr;
// the trail's writer then blocks in its write (its queue fills and events
// are dropped and counted, never the session's messages held), and must not
// hold ward's exit either.
const streamCloseWait = 2 * time.Second

// auditTrail is an open store and its writer.
type auditTrail struct {
	store  audit.Store
	writer *audit.Writer
	where  string
	stream bool // writes to stderr, which nobody may read: see streamCloseWait
}

// ParseAuditSpec checks a --audit value and returns the store kind and path.
func ParseAuditSpec(spec string) (kind, path string, err error) {
	switch {
	case spec == "" || spec == "sqlite":
		p, err := sqlite.DefaultPath()
		return "sqlite", p, err
	case spec == "none":
		return "none", "", nil
	case strings.HasPrefix(spec, "sqlite:") && len(spec) > len("sqlite:"):
		return "sqlite", spec[len("sqlite:"):], nil
	case strings.HasPrefix(spec, "jsonl:") && len(spec) > len("jsonl:"):
		p := spec[len("jsonl:"):]
		if p == "-" || p == "/dev/stdout" {
			return "", "", errors.New("--audit jsonl cannot write to stdout: it carries the MCP session (use a file or /dev/stderr)")
		}
		return "jsonl", p, nil
	}
	return "", "", fmt.Errorf("--audit %q: want sqlite, sqlite:PATH, jsonl:PATH or none", spec)
}

// openAudit opens the trail cfg describes; nil when it is "none".
func openAudit(cfg *AuditConfig) (*auditTrail, error) {
	kind, path, err := ParseAuditSpec(cfg.Spec)
	if err != nil || kind == "none" {
		return nil, err
	}
	if kind == "jsonl" && isStderr(path) {
		return openStderrAudit(cfg)
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("audit store: %w", err)
		}
	}
	keyPath := cfg.KeyPath
	if keyPath == "" {
		if keyPath, err = ensureAuditKey(path); err != nil {
			return nil, err
		}
	}
	key, err := sign.LoadPrivateKey(keyPath)
	if err != nil {
		return nil, fmt.Errorf("audit key: %w", err)
	}
	t := &auditTrail{where: kind + ":" + path}
	if t.store, err = backend.Open(backend.Config{Kind: kind, Path: path}); err != nil {
		return nil, fmt.Errorf("open audit store %s: %w", t.where, err)
	}
	t.writer = audit.NewWriter(t.store, &audit.WriterOptions{QueueSize: auditQueue, Key: key,
		Prepare: enforce.ReduceAuditArguments(cfg.Arguments)})
	return t, nil
}

// isStderr reports whether path names standard error: a stream, not a file
// ward can lock, cut after a crash or keep a key beside.
func isStderr(path string) bool {
	switch path {
	case "/dev/stderr", "/dev/fd/2", "/proc/self/fd/2":
		return true
	}
	return false
}

// openStderrAudit opens a trail that writes JSON Lines to standard error,
// for a log shipper reading it. Its checkpoints are signed only with the
// key cfg names: there is no directory to keep one of its own in.
func openStderrAudit(cfg *AuditConfig) (*auditTrail, error) {
	opts := &audit.WriterOptions{QueueSize: auditQueue, Prepare: enforce.ReduceAuditArguments(cfg.Arguments)}
	if cfg.KeyPath != "" {
		key, err := sign.LoadPrivateKey(cfg.KeyPath)
		if err != nil {
			return nil, fmt.Errorf("audit key: %w", err)
		}
		opts.Key = key
	}
	t := &auditTrail{where: "jsonl:/dev/stderr", stream: true}
	w := cfg.Stream
	if w == nil {
		w = os.Stderr
	}
	var err error
	if t.store, err = backend.Open(backend.Config{Kind: backend.Stdout, Stdout: w}); err != nil {
		return nil, fmt.Errorf("open audit store %s: %w", t.where, err)
	}
	t.writer = audit.NewWriter(t.store, opts)
	return t, nil
}

// AuditKeyPaths returns where the store at path keeps its own checkpoint
// key pair: "<path>.key" (private, 0600) and "<path>.pub".
func AuditKeyPaths(path string) (priv, pub string) { return path + ".key", path + ".pub" }

// ensureAuditKey returns the store's own checkpoint key, creating the pair
// on first use, so that checkpoints are signed without any set-up and
// `ward audit verify --key <store>.pub` can tell a cut tail.
//
// The pair is written under temporary names and linked into place, so that
// the key file appears whole or not at all: wards that an MCP host starts
// together on a new database each try to create it, and one that found the
// file another was still writing read it half written and refused to start.
func ensureAuditKey(path string) (string, error) {
	priv, pub := AuditKeyPaths(path)
	if _, err := os.Stat(priv); err == nil {
		return priv, nil
	}
	if _, err := os.Lstat(pub); err == nil {
		// Another ward may have linked the pair between the two looks.
		if _, err := os.Stat(priv); err == nil {
			return priv, nil
		}
		return "", fmt.Errorf("create the audit key: %s exists without %s", pub, priv)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(priv), ".ward-audit-key-")
	if err != nil {
		return "", fmt.Errorf("create the audit key: %w", err)
	}
	defer os.RemoveAll(tmp)
	tpriv, tpub := filepath.Join(tmp, "key"), filepath.Join(tmp, "pub")
	if _, err := sign.GenerateKeyFiles(tpriv, tpub); err != nil {
		return "", fmt.Errorf("create the audit key: %w", err)
	}
	if err := os.Link(tpriv, priv); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return priv, nil // another ward created it meanwhile
		}
		return "", fmt.Errorf("create the audit key: %w", err)
	}
	if err := os.Link(tpub, pub); err != nil {
		return "", fmt.Errorf("create the audit key: %w", err)
	}
	return priv, nil
}

// close flushes the writer (a signed checkpoint is written if there is a
// key) and closes the store. It reports events that were not recorded. A
// trail on stderr is given streamCloseWait: if stderr takes nothing in that
// time, close returns, and the writer's goroutine stays blocked in its write
// until stderr is read or the process exits.
func (t *auditTrail) close() error {
	if !t.stream {
		return t.closeWait()
	}
	done := make(chan error, 1)
	go func() { done <- t.closeWait() }()
	timer := time.NewTimer(streamCloseWait)
	defer timer.Stop()
	select {
	case err := <-done:
		return err
	case <-timer.C:
		st := t.writer.Stats()
		return fmt.Errorf("audit trail %s: stderr took no events for %v: the batch being written and %d queued event(s) lost, %d dropped before: stderr was not being read",
			t.where, streamCloseWait, st.Queued, st.Dropped)
	}
}

// closeWait is close without a bound on the wait.
func (t *auditTrail) closeWait() error {
	werr := t.writer.Close()
	serr := t.store.Close()
	st := t.writer.Stats()
	if st.Dropped+st.Failed+st.Invalid > 0 {
		return fmt.Errorf("audit trail %s: %d event(s) dropped, %d failed, %d invalid", t.where, st.Dropped, st.Failed, st.Invalid)
	}
	return errors.Join(werr, serr)
}
