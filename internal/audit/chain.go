package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sync"
	"time"
)

// GenesisHash is the PrevHash of the first event of a store.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// Canonical returns the RFC 8785 canonical bytes of e without its PrevHash and
// Hash: the bytes the hash chain covers. They equal what any RFC 8785
// implementation makes of the event's JSON form with those two members removed.
func Canonical(e *Event) ([]byte, error) {
	return appendCanonical(make([]byte, 0, 512), e)
}

// ChainHash returns the hash of e when it follows a record whose hash is prev:
// hex(SHA-256(bytes(prev) ‖ Canonical(e))).
func ChainHash(prev string, e *Event) (string, error) {
	buf := hashBuffers.Get().(*[]byte)
	defer hashBuffers.Put(buf)
	var sum [sha256.Size]byte
	var err error
	if sum, *buf, err = chainSum((*buf)[:0], prev, e); err != nil {
		return "", err
	}
	var h [2 * sha256.Size]byte
	hex.Encode(h[:], sum[:])
	return string(h[:]), nil
}

// hashBuffers hold the bytes ChainHash hashes, so that sealing an event
// allocates nothing but its hash string.
var hashBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// chainSum is ChainHash before the hex encoding, with the bytes it hashes,
// bytes(prev) ‖ Canonical(e), written into buf (returned for reuse): one
// buffer, one call of sha256.
func chainSum(buf []byte, prev string, e *Event) ([sha256.Size]byte, []byte, error) {
	buf, ok := appendHashBytes(buf, prev)
	if !ok {
		return [sha256.Size]byte{}, buf, fmt.Errorf("audit event %d: malformed previous hash %q", e.Seq, prev)
	}
	buf, err := appendCanonical(buf, e)
	if err != nil {
		return [sha256.Size]byte{}, buf[:0], err
	}
	return sha256.Sum256(buf), buf, nil
}

// appendHashBytes appends the bytes of the hex hash s, which must be
// sha256.Size bytes long; digits of either case are accepted, as
// hex.DecodeString accepts them.
func appendHashBytes(b []byte, s string) ([]byte, bool) {
	if len(s) != 2*sha256.Size {
		return b, false
	}
	for i := 0; i < len(s); i += 2 {
		hi, ok1 := fromHexChar(s[i])
		lo, ok2 := fromHexChar(s[i+1])
		if !ok1 || !ok2 {
			return b, false
		}
		b = append(b, hi<<4|lo)
	}
	return b, true
}

func fromHexChar(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// Head is the end of a hash chain: the sequence number and hash of the last
// record, or 0 and GenesisHash for an empty store. Stores use it to seal
// events on Append.
type Head struct {
	Seq  uint64
	Hash string
}

// EmptyHead is the head of an empty chain.
func EmptyHead() Head { return Head{Seq: 0, Hash: GenesisHash} }

// Seal normalises e (schema version, UTC time, compact arguments), links it to
// h by assigning Seq, PrevHash and Hash, and advances h to it. On error
// neither e's chain fields nor h change.
func (h *Head) Seal(e *Event) error {
	if err := e.Validate(); err != nil {
		return err
	}
	e.Schema = SchemaVersion
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	e.Time = e.Time.UTC().Round(0)
	if len(e.Arguments) > 0 {
		// Validate found them valid: compactValid needs not check again,
		// and arguments already compact (reduced ones are) are not copied.
		e.Arguments = compactValid(e.Arguments)
	}
	e.Seq = h.Seq + 1
	e.PrevHash = h.Hash
	sum, err := ChainHash(h.Hash, e)
	if err != nil {
		// Arguments that RFC 8785 cannot represent (a number beyond float64)
		// are kept as a JSON string, so that the decision is still recorded.
		q, _ := json.Marshal(string(e.Arguments))
		e.Arguments = q
		sum, err = ChainHash(h.Hash, e)
		if err != nil {
			e.Seq, e.PrevHash = 0, ""
			return err
		}
	}
	e.Hash = sum
	h.Seq, h.Hash = e.Seq, sum
	return nil
}
