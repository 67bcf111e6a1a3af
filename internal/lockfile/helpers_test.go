package lockfile

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/golden")

// snapshotFile is the on-disk form of a test Snapshot.
type snapshotFile struct {
	ServerInfo        ServerInfo        `json:"serverInfo"`
	ProtocolVersion   string            `json:"protocolVersion"`
	Instructions      string            `json:"instructions"`
	Capabilities      json.RawMessage   `json:"capabilities"`
	Source            Source            `json:"source"`
	Tools             []json.RawMessage `json:"tools"`
	Prompts           []json.RawMessage `json:"prompts"`
	Resources         []json.RawMessage `json:"resources"`
	ResourceTemplates []json.RawMessage `json:"resourceTemplates"`
}

func loadSnapshot(t testing.TB, name string) *Snapshot {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "snapshots", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var sf snapshotFile
	if err := dec.Decode(&sf); err != nil {
		t.Fatalf("snapshot %s: %v", name, err)
	}
	return &Snapshot{
		ServerInfo: sf.ServerInfo, ProtocolVersion: sf.ProtocolVersion, Instructions: sf.Instructions,
		Capabilities: sf.Capabilities, Source: sf.Source, Tools: sf.Tools, Prompts: sf.Prompts,
		Resources: sf.Resources, ResourceTemplates: sf.ResourceTemplates,
	}
}

func mustBuild(t testing.TB, name string, snap *Snapshot, opts BuildOptions) *Server {
	t.Helper()
	s, err := Build(name, snap, opts)
	if err != nil {
		t.Fatalf("Build(%s): %v", name, err)
	}
	return s
}

// toolNamed returns the raw tool called name from snap.
func toolNamed(t testing.TB, snap *Snapshot, name string) json.RawMessage {
	t.Helper()
	for _, raw := range snap.Tools {
		var v struct{ Name string }
		if json.Unmarshal(raw, &v) == nil && v.Name == name {
			return raw
		}
	}
	t.Fatalf("no tool %q in snapshot", name)
	return nil
}

// golden compares got with testdata/golden/name, rewriting it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden file (run with -update to accept):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// editJSON decodes raw, applies fn and re-encodes it.
func editJSON(t testing.TB, raw []byte, fn func(m map[string]any)) json.RawMessage {
	t.Helper()
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	fn(m)
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
