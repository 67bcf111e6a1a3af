package bundle

import (
	"crypto/ed25519"
	"os"
	"path/filepath"
	"testing"

	"github.com/ward-mcp/ward/internal/sign"
)

func FuzzVerify(f *testing.F) {
	dir, err := os.MkdirTemp("", "ward-bundle-fuzz")
	if err != nil {
		f.Fatal(err)
	}
	defer os.RemoveAll(dir)
	key := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	l := filepath.Join(dir, "l.json")
	s := filepath.Join(dir, "l.sig")
	os.WriteFile(l, []byte(lock), 0o644)
	env, _ := sign.SignLockfile([]byte(lock), key)
	raw, _ := env.Marshal()
	os.WriteFile(s, raw, 0o644)
	pub := key.Public().(ed25519.PublicKey)
	signed, err := Export(&Options{LockfilePath: l, SignaturePath: s, PublicKey: pub})
	if err != nil {
		f.Fatal(err)
	}
	unsigned, _ := Export(&Options{LockfilePath: l})
	f.Add(signed)
	f.Add(unsigned)
	f.Fuzz(func(t *testing.T, b []byte) {
		res, err := Verify(b, &Options{PublicKey: pub})
		if err != nil {
			return
		}
		// Whatever verifies holds the one lockfile that was signed, or is unsigned.
		if res.SignatureVerified && res.Manifest.Lockfile != sign.Digest(mustCanon(lock)) {
			t.Fatalf("verified a bundle of another lockfile: %+v", res.Manifest)
		}
	})
}
