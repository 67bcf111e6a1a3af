package scan

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ward-mcp/ward/internal/lockfile"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestReportGolden renders a fixed snapshot as text and JSON and compares
// them with the golden files (go test ./internal/scan -run Golden -update
// rewrites them).
func TestReportGolden(t *testing.T) {
	data, err := os.ReadFile("testdata/snapshot.json")
	if err != nil {
		t.Fatal(err)
	}
	var snap lockfile.Snapshot
	if err := json.Unmarshal(data, &snap); err != nil {
		t.Fatal(err)
	}
	rep := NewReport(&Result{Snapshot: &snap, Startup: 42 * time.Millisecond})
	var text, js bytes.Buffer
	if err := rep.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if err := rep.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(text.String(), "\x1b") {
		t.Error("the text report prints a raw escape character from a tool name")
	}
	for name, got := range map[string][]byte{"report.golden.txt": text.Bytes(), "report.golden.json": js.Bytes()} {
		path := filepath.Join("testdata", name)
		if *update {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with -update to create it)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from the golden file (run with -update after checking):\n--- got ---\n%s\n--- want ---\n%s", name, got, want)
		}
	}
}
