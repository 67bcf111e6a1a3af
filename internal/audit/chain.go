package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
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
	pb, err := hex.DecodeString(prev)
	if err != nil || len(pb) != sha256.Size {
		return "", fmt.Errorf("audit event %d: malformed previous hash %q", e.Seq, prev)
	}
	canon, err := Canonical(e)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	h.Write(pb)
	h.Write(canon)
	return hex.EncodeToString(h.Sum(nil)), nil
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
		args, err := appendCompact(make([]byte, 0, len(e.Arguments)), e.Arguments)
		if err != nil {
			return fmt.Errorf("audit event: compact arguments: %w", err)
		}
		e.Arguments = args
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
