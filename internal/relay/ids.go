package relay

import (
	"encoding/hex"
	"fmt"
	"io"
	"sync"
)

// idGen hands out request ids drawn from a cryptographic source, so that a
// peer cannot predict (and so spoof or pre-empt) the ids ward uses. Random
// bytes are read in blocks to keep a system call off the per-message path.
type idGen struct {
	src io.Reader
	mu  sync.Mutex
	buf [1024]byte
	pos int
	n   int
}

// idBytes is the number of random bytes in an id: 64 bits.
const idBytes = 8

// next returns a fresh id as its key (16 hex digits) and as a JSON string.
// It fails when the random source fails: the caller denies the request.
func (g *idGen) next() (key string, raw []byte, err error) {
	g.mu.Lock()
	if g.n-g.pos < idBytes {
		n, err := io.ReadFull(g.src, g.buf[:])
		if err != nil {
			g.pos, g.n = 0, 0
			g.mu.Unlock()
			return "", nil, fmt.Errorf("read random source: %w", err)
		}
		g.pos, g.n = 0, n
	}
	var b [idBytes]byte
	copy(b[:], g.buf[g.pos:g.pos+idBytes])
	g.pos += idBytes
	g.mu.Unlock()
	raw = make([]byte, 2+2*idBytes)
	raw[0], raw[len(raw)-1] = '"', '"'
	hex.Encode(raw[1:len(raw)-1], b[:])
	return string(raw[1 : len(raw)-1]), raw, nil
}
