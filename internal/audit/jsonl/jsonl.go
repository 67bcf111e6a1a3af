// Package jsonl is the JSON Lines audit store, for SIEMs and log shippers:
// one event per line, in the schema of docs/audit.md, with checkpoints as
// lines of their own ({"checkpoint":{...}}).
//
// A file store has one writer at a time (it holds an exclusive flock); readers
// open it with ReadOnly. Append writes a batch with one write call, so an
// appended event survives kill -9; with Sync it is also fsynced and survives
// power loss. A line left incomplete by a crash was never acknowledged and is
// cut when the file is next opened for writing.
package jsonl

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"sync"

	"github.com/ward-mcp/ward/internal/audit"
)

// MaxLine is the longest line a reader accepts.
const MaxLine = 16 << 20

// Options configures Open.
type Options struct {
	// ReadOnly opens the file for reading only, without the writer's lock.
	ReadOnly bool
	// Sync fsyncs the file after every append.
	Sync bool
}

// ErrWriteOnly is returned when reading a store that writes to a stream.
var ErrWriteOnly = errors.New("audit stream is write-only")

// Store is an audit.Store in a JSON Lines file or stream.
type Store struct {
	mu     sync.Mutex
	path   string   // "" for a stream
	f      *os.File // nil for a stream
	w      io.Writer
	size   int64
	head   audit.Head
	opts   Options
	closed bool
	buf    []byte // AppendSigned's encoding buffer, reused under mu
}

var _ audit.Store = (*Store)(nil)

// Open opens the JSON Lines file at path, creating it 0600 unless ReadOnly.
func Open(path string, opts *Options) (*Store, error) {
	s := &Store{path: path, head: audit.EmptyHead()}
	if opts != nil {
		s.opts = *opts
	}
	if s.opts.ReadOnly {
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("open audit log: %w", err)
		}
		return s, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("open audit log: %w", err)
	}
	// Not through a symbolic link: someone who can write the directory
	// would choose which file ward cuts and appends to.
	if fi, err := os.Lstat(path); err == nil && fi.Mode()&os.ModeSymlink != 0 {
		return nil, fmt.Errorf("open audit log %s: it is a symbolic link; name the file itself", path)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|oNoFollow, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open audit log: %w", err)
	}
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("open audit log %s: not a regular file", path)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("open audit log %s: another ward is writing it: %w", path, err)
	}
	s.f, s.w = f, f
	if err := s.recover(); err != nil {
		f.Close()
		return nil, fmt.Errorf("open audit log %s: %w", path, err)
	}
	return s, nil
}

// NewStream returns a write-only store that writes lines to w (for example
// standard output). Its chain starts afresh; Query and Checkpoints fail.
func NewStream(w io.Writer) *Store {
	return &Store{w: w, head: audit.EmptyHead()}
}

// recover finds the chain head and cuts an incomplete last line. It reads
// the file from its end, so that opening a large log is quick; only when no
// event is found in the last tailWindow bytes does it read the whole file.
func (s *Store) recover() error {
	fi, err := s.f.Stat()
	if err != nil {
		return err
	}
	size := fi.Size()
	start := max(0, size-tailWindow)
	buf := make([]byte, size-start)
	if _, err := s.f.ReadAt(buf, start); err != nil && err != io.EOF {
		return err
	}
	// Everything after the last newline was never acknowledged.
	end := int64(bytes.LastIndexByte(buf, '\n') + 1)
	complete := start + end
	if end == 0 && start > 0 {
		return s.recoverFull()
	}
	found := false
	lines := bytes.Split(buf[:end], []byte("\n"))
	for i := len(lines) - 1; i >= 0 && !found; i-- {
		if i == 0 && start > 0 {
			break // possibly the cut-off end of a longer line
		}
		if e, ok := parseEvent(lines[i]); ok {
			s.head = audit.Head{Seq: e.Seq, Hash: e.Hash}
			found = true
		}
	}
	if !found && start > 0 {
		return s.recoverFull()
	}
	return s.cutAt(complete)
}

// tailWindow is how much of a log's end recover reads first.
const tailWindow = 1 << 20

