package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"
	"unicode/utf8"
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
	sum, err := chainSum(prev, nil, e)
	if err != nil {
		return "", err
	}
	return hexHash(&sum), nil
}

// hashBuffers hold the bytes chainSum hashes, so that sealing an event
// allocates nothing but its hash string.
var hashBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// chainSum is ChainHash before the hex encoding: SHA-256 of bytes(prev) ‖
// Canonical(e), written into one pooled buffer and hashed in one call.
// prevBytes, if not nil, are the bytes of prev, already decoded.
func chainSum(prev string, prevBytes *[sha256.Size]byte, e *Event) ([sha256.Size]byte, error) {
	bp := hashBuffers.Get().(*[]byte)
	defer hashBuffers.Put(bp)
	buf := (*bp)[:0]
	if prevBytes != nil {
		buf = append(buf, prevBytes[:]...)
	} else {
		var ok bool
		if buf, ok = appendHashBytes(buf, prev); !ok {
			return [sha256.Size]byte{}, fmt.Errorf("audit event %d: malformed previous hash %q", e.Seq, prev)
		}
	}
	buf, err := appendCanonical(buf, e)
	if err != nil {
		return [sha256.Size]byte{}, err
	}
	if cap(buf) <= 64<<10 {
		*bp = buf
	}
	return sha256.Sum256(buf), nil
}

// hexHash returns the hex form of sum.
func hexHash(sum *[sha256.Size]byte) string {
	var h [2 * sha256.Size]byte
	hex.Encode(h[:], sum[:])
	return string(h[:])
}

// appendHashBytes appends the bytes of the hex hash s, which must be
// sha256.Size bytes long; digits of either case are accepted, as
// hex.DecodeString accepts them.
func appendHashBytes(b []byte, s string) ([]byte, bool) {
	if len(s) != 2*sha256.Size {
		return b, false
	}
	for i := 0; i < len(s); i += 2 {
		hi, lo := hexValue[s[i]], hexValue[s[i+1]]
		if hi|lo > 0xf {
			return b, false
		}
		b = append(b, hi<<4|lo)
	}
	return b, true
}

// hexValue maps a hex digit of either case to its value, anything else to 0xff.
var hexValue = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for i, c := range "0123456789abcdef" {
		t[c] = byte(i)
	}
	for i, c := range "ABCDEF" {
		t[c] = byte(10 + i)
	}
	return t
}()

// Head is the end of a hash chain: the sequence number and hash of the last
// record, or 0 and GenesisHash for an empty store. Stores use it to seal
// events on Append.
type Head struct {
	Seq  uint64
	Hash string

	// sum is Hash decoded, when sumOf equals Hash: Seal does not decode the
	// hash it has just encoded.
	sum   [sha256.Size]byte
	sumOf string
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
	validUTF8(e)
	if len(e.Arguments) > 0 {
		// Validate found them valid: compactValid needs not check again,
		// and arguments already compact (reduced ones are) are not copied.
		e.Arguments = compactValid(e.Arguments)
	}
	e.Seq = h.Seq + 1
	e.PrevHash = h.Hash
	var prev *[sha256.Size]byte
	if h.sumOf == h.Hash && h.sumOf != "" {
		prev = &h.sum
	}
	sum, err := chainSum(h.Hash, prev, e)
	if err != nil {
		// Arguments that RFC 8785 cannot represent (a number beyond float64)
		// are kept as a JSON string, so that the decision is still recorded.
		q, _ := json.Marshal(string(e.Arguments))
		e.Arguments = q
		sum, err = chainSum(h.Hash, prev, e)
		if err != nil {
			e.Seq, e.PrevHash = 0, ""
			return err
		}
	}
	e.Hash = hexHash(&sum)
	h.Seq, h.Hash = e.Seq, e.Hash
	h.sum, h.sumOf = sum, e.Hash
	return nil
}

// validUTF8 replaces each byte of e's strings that is not part of a UTF-8
// character by U+FFFD, as the hash (RFC 8785 of the JSON form) always saw
// them. Stored as they came, they were written as \ufffd escapes that read
// back as U+FFFD, which the stored form writes as it is: ward took its own
// record for one edited outside it.
func validUTF8(e *Event) {
	for _, p := range []*string{&e.Session, &e.Server, &e.Host, &e.Client.Name, &e.Client.Version,
		(*string)(&e.Direction), &e.Method, (*string)(&e.Kind), &e.Name, (*string)(&e.Mode), &e.WardVersion} {
		*p = toValidUTF8(*p)
	}
	for _, l := range []*[]string{&e.RuleIDs, &e.Reasons} {
		cloned := false
		for i, v := range *l {
			if w := toValidUTF8(v); w != v {
				if !cloned {
					*l, cloned = slices.Clone(*l), true // the caller's slice stays as it was
				}
				(*l)[i] = w
			}
		}
	}
}

// toValidUTF8 returns s with every byte that does not belong to a UTF-8
// character replaced by U+FFFD, one for each such byte (as encoding/json
// and appendJCSString replace them; strings.ToValidUTF8 replaces a run by
// one).
func toValidUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	b := make([]byte, 0, len(s)+8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = utf8.AppendRune(b, utf8.RuneError)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return string(b)
}
