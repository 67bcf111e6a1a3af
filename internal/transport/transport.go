// Package transport carries JSON-RPC messages between ward and its peers.
//
// A Conn is one side of a message stream. Its concurrency contract:
//   - Read is called by one goroutine at a time (the relay's reader loop for
//     that side). The returned slice is valid until the next Read.
//   - Write, Flush, CloseWrite and Close may be called from any goroutine,
//     concurrently with Read and with each other. Write buffers; Flush sends.
//   - Close unblocks a Read in progress, which then returns an error.
//     Close and CloseWrite are idempotent.
package transport

import (
	"errors"
	"io"
	"sync"

	"github.com/ward-mcp/ward/internal/jsonrpc"
)

// Conn is one side of a JSON-RPC message stream.
type Conn interface {
	// Read returns the next message. It returns io.EOF at the end of the
	// stream and a *jsonrpc.TooLargeError for an oversize message, after
	// which reading can go on.
	Read() ([]byte, error)
	// Buffered reports how many bytes Read can consume without blocking.
	Buffered() int
	// Write queues one message, the concatenation of parts.
	Write(parts ...[]byte) error
	// Flush sends queued messages.
	Flush() error
	// CloseWrite ends the stream towards the peer (the peer reads EOF) and
	// leaves reading open, so that replies already on their way arrive.
	CloseWrite() error
	// Close ends both directions and unblocks Read.
	Close() error
}

// ErrClosed is returned by operations on a closed Conn.
var ErrClosed = errors.New("transport: connection closed")

// Stream is a Conn over a reader and a writer, framed as newline-delimited
// JSON (the MCP stdio transport).
type Stream struct {
	r *jsonrpc.Reader
	w *jsonrpc.Writer

	closeWrite func() error
	closeRead  func() error

	mu          sync.Mutex
	writeClosed bool
	closed      bool
}

// StreamOptions configures a Stream.
type StreamOptions struct {
	// MaxMessageBytes limits one incoming message (jsonrpc.DefaultMaxMessageBytes if 0).
	MaxMessageBytes int
	// CloseWrite ends the outgoing direction; nil means w is closed if it is an io.Closer.
	CloseWrite func() error
	// CloseRead ends the incoming direction and must unblock a pending read;
	// nil means r is closed if it is an io.Closer.
	CloseRead func() error
}

// NewStream returns a Conn reading messages from r and writing them to w.
func NewStream(r io.Reader, w io.Writer, opts *StreamOptions) *Stream {
	if opts == nil {
		opts = &StreamOptions{}
	}
	s := &Stream{
		r:          jsonrpc.NewReader(r, opts.MaxMessageBytes),
		w:          jsonrpc.NewWriter(w),
		closeWrite: opts.CloseWrite,
		closeRead:  opts.CloseRead,
	}
	if s.closeWrite == nil {
		if c, ok := w.(io.Closer); ok {
			s.closeWrite = c.Close
		}
	}
	if s.closeRead == nil {
		if c, ok := r.(io.Closer); ok {
			s.closeRead = c.Close
		}
	}
	return s
}

// Read implements Conn.
func (s *Stream) Read() ([]byte, error) { return s.r.Next() }

// Buffered implements Conn.
func (s *Stream) Buffered() int { return s.r.Buffered() }

// Write implements Conn.
func (s *Stream) Write(parts ...[]byte) error { return s.w.Write(parts...) }

// Flush implements Conn.
func (s *Stream) Flush() error { return s.w.Flush() }

// CloseWrite implements Conn: queued messages are flushed first.
func (s *Stream) CloseWrite() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.writeClosed {
		return nil
	}
	s.writeClosed = true
	err := s.w.Flush()
	if s.closeWrite != nil {
		if cerr := s.closeWrite(); err == nil {
			err = cerr
		}
	}
	return err
}

// Close implements Conn.
func (s *Stream) Close() error {
	err := s.CloseWrite()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	if s.closeRead != nil {
		if cerr := s.closeRead(); err == nil {
			err = cerr
		}
	}
	return err
}

// Pipe returns two connected in-memory Conns: what one writes, the other
// reads. It is for tests.
func Pipe() (a, b *Stream) {
	ar, bw := io.Pipe()
	br, aw := io.Pipe()
	a = NewStream(ar, aw, &StreamOptions{CloseRead: func() error { return ar.CloseWithError(ErrClosed) }})
	b = NewStream(br, bw, &StreamOptions{CloseRead: func() error { return br.CloseWithError(ErrClosed) }})
	return a, b
}
