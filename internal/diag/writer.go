// Package diag carries ward's diagnostics (the decision log, warnings, an
// MCP server's stderr) to a stream that nobody may be reading.
//
// An MCP host starts ward with its stderr on a pipe, and some hosts never
// read that pipe, or read it only now and then. Once the pipe is full, a
// write to it blocks; a write made on the message path (the decision log
// records every message) would stop the session. A Writer takes whole lines
// into a bounded queue at the cost of a copy and hands them to the stream
// from a goroutine of its own; when the queue is full, lines are dropped
// and counted, and once the stream takes lines again one line says how many
// were lost. Writes never block on the stream.
package diag

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"
	"time"
)

// Defaults of WriterOptions.
const (
	DefaultMaxQueue  = 256 << 10
	DefaultMaxLine   = 16 << 10
	DefaultCloseWait = time.Second
)

// ErrClosed is returned by a write after Close.
var ErrClosed = errors.New("diag: writer closed")

// WriterOptions configures a Writer. The zero value is usable.
type WriterOptions struct {
	// Name is what the drop notice calls the stream (default "stderr").
	Name string
	// MaxQueue bounds the bytes of lines waiting for the stream (default
	// 256 KiB). One batch more, the one being written, is held while the
	// stream takes it.
	MaxQueue int
	// MaxLine bounds a line (default 16 KiB): a longer one is queued in
	// pieces of MaxLine, each ended with a newline, so that no source holds
	// more than that and a piece is never mixed with another source's line.
	MaxLine int
	// CloseWait bounds how long Close waits for the stream to take what is
	// queued (default 1 s).
	CloseWait time.Duration
}

// Writer is an io.Writer that queues whole lines for dst and never blocks on
// it. Lines are written to dst in the order they were completed, by one
// goroutine that NewWriter starts and Close stops.
//
// Each source of lines (Writer itself, and every io.Writer Source returns)
// assembles its own lines, so that a line written in pieces (by a
// bufio.Writer, or a copy of a child's stderr) is queued whole and never
// mixed with another source's; a source's unfinished line is queued at
// Close. All methods are safe for concurrent use.
type Writer struct {
	dst  io.Writer
	opts WriterOptions

	mu      sync.Mutex
	queue   []byte // whole lines, at most opts.MaxQueue bytes
	spare   []byte // the last batch written, emptied, for the next swap
	full    bool   // a line was dropped since the drainer last took the queue
	gap     uint64 // lines dropped since the last notice was queued
	dropped uint64 // lines dropped in all, and lines the stream refused
	closed  bool
	sources []*source
	own     source

	ready     chan struct{} // has a value once the queue is not empty or closed is set
	done      chan struct{}
	closeOnce sync.Once
	closeErr  error
}

// NewWriter starts a Writer that writes to dst. Close stops it.
func NewWriter(dst io.Writer, opts *WriterOptions) *Writer {
	w := &Writer{dst: dst, ready: make(chan struct{}, 1), done: make(chan struct{})}
	if opts != nil {
		w.opts = *opts
	}
	if w.opts.Name == "" {
		w.opts.Name = "stderr"
	}
	if w.opts.MaxLine <= 0 {
		w.opts.MaxLine = DefaultMaxLine
	}
	if w.opts.MaxQueue <= 0 {
		w.opts.MaxQueue = DefaultMaxQueue
	}
	w.opts.MaxQueue = max(w.opts.MaxQueue, w.opts.MaxLine+1)
	if w.opts.CloseWait <= 0 {
		w.opts.CloseWait = DefaultCloseWait
	}
	w.own.w = w
	w.sources = append(w.sources, &w.own)
	go w.drain()
	return w
}

// Write queues the lines p completes, and keeps the rest of p for the next
// write. It never blocks on the stream and reports len(p) unless the Writer
// is closed: a line that finds the queue full is dropped and counted.
func (w *Writer) Write(p []byte) (int, error) { return w.own.Write(p) }

// Source returns another writer of lines into w, with its own unfinished
// line.
func (w *Writer) Source() io.Writer {
	s := &source{w: w}
	w.mu.Lock()
	w.sources = append(w.sources, s)
	w.mu.Unlock()
	return s
}

