package govern

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// MaxFileSize bounds a governance file.
const MaxFileSize = 1 << 20

// FileSpec is a governance file:
//
//	preset: strict                      # optional: baseline or strict
//	approved_tools: [filesystem/write_file, "memory/delete_*"]
//	disable: [gov.protocol-version]     # preset rules to switch off
//	rules:
//	  - id: no-shell
//	    message: Shell tools are not allowed.
//	    level: fail                       # warn or fail (default fail)
//	    each: tool                        # server (default), tool or item
//	    references: [NIST SP 800-53 CM-7 least functionality]
//	    violation_if: tool.name.matches("(?i)shell|exec")
type FileSpec struct {
	// Preset is baseline, strict or empty.
	Preset string `yaml:"preset"`
	// ApprovedTools lists "server/tool" glob patterns (path.Match syntax,
	// server being the lock name) of tools approved despite their risk;
	// they set tool.approved.
	ApprovedTools []string `yaml:"approved_tools"`
	// Disable lists preset rule ids to switch off.
	Disable []string `yaml:"disable"`
	// Rules are the custom rules.
	Rules []Rule `yaml:"rules"`
}

type fileRule struct {
	ID          string   `yaml:"id"`
	Message     string   `yaml:"message"`
	Level       string   `yaml:"level"`
	Each        string   `yaml:"each"`
	References  []string `yaml:"references"`
	ViolationIf string   `yaml:"violation_if"`
}

type fileDoc struct {
	Preset        string     `yaml:"preset"`
	ApprovedTools []string   `yaml:"approved_tools"`
	Disable       []string   `yaml:"disable"`
	Rules         []fileRule `yaml:"rules"`
}

// ParseFile decodes a governance file strictly: unknown keys, duplicate
// keys, YAML aliases, values of the wrong kind and more than one document
// are errors with the line. It checks the values but does not compile the
// expressions ([New] does). name is used in error messages.
func ParseFile(data []byte, name string) (*FileSpec, error) {
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("%s: governance file larger than %d bytes", name, MaxFileSize)
	}
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: empty governance file", name)
		}
		return nil, fmt.Errorf("%s: %s", name, yamlMsg(err))
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: more than one YAML document", name)
	}
	if n := findAlias(&root); n != nil {
		return nil, fmt.Errorf("%s:%d: YAML anchors and aliases are not allowed", name, n.Line)
	}
	var doc fileDoc
	sub := yaml.NewDecoder(bytes.NewReader(data))
	sub.KnownFields(true)
	if err := sub.Decode(&doc); err != nil {
		return nil, fmt.Errorf("%s: %s", name, yamlMsg(err))
	}
	line := func(keys ...any) int { return lineOf(&root, keys...) }
	spec := &FileSpec{Preset: doc.Preset, ApprovedTools: doc.ApprovedTools, Disable: doc.Disable}
	switch doc.Preset {
	case "", PresetBaseline, PresetStrict:
	default:
		return nil, fmt.Errorf("%s:%d: %w %q (want baseline or strict)", name, line("preset"), ErrUnknownPreset, doc.Preset)
	}
	for i, p := range doc.ApprovedTools {
		if _, err := path.Match(p, ""); err != nil || !strings.Contains(p, "/") {
			return nil, fmt.Errorf("%s:%d: approved_tools: %q is not a server/tool pattern", name, line("approved_tools", i), p)
		}
	}
	seen := map[string]bool{}
	for i, fr := range doc.Rules {
		if seen[fr.ID] {
			return nil, fmt.Errorf("%s:%d: rule %q defined twice", name, line("rules", i), fr.ID)
		}
		seen[fr.ID] = true
		if strings.HasPrefix(fr.ID, "gov.") {
			return nil, fmt.Errorf("%s:%d: rule %q: ids starting with gov. are reserved for presets", name, line("rules", i), fr.ID)
		}
		r := Rule{ID: fr.ID, Message: fr.Message, Level: Level(fr.Level), Each: Each(fr.Each), References: fr.References, ViolationIf: fr.ViolationIf}
		if r.Level == "" {
			r.Level = LevelFail
		}
		if r.Each == "" {
			r.Each = EachServer
		}
		if _, err := compileRule(r); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, line("rules", i), err)
		}
		spec.Rules = append(spec.Rules, r)
	}
	return spec, nil
}

// yamlMsg drops the "yaml: " prefix and joins multi-line errors.
func yamlMsg(err error) string {
	s := strings.TrimPrefix(err.Error(), "yaml: ")
	s = strings.TrimPrefix(s, "unmarshal errors:\n  ")
	return strings.ReplaceAll(s, "\n  ", "; ")
}

func findAlias(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.AliasNode || n.Anchor != "" {
		return n
	}
	for _, c := range n.Content {
		if a := findAlias(c); a != nil {
			return a
		}
	}
	return nil
}

// lineOf follows mapping keys (string) and sequence indexes (int) from the
// document root and returns the line of the node reached, or of the last
// node found on the way.
func lineOf(root *yaml.Node, path ...any) int {
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	for _, p := range path {
		var next *yaml.Node
		switch p := p.(type) {
		case string:
			if n.Kind == yaml.MappingNode {
				for i := 0; i+1 < len(n.Content); i += 2 {
					if n.Content[i].Value == p {
						next = n.Content[i+1]
					}
				}
			}
		case int:
			if n.Kind == yaml.SequenceNode && p < len(n.Content) {
				next = n.Content[p]
			}
		}
		if next == nil {
			break
		}
		n = next
	}
	return n.Line
}
