package cli

import (
	"os"
	"path/filepath"
	"testing"
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
