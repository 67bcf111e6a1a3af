package sign

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ward-mcp/ward/internal/sign/signtest"
)

func TestVerifyFileWithFakeSigstoreBundle(t *testing.T) {
	canon := mustCanon(t, lock)
	bj, trj := signtest.Sign(t, "release@example.com", "https://accounts.example.com", canon, false)
	dir := t.TempDir()
	l := filepath.Join(dir, "mcp-lock.json")
	b := DefaultBundlePath(l)
	tr := filepath.Join(dir, "trusted_root.json")
	os.WriteFile(l, []byte(lock), 0o644)
	os.WriteFile(b, bj, 0o644)
	os.WriteFile(tr, trj, 0o644)
	opts := func(id Identity) *VerifyOptions {
		return &VerifyOptions{BundlePath: b, Identity: id, TrustedRootPath: tr, DisableSCTUnsafe: true}
	}
	ok := Identity{Subject: "release@example.com", Issuer: "https://accounts.example.com"}
	res, err := VerifyFile(l, opts(ok))
	if err != nil {
		t.Fatalf("valid bundle file refused: %v", err)
	}
	if res.Method != "sigstore" || res.Subject != ok.Subject || res.Issuer != ok.Issuer || res.Digest != Digest(canon) {
		t.Errorf("result = %+v", res)
	}
	if _, err := VerifyFile(l, opts(Identity{Subject: "mallory@example.com", Issuer: ok.Issuer})); !errors.Is(err, ErrInvalid) {
		t.Errorf("wrong identity: %v", err)
	}
	o := opts(ok)
	o.DisableSCTUnsafe = false
	if _, err := VerifyFile(l, o); !errors.Is(err, ErrInvalid) {
		t.Errorf("no SCT accepted by default: %v", err)
	}
	os.WriteFile(l, []byte(strings.Replace(lock, "Read a file", "Read any file", 1)), 0o644)
	if _, err := VerifyFile(l, opts(ok)); !errors.Is(err, ErrInvalid) {
		t.Errorf("tampered lockfile: %v", err)
	}
	os.WriteFile(l, []byte(lock), 0o644)
	bj, trj = signtest.Sign(t, ok.Subject, ok.Issuer, canon, true)
	os.WriteFile(b, bj, 0o644)
	os.WriteFile(tr, trj, 0o644)
	if _, err := VerifyFile(l, opts(ok)); !errors.Is(err, ErrInvalid) {
		t.Errorf("expired certificate: %v", err)
	}
}
