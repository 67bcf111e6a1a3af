package cli

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/ward-mcp/ward/internal/sign"
)

// TestSignDoesNotFollowSymlink: the signature is written next to the
// lockfile, often in a checkout of someone else's branch. A symlink
// committed as mcp-lock.json.sig must not make ward sign (or bundle export)
// overwrite the file it points to, outside the repository.
func TestSignDoesNotFollowSymlink(t *testing.T) {
	dir := t.TempDir()
	k := filepath.Join(dir, "ward")
	if code, _, errs := wardRun(t, "keygen", "-o", k); code != 0 {
		t.Fatalf("keygen: %s", errs)
	}
	repo := filepath.Join(dir, "repo")
	os.Mkdir(repo, 0o755)
	victim := filepath.Join(dir, "victim")
	os.WriteFile(victim, []byte("precious\n"), 0o600)
	lock := filepath.Join(repo, "mcp-lock.json")
	os.WriteFile(lock, []byte(`{"lockfileVersion":1,"servers":{}}`), 0o644)
	if err := os.Symlink(victim, lock+".sig"); err != nil {
		t.Skip(err)
	}
	zip := filepath.Join(repo, "approval.zip")
	os.Symlink(victim, zip)
	if code, _, errs := wardRun(t, "sign", "--key", k+".key", lock); code != 0 {
		t.Fatalf("sign: %s", errs)
	}
	if code, _, errs := wardRun(t, "bundle", "export", "-o", zip, "--lock", lock); code != 0 {
		t.Fatalf("bundle export: %s", errs)
	}
	if b, _ := os.ReadFile(victim); string(b) != "precious\n" {
		t.Errorf("the symlink's target was overwritten: %.40q", b)
	}
	for _, p := range []string{lock + ".sig", zip} {
		if fi, err := os.Lstat(p); err != nil || !fi.Mode().IsRegular() {
			t.Errorf("%s: %v, want a regular file", p, err)
		}
	}
	if code, _, errs := wardRun(t, "verify", "--key", k+".pub", lock); code != 0 {
		t.Errorf("verify: %s", errs)
	}
}

// TestOutputIsNotAnInput: "ward sign -o mcp-lock.json mcp-lock.json" replaced
// the lockfile with its own signature, and bundle export -o could replace
// the lockfile, signature or policy it was packing.
func TestOutputIsNotAnInput(t *testing.T) {
	dir := t.TempDir()
	k := filepath.Join(dir, "ward")
	if code, _, errs := wardRun(t, "keygen", "-o", k); code != 0 {
		t.Fatalf("keygen: %s", errs)
	}
	lock := filepath.Join(dir, "mcp-lock.json")
	content := `{"lockfileVersion":1,"servers":{}}`
	os.WriteFile(lock, []byte(content), 0o644)
	if code, _, errs := wardRun(t, "sign", "--key", k+".key", lock); code != 0 {
		t.Fatalf("sign: %s", errs)
	}
	sig, _ := os.ReadFile(lock + ".sig")
	for _, args := range [][]string{
		{"sign", "--key", k + ".key", "-o", lock, lock},
		{"sign", "--key", k + ".key", "-o", k + ".key", lock},
		{"bundle", "export", "-o", lock, "--lock", lock},
		{"bundle", "export", "-o", lock + ".sig", "--lock", lock, "--signature", lock + ".sig", "--key", k + ".pub"},
	} {
		code, _, errs := wardRun(t, args...)
		if b, _ := os.ReadFile(lock); string(b) != content {
			t.Fatalf("ward %v overwrote the lockfile", args)
		}
		if b, _ := os.ReadFile(lock + ".sig"); string(b) != string(sig) {
			t.Fatalf("ward %v overwrote the signature", args)
		}
		if code != ExitUsage {
			t.Errorf("ward %v: exit %d, want 2 (%s)", args, code, errs)
		}
	}
	if _, err := sign.LoadPrivateKey(k + ".key"); err != nil {
		t.Errorf("the private key was overwritten: %v", err)
	}
}
