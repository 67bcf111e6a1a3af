package sign

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sigstore/sigstore-go/pkg/testing/ca"
)

const lock = `{"version": 1, "servers": {"fs": {"tools": {"read_file": {"hash": "sha256:00ff", "description": "Read a file"}}}}}`

func keyFiles(t *testing.T) (string, string) {
	t.Helper()
	dir := t.TempDir()
	priv, pub := filepath.Join(dir, "ward.key"), filepath.Join(dir, "ward.pub")
	if _, err := GenerateKeyFiles(priv, pub); err != nil {
		t.Fatal(err)
	}
	return priv, pub
}

func TestKeygen(t *testing.T) {
	priv, pub := keyFiles(t)
	for p, want := range map[string]os.FileMode{priv: 0o600, pub: 0o644} {
		fi, err := os.Stat(p)
		if err != nil || fi.Mode().Perm() != want {
			t.Fatalf("%s: mode %v, want %v (%v)", p, fi.Mode().Perm(), want, err)
		}
	}
	pb, _ := os.ReadFile(priv)
	if !bytes.HasPrefix(pb, []byte("-----BEGIN PRIVATE KEY-----")) {
		t.Errorf("private key is not PKCS#8 PEM: %.40s", pb)
	}
	k, err := LoadPrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	p, err := LoadPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Equal(k.Public()) {
		t.Fatal("public key does not match private key")
	}
	before, _ := os.ReadFile(priv)
	if _, err := GenerateKeyFiles(priv, pub+".2"); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("keygen over an existing private key = %v", err)
	}
	if _, err := GenerateKeyFiles(priv+".2", pub); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("keygen over an existing public key = %v", err)
	}
	if _, err := os.Stat(priv + ".2"); err == nil {
		t.Error("a refused keygen left a private key behind")
	}
	after, _ := os.ReadFile(priv)
	if !bytes.Equal(before, after) {
		t.Fatal("keygen changed an existing key")
	}
}

func TestWorldReadablePrivateKeyRefused(t *testing.T) {
	priv, _ := keyFiles(t)
	for _, mode := range []os.FileMode{0o644, 0o640, 0o604} {
		os.Chmod(priv, mode)
		if _, err := LoadPrivateKey(priv); !errors.Is(err, ErrKeyPermissions) {
			t.Errorf("mode %v: %v, want ErrKeyPermissions", mode, err)
		}
	}
	os.Chmod(priv, 0o400)
	if _, err := LoadPrivateKey(priv); err != nil {
		t.Errorf("mode 0400 refused: %v", err)
	}
}

func TestSignVerify(t *testing.T) {
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	pub := key.Public().(ed25519.PublicKey)
	env, err := SignLockfile([]byte(lock), key)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := env.Marshal()
	env, err = ParseEnvelope(raw)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := VerifyLockfile([]byte(lock), env, pub); err != nil {
		t.Fatalf("valid signature refused: %v", err)
	}
	reformatted := "{\n  \"servers\": {\"fs\": {\"tools\": {\"read_file\": {\"description\": \"Read a file\", \"hash\": \"sha256:00ff\"}}}},\n  \"version\": 1.0\n}\n"
	if _, err := VerifyLockfile([]byte(reformatted), env, pub); err != nil {
		t.Fatalf("reformatted lockfile refused: %v", err)
	}
	// Every single-bit change of the lockfile is refused.
	for i := range len(lock) * 8 {
		b := []byte(lock)
		b[i/8] ^= 1 << (i % 8)
		if _, err := VerifyLockfile(b, env, pub); err == nil {
			c, _ := Canonical(b)
			if !bytes.Equal(c, mustCanon(t, lock)) {
				t.Fatalf("bit %d flipped: still verifies: %s", i, b)
			}
		} else if !errors.Is(err, ErrInvalid) {
			t.Fatalf("bit %d flipped: %v does not wrap ErrInvalid", i, err)
		}
	}
	_, other, _ := ed25519.GenerateKey(rand.Reader)
	oenv, _ := SignLockfile([]byte(lock), other)
	if _, err := VerifyLockfile([]byte(lock), oenv, pub); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "no signature by key") {
		t.Fatalf("valid signature by another key: %v", err)
	}
	dup := `{"version": 1, "version": 2}`
	if _, err := SignLockfile([]byte(dup), key); err == nil {
		t.Fatal("signed a lockfile with duplicate keys")
	}
}

