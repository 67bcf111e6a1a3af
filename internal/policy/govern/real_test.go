package govern

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/ward-mcp/ward/internal/lockfile"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	file := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (run with -update to accept):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// TestRealLock checks the lock of the real npm reference servers with both
// presets and keeps the reports as golden files. The poisoning findings
// come from internal/inspect: when its detectors change, review the diff
// and rerun with -update.
func TestRealLock(t *testing.T) {
	f, err := lockfile.Load("../../lockfile/testdata/real/mcp-lock.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, preset := range []string{PresetBaseline, PresetStrict} {
		t.Run(preset, func(t *testing.T) {
			p, err := New(Options{Preset: preset})
			if err != nil {
				t.Fatal(err)
			}
			rep, err := p.Check(context.Background(), f, "")
			if err != nil {
				t.Fatal(err)
			}
			if rep.Failed != (preset == PresetStrict) {
				t.Errorf("Failed = %v", rep.Failed)
			}
			var b bytes.Buffer
			if err := Render(&b, rep); err != nil {
				t.Fatal(err)
			}
			golden(t, "real-"+preset+".txt", b.Bytes())
		})
	}
}

// TestGoldenSmall keeps the text and JSON reports of a small lock with a
// fired tool rule, a fired server rule and a custom rule.
func TestGoldenSmall(t *testing.T) {
	s := withTool(snap(), `{"name":"remove_note","description":"Deletes a note.","inputSchema":{"type":"object","properties":{"id":{"type":"string"}}}}`)
	s.ProtocolVersion = "2024-11-05"
	f := lock(t, s, lockfile.BuildOptions{})
	file := []byte("preset: strict\ndisable: [gov.protocol-version]\nrules:\n  - id: no-delete\n    message: Tools that delete are not allowed here.\n    level: warn\n    each: tool\n    references: [NIST SP 800-53 CM-7 least functionality]\n    violation_if: tool.name.startsWith(\"remove_\")\n")
	rep := check(t, Options{File: file, FileName: "g.yaml"}, f)
	var b bytes.Buffer
	if err := Render(&b, rep); err != nil {
		t.Fatal(err)
	}
	golden(t, "small.txt", b.Bytes())
	js, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "small.json", append(js, '\n'))
}
