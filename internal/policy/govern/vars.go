package govern

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"

	"github.com/ward-mcp/ward/internal/inspect"
	"github.com/ward-mcp/ward/internal/lockfile"
)

// serverVars holds the CEL values of one locked server, built once and
// shared by every rule.
type serverVars struct {
	name   string
	server map[string]any
	tools  []map[string]any
	lists  map[string][]map[string]any // prompts, resources, resourceTemplates
	items  []map[string]any            // every tool, prompt, resource and template
}

// itemKinds maps a kind to the key field of its definition and its list.
var itemKinds = []struct{ kind, key, list string }{
	{"tool", "name", "tools"},
	{"prompt", "name", "prompts"},
	{"resource", "uri", "resources"},
	{"resourceTemplate", "uriTemplate", "resourceTemplates"},
}

func newServerVars(name string, s *lockfile.Server, approved []string) *serverVars {
	sv := &serverVars{name: name, lists: map[string][]map[string]any{}}
	src := map[string]any{"command": strList(s.Source.Command), "url": s.Source.URL, "commandLine": s.Source.CommandLine}
	var art any
	if a := s.Artifact; a != nil {
		art = map[string]any{"type": a.Type, "name": a.Name, "version": a.Version, "integrity": a.Integrity, "digest": a.Digest}
	}
	var sel any
	if s.Selection != nil {
		sel = map[string]any{"only": strList(s.Selection.Only), "exclude": strList(s.Selection.Exclude)}
	}
	caps, _ := decode(s.Capabilities).(map[string]any)
	if caps == nil {
		caps = map[string]any{}
	}
	sv.server = map[string]any{
		"name": name, "infoName": s.Info.Name, "title": s.Info.Title, "version": s.Info.Version,
		"protocolVersion": s.ProtocolVersion, "instructions": s.Instructions,
		"instructionsFindings": findings(inspect.Instructions(s.Instructions)),
		"source":               src, "artifact": art, "importedFrom": s.ImportedFrom, "selection": sel,
		"capabilities": caps,
	}
	if s.Instructions == "" {
		sv.server["instructionsFindings"] = []any{}
	}
	for _, k := range itemKinds {
		var m map[string]*lockfile.Entry
		switch k.kind {
		case "tool":
			m = s.Tools
		case "prompt":
			m = s.Prompts
		case "resource":
			m = s.Resources
		default:
			m = s.ResourceTemplates
		}
		list := []map[string]any{}
		for _, key := range slices.Sorted(maps.Keys(m)) {
			it := itemVars(k.kind, k.key, key, m[key])
			if k.kind == "tool" {
				addToolVars(it, m[key], approvedTool(approved, name, key))
			}
			list = append(list, it)
		}
		sv.lists[k.list] = list
		sv.items = append(sv.items, list...)
	}
	sv.tools = sv.lists["tools"]
	return sv
}

// itemVars is the definition of e as a map, plus kind, key, imported,
// poisoned and findings.
func itemVars(kind, keyField, key string, e *lockfile.Entry) map[string]any {
	it, _ := decode(e.Definition).(map[string]any)
	if it == nil {
		it = map[string]any{}
	}
	it[keyField] = key
	if _, ok := it["description"]; !ok {
		it["description"] = ""
	}
	it["kind"], it["key"], it["imported"] = kind, key, e.Imported()
	fs := []any{}
	if len(e.Definition) > 0 {
		inspectDef := inspect.Definition
		if kind == "resource" || kind == "resourceTemplate" {
			inspectDef = inspect.DisplayNamed // a display name, not an identifier
		}
		_, found, err := inspectDef(e.Definition)
		if err != nil {
			found = append(found, inspect.Finding{Rule: "poison.unreadable", Reason: "the definition could not be read: " + err.Error()})
		}
		fs = findings(found)
	}
	it["findings"], it["poisoned"] = fs, len(fs) > 0
	return it
}

// addToolVars adds a tool's risk grade, annotations and approval.
func addToolVars(it map[string]any, e *lockfile.Entry, approved bool) {
	if _, ok := it["annotations"].(map[string]any); !ok {
		it["annotations"] = map[string]any{}
	}
	if _, ok := it["inputSchema"]; !ok {
		it["inputSchema"] = map[string]any{}
	}
	it["approved"] = approved
	it["mcptrustRisk"] = ""
	if e.Imported() {
		// Without a definition there is nothing to grade: assume the worst.
		it["risk"] = lockfile.GradeHigh.String()
		it["riskReasons"] = []any{"It was imported from an MCPTrust lock without its definition, so ward cannot grade it and assumes the worst."}
		it["mcptrustRisk"] = e.MCPTrust.RiskLevel
		return
	}
	g, reasons := lockfile.Risk(e.Definition)
	it["risk"] = g.String()
	it["riskReasons"] = strList(reasons)
}

func findings(fs []inspect.Finding) []any {
	out := make([]any, 0, len(fs))
	for _, f := range fs {
		out = append(out, map[string]any{"rule": f.Rule, "reason": f.Reason, "where": f.Where})
	}
	return out
}

func strList(ss []string) []any {
	out := make([]any, 0, len(ss))
	for _, s := range ss {
		out = append(out, s)
	}
	return out
}

// decode parses JSON with integers as int64 and other numbers as float64;
// nil for empty or unreadable input.
func decode(raw json.RawMessage) any {
	if len(raw) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return nil
	}
	return celValue(v)
}

func celValue(v any) any {
	switch v := v.(type) {
	case json.Number:
		if i, err := v.Int64(); err == nil {
			return i
		}
		f, _ := v.Float64()
		return f
	case map[string]any:
		for k, x := range v {
			v[k] = celValue(x)
		}
	case []any:
		for i, x := range v {
			v[i] = celValue(x)
		}
	}
	return v
}

// vars returns the activation for one evaluation: the server's values and,
// for tool and item rules, the current item under name.
func (sv *serverVars) vars(it map[string]any, name string) map[string]any {
	m := map[string]any{
		"server": sv.server, "tools": sv.tools, "prompts": sv.lists["prompts"],
		"resources": sv.lists["resources"], "resourceTemplates": sv.lists["resourceTemplates"],
	}
	if name != "" {
		m[name] = it
	}
	return m
}

// label names an item in a report: a tool by its name, anything else by
// kind and key.
func label(it map[string]any) string {
	k, _ := it["kind"].(string)
	key, _ := it["key"].(string)
	if k == "tool" {
		return key
	}
	return k + " " + key
}
