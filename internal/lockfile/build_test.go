package lockfile

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"
)

func TestBuildSelection(t *testing.T) {
	snap := loadSnapshot(t, "filesystem")
	tests := []struct {
		name    string
		opts    BuildOptions
		want    []string
		wantErr string
	}{
		{"all", BuildOptions{}, []string{"edit_file", "list_allowed_directories", "list_directory", "move_file", "read_text_file", "write_file"}, ""},
		{"only globs", BuildOptions{Only: []string{"read_*", "list_*"}}, []string{"list_allowed_directories", "list_directory", "read_text_file"}, ""},
		{"exclude wins", BuildOptions{Only: []string{"*_file"}, Exclude: []string{"write_file", "edit_*"}}, []string{"move_file", "read_text_file"}, ""},
		{"exclude only", BuildOptions{Exclude: []string{"*"}}, nil, ""},
		{"only typo", BuildOptions{Only: []string{"read_fiel"}}, nil, "matches no tool"},
		{"bad pattern", BuildOptions{Exclude: []string{"[a-"}}, nil, "syntax error"},
		{"empty pattern", BuildOptions{Only: []string{" "}}, nil, "empty tool pattern"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Build("fs", snap, tt.opts)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Build error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := slices.Sorted(maps.Keys(s.Tools))
			if !slices.Equal(got, tt.want) {
				t.Fatalf("tools = %v, want %v", got, tt.want)
			}
			if (s.Selection != nil) != (len(tt.opts.Only)+len(tt.opts.Exclude) > 0) {
				t.Fatalf("selection = %+v", s.Selection)
			}
		})
	}
}

func TestBuildSelectionIsDeterministic(t *testing.T) {
	snap := loadSnapshot(t, "filesystem")
	a := mustBuild(t, "fs", snap, BuildOptions{Only: []string{"read_*", "list_*", "read_*"}})
	b := mustBuild(t, "fs", snap, BuildOptions{Only: []string{"list_*", "read_*"}})
	fa, fb := NewFile(), NewFile()
	fa.Servers["fs"], fb.Servers["fs"] = a, b
	ma, _ := Marshal(fa)
	mb, _ := Marshal(fb)
	if string(ma) != string(mb) {
		t.Fatal("pattern order or repetition changed the lock bytes")
	}
	if !a.Selected("read_text_file") || a.Selected("write_file") {
		t.Fatal("Selected disagrees with the build")
	}
}

func TestBuildRejects(t *testing.T) {
	si := ServerInfo{Name: "s"}
	good := json.RawMessage(`{"name":"a","inputSchema":{"type":"object"}}`)
	tests := []struct {
		name string
		snap *Snapshot
		want string
	}{
		{"duplicate tool", &Snapshot{ServerInfo: si, Tools: []json.RawMessage{good, good}}, "listed twice"},
		{"nameless tool", &Snapshot{ServerInfo: si, Tools: []json.RawMessage{json.RawMessage(`{"description":"x"}`)}}, "missing or empty"},
		{"malformed tool", &Snapshot{ServerInfo: si, Tools: []json.RawMessage{json.RawMessage(`{"name":"a",}`)}}, "invalid JSON"},
		{"duplicate resource", &Snapshot{ServerInfo: si, Resources: []json.RawMessage{json.RawMessage(`{"uri":"a:b"}`), json.RawMessage(`{"uri":"a:b","name":"x"}`)}}, "listed twice"},
		{"capabilities not object", &Snapshot{ServerInfo: si, Capabilities: json.RawMessage(`[1]`)}, "not an object"},
		{"no server name", &Snapshot{}, "no serverInfo.name"},
		{"two sources", &Snapshot{ServerInfo: si, Source: Source{Command: []string{"x"}, URL: "http://h"}}, "only one"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Build("s", tt.snap, BuildOptions{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Build error = %v, want %q", err, tt.want)
			}
		})
	}
	if _, err := Build("", &Snapshot{ServerInfo: si}, BuildOptions{}); err == nil {
		t.Fatal("empty name accepted")
	}
}

func TestBuildDoesNotAliasSnapshot(t *testing.T) {
	snap := loadSnapshot(t, "filesystem")
	s := mustBuild(t, "fs", snap, BuildOptions{})
	snap.Source.Command[0] = "evil"
	if s.Source.Command[0] != "npx" {
		t.Fatal("lock shares the snapshot's argv")
	}
}

func TestBuildLive(t *testing.T) {
	snap := loadSnapshot(t, "filesystem")
	locked := mustBuild(t, "fs", snap, BuildOptions{Only: []string{"read_text_file", "write_file"}})

	// The server drops write_file: Build would call --only a typo, BuildLive
	// locks what is there, and Diff reports the removal.
	live := loadSnapshot(t, "filesystem")
	live.Tools = slices.DeleteFunc(live.Tools, func(raw json.RawMessage) bool { return strings.Contains(string(raw), `"write_file"`) })
	if _, err := Build("fs", live, BuildOptions{Only: locked.Selection.Only}); err == nil {
		t.Fatal("Build accepted an --only pattern that matches nothing")
	}
	got, err := BuildLive("fs", live, locked)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Tools) != 1 || got.Tools["read_text_file"] == nil {
		t.Fatalf("live tools = %v", slices.Sorted(maps.Keys(got.Tools)))
	}
	cs := Diff(locked, got)
	if len(cs) != 1 || cs[0].Name != "write_file" || cs[0].Kind != Removed || cs[0].Severity != SeverityModerate {
		t.Fatalf("Diff = %+v", cs)
	}
	// Tools outside the selection are neither locked nor reported.
	full, err := BuildLive("fs", loadSnapshot(t, "filesystem"), locked)
	if err != nil {
		t.Fatal(err)
	}
	if cs := Diff(locked, full); len(cs) != 0 {
		t.Fatalf("unchanged server with a selection reports %+v", cs)
	}
	// Without a selection BuildLive is Build.
	plain := mustBuild(t, "fs", snap, BuildOptions{})
	again, err := BuildLive("fs", snap, plain)
	if err != nil || len(Diff(plain, again)) != 0 {
		t.Fatalf("BuildLive without selection: %v", err)
	}
}

func BenchmarkBuildEverything(b *testing.B) {
	snap := loadSnapshot(b, "everything")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Build("everything", snap, BuildOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
