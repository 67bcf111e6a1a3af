package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ward-mcp/ward/internal/sign"
	"github.com/ward-mcp/ward/internal/sign/signtest"
)

func TestKeygenSignVerifyBundle(t *testing.T) {
	dir := t.TempDir()
	k := filepath.Join(dir, "ward")
	if code, out, errs := wardRun(t, "keygen", "-o", k); code != 0 || !strings.Contains(out, "key id") {
		t.Fatalf("keygen: %d %s %s", code, out, errs)
	}
	if code, _, errs := wardRun(t, "keygen", "-o", k); code != 2 || !strings.Contains(errs, "exists") {
		t.Fatalf("keygen over existing keys: %d %s", code, errs)
	}
	lock := writeLock(t, dir)
	original, _ := os.ReadFile(lock)
	if code, _, errs := wardRun(t, "sign", "--key", k+".key", lock); code != 0 {
		t.Fatalf("sign: %s", errs)
	}
	if code, out, errs := wardRun(t, "verify", "--key", k+".pub", lock); code != 0 || !strings.HasPrefix(out, "valid: ") {
		t.Fatalf("verify: %d %s %s", code, out, errs)
	}

	policy := filepath.Join(dir, "ward.yaml")
	os.WriteFile(policy, []byte("rules: []\n"), 0o644)
	a, b := filepath.Join(dir, "a.zip"), filepath.Join(dir, "b.zip")
	for _, out := range []string{a, b} {
		if code, _, errs := wardRun(t, "bundle", "export", "-o", out, "--lock", lock, "--policy", policy, "--signature", lock+".sig", "--key", k+".pub"); code != 0 {
			t.Fatalf("bundle export: %s", errs)
		}
	}
	ab, _ := os.ReadFile(a)
	bb, _ := os.ReadFile(b)
	if string(ab) != string(bb) {
		t.Fatal("two bundle exports differ")
	}
	if code, out, errs := wardRun(t, "bundle", "verify", "--key", k+".pub", a); code != 0 || !strings.Contains(out, "signed by key") {
		t.Fatalf("bundle verify: %d %s %s", code, out, errs)
	}

	// One changed byte of meaning: verify says no, and bundle export refuses.
	os.WriteFile(lock, []byte(strings.Replace(string(original), `"version": "1"`, `"version": "2"`, 1)), 0o644)
	if code, _, errs := wardRun(t, "verify", "--key", k+".pub", lock); code != 1 || !strings.Contains(errs, "signature invalid") {
		t.Fatalf("verify of a changed lockfile: %d %s", code, errs)
	}
	if code, _, _ := wardRun(t, "bundle", "export", "-o", filepath.Join(dir, "c.zip"), "--lock", lock, "--signature", lock+".sig", "--key", k+".pub"); code != 1 {
		t.Fatalf("bundle export of a bad signature: exit %d", code)
	}
	if _, err := os.Stat(filepath.Join(dir, "c.zip")); err == nil {
		t.Fatal("a refused bundle was written")
	}

	// What ward proxy would refuse to load is not signed: a signature is an
	// approval of what will be enforced.
	notLock := filepath.Join(dir, "not-a-lock.json")
	os.WriteFile(notLock, []byte(`{"version":1,"servers":{"fs":{"tools":{"read":{"hash":"sha256:00"}}}}}`), 0o644)
	if code, _, errs := wardRun(t, "sign", "--key", k+".key", notLock); code != 1 || !strings.Contains(errs, "refusing to sign") {
		t.Errorf("sign of a file that is not a lockfile: exit %d, %s", code, errs)
	}
	if _, err := os.Stat(notLock + ".sig"); err == nil {
		t.Error("a signature was written for a file that is not a lockfile")
	}

	os.Chmod(k+".key", 0o644)
	if code, _, errs := wardRun(t, "sign", "--key", k+".key", lock); code != 2 || !strings.Contains(errs, "readable by group or others") {
		t.Fatalf("sign with a world-readable key: %d %s", code, errs)
	}
	for _, args := range [][]string{
		{"sign", lock},
		{"sign", "--key", k + ".key", "--sigstore", lock},
		{"verify", lock},
		{"verify", "--key", k + ".pub", "--bundle", "x", lock},
		{"bundle", "export", "--lock", lock},
		{"bundle", "export", "-o", "x.zip", "--lock", lock, "--signature", lock + ".sig"},
	} {
		if code, _, _ := wardRun(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

func TestKeylessVerifyAndBundle(t *testing.T) {
	dir := t.TempDir()
	lock := filepath.Join(dir, "mcp-lock.json")
	os.WriteFile(lock, []byte(`{"version":1,"servers":{}}`), 0o644)
	canon, err := sign.Canonical([]byte(`{"version":1,"servers":{}}`))
	if err != nil {
		t.Fatal(err)
	}
	const who, iss = "https://github.com/acme/tools/.github/workflows/lock.yml@refs/heads/main", "https://token.actions.githubusercontent.com"
	bj, trj := signtest.Sign(t, who, iss, canon, false)
	bundlePath, root := lock+".sigstore.json", filepath.Join(dir, "trusted_root.json")
	os.WriteFile(bundlePath, bj, 0o644)
	os.WriteFile(root, trj, 0o644)
	id := []string{"--certificate-identity-regexp", `^https://github\.com/acme/tools/`, "--certificate-oidc-issuer", iss,
		"--trusted-root", root, "--insecure-ignore-sct"}
	args := append([]string{"verify", "--bundle", bundlePath}, append(id, lock)...)
	if code, out, errs := wardRun(t, args...); code != 0 || !strings.Contains(out, who) {
		t.Fatalf("keyless verify: %d %s %s", code, out, errs)
	}
	wrong := append([]string{"verify", "--bundle", bundlePath, "--certificate-identity", "someone@example.com",
		"--certificate-oidc-issuer", iss, "--trusted-root", root, "--insecure-ignore-sct"}, lock)
	if code, _, errs := wardRun(t, wrong...); code != 1 || !strings.Contains(errs, "someone@example.com") {
		t.Fatalf("keyless verify, wrong identity: %d %s", code, errs)
	}
	if code, _, _ := wardRun(t, "verify", "--bundle", bundlePath, "--certificate-oidc-issuer", iss, "--trusted-root", root, lock); code != 2 {
		t.Fatalf("keyless verify without identity: exit %d", code)
	}
	zip := filepath.Join(dir, "b.zip")
	exp := append([]string{"bundle", "export", "-o", zip, "--lock", lock, "--signature", bundlePath}, id...)
	if code, _, errs := wardRun(t, exp...); code != 0 {
		t.Fatalf("bundle export with a sigstore bundle: %s", errs)
	}
	ver := append(append([]string{"bundle", "verify"}, id...), zip)
	if code, out, errs := wardRun(t, ver...); code != 0 || !strings.Contains(out, "keylessly") {
		t.Fatalf("bundle verify keyless: %d %s %s", code, out, errs)
	}
}
