package bundle

import (
	"archive/zip"
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ward-mcp/ward/internal/sign"
)

const lock = `{"version": 1, "servers": {"fs": {"tools": {"read_file": {"hash": "sha256:00ff"}}}}}`

type fixture struct {
	dir            string
	lock, sig, pol string
	pub            ed25519.PublicKey
	key            ed25519.PrivateKey
}

func setup(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{dir: t.TempDir()}
	f.pub, f.key, _ = ed25519.GenerateKey(rand.Reader)
	f.lock = filepath.Join(f.dir, "mcp-lock.json")
	f.sig = filepath.Join(f.dir, "mcp-lock.json.sig")
	f.pol = filepath.Join(f.dir, "ward.YAML")
	os.WriteFile(f.lock, []byte(lock), 0o644)
	os.WriteFile(f.pol, []byte("rules:\n  - deny: exec\n"), 0o600)
	env, err := sign.SignLockfile([]byte(lock), f.key)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := env.Marshal()
	os.WriteFile(f.sig, raw, 0o644)
	return f
}

func (f *fixture) opts() *Options {
	return &Options{LockfilePath: f.lock, PolicyPath: f.pol, SignaturePath: f.sig, PublicKey: f.pub}
}

func TestExportIsByteIdentical(t *testing.T) {
	f := setup(t)
	a, err := Export(f.opts())
	if err != nil {
		t.Fatal(err)
	}
	// Another run, later, with other file times and modes: same bytes.
	old := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
	for _, p := range []string{f.lock, f.sig, f.pol} {
		os.Chtimes(p, old, old)
		os.Chmod(p, 0o600)
	}
	b, err := Export(f.opts())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Fatal("two exports differ")
	}
	zr, _ := zip.NewReader(bytes.NewReader(a), int64(len(a)))
	var names []string
	for _, e := range zr.File {
		names = append(names, e.Name)
		if e.Mode().Perm() != 0o644 || e.Modified.Year() != 1980 || e.Method != zip.Store {
			t.Errorf("%s: mode %v, time %v, method %d", e.Name, e.Mode(), e.Modified, e.Method)
		}
	}
	want := "README.md manifest.json mcp-lock.json mcp-lock.json.sig policy.yaml"
	if strings.Join(names, " ") != want {
		t.Errorf("entries = %v, want %s", names, want)
	}
	res, err := Verify(a, &Options{PublicKey: f.pub})
	if err != nil || !res.SignatureVerified || res.Manifest.KeyID != sign.KeyID(f.pub) {
		t.Fatalf("verify = %+v, %v", res, err)
	}
}

func TestExportRefusesBadSignature(t *testing.T) {
	f := setup(t)
	_, other, _ := ed25519.GenerateKey(rand.Reader)
	o := f.opts()
	o.PublicKey = other.Public().(ed25519.PublicKey)
	if _, err := Export(o); !errors.Is(err, ErrInvalid) {
		t.Errorf("signature checked with another key: %v", err)
	}
	os.WriteFile(f.sig, []byte(`{"payloadType":"`+sign.PayloadType+`","payloadDigest":"x","signatures":[{"keyid":"k","sig":"AAAAAA=="}]}`), 0o644)
	if _, err := Export(f.opts()); !errors.Is(err, ErrInvalid) {
		t.Errorf("4-byte signature: %v", err)
	}
	f = setup(t)
	os.WriteFile(f.lock, []byte(strings.Replace(lock, "00ff", "00fe", 1)), 0o644)
	if _, err := Export(f.opts()); !errors.Is(err, ErrInvalid) {
		t.Errorf("changed lockfile: %v", err)
	}
	f = setup(t)
	o = f.opts()
	o.PublicKey = nil
	if _, err := Export(o); err == nil {
		t.Error("a signature was bundled unchecked")
	}
}