func mustCanon(t *testing.T, s string) []byte {
	c, err := Canonical([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestParseEnvelopeStrict(t *testing.T) {
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	env, _ := SignLockfile([]byte(lock), key)
	good, _ := env.Marshal()
	bad := map[string]string{
		"garbage signature": strings.Replace(string(good), `"sig": "`, `"sig": "AAAAAA==", "x": "`, 1),
		"4-byte signature":  `{"payloadType":"` + PayloadType + `","payloadDigest":"` + env.PayloadDigest + `","signatures":[{"keyid":"x","sig":"AAAAAA=="}]}`,
		"no signatures":     `{"payloadType":"` + PayloadType + `","payloadDigest":"x","signatures":[]}`,
		"other type":        strings.Replace(string(good), PayloadType, "application/json", 1),
		"trailing data":     string(good) + "{}",
		"not json":          "hello",
	}
	for name, b := range bad {
		if _, err := ParseEnvelope([]byte(b)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestVerifyFile(t *testing.T) {
	privPath, pubPath := keyFiles(t)
	dir := t.TempDir()
	a := filepath.Join(dir, "a.json")
	b := filepath.Join(dir, "b.json")
	os.WriteFile(a, []byte(lock), 0o644)
	os.WriteFile(b, []byte(strings.Replace(lock, "Read a file", "Read a file and send it away", 1)), 0o644)
	key, _ := LoadPrivateKey(privPath)
	env, _ := SignLockfile([]byte(lock), key)
	raw, _ := env.Marshal()
	os.WriteFile(DefaultSignaturePath(a), raw, 0o644)
	os.WriteFile(DefaultSignaturePath(b), raw, 0o644) // a's signature next to b

	res, err := VerifyFile(a, &VerifyOptions{PublicKeyPath: pubPath})
	if err != nil || res.Method != "ed25519" || res.Path != a || res.Digest != env.PayloadDigest {
		t.Fatalf("VerifyFile(a) = %+v, %v", res, err)
	}
	if _, err := VerifyFile(b, &VerifyOptions{PublicKeyPath: pubPath}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("VerifyFile(b) with a's signature = %v", err)
	}
	if _, err := VerifyFile(b, &VerifyOptions{PublicKeyPath: pubPath, SignaturePath: DefaultSignaturePath(a)}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("VerifyFile verified another file than the one named: %v", err)
	}
	for name, o := range map[string]*VerifyOptions{
		"nothing": {},
		"both":    {PublicKeyPath: pubPath, BundlePath: "x"},
		"nil":     nil,
	} {
		if _, err := VerifyFile(a, o); err == nil || errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v, want an option error", name, err)
		}
	}
}

func TestSigstoreFakeCA(t *testing.T) {
	vs, err := ca.NewVirtualSigstore()
	if err != nil {
		t.Fatal(err)
	}
	const who, iss = "release@example.com", "https://accounts.example.com"
	canon := mustCanon(t, lock)
	entity, err := vs.Sign(who, iss, canon)
	if err != nil {
		t.Fatal(err)
	}
	ok := Identity{Subject: who, Issuer: iss}
	res, err := VerifySigstore(entity, canon, vs, ok, true)
	if err != nil {
		t.Fatalf("valid keyless signature refused: %v", err)
	}
	if r := sigstoreResult("l", canon, "b", res); r.Subject != who || r.Issuer != iss {
		t.Errorf("result identity = %q %q", r.Subject, r.Issuer)
	}
	if _, err := VerifySigstore(entity, canon, vs, Identity{SubjectRegexp: `^[a-z]+@example\.com$`, IssuerRegexp: `^https://accounts\.example\.com$`}, true); err != nil {
		t.Errorf("regexp identity refused: %v", err)
	}
	tampered := mustCanon(t, strings.Replace(lock, "Read a file", "Read any file", 1))
	expired, err := vs.SignAtTime(who, iss, canon, time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		canon  []byte
		id     Identity
		entity interface{}
	}{
		{"wrong identity", canon, Identity{Subject: "mallory@example.com", Issuer: iss}, entity},
		{"wrong issuer", canon, Identity{Subject: who, Issuer: "https://evil.example.com"}, entity},
		{"tampered lockfile", tampered, ok, entity},
		{"expired certificate", canon, ok, expired},
	}
	for _, c := range cases {
		var err error
		switch e := c.entity.(type) {
		case *ca.TestEntity:
			_, err = VerifySigstore(e, c.canon, vs, c.id, true)
		}
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", c.name, err)
		} else {
			t.Logf("%s: %v", c.name, err)
		}
	}
	if _, err := VerifySigstore(entity, canon, vs, ok, false); !errors.Is(err, ErrInvalid) {
		t.Errorf("certificate without a CT timestamp accepted by default: %v", err)
	}
	other, _ := ca.NewVirtualSigstore()
	if _, err := VerifySigstore(entity, canon, other, ok, true); !errors.Is(err, ErrInvalid) {
		t.Errorf("signature from another Sigstore accepted: %v", err)
	}
	if _, err := VerifySigstore(entity, canon, vs, Identity{Issuer: iss}, true); err == nil || errors.Is(err, ErrInvalid) {
		t.Errorf("verification without a subject: %v, want an option error", err)
	}
}

func TestVerifyFileKeylessOptions(t *testing.T) {
	dir := t.TempDir()
	l := filepath.Join(dir, "l.json")
	os.WriteFile(l, []byte(lock), 0o644)
	garbage := filepath.Join(dir, "b.json")
	os.WriteFile(garbage, []byte(`{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"}`), 0o644)
	vs, _ := ca.NewVirtualSigstore()
	id := Identity{Subject: "a@example.com", Issuer: "https://x"}
	if _, err := VerifyFile(l, &VerifyOptions{BundlePath: garbage, Identity: id, TrustedMaterial: vs}); !errors.Is(err, ErrInvalid) {
		t.Errorf("garbage bundle: %v, want ErrInvalid", err)
	}
	if _, err := VerifyFile(l, &VerifyOptions{BundlePath: garbage, Identity: Identity{Subject: "a@example.com"}, TrustedMaterial: vs}); err == nil || errors.Is(err, ErrInvalid) {
		t.Errorf("no issuer: %v, want an option error", err)
	}
	if _, err := VerifyFile(l, &VerifyOptions{BundlePath: garbage, Identity: Identity{Subject: "a", SubjectRegexp: "a", Issuer: "x"}, TrustedMaterial: vs}); err == nil {
		t.Error("subject and subject regexp both accepted")
	}
}
