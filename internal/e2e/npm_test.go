package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/ward-mcp/ward/internal/mcptest"
)

// connectGo starts argv and connects the Go SDK client to it with protocol
// revision rev; the session is closed when the test ends.
func connectGo(ctx context.Context, t *testing.T, client *mcp.Client, rev string, argv []string) *mcp.ClientSession {
	t.Helper()
	cmd := command(ctx, t, newMarker(t), argv...)
	var stderr lockedBuffer
	cmd.Stderr = &stderr
	cs, err := client.Connect(ctx, &mcp.CommandTransport{Command: cmd, TerminateDuration: 2 * time.Second}, &mcp.ClientSessionOptions{ProtocolVersion: rev})
	if err != nil {
		t.Fatalf("connect %s: %v\nstderr:\n%s", argv[0], err, tail(stderr.String()))
	}
	t.Cleanup(func() {
		cs.Close()
		checkNoRace(t, stderr.String())
	})
	return cs
}

func toolNames(ctx context.Context, t *testing.T, cs *mcp.ClientSession) []string {
	t.Helper()
	var names []string
	for tool, err := range cs.Tools(ctx, nil) {
		if err != nil {
			t.Fatalf("tools/list: %v", err)
		}
		names = append(names, tool.Name)
	}
	return names
}

func resultText(t *testing.T, res *mcp.CallToolResult) string {
	t.Helper()
	var b strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String()
}

// wantDenied checks that err is ward's JSON-RPC denial of tool.
func wantDenied(t *testing.T, tool string, res *mcp.CallToolResult, err error) {
	t.Helper()
	if err == nil {
		b, _ := json.Marshal(res)
		t.Fatalf("tools/call %s through ward succeeded: %s", tool, b)
	}
	if want := `ward: tool "` + tool + `" denied`; !strings.Contains(err.Error(), want) {
		t.Errorf("tools/call %s: error %q, want it to contain %q", tool, err, want)
	}
}

// TestFilesystemServerThroughWard puts ward with a deny list of the writing
// tools in front of @modelcontextprotocol/server-filesystem: reading works,
// writing is hidden and refused, and the file is not written.
func TestFilesystemServerThroughWard(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	root, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "hello.txt"), []byte("hello from the ward e2e test\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	argv := wardProxy(t, []string{"--deny-tools", "write_*,edit_*,move_*,create_*"}, mcptest.ServerFilesystem(t, root))

	client := mcp.NewClient(&mcp.Implementation{Name: "ward-e2e-go-client", Version: "1.0.0"}, nil)
	// The server replaces its allowed directories with the client's roots.
	client.AddRoots(&mcp.Root{URI: "file://" + root, Name: "e2e"})
	cs := connectGo(ctx, t, client, statefulRevision, argv)

	names := toolNames(ctx, t, cs)
	for _, n := range []string{"read_text_file", "list_directory"} {
		if !slices.Contains(names, n) {
			t.Errorf("tools/list through ward lacks %s: %q", n, names)
		}
	}
	for _, n := range []string{"write_file", "edit_file", "move_file", "create_directory"} {
		if slices.Contains(names, n) {
			t.Errorf("tools/list through ward shows denied %s", n)
		}
	}

	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "read_text_file", Arguments: map[string]any{"path": filepath.Join(root, "hello.txt")}})
	if err != nil || res.IsError {
		t.Fatalf("read_text_file: %v %+v", err, res)
	}
	if got := resultText(t, res); !strings.Contains(got, "hello from the ward e2e test") {
		t.Errorf("read_text_file = %q", got)
	}

	evil := filepath.Join(root, "written-by-model.txt")
	res, err = cs.CallTool(ctx, &mcp.CallToolParams{Name: "write_file", Arguments: map[string]any{"path": evil, "content": "pwned"}})
	wantDenied(t, "write_file", res, err)
	if _, err := os.Stat(evil); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("denied write_file wrote %s (stat: %v)", evil, err)
	}
}

// TestMemoryServerThroughWard denies the deleting tools of
// @modelcontextprotocol/server-memory: entities can be created and read, not
// deleted.
func TestMemoryServerThroughWard(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	argv := wardProxy(t, []string{"--deny-tools", "delete_*"}, mcptest.ServerMemory(t))
	client := mcp.NewClient(&mcp.Implementation{Name: "ward-e2e-go-client", Version: "1.0.0"}, nil)
	cs := connectGo(ctx, t, client, statefulRevision, argv)

	names := toolNames(ctx, t, cs)
	if !slices.Contains(names, "create_entities") || !slices.Contains(names, "read_graph") {
		t.Fatalf("tools/list through ward = %q", names)
	}
	for _, n := range names {
		if strings.HasPrefix(n, "delete_") {
			t.Errorf("tools/list through ward shows denied %s", n)
		}
	}

	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "create_entities", Arguments: map[string]any{
		"entities": []any{map[string]any{"name": "ward-e2e-entity", "entityType": "test", "observations": []string{"created through ward"}}},
	}})
	if err != nil || res.IsError {
		t.Fatalf("create_entities: %v %+v", err, res)
	}
	res, err = cs.CallTool(ctx, &mcp.CallToolParams{Name: "delete_entities", Arguments: map[string]any{"entityNames": []string{"ward-e2e-entity"}}})
	wantDenied(t, "delete_entities", res, err)

	res, err = cs.CallTool(ctx, &mcp.CallToolParams{Name: "read_graph", Arguments: map[string]any{}})
	if err != nil || res.IsError {
		t.Fatalf("read_graph: %v %+v", err, res)
	}
	if got := resultText(t, res); !strings.Contains(got, "ward-e2e-entity") {
		t.Errorf("read_graph after the denied delete = %q, want the entity still there", got)
	}
}
