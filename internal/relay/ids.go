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
// It runs for every response, so it decodes in one pass through a table.
func parseIDKey(raw []byte) (idKey, bool) {
	var k idKey
	if len(raw) != idJSONLen || raw[0] != '"' || raw[idJSONLen-1] != '"' {
		return k, false
	}
	var bad byte
	for i := range idBytes {
		hi, lo := lowerHex[raw[1+2*i]], lowerHex[raw[2+2*i]]
		bad |= hi | lo
		k[i] = hi<<4 | lo&0x0f
	}
	return k, bad < 0x10
}

// lowerHex maps a lower-case hex digit to its value and every other byte to
// 0xff.
var lowerHex = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for c := byte('0'); c <= '9'; c++ {
		t[c] = c - '0'
	}
	for c := byte('a'); c <= 'f'; c++ {
		t[c] = c - 'a' + 10
	}
	return t
}()
