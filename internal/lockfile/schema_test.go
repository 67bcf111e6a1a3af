package lockfile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// schemaPath is the published JSON Schema of the format.
var schemaPath = filepath.Join("..", "..", "docs", "lockfile.schema.json")

// miniValidator checks a document against the subset of JSON Schema 2020-12
// that docs/lockfile.schema.json uses. A keyword it does not know is an
// error, so the schema cannot drift into territory this test ignores.
type miniValidator struct {
	root map[string]any
}

var annotationKeywords = []string{"$schema", "$id", "$defs", "title", "description"}

func (v *miniValidator) validate(schema any, doc any, path string) error {
	s, ok := schema.(map[string]any)
	if !ok {
		return fmt.Errorf("%s: schema is not an object", path)
	}
	for kw := range s {
		switch kw {
		case "type", "required", "properties", "additionalProperties", "items", "$ref", "pattern", "const", "enum", "oneOf", "minLength":
		default:
			if !slices.Contains(annotationKeywords, kw) {
				return fmt.Errorf("%s: validator does not support keyword %q", path, kw)
			}
		}
	}
	if ref, ok := s["$ref"].(string); ok {
		name, found := strings.CutPrefix(ref, "#/$defs/")
		if !found {
			return fmt.Errorf("%s: unsupported $ref %q", path, ref)
		}
		def, ok := v.root["$defs"].(map[string]any)[name]
		if !ok {
			return fmt.Errorf("%s: dangling $ref %q", path, ref)
		}
		if err := v.validate(def, doc, path); err != nil {
			return err
		}
	}
	if t, ok := s["type"]; ok {
		var types []string
		switch t := t.(type) {
		case string:
			types = []string{t}
		case []any:
			for _, x := range t {
				types = append(types, x.(string))
			}
		}
		if !slices.Contains(types, jsonType(doc)) {
			return fmt.Errorf("%s: type %s, want %v", path, jsonType(doc), types)
		}
	}
	if c, ok := s["const"]; ok && canonicalString(c) != canonicalString(doc) {
		return fmt.Errorf("%s: want const %v", path, c)
	}
	if e, ok := s["enum"].([]any); ok && !canonicalSet(e)[canonicalString(doc)] {
		return fmt.Errorf("%s: %v not in enum", path, doc)
	}
	if p, ok := s["pattern"].(string); ok {
		str, _ := doc.(string)
		if !regexp.MustCompile(p).MatchString(str) {
			return fmt.Errorf("%s: %q does not match %s", path, str, p)
		}
	}
	if ml, ok := s["minLength"].(json.Number); ok {
		n, _ := ml.Int64()
		if str, isStr := doc.(string); isStr && int64(len([]rune(str))) < n {
			return fmt.Errorf("%s: shorter than %d", path, n)
		}
	}
	if one, ok := s["oneOf"].([]any); ok {
		n := 0
		var errs []string
		for _, sub := range one {
			if err := v.validate(sub, doc, path); err == nil {
				n++
			} else {
				errs = append(errs, err.Error())
			}
		}
		if n != 1 {
			return fmt.Errorf("%s: matches %d of oneOf (%s)", path, n, strings.Join(errs, "; "))
		}
	}
	obj, isObj := doc.(map[string]any)
	if req, ok := s["required"].([]any); ok && isObj {
		for _, r := range req {
			if _, ok := obj[r.(string)]; !ok {
				return fmt.Errorf("%s: missing required %q", path, r)
			}
		}
	}
	if isObj {
		props, _ := s["properties"].(map[string]any)
		for k, val := range obj {
			if ps, ok := props[k]; ok {
				if err := v.validate(ps, val, path+"/"+k); err != nil {
					return err
				}
				continue
			}
			switch ap := s["additionalProperties"].(type) {
			case bool:
				if !ap {
					return fmt.Errorf("%s: property %q not allowed", path, k)
				}
			case map[string]any:
				if err := v.validate(ap, val, path+"/"+k); err != nil {
					return err
				}
			}
		}
	}
	if items, ok := s["items"]; ok {
		for i, el := range asList(doc) {
			if err := v.validate(items, el, fmt.Sprintf("%s/%d", path, i)); err != nil {
				return err
			}
		}
	}
	return nil
}