// recoverFull scans the whole file for the last event.
func (s *Store) recoverFull() error {
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	r := bufio.NewReaderSize(s.f, 64<<10)
	var off int64
	for {
		line, err := r.ReadBytes('\n')
		if len(line) > 0 && line[len(line)-1] == '\n' {
			off += int64(len(line))
			if e, ok := parseEvent(line[:len(line)-1]); ok {
				s.head = audit.Head{Seq: e.Seq, Hash: e.Hash}
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
	}
	return s.cutAt(off)
}

// cutAt truncates the file to off and positions writes there.
func (s *Store) cutAt(off int64) error {
	if err := s.f.Truncate(off); err != nil {
		return err
	}
	if _, err := s.f.Seek(off, io.SeekStart); err != nil {
		return err
	}
	s.size = off
	return nil
}

func parseEvent(line []byte) (audit.Event, bool) {
	if isCheckpoint(line) {
		return audit.Event{}, false
	}
	e, err := decodeEvent(line)
	return e, err == nil
}

var checkpointPrefix = []byte(`{"checkpoint":`)

func isCheckpoint(line []byte) bool { return bytes.HasPrefix(line, checkpointPrefix) }

// decodeEvent decodes a line strictly (see audit.UnmarshalStored).
func decodeEvent(line []byte) (audit.Event, error) { return audit.UnmarshalStored(line) }

type checkpointLine struct {
	Checkpoint *audit.Checkpoint `json:"checkpoint"`
}

// Append implements audit.Store.
func (s *Store) Append(ctx context.Context, events []audit.Event) error {
	return s.AppendSigned(ctx, events, nil)
}

var _ audit.SignedAppender = (*Store)(nil)

// AppendSigned implements audit.SignedAppender: the checkpoint's line goes
// out in the batch's write (and sync).
func (s *Store) AppendSigned(_ context.Context, events []audit.Event, sign func(audit.Head) (audit.Checkpoint, bool)) error {
	if len(events) == 0 {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return audit.ErrClosed
	}
	if s.w == nil {
		return fmt.Errorf("append audit events: %s is open read-only", s.path)
	}
	head := s.head
	sealed := make([]audit.Event, len(events))
	copy(sealed, events)
	buf := s.buf[:0]
	defer func() {
		if cap(buf) <= maxKeptBuffer {
			s.buf = buf[:0]
		}
	}()
	for i := range sealed {
		before, start := head, len(buf)
		if err := head.Seal(&sealed[i]); err != nil {
			return fmt.Errorf("append audit events: %w", err)
		}
		var err error
		if buf, err = audit.AppendStored(buf, &sealed[i]); err != nil {
			return fmt.Errorf("append audit event %d: %w", sealed[i].Seq, err)
		}
		if len(buf)-start > MaxLine-1 {
			// No reader would take the line: the decision is recorded
			// with a note instead of its arguments.
			e := events[i]
			e.Arguments = json.RawMessage(fmt.Sprintf(`{"_ward":"arguments of %d bytes were too long to record"}`, len(sealed[i].Arguments)))
			sealed[i], head, buf = e, before, buf[:start]
			if err := head.Seal(&sealed[i]); err != nil {
				return fmt.Errorf("append audit events: %w", err)
			}
			if buf, err = audit.AppendStored(buf, &sealed[i]); err != nil {
				return fmt.Errorf("append audit event %d: %w", sealed[i].Seq, err)
			}
		}
		buf = append(buf, '\n')
	}
	if sign != nil {
		if c, ok := sign(head); ok {
			b, err := audit.Marshal(checkpointLine{Checkpoint: &c})
			if err != nil {
				return fmt.Errorf("append audit checkpoint: %w", err)
			}
			buf = append(append(buf, b...), '\n')
		}
	}
	if err := s.write(buf); err != nil {
		return fmt.Errorf("append audit events: %w", err)
	}
	s.head = head
	copy(events, sealed)
	return nil
}

// maxKeptBuffer is the largest encoding buffer a Store keeps for the next
// batch.
const maxKeptBuffer = 4 << 20

// write writes b whole or, on failure, cuts the file back to where it was.
func (s *Store) write(b []byte) error {
	n, err := s.w.Write(b)
	if err == nil && s.f != nil && s.opts.Sync {
		err = s.f.Sync()
	}
	if err != nil {
		if s.f != nil {
			if terr := s.f.Truncate(s.size); terr == nil {
				s.f.Seek(s.size, io.SeekStart)
			}
		}
		return err
	}
	s.size += int64(n)
	return nil
}

// AppendCheckpoint implements audit.Store.
func (s *Store) AppendCheckpoint(_ context.Context, c audit.Checkpoint) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return audit.ErrClosed
	}
	if s.w == nil {
		return fmt.Errorf("append audit checkpoint: %s is open read-only", s.path)
	}
	b, err := audit.Marshal(checkpointLine{Checkpoint: &c})
	if err != nil {
		return fmt.Errorf("append audit checkpoint: %w", err)
	}
	if err := s.write(append(b, '\n')); err != nil {
		return fmt.Errorf("append audit checkpoint: %w", err)
	}
	return nil
}

