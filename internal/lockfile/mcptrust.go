package lockfile

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"reflect"
	"strings"
)

// MCPTrust (github.com/mcptrust/mcptrust) stores, per tool, hashes of the
// description and of the input schema plus a risk level, and (format v3)
// similar pins for prompts, resources and templates and an artifact pin.
// It never stores the definitions themselves. The layout below is ward's
// best reading of that format; docs/lockfile.md lists what is uncertain.
//
// Hashing, as ward reproduces it:
//   - description_hash: sha256 of the description's UTF-8 bytes;
//   - input_schema_hash and arguments_hash: sha256 of the RFC 8785 form of
//     the inputSchema object (prompt arguments array), or of "null" when
//     absent;
//   - hashes are compared as lower-case hex, with or without "sha256:".

// MCPTrustPin holds the hashes an MCPTrust lock stored for one item. Empty
// fields were not stored and are not compared.
type MCPTrustPin struct {
	// DescriptionHash pins a tool's, prompt's, resource's or template's
	// description.
	DescriptionHash string `json:"descriptionHash,omitempty"`
	// InputSchemaHash pins a tool's inputSchema.
	InputSchemaHash string `json:"inputSchemaHash,omitempty"`
	// ArgumentsHash pins a prompt's arguments.
	ArgumentsHash string `json:"argumentsHash,omitempty"`
	// Name pins a resource's or template's name.
	Name string `json:"name,omitempty"`
	// MIMEType pins a resource's or template's MIME type.
	MIMEType string `json:"mimeType,omitempty"`
	// RiskLevel is MCPTrust's own grade, kept for reference and not compared.
	RiskLevel string `json:"riskLevel,omitempty"`
}

func (p *MCPTrustPin) validate() error {
	if p.DescriptionHash == "" && p.InputSchemaHash == "" && p.ArgumentsHash == "" && p.Name == "" && p.MIMEType == "" {
		return errors.New("mcptrust entry pins nothing")
	}
	for _, h := range []string{p.DescriptionHash, p.InputSchemaHash, p.ArgumentsHash} {
		if h != "" && !validHash(h) {
			return fmt.Errorf("mcptrust hash %q is not \"sha256:\" and 64 lower-case hex digits", h)
		}
	}
	switch p.RiskLevel {
	case "", "LOW", "MEDIUM", "HIGH":
	default:
		return fmt.Errorf("mcptrust risk level %q is not LOW, MEDIUM or HIGH", p.RiskLevel)
	}
	return nil
}

// String lists the pinned hashes compactly, for verdicts and reports.
func (p *MCPTrustPin) String() string {
	var parts []string
	add := func(k, v string) {
		if v != "" {
			parts = append(parts, k+"="+v)
		}
	}
	add("description", p.DescriptionHash)
	add("inputSchema", p.InputSchemaHash)
	add("arguments", p.ArgumentsHash)
	add("name", p.Name)
	add("mimeType", p.MIMEType)
	return strings.Join(parts, ",")
}

// matches reports whether every field p pins equals the live value.
func (p *MCPTrustPin) matches(live *MCPTrustPin) bool {
	eq := func(locked, got string) bool { return locked == "" || locked == got }
	return eq(p.DescriptionHash, live.DescriptionHash) &&
		eq(p.InputSchemaHash, live.InputSchemaHash) &&
		eq(p.ArgumentsHash, live.ArgumentsHash) &&
		eq(p.Name, live.Name) &&
		eq(p.MIMEType, live.MIMEType)
}

// HashMCPTrustTool computes the MCPTrust description and input-schema hashes
// of one raw tool definition.
func HashMCPTrustTool(raw json.RawMessage) (descriptionHash, inputSchemaHash string, err error) {
	p, err := mcptrustPinFor(ItemTool, raw)
	if err != nil {
		return "", "", err
	}
	return p.DescriptionHash, p.InputSchemaHash, nil
}

// HashMCPTrustPrompt computes the MCPTrust description and arguments hashes
// of one raw prompt definition.
func HashMCPTrustPrompt(raw json.RawMessage) (descriptionHash, argumentsHash string, err error) {
	p, err := mcptrustPinFor(ItemPrompt, raw)
	if err != nil {
		return "", "", err
	}
	return p.DescriptionHash, p.ArgumentsHash, nil
}

