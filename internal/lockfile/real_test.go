package lockfile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// testdata/real/mcp-lock.json was written by `ward lock` against the npm
// reference servers pinned in testdata/npm (server-everything, -filesystem
// and -memory 2026.8.31, protocol 2025-11-25); only the source commands were
// rewritten to npx form.
func loadRealLock(t *testing.T) ([]byte, *File) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "real", "mcp-lock.json"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return data, f
}

func TestRealLockRoundTrip(t *testing.T) {
	data, f := loadRealLock(t)
	out, err := Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, out) {
		t.Fatal("re-marshalling a lock written by ward lock changed its bytes")
	}
	v := loadSchema(t)
	if err := v.validate(v.root, decodeAny(data), ""); err != nil {
		t.Fatal(err)
	}
	// Rebuilding each server from its own definitions gives the same lock.
	for name, s := range f.Servers {
		snap := &Snapshot{ServerInfo: s.Info, ProtocolVersion: s.ProtocolVersion, Instructions: s.Instructions, Capabilities: s.Capabilities, Source: s.Source}
		for _, list := range []struct {
			into *[]json.RawMessage
			from map[string]*Entry
		}{{&snap.Tools, s.Tools}, {&snap.Prompts, s.Prompts}, {&snap.Resources, s.Resources}, {&snap.ResourceTemplates, s.ResourceTemplates}} {
			for _, k := range slices.Sorted(maps.Keys(list.from)) {
				*list.into = append(*list.into, list.from[k].Definition)
			}
		}
		again := mustBuild(t, name, snap, BuildOptions{})
		if cs := Diff(s, again); len(cs) != 0 {
			t.Fatalf("%s: rebuilt lock differs: %+v", name, cs)
		}
		for k, e := range s.Tools {
			if v := again.CheckTool(e.Definition); v.Status != Locked {
				t.Fatalf("%s/%s: %+v", name, k, v)
			}
		}
	}
}

func TestRealRiskGolden(t *testing.T) {
	_, f := loadRealLock(t)
	var b bytes.Buffer
	for _, server := range slices.Sorted(maps.Keys(f.Servers)) {
		s := f.Servers[server]
		for _, tool := range slices.Sorted(maps.Keys(s.Tools)) {
			g, reasons := Risk(s.Tools[tool].Definition)
			fmt.Fprintf(&b, "%s/%s %s\n", server, tool, g)
			for _, r := range reasons {
				fmt.Fprintf(&b, "    %s\n", r)
			}
		}
	}
	golden(t, "risk-real.txt", b.Bytes())
	// A few grades any reviewer would insist on.
	want := map[string]Grade{
		"filesystem/write_file":               GradeHigh,
		"filesystem/edit_file":                GradeHigh,
		"filesystem/move_file":                GradeHigh,
		"filesystem/read_text_file":           GradeMedium,
		"filesystem/list_allowed_directories": GradeLow,
		"memory/delete_entities":              GradeHigh,
		"everything/get-sum":                  GradeLow,
		"everything/echo":                     GradeLow,
		"everything/get-env":                  GradeMedium,
	}
	for key, g := range want {
		server, tool, _ := strings.Cut(key, "/")
		got, reasons := Risk(f.Servers[server].Tools[tool].Definition)
		if got != g {
			t.Errorf("%s = %v %q, want %v", key, got, reasons, g)
		}
	}
}

func TestRealResourceTemplates(t *testing.T) {
	_, f := loadRealLock(t)
	s := f.Servers["everything"]
	tests := []struct {
		uri string
		ok  bool
	}{
		{"demo://resource/static/document/architecture.md", true},
		{"demo://resource/dynamic/text/1", true},
		{"demo://resource/dynamic/blob/42", true},
		{"demo://resource/dynamic/text/../../static/document/architecture.md", false},
		{"demo://resource/dynamic/text/..%2F..%2Fstatic%2Fdocument%2Fx", false},
		{"demo://resource/dynamic/text/%252e%252e%252fx", false},
		{"demo://resource/dynamic/text/file:%2F%2F%2Fetc%2Fpasswd", false},
		{"demo://resource/dynamic/text/1/2", false},
		{"demo://resource/static/document/secret.md", false},
	}
	for _, tt := range tests {
		if ok, reason := s.MatchResource(tt.uri); ok != tt.ok {
			t.Errorf("MatchResource(%q) = %v (%s), want %v", tt.uri, ok, reason, tt.ok)
		}
	}
}
