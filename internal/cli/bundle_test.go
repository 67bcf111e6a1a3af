package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBundleVerifyRefusesUnsignedWithKey: "ward bundle verify --key PUB"
// is how a pipeline checks an approval; a bundle whose signature was removed
// (and whose lockfile was swapped) must not pass it.
func TestBundleVerifyRefusesUnsignedWithKey(t *testing.T) {
	dir := t.TempDir()
	k := filepath.Join(dir, "ward")
	if code, _, errs := wardRun(t, "keygen", "-o", k); code != 0 {
		t.Fatalf("keygen: %s", errs)
	}
	lock := filepath.Join(dir, "mcp-lock.json")
	os.WriteFile(lock, []byte(`{"version":1,"servers":{}}`), 0o644)
	zip := filepath.Join(dir, "unsigned.zip")
	if code, _, errs := wardRun(t, "bundle", "export", "-o", zip, "--lock", lock); code != 0 {
		t.Fatalf("bundle export: %s", errs)
	}
	if code, out, errs := wardRun(t, "bundle", "verify", "--key", k+".pub", zip); code != ExitFindings || !strings.Contains(errs, "not signed") {
		t.Errorf("bundle verify --key of an unsigned bundle: exit %d, %s %s", code, out, errs)
	}
	if code, out, _ := wardRun(t, "bundle", "verify", zip); code != 0 || !strings.Contains(out, "unsigned") {
		t.Errorf("bundle verify of an unsigned bundle without a key: exit %d, %s", code, out)
	}
}

// TestBundleExportKeyWithoutSignature: "--key" asks for a signed bundle; with
// no --signature to check, export made an unsigned one and said nothing.
func TestBundleExportKeyWithoutSignature(t *testing.T) {
	dir := t.TempDir()
	k := filepath.Join(dir, "ward")
	if code, _, errs := wardRun(t, "keygen", "-o", k); code != 0 {
		t.Fatalf("keygen: %s", errs)
	}
	lock := filepath.Join(dir, "mcp-lock.json")
	os.WriteFile(lock, []byte(`{"lockfileVersion":1,"servers":{}}`), 0o644)
	zip := filepath.Join(dir, "b.zip")
	if code, _, errs := wardRun(t, "bundle", "export", "-o", zip, "--lock", lock, "--key", k+".pub"); code != ExitUsage {
		t.Errorf("bundle export --key without --signature: exit %d, want 2 (%s)", code, errs)
	}
	if _, err := os.Stat(zip); err == nil {
		t.Error("an unsigned bundle was written")
	}
}
