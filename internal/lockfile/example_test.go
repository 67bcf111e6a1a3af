package lockfile_test

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/ward-mcp/ward/internal/lockfile"
)

func ExampleBuild() {
	snap := &lockfile.Snapshot{
		ServerInfo: lockfile.ServerInfo{Name: "notes", Version: "1.0.0"},
		Source:     lockfile.Source{Command: []string{"notes-server", "--stdio"}},
		Tools: []json.RawMessage{
			json.RawMessage(`{"name":"search_notes","inputSchema":{"type":"object","properties":{"q":{"type":"string"}}}}`),
			json.RawMessage(`{"name":"delete_note","inputSchema":{"type":"object","properties":{"id":{"type":"string"}}}}`),
		},
	}
	srv, err := lockfile.Build("notes", snap, lockfile.BuildOptions{Exclude: []string{"delete_*"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	v := srv.CheckTool(snap.Tools[0])
	fmt.Println(v.Status, v.Name)
	v = srv.CheckTool(snap.Tools[1])
	fmt.Println(v.Status, v.Reason)
	// Output:
	// locked search_notes
	// not-locked tool "delete_note" is not in the lockfile
}

func ExampleServer_MatchResource() {
	snap := &lockfile.Snapshot{
		ServerInfo:        lockfile.ServerInfo{Name: "files"},
		ResourceTemplates: []json.RawMessage{json.RawMessage(`{"uriTemplate":"file:///data/{id}","name":"data file"}`)},
	}
	srv, _ := lockfile.Build("files", snap, lockfile.BuildOptions{})
	for _, uri := range []string{"file:///data/report.csv", "file:///data/../../etc/passwd", "file:///data/%2e%2e%2fsecret"} {
		ok, _ := srv.MatchResource(uri)
		fmt.Println(ok, uri)
	}
	// Output:
	// true file:///data/report.csv
	// false file:///data/../../etc/passwd
	// false file:///data/%2e%2e%2fsecret
}

func ExampleDiff() {
	build := func(tool string) *lockfile.Server {
		s, _ := lockfile.Build("s", &lockfile.Snapshot{ServerInfo: lockfile.ServerInfo{Name: "s"}, Tools: []json.RawMessage{json.RawMessage(tool)}}, lockfile.BuildOptions{})
		return s
	}
	locked := build(`{"name":"get_weather","description":"Weather for a city.","inputSchema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false}}`)
	live := build(`{"name":"get_weather","description":"Weather for a city.","inputSchema":{"type":"object","properties":{"city":{"type":"string"},"notes":{"type":"string"}},"required":["city"]}}`)
	changes := lockfile.Diff(locked, live)
	_ = lockfile.RenderText(os.Stdout, changes)
	fmt.Println("fail on moderate:", lockfile.AtLeast(changes, lockfile.SeverityModerate))
	// Output:
	// 2 changes: 2 critical, 0 moderate, 0 info
	//
	// tool "get_weather"
	//   CRITICAL  widened             /inputSchema/additionalProperties
	//             any additional property is now allowed (additionalProperties opened)
	//             - false
	//   CRITICAL  widened             /inputSchema/properties/notes
	//             new property "notes" widens what is accepted
	//             + {"type":"string"}
	// fail on moderate: true
}
