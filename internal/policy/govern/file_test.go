package govern

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/ward-mcp/ward/internal/lockfile"
)

func TestParseFileErrors(t *testing.T) {
	tests := []struct{ name, file, want string }{
		{"unknown key", "preset: baseline\nrules:\n  - id: a\n    mesage: x\n", "gov.yaml: line 4: field mesage not found"},
		{"duplicate key", "preset: baseline\npreset: strict\n", `"preset" already defined`},
		{"alias", "x: &a [1]\nrules: *a\n", "gov.yaml:1: YAML anchors"},
		{"wrong kind", "rules: {id: a}\n", "cannot unmarshal"},
		{"two documents", "preset: baseline\n---\npreset: strict\n", "more than one YAML document"},
		{"empty", "", "empty governance file"},
		{"bad preset", "rules: []\npreset: lenient\n", "gov.yaml:2: unknown preset"},
		{"bad level", "rules:\n  - id: a\n    message: m\n    level: error\n    violation_if: 'true'\n", `gov.yaml:2: rule a: level "error" is not warn or fail`},
		{"bad each", "rules:\n  - id: a\n    message: m\n    each: prompt\n    violation_if: 'true'\n", `each "prompt" is not server, tool or item`},
		{"reserved id", "rules:\n  - id: gov.mine\n    message: m\n    violation_if: 'true'\n", "reserved for presets"},
		{"bad id", "rules:\n  - id: 'My Rule'\n    message: m\n    violation_if: 'true'\n", "id must be"},
		{"twice", "rules:\n  - {id: a, message: m, violation_if: 'true'}\n  - {id: a, message: m, violation_if: 'false'}\n", `gov.yaml:3: rule "a" defined twice`},
		{"no message", "rules:\n  - {id: a, violation_if: 'true'}\n", "message is empty"},
		{"no expression", "rules:\n  - {id: a, message: m}\n", "violation_if is empty"},
		{"approved pattern", "approved_tools: [write_file]\n", `gov.yaml:1: approved_tools: "write_file" is not a server/tool pattern`},
		{"compile error", "rules:\n  - id: a\n    message: m\n    violation_if: 'tools.exists(t, t.risk ==)'\n", "gov.yaml:2: rule a: violation_if does not compile"},
		{"undeclared variable", "rules:\n  - {id: a, message: m, violation_if: 'tool.risk == \"HIGH\"'}\n", "undeclared reference to 'tool'"},
		{"not bool", "rules:\n  - {id: a, message: m, violation_if: 'size(tools)'}\n", "violation_if returns int, want bool"},
		{"too long", "rules:\n  - {id: a, message: m, violation_if: '" + strings.Repeat("true && ", 600) + "true'}\n", "longer than 4096"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseFile([]byte(tc.file), "gov.yaml")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
}

func TestNewErrors(t *testing.T) {
	if _, err := New(Options{Preset: "baseline", File: []byte("preset: strict\n"), FileName: "g.yaml"}); !errors.Is(err, ErrConflict) {
		t.Errorf("conflict: %v", err)
	}
	if _, err := New(Options{Preset: "lax"}); !errors.Is(err, ErrUnknownPreset) {
		t.Errorf("unknown preset: %v", err)
	}
	if _, err := New(Options{File: []byte("preset: baseline\ndisable: [gov.explicit-selection]\n"), FileName: "g.yaml"}); err == nil || !strings.Contains(err.Error(), "not a rule of preset") {
		t.Errorf("disable a strict rule under baseline: %v", err)
	}
	if _, err := New(Options{File: []byte("disable: [gov.artifact-pinned]\n"), FileName: "g.yaml"}); err == nil {
		t.Error("disable without a preset accepted")
	}
}

// TestCustomRules runs a governance file with a preset, a disabled preset
// rule and custom rules of every scope.
func TestCustomRules(t *testing.T) {
	s := withTool(snap(), `{"name":"run_shell","description":"Runs a shell command.","inputSchema":{"type":"object","properties":{"command":{"type":"string"}}},"annotations":{"destructiveHint":true}}`)
	s.Prompts = append(s.Prompts, []byte(`{"name":"summarise","description":"Summarise notes."}`))
	s.Artifact = nil
	f := lock(t, s, lockfile.BuildOptions{Only: []string{"read_note", "run_shell"}})
	file := `# governance
preset: strict
disable: [gov.artifact-pinned, gov.high-risk-approved]
approved_tools: ["notes/run_*"]
rules:
  - id: no-shell
    message: Shell tools are not allowed.
    each: tool
    references: [NIST SP 800-53 CM-7 least functionality]
    violation_if: tool.name.matches("(?i)shell|exec") && !tool.approved
  - id: approved-shell
    message: An approved shell tool.
    level: warn
    each: tool
    violation_if: tool.name.contains("shell") && tool.approved
  - id: prompts-described
    message: Every prompt says what it does.
    level: warn
    each: item
    violation_if: item.kind == "prompt" && item.description.size() < 20
  - id: at-most-one-tool
    message: The server exposes more than one tool.
    violation_if: size(tools) > 1
`
	rep := check(t, Options{File: []byte(file), FileName: "g.yaml"}, f)
	want := []string{"approved-shell", "prompts-described", "at-most-one-tool"}
	if got := fired(rep); !slices.Equal(got, want) {
		t.Fatalf("fired %v, want %v", got, want)
	}
	if !rep.Failed || rep.Preset != PresetStrict || !slices.Equal(rep.Disabled, []string{"gov.artifact-pinned", "gov.high-risk-approved"}) {
		t.Errorf("report %+v", rep)
	}
	if it := rep.Findings[1].Items; !slices.Equal(it, []string{"prompt summarise"}) {
		t.Errorf("items %v", it)
	}
	// Custom rules only: no preset in the file, none on the command line.
	rep = check(t, Options{File: []byte("rules:\n  - {id: a, message: m, level: warn, violation_if: 'server.infoName == \"notes\"'}\n"), FileName: "g.yaml"}, f)
	if got := fired(rep); !slices.Equal(got, []string{"a"}) || rep.Failed || rep.Preset != "" {
		t.Errorf("custom only: %v %+v", got, rep)
	}
	// The preset from the command line plus the file's rules.
	rep = check(t, Options{Preset: PresetBaseline, File: []byte("rules:\n  - {id: a, message: m, violation_if: 'false'}\n"), FileName: "g.yaml"}, f)
	if rep.Rules != len(baselineRules)+1 {
		t.Errorf("rules %d", rep.Rules)
	}
}

// TestFailClosed: a rule that cannot be evaluated is a failure that
// carries the error, whatever its level.
func TestFailClosed(t *testing.T) {
	f := lock(t, withTool(snap(), `{"name":"list_notes","description":"Lists notes.","inputSchema":{"type":"object"}}`), lockfile.BuildOptions{})
	f.Servers["notes"].Artifact = nil
	nested := "[1,2,3,4,5,6,7,8,9,10]"
	expensive := nested + ".all(a, " + nested + ".all(b, " + nested + ".all(c, " + nested + ".all(d, " + nested + ".all(e, " + nested + ".all(g, a + b + c + d + e + g > 0))))))"
	tests := []struct{ name, each, expr, want string }{
		{"null artifact", "server", `server.artifact.type == "npm"`, "could not be evaluated"},
		{"missing key", "tool", `tool.annotations.readOnlyHint == true`, "could not be evaluated for list_notes: no such key: readOnlyHint"},
		{"dyn not bool", "server", `server.name`, "not a bool"},
		{"cost limit", "server", expensive, "operation cancelled: actual cost limit exceeded"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			file := "rules:\n  - id: r\n    message: m\n    level: warn\n    each: " + tc.each + "\n    violation_if: '" + tc.expr + "'\n"
			rep := check(t, Options{File: []byte(file), FileName: "g.yaml"}, f)
			if len(rep.Findings) != 1 || !rep.Failed {
				t.Fatalf("findings %+v", rep.Findings)
			}
			fd := rep.Findings[0]
			if fd.Level != LevelFail || !strings.Contains(fd.Error, tc.want) {
				t.Fatalf("finding %+v, want error %q", fd, tc.want)
			}
		})
	}
}

func TestRulesCopy(t *testing.T) {
	p, err := New(Options{Preset: PresetStrict})
	if err != nil {
		t.Fatal(err)
	}
	r := p.Rules()
	r[0].References[0] = "changed"
	if p.Rules()[0].References[0] == "changed" || baselineRules[0].References[0] == "changed" {
		t.Error("Rules shares references with the policy")
	}
}
