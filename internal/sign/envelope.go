package sign

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/ward-mcp/ward/internal/lockfile"
)

// PayloadType is the DSSE payload type of a ward lockfile signature.
const PayloadType = "application/vnd.ward.lockfile+json"

// MaxLockfile is the largest lockfile ward signs or verifies.
const MaxLockfile = 64 << 20

// maxEnvelope bounds a signature file.
const maxEnvelope = 1 << 20

// ErrInvalid means a signature did not verify: the answer is "no", not a
// failure to find out. Errors that wrap it map to exit code 1.
var ErrInvalid = errors.New("signature invalid")

// Canonical returns the RFC 8785 canonical form of the JSON document b. It
// refuses invalid JSON, duplicate object keys, invalid UTF-8 and unpaired
// surrogates, which different readers would understand differently, and
// nesting deeper than a lockfile may have. It is the lockfile package's
// canonicaliser, which sorts members in O(n log n): jcs.Transform, the
// reference it is fuzzed against, is quadratic in an object's size, and
// canonicalisation runs on files from others before any signature is checked.
func Canonical(b []byte) ([]byte, error) {
	c, err := lockfile.CanonicalizeFile(b)
	if err != nil {
		return nil, fmt.Errorf("canonicalise lockfile: %w", err)
	}
	return c, nil
}

// Digest returns "sha256:<hex>" of b.
func Digest(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// PAE is DSSE's pre-authentication encoding of a payload and its type:
// "DSSEv1 <len(type)> <type> <len(payload)> <payload>". It is what the
// signature covers, so that a signature cannot be replayed for another type.
func PAE(payloadType string, payload []byte) []byte {
	var b bytes.Buffer
	b.WriteString("DSSEv1 ")
	b.WriteString(strconv.Itoa(len(payloadType)))
	b.WriteByte(' ')
	b.WriteString(payloadType)
	b.WriteByte(' ')
	b.WriteString(strconv.Itoa(len(payload)))
	b.WriteByte(' ')
	b.Write(payload)
	return b.Bytes()
}

// Envelope is a detached DSSE-style signature of a lockfile: the DSSE
// envelope without its payload, which is the canonical lockfile itself, plus
// the payload's digest so that a mismatch is reported as such.
type Envelope struct {
	// PayloadType is PayloadType.
	PayloadType string `json:"payloadType"`
	// PayloadDigest is the SHA-256 of the canonical lockfile, "sha256:<hex>".
	PayloadDigest string `json:"payloadDigest"`
	// Signatures holds one or more signatures over PAE(PayloadType, canonical lockfile).
	Signatures []Signature `json:"signatures"`
}

// Signature is one signature of an Envelope.
type Signature struct {
	// KeyID identifies the signing key (see KeyID).
	KeyID string `json:"keyid"`
	// Sig is the Ed25519 signature, base64 in JSON.
	Sig []byte `json:"sig"`
}

// SignLockfile signs the canonical form of the lockfile bytes b with key.
func SignLockfile(b []byte, key ed25519.PrivateKey) (*Envelope, error) {
	canon, err := Canonical(b)
	if err != nil {
		return nil, err
	}
	pub, _ := key.Public().(ed25519.PublicKey)
	return &Envelope{
		PayloadType:   PayloadType,
		PayloadDigest: Digest(canon),
		Signatures:    []Signature{{KeyID: KeyID(pub), Sig: ed25519.Sign(key, PAE(PayloadType, canon))}},
	}, nil
}

// Marshal returns the envelope as indented JSON with a final newline.
func (e *Envelope) Marshal() ([]byte, error) {
	b, err := json.MarshalIndent(e, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// ParseEnvelope decodes a signature file strictly: unknown fields, trailing
// data, a wrong payload type and signatures of the wrong length are refused.
func ParseEnvelope(b []byte) (*Envelope, error) {
	if len(b) > maxEnvelope {
		return nil, fmt.Errorf("parse signature: larger than %d bytes", maxEnvelope)
	}
	// encoding/json keeps the last of duplicate keys, matches keys without
	// regard to case and stops at the end of the first value: other DSSE
	// readers would read such a file differently. The strict canonicaliser
	// refuses duplicate keys and anything but one JSON value; exactKeys the
	// rest.
	if _, err := lockfile.Canonicalize(b); err != nil {
		return nil, fmt.Errorf("parse signature: %w", err)
	}
	if err := exactKeys(b); err != nil {
		return nil, fmt.Errorf("parse signature: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var e Envelope
	if err := dec.Decode(&e); err != nil {
		return nil, fmt.Errorf("parse signature: %w", err)
	}
	if dec.More() {
		return nil, errors.New("parse signature: data after the envelope")
	}
	if e.PayloadType != PayloadType {
		return nil, fmt.Errorf("parse signature: payload type %q, want %q", e.PayloadType, PayloadType)
	}
	if len(e.Signatures) == 0 {
		return nil, errors.New("parse signature: no signatures")
	}
	for i, s := range e.Signatures {
		if len(s.Sig) != ed25519.SignatureSize {
			return nil, fmt.Errorf("parse signature: signature %d has %d bytes, an Ed25519 signature has %d", i, len(s.Sig), ed25519.SignatureSize)
		}
	}
	return &e, nil
}

// VerifyLockfile checks that env holds a valid signature by pub over the
// canonical form of the lockfile bytes b. It returns the canonical digest.
// Failures wrap ErrInvalid and say why.
func VerifyLockfile(b []byte, env *Envelope, pub ed25519.PublicKey) (string, error) {
	if len(pub) != ed25519.PublicKeySize {
		return "", fmt.Errorf("verify: public key has %d bytes, want %d", len(pub), ed25519.PublicKeySize)
	}
	canon, err := Canonical(b)
	if err != nil {
		return "", fmt.Errorf("verify: %w: %w", ErrInvalid, err)
	}
	digest := Digest(canon)
	if env.PayloadDigest != digest {
		return digest, fmt.Errorf("verify: %w: the signature is for lockfile %s, this lockfile is %s", ErrInvalid, env.PayloadDigest, digest)
	}
	id := KeyID(pub)
	msg := PAE(PayloadType, canon)
	for _, s := range env.Signatures {
		if ed25519.Verify(pub, msg, s.Sig) {
			return digest, nil
		}
	}
	ids := make([]string, 0, len(env.Signatures))
	for _, s := range env.Signatures {
		ids = append(ids, s.KeyID)
	}
	return digest, fmt.Errorf("verify: %w: no signature by key %s (signed by %v)", ErrInvalid, id, ids)
}

// exactKeys checks that the envelope b and its signatures use only the
// member names of Envelope and Signature, spelled exactly.
func exactKeys(b []byte) error {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err != nil {
		return err
	}
	for k := range top {
		if k != "payloadType" && k != "payloadDigest" && k != "signatures" {
			return fmt.Errorf("unknown field %q", k)
		}
	}
	var sigs []map[string]json.RawMessage
	if err := json.Unmarshal(top["signatures"], &sigs); err != nil && top["signatures"] != nil {
		return fmt.Errorf("signatures: %w", err)
	}
	for i, sg := range sigs {
		for k := range sg {
			if k != "keyid" && k != "sig" {
				return fmt.Errorf("signature %d: unknown field %q", i, k)
			}
		}
	}
	return nil
}