// errLongLine is yielded by lines for a line longer than MaxLine, which it
// skips: one record that cannot be read, not the end of the log.
var errLongLine = fmt.Errorf("line longer than %d bytes", MaxLine)

// lines yields the complete lines of the file with their line numbers. A
// last line without its newline is being written and is not yielded. A
// line longer than MaxLine is yielded as errLongLine.
func (s *Store) lines(ctx context.Context) iter.Seq2[[]byte, error] {
	return func(yield func([]byte, error) bool) {
		if s.path == "" {
			yield(nil, ErrWriteOnly)
			return
		}
		f, err := os.Open(s.path)
		if err != nil {
			yield(nil, fmt.Errorf("read audit log: %w", err))
			return
		}
		defer f.Close()
		r := bufio.NewReaderSize(f, 64<<10)
		for {
			if err := ctx.Err(); err != nil {
				yield(nil, err)
				return
			}
			line, err := r.ReadSlice('\n')
			if errors.Is(err, bufio.ErrBufferFull) {
				line, err = readLong(r, line)
			}
			if err == io.EOF {
				return
			}
			if errors.Is(err, errLongLine) {
				if !yield(nil, errLongLine) {
					return
				}
				continue
			}
			if err != nil {
				yield(nil, fmt.Errorf("read audit log: %w", err))
				return
			}
			if !yield(line[:len(line)-1], nil) {
				return
			}
		}
	}
}

// readLong reads the rest of a line longer than r's buffer. Past MaxLine it
// reads on to the line's end without keeping it and returns errLongLine
// (io.EOF if the line has no end yet: it is being written).
func readLong(r *bufio.Reader, first []byte) ([]byte, error) {
	buf := append([]byte(nil), first...)
	for {
		more, err := r.ReadSlice('\n')
		if buf != nil {
			buf = append(buf, more...)
			if len(buf) > MaxLine {
				buf = nil
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err == nil && buf == nil {
			return nil, errLongLine
		}
		return buf, err
	}
}

// Query implements audit.Store.
func (s *Store) Query(ctx context.Context, f audit.Filter) iter.Seq2[audit.Event, error] {
	return func(yield func(audit.Event, error) bool) {
		q := audit.NewLineQuery(&f, yield)
		for line, err := range s.lines(ctx) {
			if errors.Is(err, errLongLine) {
				if !q.Unreadable(err) {
					return
				}
				continue
			}
			if err != nil {
				yield(audit.Event{}, err)
				return
			}
			if isCheckpoint(line) {
				continue
			}
			if !q.Next(line) {
				return
			}
		}
	}
}

// Checkpoints implements audit.Store.
func (s *Store) Checkpoints(ctx context.Context) ([]audit.Checkpoint, error) {
	var out []audit.Checkpoint
	for line, err := range s.lines(ctx) {
		if errors.Is(err, errLongLine) {
			continue // Query reports it
		}
		if err != nil {
			return nil, err
		}
		if !isCheckpoint(line) {
			continue
		}
		var cl checkpointLine
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		err = dec.Decode(&cl)
		if err == nil && cl.Checkpoint != nil {
			if again, merr := audit.Marshal(cl); merr != nil || !bytes.Equal(again, line) {
				err = errors.New("checkpoint line was edited")
			}
		}
		if err != nil || cl.Checkpoint == nil {
			// A damaged checkpoint cannot vouch for anything; it is
			// reported as a checkpoint with no signature.
			out = append(out, audit.Checkpoint{})
			continue
		}
		out = append(out, *cl.Checkpoint)
	}
	return out, nil
}

// Stats implements audit.Store.
func (s *Store) Stats(ctx context.Context, f audit.Filter) (*audit.Stats, error) {
	return audit.ComputeStats(s.Query(ctx, f))
}

// Close implements audit.Store. It does not close a stream's writer.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	if s.f == nil {
		return nil
	}
	var err error
	if s.opts.Sync {
		err = s.f.Sync()
	}
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("close audit log: %w", err)
	}
	return nil
}
