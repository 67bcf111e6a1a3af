package audit

import (
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Checkpoint is a signed statement by the audit key that the chain had the
// given hash at the given sequence number. The Writer signs one every N
// records and at Close; Verify checks each against the records.
type Checkpoint struct {
	// Seq is the sequence number of the record the checkpoint covers.
	Seq uint64 `json:"seq"`
	// Hash is that record's chain hash.
	Hash string `json:"hash"`
	// Time is when the checkpoint was signed.
	Time time.Time `json:"time"`
	// KeyID identifies the audit key (see KeyID).
	KeyID string `json:"key_id"`
	// Signature is the Ed25519 signature over CheckpointMessage.
	Signature []byte `json:"sig"`
}

// checkpointDomain separates checkpoint signatures from every other use of
// the audit key.
const checkpointDomain = "ward-audit-checkpoint-v1"

// CheckpointMessage returns the bytes a checkpoint signature covers:
// "ward-audit-checkpoint-v1\n<seq>\n<hash>\n<time RFC 3339, UTC, nanoseconds>\n".
func CheckpointMessage(seq uint64, hash string, t time.Time) []byte {
	return []byte(checkpointDomain + "\n" + strconv.FormatUint(seq, 10) + "\n" + hash + "\n" + t.UTC().Format(time.RFC3339Nano) + "\n")
}

// KeyID returns the identifier of an Ed25519 public key: the first 16 hex
// digits of the SHA-256 of its PKIX DER encoding.
func KeyID(pub ed25519.PublicKey) string {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(der)
	return hex.EncodeToString(sum[:8])
}

// SignCheckpoint signs the chain head (seq, hash) at time t with key.
func SignCheckpoint(key ed25519.PrivateKey, seq uint64, hash string, t time.Time) Checkpoint {
	t = t.UTC().Round(0)
	pub, _ := key.Public().(ed25519.PublicKey)
	return Checkpoint{
		Seq:       seq,
		Hash:      hash,
		Time:      t,
		KeyID:     KeyID(pub),
		Signature: ed25519.Sign(key, CheckpointMessage(seq, hash, t)),
	}
}

// ErrBadCheckpointSignature means a checkpoint's signature does not verify
// under the audit key.
var ErrBadCheckpointSignature = errors.New("checkpoint signature does not verify")

// Verify checks c's signature under pub.
func (c *Checkpoint) Verify(pub ed25519.PublicKey) error {
	if len(pub) != ed25519.PublicKeySize {
		return fmt.Errorf("checkpoint at seq %d: audit public key has %d bytes, want %d", c.Seq, len(pub), ed25519.PublicKeySize)
	}
	if id := KeyID(pub); c.KeyID != id {
		return fmt.Errorf("checkpoint at seq %d names key %q, not the audit key %s: %w", c.Seq, c.KeyID, id, ErrBadCheckpointSignature)
	}
	if len(c.Signature) != ed25519.SignatureSize || !ed25519.Verify(pub, CheckpointMessage(c.Seq, c.Hash, c.Time), c.Signature) {
		return fmt.Errorf("checkpoint at seq %d (key %s): %w", c.Seq, c.KeyID, ErrBadCheckpointSignature)
	}
	return nil
}
