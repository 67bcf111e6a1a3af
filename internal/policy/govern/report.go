package govern

import (
	"fmt"
	"io"
	"strings"
)

// Report is the outcome of [Policy.Check].
type Report struct {
	// Preset is the preset in force ("" for custom rules only).
	Preset string `json:"preset"`
	// Servers lists the lock names checked, sorted.
	Servers []string `json:"servers"`
	// Rules is how many rules were evaluated per server.
	Rules int `json:"rules"`
	// Disabled lists preset rules the governance file switched off.
	Disabled []string `json:"disabled,omitempty"`
	// Findings lists the fired rules, by server then rule order.
	Findings []Finding `json:"findings"`
	// Failed is true when a finding is at level fail.
	Failed bool `json:"failed"`
}

// Finding is one rule that fired for one server.
type Finding struct {
	// Rule is the rule's id.
	Rule string `json:"rule"`
	// Level is warn or fail (always fail when Error is set).
	Level Level `json:"level"`
	// Message is the rule's message.
	Message string `json:"message"`
	// Server is the lock name of the server.
	Server string `json:"server"`
	// Items names the offending tools (by name) or items ("prompt p",
	// "resource file:///x") of a tool or item rule.
	Items []string `json:"items,omitempty"`
	// References lists the rule's control references.
	References []string `json:"references,omitempty"`
	// Error is set when the rule could not be evaluated: the check fails
	// closed.
	Error string `json:"error,omitempty"`
}

// Count returns how many findings are at level fail and at level warn.
func (r *Report) Count() (fail, warn int) {
	for _, f := range r.Findings {
		if f.Level == LevelFail {
			fail++
		} else {
			warn++
		}
	}
	return fail, warn
}

// Render writes r as a readable report.
func Render(w io.Writer, r *Report) error {
	var b strings.Builder
	preset := r.Preset
	if preset == "" {
		preset = "none"
	}
	fmt.Fprintf(&b, "governance check: %d server(s), preset %s, %d rule(s)\n", len(r.Servers), preset, r.Rules)
	if len(r.Disabled) > 0 {
		fmt.Fprintf(&b, "disabled by the policy: %s\n", strings.Join(r.Disabled, ", "))
	}
	server := ""
	for _, f := range r.Findings {
		if f.Server != server {
			server = f.Server
			fmt.Fprintf(&b, "\nserver %s\n", server)
		}
		fmt.Fprintf(&b, "  %s %s\n", strings.ToUpper(string(f.Level)), f.Rule)
		fmt.Fprintf(&b, "    %s\n", f.Message)
		if f.Error != "" {
			fmt.Fprintf(&b, "    error: %s\n", f.Error)
		}
		if len(f.Items) > 0 {
			fmt.Fprintf(&b, "    items: %s\n", strings.Join(f.Items, ", "))
		}
		if len(f.References) > 0 {
			fmt.Fprintf(&b, "    refs:  %s\n", strings.Join(f.References, "; "))
		}
	}
	fail, warn := r.Count()
	verdict := "pass"
	if r.Failed {
		verdict = "FAIL"
	}
	if len(r.Findings) == 0 {
		b.WriteString("\nno rule fired\n")
	}
	fmt.Fprintf(&b, "\n%s: %d failing, %d warning\n", verdict, fail, warn)
	_, err := io.WriteString(w, b.String())
	return err
}
