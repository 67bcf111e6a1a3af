package policy

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"net/netip"
	"strings"
	"sync"
	"testing"
)

func call(t *testing.T, e *Engine, server, tool, args string) Decision {
	t.Helper()
	return e.EvaluateCall(context.Background(), &Input{Server: server, Method: "tools/call", Name: tool, Arguments: json.RawMessage(args)})
}

func TestDecisionShape(t *testing.T) {
	e := testEngine(t, nil)
	d := call(t, e, "fs", "read_file", `{"path":"../../etc/passwd","other":{"paths":["~/.ssh/id_rsa"]}}`)
	if d.Action != Deny || d.RuleID == "" || d.Category == "" || len(d.Reasons) == 0 || len(d.Findings) != 2 {
		t.Fatalf("decision = %+v", d)
	}
	// The most severe finding decides: fs.sensitive (critical) beats fs.traversal (high).
	if d.RuleID != "fs.sensitive" || d.Severity != SeverityCritical {
		t.Errorf("deciding rule %s %s", d.RuleID, d.Severity)
	}
	if d.Findings[0].Where == "" {
		t.Errorf("finding without location: %+v", d.Findings[0])
	}
	if d := call(t, e, "fs", "read_file", `{"path":"src/main.go"}`); d.Action != Allow || len(d.Findings) != 0 {
		t.Errorf("benign call: %+v", d)
	}
}

// panicFS panics on every call, standing in for a rule with a bug.
type panicFS struct{}

func (panicFS) Lstat(string) (fs.FileInfo, error) { panic("boom") }
func (panicFS) Readlink(string) (string, error)   { panic("boom") }

func TestPanickingRuleDenies(t *testing.T) {
	c := DefaultConfig("/")
	e, err := NewWithOptions(c, &Options{FS: OSFS{}, Home: "/home/dev"})
	if err != nil {
		t.Fatal(err)
	}
	e.global.fs = panicFS{}
	d := call(t, e, "fs", "read_file", `{"path":"/srv/x"}`)
	if d.Action != Deny || d.RuleID != "engine.error" || !strings.Contains(d.Reasons[0], "filesystem") || !strings.Contains(d.Reasons[0], "boom") {
		t.Fatalf("decision = %+v", d)
	}
}

func TestFileContentIsNotAPath(t *testing.T) {
	e := testEngine(t, nil)
	args, _ := json.Marshal(map[string]string{"file": strings.Repeat("QUJD/", 1000), "filename": "report.pdf"})
	if d := call(t, e, "up", "upload", string(args)); d.Action != Allow {
		t.Fatalf("decision = %+v", d)
	}
}

func TestHugeCommandDenied(t *testing.T) {
	e := testEngine(t, nil)
	args, _ := json.Marshal(map[string]string{"command": "echo " + strings.Repeat("a", 300<<10)})
	if d := call(t, e, "sh", "run", string(args)); d.RuleID != "cmd.unparseable" {
		t.Fatalf("decision = %+v", d)
	}
}

func TestBadArgumentsDeny(t *testing.T) {
	e := testEngine(t, nil)
	for _, args := range []string{`{"path":`, `[1,2]`, `"x"`} {
		if d := call(t, e, "fs", "read_file", args); d.Action != Deny || d.RuleID != "engine.bad-arguments" {
			t.Errorf("%s: %+v", args, d)
		}
	}
	if d := call(t, e, "fs", "read_file", ``); d.Action != Allow {
		t.Errorf("no arguments: %+v", d)
	}
}

func TestOverrides(t *testing.T) {
	c := testConfig()
	c.Rules = map[string]string{"fs.sensitive": "warn", "fs.traversal": "off"}
	e := testEngine(t, c)
	d := call(t, e, "fs", "read_file", `{"path":"~/.ssh/id_rsa"}`)
	if d.Action != Allow || len(d.Findings) != 1 || d.Findings[0].Action != Allow || !strings.HasPrefix(d.Reasons[0], "") {
		t.Errorf("warn: %+v", d)
	}
	if d := call(t, e, "fs", "search", `{"query":"../../../../etc/hosts"}`); len(d.Findings) != 0 {
		t.Errorf("off: %+v", d)
	}
}

