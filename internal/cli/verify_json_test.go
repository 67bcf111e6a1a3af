package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestVerifyJSONOnEveryOutcome: ward verify --json prints one JSON object
// whatever the outcome, so that a pipeline parsing it learns what happened
// from stdout too: valid (exit 0), invalid (exit 1) and could not check
// (exit 3, here a signature file that is missing).
func TestVerifyJSONOnEveryOutcome(t *testing.T) {
	dir := t.TempDir()
	lock := writeLock(t, dir)
	key := filepath.Join(dir, "k")
	if code, _, stderr := wardRun(t, "keygen", "-o", key); code != 0 {
		t.Fatalf("keygen: %d %s", code, stderr)
	}
	if code, _, stderr := wardRun(t, "sign", "--key", key+".key", lock); code != 0 {
		t.Fatalf("sign: %d %s", code, stderr)
	}
	original, _ := os.ReadFile(lock)
	type result struct {
		Valid   *bool
		Outcome string
		Error   string
	}
	check := func(name string, wantCode int, wantValid bool, wantOutcome string, args ...string) {
		t.Helper()
		code, out, stderr := wardRun(t, append([]string{"verify", "--json", "--key", key + ".pub"}, args...)...)
		var r result
		if err := json.Unmarshal([]byte(out), &r); err != nil || r.Valid == nil {
			t.Fatalf("%s: stdout is not the JSON result (exit %d): %q %s", name, code, out, stderr)
		}
		if code != wantCode || *r.Valid != wantValid || r.Outcome != wantOutcome {
			t.Errorf("%s: exit %d valid %v outcome %q, want %d %v %q (%s)", name, code, *r.Valid, r.Outcome, wantCode, wantValid, wantOutcome, r.Error)
		}
	}
	check("valid", 0, true, "", lock)
	os.WriteFile(lock, append(original[:len(original)-2:len(original)-2], []byte(`,"x":1}`)...), 0o644)
	check("changed", 1, false, "invalid", lock)
	os.WriteFile(lock, original, 0o644)
	check("missing signature", 3, false, "error", "--signature", filepath.Join(dir, "nope.sig"), lock)
}

// TestVerifyWarnsOfUnanchoredRegexp: an identity regexp without ^ (or
// without $, unless it ends in a path's /) is searched for anywhere in the
// signer's identity (as in cosign), so ward says so before it verifies.
func TestVerifyWarnsOfUnanchoredRegexp(t *testing.T) {
	dir := t.TempDir()
	lock := writeLock(t, dir)
	missing := filepath.Join(dir, "missing.sigstore.json")
	for re, want := range map[string]bool{
		`alice@example\.com`: true, `^alice@example\.com$`: false, `^alice@example\.com\$`: true, `^alice@example\.com`: true,
		`^https://github\.com/acme/tools/\.github/workflows/`: false, `github\.com/acme/`: true,
	} {
		_, _, stderr := wardRun(t, "verify", "--bundle", missing, "--certificate-identity-regexp", re,
			"--certificate-oidc-issuer", "https://token.actions.githubusercontent.com", lock)
		if got := strings.Contains(stderr, "warning: --certificate-identity-regexp"); got != want {
			t.Errorf("regexp %q: warned %v, want %v: %s", re, got, want, stderr)
		}
	}
}
