package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"

	yamlv3 "go.yaml.in/yaml/v3"
	"sigs.k8s.io/yaml"
)

// maxPolicySize caps a policy file.
const maxPolicySize = 1 << 20

// LoadFile reads and parses a policy file. Errors carry line numbers.
func LoadFile(name string) (*Config, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("read policy: %w", err)
	}
	return Parse(data, name)
}

// Parse decodes a YAML (or JSON) policy strictly: unknown keys, duplicate
// keys and values of the wrong kind are errors with line numbers, and the
// values are validated. name is used in error messages.
func Parse(data []byte, name string) (*Config, error) {
	if len(data) > maxPolicySize {
		return nil, &ConfigError{File: name, Msg: fmt.Sprintf("policy file larger than %d bytes", maxPolicySize)}
	}
	var doc yamlv3.Node
	if err := yamlv3.Unmarshal(data, &doc); err != nil {
		return nil, &ConfigError{File: name, Msg: fmt.Sprintf("invalid YAML: %v", err)}
	}
	lines := map[string]int{}
	var errs ConfigErrors
	if len(doc.Content) == 0 {
		return nil, &ConfigError{File: name, Msg: "empty policy"}
	}
	walkNode(doc.Content[0], reflect.TypeOf(Config{}), "", name, lines, &errs)
	if len(errs) > 0 {
		return nil, errs
	}
	// The checked tree, not the text, becomes JSON: walkNode has quoted
	// every string value, so that a YAML 1.1 reading does not turn the
	// documented "off" (or "on", "yes", "no") into a boolean.
	checked, err := yamlv3.Marshal(&doc)
	if err != nil {
		return nil, &ConfigError{File: name, Msg: fmt.Sprintf("invalid YAML: %v", err)}
	}
	js, err := yaml.YAMLToJSON(checked)
	if err != nil {
		return nil, &ConfigError{File: name, Msg: fmt.Sprintf("invalid YAML: %v", err)}
	}
	var c Config
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return nil, &ConfigError{File: name, Line: lines[te.Field], Msg: fmt.Sprintf("%s: wrong type (want %s)", te.Field, te.Type)}
		}
		return nil, &ConfigError{File: name, Msg: err.Error()}
	}
	lf := func(key string) int {
		for k := key; k != ""; {
			if l, ok := lines[k]; ok {
				return l
			}
			i := strings.LastIndexAny(k, ".[")
			if i < 0 {
				break
			}
			k = k[:i]
		}
		return 0
	}
	if err := c.validate(name, lf); err != nil {
		return nil, err
	}
	if _, err := compileCEL(&c); err != nil {
		return nil, &ConfigError{File: name, Msg: err.Error()}
	}
	return &c, nil
}

// walkNode checks a YAML node against the Go type it will decode into,
// recording the line of every key and reporting unknown or duplicate keys and
// values of the wrong shape.
func walkNode(n *yamlv3.Node, t reflect.Type, key, file string, lines map[string]int, errs *ConfigErrors) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yamlv3.AliasNode {
		*errs = append(*errs, &ConfigError{File: file, Line: n.Line, Msg: fmt.Sprintf("%s: YAML aliases are not allowed", keyName(key))})
		return
	}
	if n.Kind == yamlv3.ScalarNode && n.Tag == "!!null" {
		return
	}
	bad := func(want string) {
		*errs = append(*errs, &ConfigError{File: file, Line: n.Line, Msg: fmt.Sprintf("%s: want %s", keyName(key), want)})
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yamlv3.MappingNode {
			bad("a mapping")
			return
		}
		fields := structFields(t)
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			sub := joinKey(key, k.Value)
			if seen[k.Value] {
				*errs = append(*errs, &ConfigError{File: file, Line: k.Line, Msg: fmt.Sprintf("duplicate key %q", sub)})
				continue
			}
			seen[k.Value] = true
			ft, ok := fields[k.Value]
			if !ok {
				*errs = append(*errs, &ConfigError{File: file, Line: k.Line, Msg: fmt.Sprintf("unknown key %q%s", sub, suggest(k.Value, fields))})
				continue
			}
			lines[sub] = k.Line
			walkNode(v, ft, sub, file, lines, errs)
		}
	case reflect.Map:
		if n.Kind != yamlv3.MappingNode {
			bad("a mapping")
			return
		}
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			sub := joinKey(key, k.Value)
			if seen[k.Value] {
				*errs = append(*errs, &ConfigError{File: file, Line: k.Line, Msg: fmt.Sprintf("duplicate key %q", sub)})
				continue
			}
			seen[k.Value] = true
			lines[sub] = k.Line
			walkNode(v, t.Elem(), sub, file, lines, errs)
		}
	case reflect.Slice:
		if n.Kind != yamlv3.SequenceNode {
			bad("a list")
			return
		}
		for i, v := range n.Content {
			sub := fmt.Sprintf("%s[%d]", key, i)
			lines[sub] = v.Line
			walkNode(v, t.Elem(), sub, file, lines, errs)
		}
	default:
		if n.Kind != yamlv3.ScalarNode {
			bad("a single value")
			return
		}
		switch t.Kind() {
		case reflect.Bool:
			if n.Tag != "!!bool" {
				bad("true or false")
			}
		case reflect.Int:
			if n.Tag != "!!int" {
				bad("an integer")
			}
		case reflect.String:
			if n.Tag != "!!str" {
				bad("a string (quote it)")
			}
			if n.Style&(yamlv3.DoubleQuotedStyle|yamlv3.SingleQuotedStyle|yamlv3.LiteralStyle|yamlv3.FoldedStyle) == 0 {
				n.Style = yamlv3.DoubleQuotedStyle // see Parse
			}
		}
	}
}

func keyName(k string) string {
	if k == "" {
		return "policy"
	}
	return k
}

func joinKey(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}

// structFields maps JSON names to field types, flattening embedded structs.
func structFields(t reflect.Type) map[string]reflect.Type {
	m := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Anonymous {
			for k, v := range structFields(f.Type) {
				m[k] = v
			}
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		m[name] = f.Type
	}
	return m
}

// suggest proposes the closest known key for a misspelt one.
func suggest(k string, fields map[string]reflect.Type) string {
	best, bestD := "", 3
	for f := range fields {
		if d := editDistance(k, f); d < bestD || (d == bestD && best != "" && f < best) {
			best, bestD = f, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