func TestPerServerSettings(t *testing.T) {
	c := testConfig()
	off := false
	c.Servers = map[string]*Settings{
		"github": {Packs: &PacksConfig{Filesystem: &off}},
		"db":     {Network: &NetworkConfig{AllowPrivate: true}, Rules: map[string]string{"net.ssrf.loopback": "warn"}},
	}
	e := testEngine(t, c)
	if d := call(t, e, "github", "get_file_contents", `{"path":"/"}`); d.Action != Allow {
		t.Errorf("github: %+v", d)
	}
	if d := call(t, e, "fs", "get_file_contents", `{"path":"/"}`); d.Action != Deny {
		t.Errorf("fs: %+v", d)
	}
	if d := call(t, e, "db", "connect", `{"url":"postgres://db@10.1.2.3/app"}`); d.Action != Allow {
		t.Errorf("db private: %+v", d)
	}
	if d := call(t, e, "db", "connect", `{"url":"http://127.0.0.1/"}`); d.Action != Allow || len(d.Findings) != 1 {
		t.Errorf("db loopback warn: %+v", d)
	}
	if d := call(t, e, "db", "connect", `{"url":"http://169.254.169.254/"}`); d.Action != Deny {
		t.Errorf("db metadata: %+v", d)
	}
}

func TestFilesystemOptions(t *testing.T) {
	c := testConfig()
	c.Filesystem.AllowSensitive = []string{"~/project/.env.test"}
	e := testEngine(t, c)
	if d := call(t, e, "fs", "read_file", `{"path":".env.test"}`); d.Action != Allow {
		t.Errorf("allowed sensitive: %+v", d)
	}
	if d := call(t, e, "fs", "read_file", `{"path":".env"}`); d.Action != Deny {
		t.Errorf("other sensitive: %+v", d)
	}
	if d := call(t, e, "fs", "read_file", `{"path":"loop1/x"}`); d.Action != Deny || d.RuleID != "fs.malformed" {
		t.Errorf("symlink loop: %+v", d)
	}
	if d := call(t, e, "fs", "read_file", `{"path":"/home/dev/docs/handbook.md"}`); d.Action != Allow {
		t.Errorf("read in read-only root: %+v", d)
	}
	if d := call(t, e, "fs", "edit_file", `{"path":"/home/dev/docs/handbook.md"}`); d.RuleID != "fs.read-only" {
		t.Errorf("edit in read-only root: %+v", d)
	}
	e2 := testEngine(t, &Config{Version: 1})
	if d := call(t, e2, "fs", "read_file", `{"path":"/home/dev/project/x"}`); d.RuleID != "fs.outside-root" {
		t.Errorf("no roots: %+v", d)
	}
}

func TestNetworkOptions(t *testing.T) {
	c := testConfig()
	c.Network = &NetworkConfig{AllowHosts: []string{"*.example.com", "10.9.0.0/16"}, DenyHosts: []string{"bad.example.com"}}
	e := testEngine(t, c)
	for args, want := range map[string]Action{
		`{"url":"https://docs.example.com/x"}`: Allow,
		`{"url":"https://bad.example.com/x"}`:  Deny,
		`{"url":"https://other.org/"}`:         Deny,
		`{"url":"http://10.9.1.1/"}`:           Allow,
	} {
		if d := call(t, e, "fetch", "fetch", args); d.Action != want {
			t.Errorf("%s: %+v", args, d)
		}
	}
	c = testConfig()
	c.Network = &NetworkConfig{ResolveDNS: true}
	e, err := NewWithOptions(c, &Options{FS: testFS, Home: "/home/dev", LookupIP: func(_ context.Context, host string) ([]netip.Addr, error) {
		switch host {
		case "rebind.example":
			return []netip.Addr{netip.MustParseAddr("93.184.216.34"), netip.MustParseAddr("127.0.0.1")}, nil
		case "ok.example":
			return []netip.Addr{netip.MustParseAddr("93.184.216.34")}, nil
		}
		return nil, errors.New("no such host")
	}})
	if err != nil {
		t.Fatal(err)
	}
	if d := call(t, e, "fetch", "fetch", `{"url":"http://rebind.example/"}`); d.RuleID != "net.dns-rebinding" {
		t.Errorf("rebinding: %+v", d)
	}
	if d := call(t, e, "fetch", "fetch", `{"url":"http://ok.example/"}`); d.Action != Allow {
		t.Errorf("resolved public: %+v", d)
	}
	if d := call(t, e, "fetch", "fetch", `{"url":"http://nx.example/"}`); d.Action != Deny {
		t.Errorf("unresolvable: %+v", d)
	}
}

