package sign_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ward-mcp/ward/internal/cli"
	"github.com/ward-mcp/ward/internal/lockfile"
	"github.com/ward-mcp/ward/internal/sign/signtest"
)

func ward(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := cli.Run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

// writeLockfile writes a lockfile of one small server at path, the server
// at version: ward sign signs only what ward proxy would load.
func writeLockfile(t *testing.T, path, version string) {
	t.Helper()
	srv, err := lockfile.Build("s", &lockfile.Snapshot{
		ServerInfo: lockfile.ServerInfo{Name: "s", Version: version}, ProtocolVersion: "2025-06-18",
		Tools: []json.RawMessage{json.RawMessage(`{"name":"t","inputSchema":{"type":"object"}}`)},
	}, lockfile.BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	f := lockfile.NewFile()
	f.Servers["s"] = srv
	if err := lockfile.Save(path, f); err != nil {
		t.Fatal(err)
	}
}

// TestCLISignSigstore drives ward sign --sigstore against the fake Fulcio and
// Rekor (--fulcio-url, --rekor-url, --identity-token-file) and ward verify
// on what it wrote, certificate transparency checked.
func TestCLISignSigstore(t *testing.T) {
	const who, iss = "https://github.com/acme/tools/.github/workflows/lock.yml@refs/heads/main", "https://token.actions.githubusercontent.com"
	fs := signtest.NewFakeSigstore(t)
	dir := t.TempDir()
	lock, tok, root := filepath.Join(dir, "mcp-lock.json"), filepath.Join(dir, "token"), filepath.Join(dir, "trusted_root.json")
	writeLockfile(t, lock, "1")
	os.WriteFile(tok, []byte(signtest.Token(who, iss)+"\n"), 0o600)
	os.WriteFile(root, fs.TrustedRootJSON(t), 0o644)
	t.Setenv("SIGSTORE_ID_TOKEN", "")

	signArgs := func(fulcio, rekor string) []string {
		return []string{"sign", "--sigstore", "--identity-token-file", tok, "--fulcio-url", fulcio, "--rekor-url", rekor, lock}
	}
	code, out, errs := ward(t, signArgs(fs.FulcioURL, fs.RekorURL)...)
	bundle := lock + ".sigstore.json"
	if code != 0 || !strings.Contains(out, "keylessly: "+bundle) {
		t.Fatalf("ward sign --sigstore: %d %s %s", code, out, errs)
	}
	if iss := fs.Issued(); len(iss) != 1 || iss[0].Subject != who {
		t.Fatalf("fulcio issued %+v", iss)
	}
	verify := func(identity string) (int, string, string) {
		return ward(t, "verify", "--bundle", bundle, "--certificate-identity", identity, "--certificate-oidc-issuer", iss, "--trusted-root", root, lock)
	}
	if code, out, errs := verify(who); code != 0 || !strings.HasPrefix(out, "valid: ") || !strings.Contains(out, who+" (issuer "+iss+")") {
		t.Fatalf("ward verify: %d %s %s", code, out, errs)
	}
	if code, _, errs := verify("https://github.com/acme/other/.github/workflows/lock.yml@refs/heads/main"); code != 1 {
		t.Fatalf("ward verify, wrong identity: %d %s", code, errs)
	}
	writeLockfile(t, lock, "2")
	if code, _, errs := verify(who); code != 1 {
		t.Fatalf("ward verify, changed lockfile: %d %s", code, errs)
	}

	// A Fulcio that is not there: an internal error naming it, no bundle.
	os.Remove(bundle)
	down := httptest.NewServer(nil)
	down.Close()
	code, _, errs = ward(t, signArgs(down.URL, fs.RekorURL)...)
	if code != 3 || !strings.Contains(errs, "fulcio "+down.URL) {
		t.Fatalf("ward sign --sigstore, fulcio down: %d %s", code, errs)
	}
	if _, err := os.Stat(bundle); err == nil {
		t.Fatal("a failed signing wrote a bundle")
	}
}
