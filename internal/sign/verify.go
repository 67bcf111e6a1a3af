package sign

import (
	"crypto/ed25519"
	"errors"
	"fmt"

	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/sigstore/sigstore-go/pkg/verify"
)

// VerifyOptions says how VerifyFile checks a lockfile. Exactly one method is
// used: PublicKey (with an Ed25519 signature file) or Bundle (Sigstore, with
// Identity). Contradictory or missing options are an error, never a pass.
type VerifyOptions struct {
	// PublicKey is the signer's Ed25519 public key.
	PublicKey ed25519.PublicKey
	// PublicKeyPath is read into PublicKey when PublicKey is nil.
	PublicKeyPath string
	// SignaturePath is the Ed25519 signature file; default "<lockfile>.sig".
	SignaturePath string

	// BundlePath is a Sigstore bundle for the lockfile.
	BundlePath string
	// Identity is who must have signed it.
	Identity Identity
	// TrustedRootPath is a trusted_root.json for offline verification; when
	// empty and TrustedMaterial is nil, the public-good root is fetched.
	TrustedRootPath string
	// TrustedMaterial, if set, is used instead of TrustedRootPath (tests use
	// sigstore-go's fake CA).
	TrustedMaterial root.TrustedMaterial
	// DisableSCTUnsafe accepts a certificate without a certificate
	// transparency timestamp (private Sigstore deployments without a CT log).
	DisableSCTUnsafe bool
}

// Result describes a verified lockfile.
type Result struct {
	// Path is the lockfile verified.
	Path string `json:"path"`
	// Digest is the SHA-256 of its canonical form.
	Digest string `json:"digest"`
	// Method is "ed25519" or "sigstore".
	Method string `json:"method"`
	// KeyID is the Ed25519 key's id.
	KeyID string `json:"key_id,omitempty"`
	// Signature is the signature or bundle file used.
	Signature string `json:"signature"`
	// Subject and Issuer are the keyless signer's identity.
	Subject string `json:"subject,omitempty"`
	Issuer  string `json:"issuer,omitempty"`
	// Lockfile is the bytes of the lockfile as read and verified. A caller
	// that goes on to enforce the lockfile must parse these, not read the
	// file again: it may have been replaced in between.
	Lockfile []byte `json:"-"`
}

// DefaultSignaturePath is where ward sign writes an Ed25519 signature.
func DefaultSignaturePath(lockfile string) string { return lockfile + ".sig" }

// DefaultBundlePath is where ward sign --sigstore writes a bundle.
func DefaultBundlePath(lockfile string) string { return lockfile + ".sigstore.json" }

// VerifyFile verifies the lockfile at path, exactly that file, with opts. A
// signature that does not verify is an error wrapping ErrInvalid; other
// errors mean verification could not be attempted.
func VerifyFile(path string, opts *VerifyOptions) (*Result, error) {
	if opts == nil {
		return nil, errors.New("verify: no key or bundle given")
	}
	o := *opts
	keyed := o.PublicKey != nil || o.PublicKeyPath != ""
	keyless := o.BundlePath != ""
	switch {
	case keyed && keyless:
		return nil, errors.New("verify: give a public key or a sigstore bundle, not both")
	case !keyed && !keyless:
		return nil, errors.New("verify: give a public key (--key) or a sigstore bundle (--bundle)")
	}
	b, err := readCapped(path, MaxLockfile)
	if err != nil {
		return nil, fmt.Errorf("verify: read lockfile: %w", err)
	}
	if keyed {
		return verifyKeyed(path, b, &o)
	}
	return verifyKeyless(path, b, &o)
}

func verifyKeyed(path string, b []byte, o *VerifyOptions) (*Result, error) {
	if o.PublicKey == nil {
		pub, err := LoadPublicKey(o.PublicKeyPath)
		if err != nil {
			return nil, fmt.Errorf("verify: %w", err)
		}
		o.PublicKey = pub
	}
	if o.SignaturePath == "" {
		o.SignaturePath = DefaultSignaturePath(path)
	}
	sb, err := readCapped(o.SignaturePath, maxEnvelope)
	if err != nil {
		return nil, fmt.Errorf("verify: read signature: %w", err)
	}
	env, err := ParseEnvelope(sb)
	if err != nil {
		return nil, fmt.Errorf("verify %s: %w: %w", path, ErrInvalid, err)
	}
	digest, err := VerifyLockfile(b, env, o.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &Result{Path: path, Digest: digest, Method: "ed25519", KeyID: KeyID(o.PublicKey), Signature: o.SignaturePath, Lockfile: b}, nil
}

func verifyKeyless(path string, b []byte, o *VerifyOptions) (*Result, error) {
	if err := o.Identity.Validate(); err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	canon, err := Canonical(b)
	if err != nil {
		return nil, fmt.Errorf("verify %s: %w: %w", path, ErrInvalid, err)
	}
	// A bundle that cannot be read means verification could not be
	// attempted, as for a missing .sig; one that cannot be parsed is invalid.
	raw, err := readCapped(o.BundlePath, maxBundle)
	if err != nil {
		return nil, fmt.Errorf("verify: read sigstore bundle: %w", err)
	}
	bd, err := ParseSigstoreBundle(raw)
	if err != nil {
		return nil, fmt.Errorf("verify %s: %w: %s: %w", path, ErrInvalid, o.BundlePath, err)
	}
	tm := o.TrustedMaterial
	if tm == nil {
		if tm, err = LoadTrustedRoot(o.TrustedRootPath); err != nil {
			return nil, fmt.Errorf("verify: %w", err)
		}
	}
	res, err := VerifySigstore(bd, canon, tm, o.Identity, o.DisableSCTUnsafe)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	r := sigstoreResult(path, canon, o.BundlePath, res)
	r.Lockfile = b
	return r, nil
}

func sigstoreResult(path string, canon []byte, bundlePath string, res *verify.VerificationResult) *Result {
	r := &Result{Path: path, Digest: Digest(canon), Method: "sigstore", Signature: bundlePath}
	if res != nil && res.Signature != nil && res.Signature.Certificate != nil {
		r.Subject = res.Signature.Certificate.SubjectAlternativeName
		r.Issuer = res.Signature.Certificate.Issuer
	}
	return r
}
