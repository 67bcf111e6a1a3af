package jsonrpc

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"sync"
	"unicode/utf8"
)

// DefaultMaxMessageBytes is the default limit on one message: 10 MiB.
const DefaultMaxMessageBytes = 10 << 20

// readBufferSize is the size of the reader's buffer. Lines that fit are
// returned without copying; longer ones are assembled in a side buffer.
const readBufferSize = 64 << 10

// prefixKeep is how much of an oversize line is kept for id recovery.
const prefixKeep = 4 << 10

// Reader reads newline-delimited messages with a size cap. It is not safe for
// concurrent use: one goroutine owns it.
type Reader struct {
	br   *bufio.Reader
	max  int
	long []byte // side buffer for lines longer than the bufio buffer
}

// NewReader returns a Reader of r that refuses lines longer than max bytes
// (DefaultMaxMessageBytes when max <= 0).
func NewReader(r io.Reader, max int) *Reader {
	if max <= 0 {
		max = DefaultMaxMessageBytes
	}
	return &Reader{br: bufio.NewReaderSize(r, readBufferSize), max: max}
}

// Buffered reports how many bytes can be read without blocking. The relay
// flushes its writers when this drops to zero, so that a burst of messages
// costs one write system call, not one per message.
func (r *Reader) Buffered() int { return r.br.Buffered() }

// Next returns the next non-blank line without its line terminator. The slice
// is valid until the next call. An oversize line is consumed up to its
// newline and reported as a *TooLargeError; the reader can be used again
// afterwards. At the end of the stream Next returns io.EOF; a final line
// without a newline is returned first.
func (r *Reader) Next() ([]byte, error) {
	for {
		line, err := r.line()
		if err != nil {
			return nil, err
		}
		line = trimSpace(line)
		if len(line) > 0 {
			return line, nil
		}
	}
}

func (r *Reader) line() ([]byte, error) {
	b, err := r.br.ReadSlice('\n')
	if err == nil {
		if len(b) > r.max+1 {
			return nil, &TooLargeError{Limit: r.max, Size: int64(len(b) - 1), Prefix: clonePrefix(b[:len(b)-1])}
		}
		return b[:len(b)-1], nil
	}
	if errors.Is(err, io.EOF) {
		if len(b) == 0 {
			return nil, io.EOF
		}
		if len(b) > r.max {
			return nil, &TooLargeError{Limit: r.max, Size: int64(len(b)), Prefix: clonePrefix(b)}
		}
		return b, nil
	}
	if !errors.Is(err, bufio.ErrBufferFull) {
		return nil, err
	}
	// A long line: assemble it in the side buffer, up to the limit.
	r.long = append(r.long[:0], b...)
	for {
		b, err = r.br.ReadSlice('\n')
		if len(r.long)+len(b) > r.max+1 || (err != nil && len(r.long)+len(b) > r.max) {
			size := int64(len(r.long) + len(b))
			prefix := clonePrefix(r.long)
			r.shrink()
			if err == nil {
				return nil, &TooLargeError{Limit: r.max, Size: size - 1, Prefix: prefix}
			}
			return r.drain(size, prefix, err)
		}
		r.long = append(r.long, b...)
		switch {
		case err == nil:
			return r.long[:len(r.long)-1], nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF):
			return r.long, nil
		default:
			return nil, err
		}
	}
}

// drain discards the rest of an oversize line.
func (r *Reader) drain(size int64, prefix []byte, err error) ([]byte, error) {
	for errors.Is(err, bufio.ErrBufferFull) {
		var b []byte
		b, err = r.br.ReadSlice('\n')
		size += int64(len(b))
	}
	if err == nil {
		size-- // the newline
	} else if !errors.Is(err, io.EOF) {
		return nil, err
	}
	return nil, &TooLargeError{Limit: r.max, Size: size, Prefix: prefix}
}

// shrink releases a side buffer that grew large, so that one huge message
// does not pin memory for the rest of the session.
func (r *Reader) shrink() {
	if cap(r.long) > 1<<20 {
		r.long = nil
	}
}

