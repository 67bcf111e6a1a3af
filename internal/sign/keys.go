// Package sign signs and verifies ward lockfiles.
//
// What is signed is always the RFC 8785 canonical form of the lockfile's JSON,
// never the bytes as they happen to be laid out on disk, so a signature
// survives reformatting but not a change of meaning. Two methods exist: an
// Ed25519 key held by the signer (a DSSE-style envelope, docs/signing.md) and
// Sigstore keyless signing (a Fulcio certificate for an OIDC identity, logged
// in Rekor, kept in a Sigstore bundle). VerifyFile checks either for the file
// it is given.
package sign

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// ErrKeyPermissions means a private key file can be read by users other than
// its owner: it may already have leaked, and ward refuses to use it.
var ErrKeyPermissions = errors.New("private key file is readable by group or others")

const (
	pemPrivate = "PRIVATE KEY"
	pemPublic  = "PUBLIC KEY"
	maxKeyFile = 64 << 10
)

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

// GenerateKeyFiles creates an Ed25519 key pair: the private key as PKCS#8 PEM
// in privPath (mode 0600) and the public key as PKIX PEM in pubPath (0644).
// It refuses to overwrite either file and leaves nothing behind on error. It
// returns the key id.
func GenerateKeyFiles(privPath, pubPath string) (string, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return "", fmt.Errorf("generate key: %w", err)
	}
	privDER, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return "", fmt.Errorf("encode private key: %w", err)
	}
	pubDER, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", fmt.Errorf("encode public key: %w", err)
	}
	if _, err := os.Lstat(pubPath); err == nil {
		return "", fmt.Errorf("write public key: %s: %w", pubPath, fs.ErrExist)
	}
	if err := writeNew(privPath, pem.EncodeToMemory(&pem.Block{Type: pemPrivate, Bytes: privDER}), 0o600); err != nil {
		return "", fmt.Errorf("write private key: %w", err)
	}
	if err := writeNew(pubPath, pem.EncodeToMemory(&pem.Block{Type: pemPublic, Bytes: pubDER}), 0o644); err != nil {
		os.Remove(privPath)
		return "", fmt.Errorf("write public key: %w", err)
	}
	return KeyID(pub), nil
}

// writeNew creates path with exactly perm (not widened by the umask's
// complement, not following an existing file or link) and writes b.
func writeNew(path string, b []byte, perm os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	if err := f.Chmod(perm); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	return f.Close()
}

// LoadPrivateKey reads an Ed25519 private key in PKCS#8 PEM from path. It
// refuses a file that group or others can read (ErrKeyPermissions).
func LoadPrivateKey(path string) (ed25519.PrivateKey, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load private key: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("load private key: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("load private key %s: not a regular file", path)
	}
	if err := checkKeyMode(fi); err != nil {
		return nil, fmt.Errorf("load private key %s: %w", path, err)
	}
	b, err := readAllCapped(f, path, maxKeyFile)
	if err != nil {
		return nil, fmt.Errorf("load private key: %w", err)
	}
	return ParsePrivateKey(b)
}

// ParsePrivateKey parses an Ed25519 private key in PKCS#8 PEM.
func ParsePrivateKey(b []byte) (ed25519.PrivateKey, error) {
	blk, rest := pem.Decode(b)
	if blk == nil || blk.Type != pemPrivate {
		return nil, fmt.Errorf("parse private key: no %q PEM block", pemPrivate)
	}
	if len(rest) > 0 && len(trimSpace(rest)) > 0 {
		return nil, errors.New("parse private key: data after the PEM block")
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("parse private key: %w", err)
	}
	priv, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("parse private key: %T is not an Ed25519 key", k)
	}
	return priv, nil
}

// LoadPublicKey reads an Ed25519 public key in PKIX PEM from path.
func LoadPublicKey(path string) (ed25519.PublicKey, error) {
	b, err := readCapped(path, maxKeyFile)
	if err != nil {
		return nil, fmt.Errorf("load public key: %w", err)
	}
	pub, err := ParsePublicKey(b)
	if err != nil {
		return nil, fmt.Errorf("load public key %s: %w", path, err)
	}
	return pub, nil
}

// ParsePublicKey parses an Ed25519 public key in PKIX PEM.
func ParsePublicKey(b []byte) (ed25519.PublicKey, error) {
	blk, rest := pem.Decode(b)
	if blk == nil || blk.Type != pemPublic {
		return nil, fmt.Errorf("parse public key: no %q PEM block", pemPublic)
	}
	if len(trimSpace(rest)) > 0 {
		return nil, errors.New("parse public key: data after the PEM block")
	}
	k, err := x509.ParsePKIXPublicKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("parse public key: %w", err)
	}
	pub, ok := k.(ed25519.PublicKey)
	if !ok {
		return nil, fmt.Errorf("parse public key: %T is not an Ed25519 key", k)
	}
	return pub, nil
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\n' || b[0] == '\r' || b[0] == '\t') {
		b = b[1:]
	}
	return b
}

// readCapped reads path, refusing files larger than limit.
func readCapped(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readAllCapped(f, path, limit)
}

func readAllCapped(r io.Reader, name string, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s: larger than %d bytes", name, limit)
	}
	return b, nil
}