func TestCustomRules(t *testing.T) {
	c := testConfig()
	c.CustomRules = []CustomRule{
		{ID: "custom.drop", Pattern: `(?i)\bdrop\s+table\b`, Argument: "sql", Tools: []string{"query"}},
		{ID: "custom.todo", Pattern: `TODO`, Action: "warn", Severity: "low"},
	}
	e := testEngine(t, c)
	if d := call(t, e, "db", "query", `{"sql":"DROP  TABLE users"}`); d.RuleID != "custom.drop" || d.Action != Deny {
		t.Errorf("drop: %+v", d)
	}
	if d := call(t, e, "db", "other", `{"sql":"DROP TABLE users"}`); d.Action != Allow {
		t.Errorf("other tool: %+v", d)
	}
	if d := call(t, e, "db", "query", `{"note":"TODO later"}`); d.Action != Allow || len(d.Findings) != 1 || d.Findings[0].Severity != SeverityLow {
		t.Errorf("warn: %+v", d)
	}
}

func TestCEL(t *testing.T) {
	c := testConfig()
	c.CEL = []CELPolicy{
		{ID: "cel.no-prod", DenyIf: `server == "db" && tool == "execute" && args.sql.contains("prod.")`, Message: "no production writes"},
		{ID: "cel.only-read", AllowIf: `server != "ro" || tool.startsWith("read")`},
		{ID: "cel.limit", DenyIf: `"calls" in session.counters && session.counters["calls"] > 100`},
		{ID: "cel.typed", DenyIf: `has(args.n) && args.n > 3`},
	}
	e := testEngine(t, c)
	if d := call(t, e, "db", "execute", `{"sql":"delete from prod.users"}`); d.RuleID != "cel.no-prod" || d.Reasons[0] != "CEL policy cel.no-prod: no production writes" {
		t.Errorf("deny_if: %+v", d)
	}
	if d := call(t, e, "db", "execute", `{"sql":"select 1"}`); d.Action != Allow {
		t.Errorf("deny_if false: %+v", d)
	}
	if d := call(t, e, "ro", "write", `{}`); d.RuleID != "cel.only-read" {
		t.Errorf("allow_if false: %+v", d)
	}
	// args.sql is missing: the evaluation error denies.
	if d := call(t, e, "db", "execute", `{}`); d.RuleID != "cel.no-prod" || !strings.Contains(d.Reasons[0], "failed") {
		t.Errorf("evaluation error: %+v", d)
	}
	in := &Input{Server: "x", Name: "y", Arguments: json.RawMessage(`{}`), Session: Session{Counters: map[string]int64{"calls": 101}}}
	if d := e.EvaluateCall(context.Background(), in); d.RuleID != "cel.limit" {
		t.Errorf("session: %+v", d)
	}
	if d := call(t, e, "x", "y", `{"n":4}`); d.RuleID != "cel.typed" {
		t.Errorf("number: %+v", d)
	}
	if d := call(t, e, "x", "y", `{"n":2.5}`); d.Action != Allow {
		t.Errorf("float: %+v", d)
	}
}

func TestCELCostLimit(t *testing.T) {
	c := testConfig()
	// Nested comprehensions over a 1000-element list cost far more than 1e6.
	c.CEL = []CELPolicy{{ID: "cel.expensive", DenyIf: `args.xs.exists(x, args.xs.exists(y, args.xs.exists(z, x + y + z < 0)))`}}
	e := testEngine(t, c)
	xs := make([]int, 1000)
	b, _ := json.Marshal(map[string]any{"xs": xs})
	d := call(t, e, "x", "y", string(b))
	if d.Action != Deny || !strings.Contains(d.Reasons[0], "cost") {
		t.Fatalf("decision = %+v", d)
	}
}

func TestConcurrentUse(t *testing.T) {
	e := testEngine(t, nil)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 50; j++ {
				if d := call(t, e, "fs", "read_file", `{"path":"~/.ssh/id_rsa"}`); d.Action != Deny {
					t.Error("not denied")
				}
				_ = e.InspectResult(context.Background(), &Input{Result: json.RawMessage(`{"content":[{"type":"text","text":"ok \u001b[31m"}]}`)})
			}
		}()
	}
	wg.Wait()
}

func TestResourceURI(t *testing.T) {
	e := testEngine(t, nil)
	for uri, want := range map[string]Action{"file:///etc/shadow": Deny, "file:///home/dev/project/README.md": Allow, "http://169.254.169.254/": Deny,
		"https://example.com/x": Allow, "test://static/resource/1": Allow, "memo://insights": Allow, "gopher://127.0.0.1:6379/_x": Deny} {
		d := e.EvaluateCall(context.Background(), &Input{Server: "fs", Method: "resources/read", Name: uri})
		if d.Action != want {
			t.Errorf("%s: %+v", uri, d)
		}
	}
}