func rezip(t *testing.T, b []byte, edit func(name string, data []byte) (string, []byte)) []byte {
	t.Helper()
	zr, _ := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	var es []entry
	for _, e := range zr.File {
		rc, _ := e.Open()
		var buf bytes.Buffer
		buf.ReadFrom(rc)
		rc.Close()
		name, data := edit(e.Name, buf.Bytes())
		if name != "" {
			es = append(es, entry{name, data})
		}
	}
	out, err := writeZip(es)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestVerifyRefusesTampering(t *testing.T) {
	f := setup(t)
	good, err := Export(f.opts())
	if err != nil {
		t.Fatal(err)
	}
	keep := func(n string, d []byte) (string, []byte) { return n, d }
	if _, err := Verify(rezip(t, good, keep), &Options{PublicKey: f.pub}); err != nil {
		t.Fatalf("untouched re-zip refused: %v", err)
	}
	cases := map[string]func(n string, d []byte) (string, []byte){
		"policy changed": func(n string, d []byte) (string, []byte) {
			if strings.HasPrefix(n, "policy") {
				return n, []byte("rules: []\n")
			}
			return n, d
		},
		"lockfile changed and manifest fixed": func(n string, d []byte) (string, []byte) {
			newLock, _ := sign.Canonical([]byte(strings.Replace(lock, "00ff", "0000", 1)))
			switch n {
			case LockfileName:
				return n, newLock
			case ManifestName:
				return n, bytes.Replace(d, []byte(sign.Digest(mustCanon(lock))), []byte(sign.Digest(newLock)), 1)
			}
			return n, d
		},
		"extra entry": func(n string, d []byte) (string, []byte) {
			if n == ReadmeName {
				return "zz-extra.sh", d
			}
			return n, d
		},
		"readme rewritten": func(n string, d []byte) (string, []byte) {
			if n == ReadmeName {
				return n, []byte("trust me\n")
			}
			return n, d
		},
		"signature dropped": func(n string, d []byte) (string, []byte) {
			if n == SignatureName {
				return "", nil
			}
			return n, d
		},
	}
	for name, edit := range cases {
		if _, err := Verify(rezip(t, good, edit), &Options{PublicKey: f.pub}); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
	_, other, _ := ed25519.GenerateKey(rand.Reader)
	if _, err := Verify(good, &Options{PublicKey: other.Public().(ed25519.PublicKey)}); !errors.Is(err, ErrInvalid) {
		t.Errorf("verified under another key: %v", err)
	}
	if _, err := Verify(good, nil); err == nil {
		t.Error("signed bundle verified without a key")
	}
	if _, err := Verify([]byte("PK garbage"), nil); !errors.Is(err, ErrInvalid) {
		t.Errorf("garbage: %v", err)
	}
}

func TestUnsignedBundle(t *testing.T) {
	f := setup(t)
	b, err := Export(&Options{LockfilePath: f.lock})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Verify(b, nil)
	if err != nil || res.SignatureVerified || res.Manifest.Signature != "none" {
		t.Fatalf("unsigned bundle: %+v %v", res, err)
	}
}

func mustCanon(s string) []byte {
	c, err := sign.Canonical([]byte(s))
	if err != nil {
		panic(err)
	}
	return c
}

// TestExportGolden pins the exact bytes of a bundle made from fixed inputs
// and a fixed key, so that a change in the output on another machine or
// toolchain is noticed.
func TestExportGolden(t *testing.T) {
	dir := t.TempDir()
	seed := bytes.Repeat([]byte{7}, ed25519.SeedSize)
	key := ed25519.NewKeyFromSeed(seed)
	l := filepath.Join(dir, "l.json")
	s := filepath.Join(dir, "l.sig")
	p := filepath.Join(dir, "p.yaml")
	os.WriteFile(l, []byte(lock), 0o644)
	os.WriteFile(p, []byte("rules: []\n"), 0o644)
	env, _ := sign.SignLockfile([]byte(lock), key)
	raw, _ := env.Marshal()
	os.WriteFile(s, raw, 0o644)
	b, err := Export(&Options{LockfilePath: l, SignaturePath: s, PolicyPath: p, PublicKey: key.Public().(ed25519.PublicKey)})
	if err != nil {
		t.Fatal(err)
	}
	const want = "sha256:9b47421d1cbf5d97618710f3fca5041541b2ebe87bf0a7aa4df893792bd8a5ee"
	if got := sign.Digest(b); got != want {
		t.Errorf("bundle digest = %s, want %s", got, want)
	}
}
