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

// idJSONLen is the length of an id as JSON: 16 hex digits in quotes.
const idJSONLen = 2 + 2*idBytes

// idKey is a ward id as a map key.
type idKey [idBytes]byte

// next draws a fresh id, writes it as a JSON string into buf and returns its
// key. It fails when the random source fails: the caller denies the request.
func (g *idGen) next(buf *[idJSONLen]byte) (idKey, error) {
	var k idKey
	g.mu.Lock()
	if g.n-g.pos < idBytes {
		n, err := io.ReadFull(g.src, g.buf[:])
		if err != nil {
			g.pos, g.n = 0, 0
			g.mu.Unlock()
			return k, fmt.Errorf("read random source: %w", err)
		}
		g.pos, g.n = 0, n
	}
	copy(k[:], g.buf[g.pos:g.pos+idBytes])
	g.pos += idBytes
	g.mu.Unlock()
	buf[0], buf[idJSONLen-1] = '"', '"'
	hex.Encode(buf[1:idJSONLen-1], k[:])
	return k, nil
}

// parseIDKey returns the key of a ward id given as raw JSON. Only the exact
// form ward sends (16 lower-case hex digits in quotes) can be one of its ids.
func parseIDKey(raw []byte) (idKey, bool) {
	var k idKey
	if len(raw) != idJSONLen || raw[0] != '"' || raw[idJSONLen-1] != '"' {
		return k, false
	}
	for _, c := range raw[1 : idJSONLen-1] {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return k, false
		}
	}
	if _, err := hex.Decode(k[:], raw[1:idJSONLen-1]); err != nil {
		return k, false
	}
	return k, true
}
