package cli

import (
	"crypto/ed25519"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ward-mcp/ward/internal/audit"
	"github.com/ward-mcp/ward/internal/audit/audittest"
	"github.com/ward-mcp/ward/internal/audit/sqlite"
	"github.com/ward-mcp/ward/internal/proxy"
	"github.com/ward-mcp/ward/internal/sign"
)

// TestAuditVerifyDistrustsTheKeyBesideTheStore writes a trail whose
// checkpoints are signed by the key beside the store, as ward proxy keeps
// its own. Someone who can write the store's directory (an MCP server
// running as the same user) can rewrite the whole trail, put a key of
// their own there and sign new checkpoints (or read the private key that
// is there): the result looks just like this. ward audit verify without
// --key takes that key; it must say that its checkpoints then prove
// nothing against such an edit and name the key, instead of a plain
// "signed checkpoints verified".
func TestAuditVerifyDistrustsTheKeyBesideTheStore(t *testing.T) {
	db := filepath.Join(t.TempDir(), "audit.db")
	priv, pub := proxy.AuditKeyPaths(db)
	if _, err := sign.GenerateKeyFiles(priv, pub); err != nil {
		t.Fatal(err)
	}
	key, err := sign.LoadPrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	s, err := sqlite.Open(db, nil)
	if err != nil {
		t.Fatal(err)
	}
	w := audit.NewWriter(s, &audit.WriterOptions{Key: key})
	for _, e := range audittest.Sample(12) {
		if err := w.Write(e); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	s.Close()

	code, out, errs := wardRun(t, "audit", "verify", "--db", db)
	if code != 0 || !strings.Contains(out, "checkpoints verified") {
		t.Fatalf("verify: exit %d: %s%s", code, out, errs)
	}
	id := audit.KeyID(key.Public().(ed25519.PublicKey))
	if !strings.Contains(out, "beside the store") || !strings.Contains(out, id) {
		t.Errorf("verify with the key found beside the store does not say so:\n%s", out)
	}
	code, out, _ = wardRun(t, "audit", "verify", "--db", db, "--json")
	var rep struct {
		KeyID          string `json:"key_id"`
		KeyBesideStore bool   `json:"key_beside_store"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &rep) != nil || !rep.KeyBesideStore || rep.KeyID != id {
		t.Errorf("verify --json does not name the key and where it was: %s", out)
	}
	// With the key given, the report names it and has no such warning.
	code, out, _ = wardRun(t, "audit", "verify", "--db", db, "--key", pub)
	if code != 0 || strings.Contains(out, "beside the store") {
		t.Errorf("verify --key: exit %d: %s", code, out)
	}
}