// Dropped returns the number of lines lost so far: dropped because the
// queue was full, or refused by the stream.
func (w *Writer) Dropped() uint64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.dropped
}

// Close queues every source's unfinished line, stops taking lines and waits
// at most CloseWait for the stream to take what is queued. It returns an
// error if lines were lost or the stream did not take them in time; the
// goroutine then stays blocked in its write to dst until dst takes it or
// fails (or the process exits). Close is idempotent.
func (w *Writer) Close() error {
	w.closeOnce.Do(func() {
		w.mu.Lock()
		for _, s := range w.sources {
			if len(s.line) > 0 {
				s.line = append(s.line, '\n')
				w.enqueue(s.line)
				s.line = nil
			}
		}
		w.closed = true
		w.mu.Unlock()
		w.signal()
		t := time.NewTimer(w.opts.CloseWait)
		defer t.Stop()
		select {
		case <-w.done:
			if n := w.Dropped(); n > 0 {
				w.closeErr = fmt.Errorf("%d lines to %s lost: %s was not being read or failed", n, w.opts.Name, w.opts.Name)
			}
		case <-t.C:
			w.mu.Lock()
			n := bytes.Count(w.queue, []byte{'\n'})
			w.mu.Unlock()
			w.closeErr = fmt.Errorf("%s not taking lines after %v: %d queued lines not written, %d dropped before", w.opts.Name, w.opts.CloseWait, n, w.Dropped())
		}
	})
	return w.closeErr
}

// source is one writer of lines into a Writer. Its fields are guarded by
// the Writer's mu.
type source struct {
	w    *Writer
	line []byte // the unfinished line
}

func (s *source) Write(p []byte) (int, error) {
	w := s.w
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return 0, ErrClosed
	}
	n := len(p)
	first := len(w.queue) == 0
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		room := w.opts.MaxLine - len(s.line)
		if i < 0 || i >= room {
			if len(p) < room {
				s.line = append(s.line, p...)
				break
			}
			// Too long for one line: queue a piece of MaxLine.
			s.line = append(s.line, p[:room-1]...)
			s.line = append(s.line, '\n')
			p = p[room-1:]
		} else {
			if len(s.line) == 0 {
				w.enqueue(p[:i+1])
				p = p[i+1:]
				continue
			}
			s.line = append(s.line, p[:i+1]...)
			p = p[i+1:]
		}
		w.enqueue(s.line)
		s.line = s.line[:0]
	}
	if first && len(w.queue) > 0 {
		w.signal()
	}
	return n, nil
}

// enqueue queues one whole line, or drops it when the queue is full; once
// one was dropped, every line is until the drainer takes the queue, so
// that the lines lost are one run that the notice stands for. w.mu is held.
func (w *Writer) enqueue(line []byte) {
	if w.full || len(w.queue)+len(line) > w.opts.MaxQueue {
		w.full = true
		w.gap++
		w.dropped++
		return
	}
	w.queue = append(w.queue, line...)
}

// signal tells the drainer that there is something to do.
func (w *Writer) signal() {
	select {
	case w.ready <- struct{}{}:
	default:
	}
}

// drain writes the queue to dst, a batch at a time, until Close and an
// empty queue.
func (w *Writer) drain() {
	defer close(w.done)
	for {
		<-w.ready
		for {
			w.mu.Lock()
			batch := w.queue
			if w.gap > 0 {
				// The lines dropped came after the ones queued before:
				// the notice stands where they would have been.
				batch = append(batch, "ward: "...)
				batch = strconv.AppendUint(batch, w.gap, 10)
				batch = append(batch, " log lines dropped: "...)
				batch = append(batch, w.opts.Name...)
				batch = append(batch, " was not being read\n"...)
				w.gap = 0
			}
			w.queue, w.spare = w.spare[:0], nil
			w.full = false
			closed := w.closed
			w.mu.Unlock()
			if len(batch) == 0 {
				if closed {
					return
				}
				break
			}
			if _, err := w.dst.Write(batch); err != nil {
				n := uint64(bytes.Count(batch, []byte{'\n'}))
				w.mu.Lock()
				w.dropped += n
				w.mu.Unlock()
			}
			w.mu.Lock()
			w.spare = batch[:0]
			w.mu.Unlock()
		}
	}
}
