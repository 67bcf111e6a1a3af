package scan

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/ward-mcp/ward/internal/lockfile"
	"github.com/ward-mcp/ward/internal/mcp"
)

// Report is a scan as shown to people and machines: the server's identity
// and every item it exposes, tools with their risk grade and the reasons.
type Report struct {
	Server            ServerReport `json:"server"`
	Tools             []ToolReport `json:"tools"`
	Prompts           []ItemReport `json:"prompts"`
	Resources         []ItemReport `json:"resources"`
	ResourceTemplates []ItemReport `json:"resourceTemplates"`
	// Poisoning lists metadata-poisoning findings in any definition or in
	// the instructions.
	Poisoning []Poisoning `json:"poisoning"`
	// StartupMillis is the time from starting the server to its initialize result.
	StartupMillis int64 `json:"startupMillis"`
}

// ServerReport is the server's identity.
type ServerReport struct {
	Name            string          `json:"name"`
	Title           string          `json:"title,omitempty"`
	Version         string          `json:"version"`
	ProtocolVersion string          `json:"protocolVersion"`
	Capabilities    json.RawMessage `json:"capabilities,omitempty"`
	Instructions    string          `json:"instructions,omitempty"`
	Command         []string        `json:"command,omitempty"`
}

// ToolReport is one tool with its grade.
type ToolReport struct {
	Name       string          `json:"name"`
	Risk       lockfile.Grade  `json:"risk"`
	Reasons    []string        `json:"reasons"`
	Definition json.RawMessage `json:"definition"`
}

// ItemReport is a prompt, resource or template.
type ItemReport struct {
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	Definition  json.RawMessage `json:"definition"`
}

// NewReport builds the report of a scan result.
func NewReport(res *Result) *Report {
	s := res.Snapshot
	r := &Report{
		Server: ServerReport{
			Name: s.ServerInfo.Name, Title: s.ServerInfo.Title, Version: s.ServerInfo.Version,
			ProtocolVersion: s.ProtocolVersion, Capabilities: s.Capabilities,
			Instructions: s.Instructions, Command: s.Source.Command,
		},
		Tools: []ToolReport{}, Prompts: items("prompts", s.Prompts),
		Resources: items("resources", s.Resources), ResourceTemplates: items("resourceTemplates", s.ResourceTemplates),
		StartupMillis: res.Startup.Milliseconds(),
		Poisoning:     FindPoisoning(s),
	}
	if r.Poisoning == nil {
		r.Poisoning = []Poisoning{}
	}
	for _, t := range s.Tools {
		g, reasons := lockfile.Risk(t)
		if reasons == nil {
			reasons = []string{}
		}
		r.Tools = append(r.Tools, ToolReport{Name: mcp.ItemName("tools", t), Risk: g, Reasons: reasons, Definition: t})
	}
	return r
}

func items(field string, raws []json.RawMessage) []ItemReport {
	out := []ItemReport{}
	for _, raw := range raws {
		var d struct {
			Description string `json:"description"`
		}
		_ = json.Unmarshal(raw, &d)
		out = append(out, ItemReport{Name: mcp.ItemName(field, raw), Description: d.Description, Definition: raw})
	}
	return out
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteText writes the report for people.
func (r *Report) WriteText(w io.Writer) error {
	s := r.Server
	fmt.Fprintf(w, "Server   %s %s", s.Name, s.Version)
	if s.Title != "" {
		fmt.Fprintf(w, " (%s)", s.Title)
	}
	fmt.Fprintf(w, "\nProtocol %s   started in %d ms\n", s.ProtocolVersion, r.StartupMillis)
	if s.Instructions != "" {
		fmt.Fprintf(w, "Instructions: %s\n", oneLine(s.Instructions, 200))
	}
	counts := map[lockfile.Grade]int{}
	for _, t := range r.Tools {
		counts[t.Risk]++
	}
	fmt.Fprintf(w, "\nTools (%d: %d high, %d medium, %d low)\n", len(r.Tools), counts[lockfile.GradeHigh], counts[lockfile.GradeMedium], counts[lockfile.GradeLow])
	for _, t := range r.Tools {
		fmt.Fprintf(w, "  %-6s  %s\n", t.Risk, printable(t.Name))
		for _, why := range t.Reasons {
			fmt.Fprintf(w, "          - %s\n", oneLine(why, 300))
		}
	}
	if len(r.Poisoning) > 0 {
		fmt.Fprintf(w, "\nPOISONING (%d finding(s): ward proxy --policy hides these items; ward lock refuses them)\n", len(r.Poisoning))
		for _, p := range r.Poisoning {
			fmt.Fprintf(w, "  - %s\n", printable(p.String()))
		}
	}
	for _, sec := range []struct {
		title string
		items []ItemReport
	}{{"Prompts", r.Prompts}, {"Resources", r.Resources}, {"Resource templates", r.ResourceTemplates}} {
		fmt.Fprintf(w, "\n%s (%d)\n", sec.title, len(sec.items))
		tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
		for _, it := range sec.items {
			fmt.Fprintf(tw, "  %s\t%s\n", printable(it.Name), oneLine(it.Description, 100))
		}
		tw.Flush()
	}
	return nil
}

// printable makes text from a server safe to print on a terminal: control
// characters (ANSI escapes among them) are shown escaped, not interpreted.
func printable(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			fmt.Fprintf(&b, "\\x%02x", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func oneLine(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > max {
		s = string(r[:max-1]) + "…"
	}
	return printable(s)
}