func jsonType(v any) string {
	switch v.(type) {
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case bool:
		return "boolean"
	case json.Number:
		return "number"
	case nil:
		return "null"
	}
	return "unknown"
}

func loadSchema(t *testing.T) *miniValidator {
	t.Helper()
	data, err := os.ReadFile(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	m := decodeObject(data)
	if m == nil {
		t.Fatal("schema is not a JSON object")
	}
	if m["$schema"] != "https://json-schema.org/draft/2020-12/schema" {
		t.Fatalf("schema dialect %v", m["$schema"])
	}
	return &miniValidator{root: m}
}

// lockfilesForSchema returns lockfiles covering every field ward writes.
func lockfilesForSchema(t *testing.T) map[string][]byte {
	out := map[string][]byte{}
	data, err := Marshal(buildFile(t))
	if err != nil {
		t.Fatal(err)
	}
	out["built"] = data
	f := NewFile()
	snap := loadSnapshot(t, "filesystem")
	snap.Artifact = &Artifact{Type: "npm", Name: "@modelcontextprotocol/server-filesystem", Version: "2025.8.21", Integrity: "sha512-AAAA"}
	f.Servers["fs"] = mustBuild(t, "fs", snap, BuildOptions{Only: []string{"read_*"}, Exclude: []string{"read_media_file"}})
	if out["selection"], err = Marshal(f); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"filesystem-v2.json", "everything-v3.json"} {
		imp, err := ImportMCPTrust(readMCPTrust(t, name))
		if err != nil {
			t.Fatal(err)
		}
		if out[name], err = Marshal(imp); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func TestLockfilesSatisfySchema(t *testing.T) {
	v := loadSchema(t)
	for name, data := range lockfilesForSchema(t) {
		if err := v.validate(v.root, decodeAny(data), ""); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestSchemaCatchesBrokenLockfiles(t *testing.T) {
	v := loadSchema(t)
	data := lockfilesForSchema(t)["built"]
	breakers := map[string]func(m map[string]any){
		"no lockfileVersion":    func(m map[string]any) { delete(m, "lockfileVersion") },
		"no servers":            func(m map[string]any) { delete(m, "servers") },
		"no tools":              func(m map[string]any) { delete(obj(m, "servers", "everything"), "tools") },
		"no serverInfo.name":    func(m map[string]any) { delete(obj(m, "servers", "everything", "serverInfo"), "name") },
		"empty serverInfo.name": func(m map[string]any) { obj(m, "servers", "everything", "serverInfo")["name"] = "" },
		"no hash":               func(m map[string]any) { delete(obj(m, "servers", "everything", "tools", "echo"), "hash") },
		"no definition":         func(m map[string]any) { delete(obj(m, "servers", "everything", "tools", "echo"), "definition") },
		"no tool name":          func(m map[string]any) { delete(obj(m, "servers", "everything", "tools", "echo", "definition"), "name") },
		"no resource uri": func(m map[string]any) {
			delete(obj(m, "servers", "everything", "resources", "test://static/resource/1", "definition"), "uri")
		},
		"bad hash":             func(m map[string]any) { obj(m, "servers", "everything", "tools", "echo")["hash"] = "sha256:XYZ" },
		"version 2":            func(m map[string]any) { m["lockfileVersion"] = 2 },
		"unknown server field": func(m map[string]any) { obj(m, "servers", "everything")["extra"] = true },
		"_meta in definition": func(m map[string]any) {
			obj(m, "servers", "everything", "tools", "echo", "definition")["_meta"] = map[string]any{}
		},
		"hash and mcptrust": func(m map[string]any) {
			obj(m, "servers", "everything", "tools", "echo")["mcptrust"] = map[string]any{"riskLevel": "LOW"}
		},
	}
	for name, breakIt := range breakers {
		doc := decodeAny(editJSON(t, data, breakIt))
		if err := v.validate(v.root, doc, ""); err == nil {
			t.Errorf("%s: schema accepted it", name)
		}
		// And Parse agrees that it is broken.
		broken, _ := json.Marshal(doc)
		if _, err := Parse(bytes.Clone(broken)); err == nil {
			t.Errorf("%s: Parse accepted it", name)
		}
	}
}
