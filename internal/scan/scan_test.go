package scan_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ward-mcp/ward/internal/client"
	"github.com/ward-mcp/ward/internal/lockfile"
	"github.com/ward-mcp/ward/internal/mcptest"
	"github.com/ward-mcp/ward/internal/scan"
)

func names(items []json.RawMessage, key string) []string {
	var out []string
	for _, it := range items {
		var m map[string]any
		json.Unmarshal(it, &m)
		out = append(out, m[key].(string))
	}
	return out
}

// TestScanRealServers scans the reference servers. server-everything sends
// notifications at start-up (the case MCPTrust's scanner gets wrong: it
// returns nothing) and exposes every kind of item.
func TestScanRealServers(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name      string
		argv      []string
		tools     []string // a few tools that must be found
		prompts   bool
		resources bool
		templates bool
	}{
		{"server-everything", mcptest.ServerEverything(t), []string{"echo", "get-sum", "trigger-long-running-operation"}, true, true, true},
		{"server-filesystem", mcptest.ServerFilesystem(t, dir), []string{"read_text_file", "write_file", "list_directory"}, false, false, false},
		{"server-memory", mcptest.ServerMemory(t), []string{"create_entities", "read_graph"}, false, false, false},
		{"go-everything-server", []string{mcptest.EverythingServerGo(t)}, nil, true, true, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			res, err := scan.Command(ctx, c.argv, &scan.Options{Client: client.Options{Roots: []client.Root{{URI: "file://" + dir}}}})
			if err != nil {
				t.Fatalf("scan: %v", err)
			}
			s := res.Snapshot
			if s.ServerInfo.Name == "" || s.ProtocolVersion == "" {
				t.Errorf("identity missing: %+v", s.ServerInfo)
			}
			if len(s.Tools) == 0 {
				t.Fatal("no tools")
			}
			got := names(s.Tools, "name")
			for _, want := range c.tools {
				if !slices.Contains(got, want) {
					t.Errorf("tool %s not found in %v", want, got)
				}
			}
			if c.prompts && len(s.Prompts) == 0 {
				t.Error("no prompts")
			}
			if c.resources && len(s.Resources) == 0 {
				t.Error("no resources")
			}
			if c.templates && len(s.ResourceTemplates) == 0 {
				t.Error("no resource templates")
			}
			// Every scan must lock: definitions are well-formed and unique.
			if _, err := lockfile.Build("x", s, lockfile.BuildOptions{}); err != nil {
				t.Errorf("lock: %v", err)
			}
			t.Logf("%s: %d tools, %d prompts, %d resources, %d templates; initialize after %v, scan %v",
				c.name, len(s.Tools), len(s.Prompts), len(s.Resources), len(s.ResourceTemplates), res.Startup, res.Total)
		})
	}
}

// TestLockDeterministic locks server-everything twice: the bytes must be the
// same, and check must find no drift.
func TestLockDeterministic(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mcp-lock.json")
	argv := mcptest.ServerEverything(t)
	ctx := context.Background()
	first, err := scan.Lock(ctx, argv, &scan.LockOptions{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	if first.Previous != nil || first.Name != "mcp-servers-everything" {
		t.Errorf("first lock: previous=%v name=%q", first.Previous != nil, first.Name)
	}
	a, _ := os.ReadFile(path)
	second, err := scan.Lock(ctx, argv, &scan.LockOptions{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if !bytes.Equal(a, b) {
		t.Error("locking an unchanged server changed the lockfile")
	}
	if second.Previous == nil || len(second.Changes) != 0 {
		t.Errorf("relock: previous=%v changes=%v", second.Previous != nil, second.Changes)
	}
	out, err := scan.Check(ctx, argv, &scan.CheckOptions{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Changes) != 0 {
		t.Errorf("check of an unchanged server: %v", out.Changes)
	}
	// A subset lock: tools left out are absent, and check does not call
	// them new.
	sub := filepath.Join(t.TempDir(), "sub.json")
	if _, err := scan.Lock(ctx, argv, &scan.LockOptions{Path: sub, Name: "ev", Build: lockfile.BuildOptions{Only: []string{"echo", "get-*"}}}); err != nil {
		t.Fatal(err)
	}
	f, err := lockfile.Load(sub)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := f.Servers["ev"].Tools["trigger-long-running-operation"]; ok || f.Servers["ev"].Tools["echo"] == nil {
		t.Errorf("subset lock holds the wrong tools")
	}
	out, err = scan.Check(ctx, argv, &scan.CheckOptions{Path: sub})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Changes) != 0 {
		t.Errorf("check of a subset lock reports tools left out on purpose: %v", out.Changes)
	}
}

func TestScanFailuresAreErrors(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name string
		argv []string
		want string
	}{
		{"no such command", []string{"/nonexistent/server"}, "start server"},
		{"exits at once", []string{"sh", "-c", "echo boom >&2; exit 3"}, "boom"},
		{"never answers", []string{"sh", "-c", "echo 'not json'; sleep 30"}, "no answer within"},
		{"answers garbage", []string{"sh", "-c", `read l; echo '{"jsonrpc":"2.0","id":1,"result":{}}'; sleep 30`}, "protocolVersion"},
	} {
		t.Run(c.name, func(t *testing.T) {
			res, err := scan.Command(ctx, c.argv, &scan.Options{Client: client.Options{Timeout: 2 * time.Second}, Grace: 200 * time.Millisecond})
			if err == nil {
				t.Fatalf("scan succeeded with %+v", res)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not say %q", err, c.want)
			}
		})
	}
}

func TestDefaultName(t *testing.T) {
	for in, want := range map[string]string{
		"@modelcontextprotocol/server-everything": "modelcontextprotocol-server-everything",
		"mcp-servers/everything":                  "mcp-servers-everything",
		"My Server!":                              "my-server",
		"":                                        "server",
		"../../etc":                               "etc",
	} {
		if got := scan.DefaultName(in); got != want {
			t.Errorf("DefaultName(%q) = %q, want %q", in, got, want)
		}
	}
}
