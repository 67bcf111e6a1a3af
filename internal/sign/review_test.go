package sign

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sigstore/sigstore-go/pkg/testing/ca"
)

// TestSigstoreRefusesAttestation: a keyless lockfile signature is a
// signature over the canonical lockfile (what ward sign --sigstore makes).
// An in-toto attestation by the same identity that merely names the
// lockfile's digest as its subject (build provenance, a scan result) is a
// statement about the file, not its approval, and must not verify as one.
func TestSigstoreRefusesAttestation(t *testing.T) {
	vs, err := ca.NewVirtualSigstore()
	if err != nil {
		t.Fatal(err)
	}
	const who, iss = "https://github.com/acme/tools/.github/workflows/release.yml@refs/heads/main", "https://token.actions.githubusercontent.com"
	canon := mustCanon(t, lock)
	sum := sha256.Sum256(canon)
	statement := fmt.Sprintf(`{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"mcp-lock.json","digest":{"sha256":%q}}],"predicateType":"https://slsa.dev/provenance/v1","predicate":{}}`, hex.EncodeToString(sum[:]))
	att, err := vs.Attest(who, iss, []byte(statement))
	if err != nil {
		t.Fatal(err)
	}
	id := Identity{Subject: who, Issuer: iss}
	if _, err := VerifySigstore(att, canon, vs, id, true); !errors.Is(err, ErrInvalid) {
		t.Errorf("an in-toto attestation naming the lockfile verified as its signature: %v", err)
	}
	sig, err := vs.Sign(who, iss, canon)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := VerifySigstore(sig, canon, vs, id, true); err != nil {
		t.Errorf("a keyless signature of the lockfile refused: %v", err)
	}
}

// TestParseEnvelopeRejectsAmbiguousJSON: a signature file that other DSSE
// readers would read differently (a duplicate or differently cased key, a
// closing bracket after the envelope) is not a ward envelope.
func TestParseEnvelopeRejectsAmbiguousJSON(t *testing.T) {
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	env, _ := SignLockfile([]byte(lock), key)
	good, _ := env.Marshal()
	if _, err := ParseEnvelope(good); err != nil {
		t.Fatalf("good envelope refused: %v", err)
	}
	bad := map[string]string{
		"trailing ]":              string(good) + "]",
		"trailing }":              string(good) + "}",
		"duplicate payloadType":   strings.Replace(string(good), `"payloadType"`, `"payloadType": "application/vnd.in-toto+json", "payloadType"`, 1),
		"duplicate signatures":    strings.Replace(string(good), `"signatures"`, `"signatures": [], "signatures"`, 1),
		"payloadType in capitals": strings.Replace(string(good), `"payloadType"`, `"PayloadType"`, 1),
		"keyid in other case":     strings.Replace(string(good), `"keyid"`, `"keyID"`, 1),
		"duplicate sig":           strings.Replace(string(good), `"sig"`, `"sig": "AAAA", "sig"`, 1),
	}
	for name, b := range bad {
		if _, err := ParseEnvelope([]byte(b)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestCanonicalIsNotQuadratic: canonicalisation runs on lockfiles and
// bundles from others (ward verify, ward bundle verify, ward proxy
// --require-signature) before any signature is checked, so it must not be
// quadratic in the number of keys of an object: with jcs.Transform, 100,000
// keys in ascending order (1.4 MB) took about 35 s, a 64 MiB lockfile hours.
func TestCanonicalIsNotQuadratic(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"lockfileVersion":1,"servers":{`)
	for i := range 100_000 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"s%08d":0`, i)
	}
	b.WriteString(`}}`)
	start := time.Now()
	if _, err := Canonical([]byte(b.String())); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("canonicalising %d bytes took %v", b.Len(), d)
	}
}

// TestParseEnvelopeIsNotQuadratic: the same for a signature file, which is
// read before its keys are known to be the three of an envelope.
func TestParseEnvelopeIsNotQuadratic(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"payloadType":"` + PayloadType + `"`)
	for i := 0; b.Len() < maxEnvelope-20; i++ {
		fmt.Fprintf(&b, `,"k%07d":0`, i)
	}
	b.WriteString(`}`)
	start := time.Now()
	if _, err := ParseEnvelope([]byte(b.String())); err == nil {
		t.Fatal("an envelope with unknown members was accepted")
	}
	if d := time.Since(start); d > 8*time.Second {
		t.Errorf("parsing a %d-byte signature file took %v", b.Len(), d)
	}
}

// TestVerifyFileReturnsVerifiedBytes: the caller that enforces a verified
// lockfile gets the very bytes that were verified, so that it need not read
// the file a second time (a file replaced between the two reads, or a pipe
// that gives other bytes on the second, would be enforced unverified).
func TestVerifyFileReturnsVerifiedBytes(t *testing.T) {
	privPath, pubPath := keyFiles(t)
	a := filepath.Join(t.TempDir(), "a.json")
	os.WriteFile(a, []byte(lock), 0o644)
	key, _ := LoadPrivateKey(privPath)
	env, _ := SignLockfile([]byte(lock), key)
	raw, _ := env.Marshal()
	os.WriteFile(DefaultSignaturePath(a), raw, 0o644)
	res, err := VerifyFile(a, &VerifyOptions{PublicKeyPath: pubPath})
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(a, []byte(`{"lockfileVersion":1,"servers":{"evil":{}}}`), 0o644)
	if string(res.Lockfile) != lock {
		t.Errorf("Result.Lockfile = %.60q, want the bytes verified", res.Lockfile)
	}
}

// TestMissingBundleIsNotInvalid: a signature file that cannot be read means
// verification could not be attempted (exit 3, as for a missing .sig), not
// that the signature is invalid (exit 1); a bundle that cannot be parsed is
// invalid.
func TestMissingBundleIsNotInvalid(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.json")
	os.WriteFile(a, []byte(lock), 0o644)
	id := Identity{Subject: "a@example.com", Issuer: "https://accounts.example.com"}
	vs, _ := ca.NewVirtualSigstore()
	_, err := VerifyFile(a, &VerifyOptions{BundlePath: filepath.Join(dir, "missing.json"), Identity: id, TrustedMaterial: vs})
	if err == nil || errors.Is(err, ErrInvalid) {
		t.Errorf("missing bundle: %v, want an error that is not ErrInvalid", err)
	}
	_, pub := keyFiles(t)
	_, err = VerifyFile(a, &VerifyOptions{PublicKeyPath: pub, SignaturePath: filepath.Join(dir, "missing.sig")})
	if err == nil || errors.Is(err, ErrInvalid) {
		t.Errorf("missing signature: %v, want an error that is not ErrInvalid", err)
	}
	garbage := filepath.Join(dir, "garbage.json")
	os.WriteFile(garbage, []byte("{}"), 0o644)
	if _, err := VerifyFile(a, &VerifyOptions{BundlePath: garbage, Identity: id, TrustedMaterial: vs}); !errors.Is(err, ErrInvalid) {
		t.Errorf("unparsable bundle: %v, want ErrInvalid", err)
	}
}