func clonePrefix(b []byte) []byte {
	if len(b) > prefixKeep {
		b = b[:prefixKeep]
	}
	return append([]byte(nil), b...)
}

// RecoverID extracts the id from the beginning of a message that could not be
// read whole (for example an oversize line), so that the error response can
// name the request. It returns nil when no complete id member precedes the
// cut.
func RecoverID(prefix []byte) []byte {
	i := skipSpace(prefix, 0)
	if i >= len(prefix) || prefix[i] != '{' {
		return nil
	}
	i = skipSpace(prefix, i+1)
	for i < len(prefix) && prefix[i] == '"' {
		kEnd, kEsc, err := scanString(prefix, i)
		if err != nil {
			return nil
		}
		key := unquote(prefix[i:kEnd], kEsc)
		i = skipSpace(prefix, kEnd)
		if i >= len(prefix) || prefix[i] != ':' {
			return nil
		}
		vStart := skipSpace(prefix, i+1)
		vEnd, err := skipValue(prefix, vStart, 1, nil)
		if err != nil {
			return nil
		}
		i = skipSpace(prefix, vEnd)
		// The value must be followed by ',' or '}': a number cut by the end
		// of the prefix ("12" of "123") scans as a complete value.
		if i >= len(prefix) || (prefix[i] != ',' && prefix[i] != '}') {
			return nil
		}
		if key == "id" {
			tok := prefix[vStart:vEnd]
			m := Message{Raw: tok, id: span{0, len(tok)}}
			// The id is echoed in a response: it must be valid UTF-8.
			if m.validID() && utf8.Valid(tok) {
				return append([]byte(nil), tok...)
			}
			return nil
		}
		if prefix[i] != ',' {
			return nil
		}
		i = skipSpace(prefix, i+1)
	}
	return nil
}

// Writer writes newline-delimited messages through a buffer. It is safe for
// concurrent use; each message is written whole.
type Writer struct {
	mu  sync.Mutex
	bw  *bufio.Writer
	err error
}

// NewWriter returns a Writer to w.
func NewWriter(w io.Writer) *Writer {
	return &Writer{bw: bufio.NewWriterSize(w, readBufferSize)}
}

// Write buffers the message made of the concatenation of parts followed by a
// newline. Large parts go straight to the underlying writer. After a write
// error every call fails with that error.
//
// The parts must form valid JSON. Line breaks in it, which JSON allows only
// as whitespace between tokens, are written as spaces: the MCP stdio
// transport says messages "MUST NOT contain embedded newlines", and a peer
// that splits lines at them (or at a lone CR, as Python's universal newlines
// and Node's readline do) would otherwise read what follows a break as
// another message, one that ward never inspected. The parts are not modified.
func (w *Writer) Write(parts ...[]byte) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return w.err
	}
	for _, p := range parts {
		if err := w.writeOneLine(p); err != nil {
			w.err = err
			return err
		}
	}
	if err := w.bw.WriteByte('\n'); err != nil {
		w.err = err
	}
	return w.err
}

// writeOneLine writes p with CR and LF replaced by spaces.
func (w *Writer) writeOneLine(p []byte) error {
	if bytes.IndexByte(p, '\n') < 0 && bytes.IndexByte(p, '\r') < 0 {
		_, err := w.bw.Write(p)
		return err
	}
	for len(p) > 0 {
		i := bytes.IndexAny(p, "\r\n")
		if i < 0 {
			_, err := w.bw.Write(p)
			return err
		}
		if _, err := w.bw.Write(p[:i]); err != nil {
			return err
		}
		if err := w.bw.WriteByte(' '); err != nil {
			return err
		}
		p = p[i+1:]
	}
	return nil
}

// Flush writes buffered messages to the underlying writer.
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return w.err
	}
	if w.bw.Buffered() > 0 {
		w.err = w.bw.Flush()
	}
	return w.err
}

// WriteFlush writes one message and flushes it: for messages ward originates
// (errors, timeouts) that no later flush is certain to follow.
func (w *Writer) WriteFlush(parts ...[]byte) error {
	if err := w.Write(parts...); err != nil {
		return err
	}
	return w.Flush()
}
