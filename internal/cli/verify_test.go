package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ward-mcp/ward/internal/sign"
	"github.com/ward-mcp/ward/internal/sign/signtest"
)

// TestVerifyRefusesContradictoryFlags: flags of the other method are not
// silently ignored (verify, bundle verify and export, sign). "ward verify --key team.pub --certificate-identity
// alice@example.com" reads as a check of who signed, and said "valid"
// without looking at any identity.
func TestVerifyRefusesContradictoryFlags(t *testing.T) {
	dir := t.TempDir()
	k := filepath.Join(dir, "ward")
	if code, _, errs := wardRun(t, "keygen", "-o", k); code != 0 {
		t.Fatalf("keygen: %s", errs)
	}
	lock := filepath.Join(dir, "mcp-lock.json")
	os.WriteFile(lock, []byte(`{"lockfileVersion":1,"servers":{}}`), 0o644)
	if code, _, errs := wardRun(t, "sign", "--key", k+".key", lock); code != 0 {
		t.Fatalf("sign: %s", errs)
	}
	if code, _, errs := wardRun(t, "verify", "--key", k+".pub", lock); code != 0 {
		t.Fatalf("verify: %s", errs)
	}
	zip := filepath.Join(dir, "b.zip")
	if code, _, errs := wardRun(t, "bundle", "export", "-o", zip, "--lock", lock, "--signature", lock+".sig", "--key", k+".pub"); code != 0 {
		t.Fatalf("bundle export: %s", errs)
	}
	id := []string{"--certificate-identity", "alice@example.com", "--certificate-oidc-issuer", "https://accounts.example.com"}
	for _, args := range [][]string{
		append([]string{"verify", "--key", k + ".pub", lock}, id...),
		{"verify", "--key", k + ".pub", "--trusted-root", "root.json", lock},
		{"verify", "--key", k + ".pub", "--insecure-ignore-sct", lock},
		append([]string{"verify", "--bundle", lock + ".sig", "--signature", lock + ".sig", lock}, id...),
		append([]string{"bundle", "verify", "--key", k + ".pub", zip}, id...),
		{"bundle", "verify", "--key", k + ".pub", "--insecure-ignore-sct", zip},
		{"bundle", "verify", "--trusted-root", "root.json", zip},
		{"sign", "--key", k + ".key", "--identity-token-file", "token", lock},
		{"sign", "--key", k + ".key", "--rekor-url", "https://rekor.example.com", lock},
		append([]string{"bundle", "export", "-o", filepath.Join(dir, "c.zip"), "--lock", lock, "--signature", lock + ".sig", "--key", k + ".pub"}, id...),
	} {
		if code, _, errs := wardRun(t, args...); code != ExitUsage {
			t.Errorf("ward %s: exit %d, want 2 (%s)", strings.Join(args, " "), code, errs)
		}
	}
}

// TestVerifyBadRegexpIsUsage: a --certificate-*-regexp that does not
// compile is a wrong flag (exit 2), found before any file is read; it was
// an internal error (exit 3) once the bundle had been loaded.
func TestVerifyBadRegexpIsUsage(t *testing.T) {
	dir := t.TempDir()
	lock := filepath.Join(dir, "mcp-lock.json")
	os.WriteFile(lock, []byte(`{"lockfileVersion":1,"servers":{}}`), 0o644)
	canon, _ := sign.Canonical([]byte(`{"lockfileVersion":1,"servers":{}}`))
	bj, trj := signtest.Sign(t, "a@example.com", "https://accounts.example.com", canon, false)
	b, root := filepath.Join(dir, "b.json"), filepath.Join(dir, "root.json")
	os.WriteFile(b, bj, 0o644)
	os.WriteFile(root, trj, 0o644)
	for _, args := range [][]string{
		{"verify", "--bundle", b, "--trusted-root", root, "--certificate-identity-regexp", "(", "--certificate-oidc-issuer", "https://accounts.example.com", lock},
		{"verify", "--bundle", b, "--trusted-root", root, "--certificate-identity", "a@example.com", "--certificate-oidc-issuer-regexp", "[", lock},
	} {
		if code, _, errs := wardRun(t, args...); code != ExitUsage || !strings.Contains(errs, "regexp") {
			t.Errorf("ward %s: exit %d, want 2 naming the regexp (%s)", strings.Join(args, " "), code, errs)
		}
	}
}