// mcptrustPinFor computes every MCPTrust-style pin of a live item; the
// caller compares only what the lock stored.
func mcptrustPinFor(it Item, raw []byte) (*MCPTrustPin, error) {
	members, err := strictObject(raw)
	if err != nil {
		return nil, err
	}
	get := func(k string) []byte {
		for _, m := range members {
			if m.key == k {
				return m.val
			}
		}
		return nil
	}
	str := func(k string) (string, error) {
		v := get(k)
		if v == nil || string(v) == "null" {
			return "", nil
		}
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return "", fmt.Errorf("%q is not a string", k)
		}
		return s, nil
	}
	jsonHash := func(k string) (string, error) {
		v := get(k)
		if v == nil {
			v = []byte("null")
		}
		c, err := Canonicalize(v)
		if err != nil {
			return "", fmt.Errorf("%s: %w", k, err)
		}
		return hashBytes(c), nil
	}
	desc, err := str("description")
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256([]byte(desc))
	p := &MCPTrustPin{DescriptionHash: hashPrefix + hex.EncodeToString(sum[:])}
	switch it {
	case ItemTool:
		if p.InputSchemaHash, err = jsonHash("inputSchema"); err != nil {
			return nil, err
		}
	case ItemPrompt:
		if p.ArgumentsHash, err = jsonHash("arguments"); err != nil {
			return nil, err
		}
	case ItemResource, ItemTemplate:
		if p.Name, err = str("name"); err != nil {
			return nil, err
		}
		if p.MIMEType, err = str("mimeType"); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// mcptrustFile is the MCPTrust lockfile layout ward reads.
type mcptrustFile struct {
	Version         string                      `json:"version"`
	LockfileVersion string                      `json:"lockfile_version"`
	ServerCommand   string                      `json:"server_command"`
	Artifact        *mcptrustArtifact           `json:"artifact"`
	Tools           map[string]mcptrustTool     `json:"tools"`
	Prompts         map[string]mcptrustPrompt   `json:"prompts"`
	Resources       map[string]mcptrustResource `json:"resources"`
	Templates       map[string]mcptrustResource `json:"resource_templates"`
}

type mcptrustArtifact struct {
	Type      string `json:"type"`
	Name      string `json:"name"`
	Version   string `json:"version"`
	Integrity string `json:"integrity"`
	Digest    string `json:"digest"`
}

type mcptrustTool struct {
	DescriptionHash string `json:"description_hash"`
	InputSchemaHash string `json:"input_schema_hash"`
	RiskLevel       string `json:"risk_level"`
}

type mcptrustPrompt struct {
	DescriptionHash string `json:"description_hash"`
	ArgumentsHash   string `json:"arguments_hash"`
}

type mcptrustResource struct {
	Name            string `json:"name"`
	MIMEType        string `json:"mime_type"`
	DescriptionHash string `json:"description_hash"`
}

// ImportMCPTrust converts an MCPTrust lockfile (format v2 or v3) into a ward
// lockfile holding one server. Unknown fields are rejected rather than
// dropped, so that no pin is silently lost. Imported entries carry MCPTrust
// hashes and no definition (see [Entry]); the server is named after the
// package in server_command and marked ImportedFrom "mcptrust v2"/"v3".
func ImportMCPTrust(data []byte) (*File, error) {
	if err := checkStrictDepth(data, fileDepth); err != nil {
		return nil, fmt.Errorf("import mcptrust lockfile: %w", err)
	}
	if err := checkExactKeys(decodeAny(data), reflect.TypeFor[mcptrustFile](), ""); err != nil {
		return nil, fmt.Errorf("import mcptrust lockfile: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var mf mcptrustFile
	if err := dec.Decode(&mf); err != nil {
		return nil, fmt.Errorf("import mcptrust lockfile: %w", err)
	}
	ver := mf.Version
	if ver == "" {
		ver = mf.LockfileVersion
	} else if mf.LockfileVersion != "" {
		return nil, errors.New(`import mcptrust lockfile: both "version" and "lockfile_version" set`)
	}
	major, _, _ := strings.Cut(strings.TrimPrefix(ver, "v"), ".")
	switch major {
	case "2":
		if mf.Artifact != nil || mf.Prompts != nil || mf.Resources != nil || mf.Templates != nil {
			return nil, errors.New("import mcptrust lockfile: version 2 has only tools; artifact, prompts and resources need version 3")
		}
	case "3":
	default:
		return nil, fmt.Errorf("import mcptrust lockfile: version %q not supported (ward reads MCPTrust versions 2 and 3)", ver)
	}
	if mf.Tools == nil {
		return nil, errors.New(`import mcptrust lockfile: missing "tools"`)
	}
	name := mcptrustServerName(mf.ServerCommand)
	s := &Server{
		Info:              ServerInfo{Name: name},
		Source:            Source{CommandLine: mf.ServerCommand},
		ImportedFrom:      "mcptrust v" + major,
		Tools:             map[string]*Entry{},
		Prompts:           map[string]*Entry{},
		Resources:         map[string]*Entry{},
		ResourceTemplates: map[string]*Entry{},
		cache:             new(indexCache),
	}
	if a := mf.Artifact; a != nil {
		s.Artifact = &Artifact{Type: a.Type, Name: a.Name, Version: a.Version, Integrity: a.Integrity, Digest: a.Digest}
	}
	var err error
	norm := func(h string) string {
		if err != nil || h == "" {
			return ""
		}
		var n string
		n, err = normaliseMCPTrustHash(h)
		return n
	}
	for k, t := range mf.Tools {
		s.Tools[k] = &Entry{MCPTrust: &MCPTrustPin{DescriptionHash: norm(t.DescriptionHash), InputSchemaHash: norm(t.InputSchemaHash), RiskLevel: strings.ToUpper(t.RiskLevel)}}
	}
	for k, p := range mf.Prompts {
		s.Prompts[k] = &Entry{MCPTrust: &MCPTrustPin{DescriptionHash: norm(p.DescriptionHash), ArgumentsHash: norm(p.ArgumentsHash)}}
	}
	for k, r := range mf.Resources {
		s.Resources[k] = &Entry{MCPTrust: &MCPTrustPin{DescriptionHash: norm(r.DescriptionHash), Name: r.Name, MIMEType: r.MIMEType}}
	}
	for k, r := range mf.Templates {
		s.ResourceTemplates[k] = &Entry{MCPTrust: &MCPTrustPin{DescriptionHash: norm(r.DescriptionHash), Name: r.Name, MIMEType: r.MIMEType}}
	}
	if err != nil {
		return nil, fmt.Errorf("import mcptrust lockfile: %w", err)
	}
	f := &File{Version: FormatVersion, Servers: map[string]*Server{name: s}}
	if err := f.Validate(); err != nil {
		return nil, fmt.Errorf("import mcptrust lockfile: %w", err)
	}
	return f, nil
}

// normaliseMCPTrustHash accepts "sha256:<hex>" or bare hex, any case.
func normaliseMCPTrustHash(h string) (string, error) {
	hexPart := strings.TrimPrefix(strings.ToLower(h), hashPrefix)
	if !validHash(hashPrefix + hexPart) {
		return "", fmt.Errorf("hash %q is not a sha256 hex digest", h)
	}
	return hashPrefix + hexPart, nil
}

// mcptrustServerName derives a lock name from an MCPTrust server_command:
// the last path element of the first package-looking word, without its
// version ("npx -y @modelcontextprotocol/server-filesystem@1.0 /srv" →
// "server-filesystem"). The words are used for naming only, never as argv.
func mcptrustServerName(cmd string) string {
	words := strings.Fields(cmd)
	pick := ""
	for _, w := range words {
		if strings.HasPrefix(w, "-") {
			continue
		}
		if strings.HasPrefix(w, "@") || strings.Contains(w, "server") || strings.Contains(w, "mcp") {
			pick = w
			break
		}
	}
	if pick == "" && len(words) > 0 {
		pick = words[0]
	}
	if at := strings.LastIndex(pick, "@"); at > 0 {
		pick = pick[:at]
	}
	pick = path.Base(pick)
	if pick == "" || pick == "." || pick == "/" {
		return "mcptrust"
	}
	return pick
}
