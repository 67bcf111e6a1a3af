package internal_test

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/ward-mcp/ward/internal/"

// forbidden lists, for each package, imports it must never have, directly
// or indirectly (DESIGN.md §6: lower layers never import higher ones, and
// the policy engine does no network or process I/O, so `ward policy check`
// and the live proxy run the same code).
var forbidden = map[string][]string{
	"jsonrpc":   {"mcp", "transport", "relay", "enforce", "client", "scan", "proxy", "cli", "lockfile", "policy", "audit"},
	"mcp":       {"transport", "relay", "enforce", "client", "scan", "proxy", "cli", "lockfile", "policy", "audit"},
	"transport": {"relay", "enforce", "client", "scan", "proxy", "cli", "lockfile", "policy", "audit"},
	"relay":     {"enforce", "client", "scan", "proxy", "cli", "lockfile", "policy", "audit"},
	"lockfile":  {"transport", "relay", "enforce", "client", "scan", "proxy", "cli", "audit", "net", "net/http", "os/exec"},
	"policy":    {"transport", "relay", "enforce", "client", "scan", "proxy", "cli", "audit", "net/http", "os/exec", "database/sql"},
	"client":    {"relay", "enforce", "scan", "proxy", "cli"},
	"enforce":   {"proxy", "cli"},
	"diag":      {"jsonrpc", "mcp", "transport", "relay", "enforce", "client", "scan", "proxy", "cli", "lockfile", "policy", "audit"},
}

type pkg struct {
	ImportPath string
	Deps       []string
}

func TestImportDirection(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps=false", "-json=ImportPath,Deps", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	seen := 0
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		name := strings.TrimPrefix(p.ImportPath, module)
		rules, ok := forbidden[name]
		if !ok {
			continue
		}
		seen++
		deps := map[string]bool{}
		for _, d := range p.Deps {
			deps[d] = true
		}
		for _, f := range rules {
			if deps[module+f] || deps[f] {
				t.Errorf("%s imports %s: DESIGN.md §6 forbids it", name, f)
			}
		}
		for _, d := range p.Deps {
			if strings.HasSuffix(d, "/internal/mcptest") || strings.HasSuffix(d, "/internal/e2e") {
				t.Errorf("%s imports the test-only package %s", name, d)
			}
		}
	}
	if seen != len(forbidden) {
		t.Errorf("checked %d packages, want %d: a package was renamed or removed, update the rules", seen, len(forbidden))
	}
}
