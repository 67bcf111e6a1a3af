package scan

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/ward-mcp/ward/internal/inspect"
	"github.com/ward-mcp/ward/internal/lockfile"
	"github.com/ward-mcp/ward/internal/mcp"
)

// Poisoning is a metadata-poisoning finding in one item a server exposes:
// instructions to the model hidden in a description, invisible characters,
// a confusable name, a schema that asks for secrets.
type Poisoning struct {
	Kind   string `json:"kind"` // "tool", "prompt", "resource", "resourceTemplate", "instructions"
	Name   string `json:"name,omitempty"`
	Rule   string `json:"rule"`
	Reason string `json:"reason"`
	Where  string `json:"where,omitempty"`
}

func (p Poisoning) String() string {
	name := p.Name
	if name != "" {
		name = fmt.Sprintf(" %q", name)
	}
	where := ""
	if p.Where != "" {
		where = " at " + p.Where
	}
	return fmt.Sprintf("%s%s%s: %s (%s)", p.Kind, name, where, p.Reason, p.Rule)
}

// FindPoisoning inspects every definition of a snapshot, and its
// instructions, for metadata poisoning.
func FindPoisoning(s *lockfile.Snapshot) []Poisoning {
	var out []Poisoning
	add := func(kind, field string, raw []byte) {
		name := mcp.ItemName(field, raw)
		inspectDef := inspect.Definition
		if kind == "resource" || kind == "resourceTemplate" {
			inspectDef = inspect.DisplayNamed
		}
		_, fs, err := inspectDef(raw)
		if err != nil {
			out = append(out, Poisoning{Kind: kind, Name: name, Rule: "poison.malformed", Reason: "the definition is not valid JSON"})
			return
		}
		for _, f := range fs {
			out = append(out, Poisoning{Kind: kind, Name: name, Rule: f.Rule, Reason: f.Reason, Where: f.Where})
		}
	}
	for _, f := range inspect.Instructions(s.Instructions) {
		out = append(out, Poisoning{Kind: "instructions", Rule: f.Rule, Reason: f.Reason, Where: f.Where})
	}
	for _, l := range []struct {
		kind, field string
		items       []json.RawMessage
	}{{"tool", "tools", s.Tools}, {"prompt", "prompts", s.Prompts}, {"resource", "resources", s.Resources}, {"resourceTemplate", "resourceTemplates", s.ResourceTemplates}} {
		for _, raw := range l.items {
			add(l.kind, l.field, raw)
		}
	}
	return out
}

// PoisonedError refuses a lock of poisoned definitions.
type PoisonedError struct {
	Findings []Poisoning
}

func (e *PoisonedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "refusing to lock %d poisoned definition finding(s); review them, then lock without those items (--exclude) or with --allow-poisoned:", len(e.Findings))
	for _, f := range e.Findings {
		b.WriteString("\n  - ")
		b.WriteString(printable(f.String()))
	}
	return b.String()
}
