package proxy

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ward-mcp/ward/internal/audit"
)

func TestParseAuditSpec(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", "/state")
	for spec, want := range map[string]string{
		"":               "sqlite:/state/ward/audit.db",
		"sqlite":         "sqlite:/state/ward/audit.db",
		"sqlite:/x/a.db": "sqlite:/x/a.db",
		"jsonl:/x/a.log": "jsonl:/x/a.log",
		"none":           "none:",
	} {
		kind, path, err := ParseAuditSpec(spec)
		if err != nil || kind+":"+path != want {
			t.Errorf("ParseAuditSpec(%q) = %s:%s, %v; want %s", spec, kind, path, err, want)
		}
	}
	for _, bad := range []string{"jsonl:-", "jsonl:/dev/stdout", "sqlite:", "jsonl:", "postgres://x", "SQLITE"} {
		if _, _, err := ParseAuditSpec(bad); err == nil {
			t.Errorf("ParseAuditSpec(%q) accepted", bad)
		}
	}
}

// The first trail opened at a path creates its checkpoint key beside it,
// private and not readable by others; later ones reuse it.
func TestOpenAuditCreatesKeyOnce(t *testing.T) {
	db := filepath.Join(t.TempDir(), "state", "audit.db")
	trail, err := openAudit(&AuditConfig{Spec: "sqlite:" + db, Arguments: audit.ArgumentsRedacted})
	if err != nil {
		t.Fatal(err)
	}
	if err := trail.close(); err != nil {
		t.Fatal(err)
	}
	priv, pub := AuditKeyPaths(db)
	st, err := os.Stat(priv)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("private key: %v %v", err, st)
	}
	first, _ := os.ReadFile(pub)
	trail, err = openAudit(&AuditConfig{Spec: "sqlite:" + db})
	if err != nil {
		t.Fatal(err)
	}
	trail.close()
	again, _ := os.ReadFile(pub)
	if string(first) != string(again) || !strings.Contains(string(first), "PUBLIC KEY") {
		t.Error("the audit key was replaced on the second open")
	}
	if trail, err := openAudit(&AuditConfig{Spec: "none"}); err != nil || trail != nil {
		t.Errorf("none: %v %v", trail, err)
	}
}
