package lockfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"sync"
)

// FormatVersion is the lockfile format this package reads and writes.
const FormatVersion = 1

// MaxFileSize bounds the size of a lockfile [Load] and [Parse] accept.
const MaxFileSize = 64 << 20

// DefaultFileName is the lockfile's conventional name.
const DefaultFileName = "mcp-lock.json"

// Errors callers may branch on.
var (
	// ErrHashMismatch means a stored definition does not hash to the hash
	// stored beside it: the file was edited by hand or tampered with.
	ErrHashMismatch = errors.New("definition does not match its hash")
	// ErrUnsupportedVersion means the file is a ward lockfile of a format
	// version this build does not read.
	ErrUnsupportedVersion = errors.New("unsupported lockfile version")
)

// File is a whole lockfile: a format version and the locked servers keyed by
// a name the user chose (by default the server's own name).
type File struct {
	// Version is the format version, [FormatVersion] for files ward writes.
	Version int `json:"lockfileVersion"`
	// Servers maps a server's lock name to its lock.
	Servers map[string]*Server `json:"servers"`
}

// NewFile returns an empty lockfile of the current format.
func NewFile() *File {
	return &File{Version: FormatVersion, Servers: map[string]*Server{}}
}

// Server is the lock of one MCP server: who it is, how it was started, and
// every definition it exposed when it was locked.
//
// A Server returned by [Build], [Parse] or [ImportMCPTrust] must be treated
// as read-only: the checks cache an index of its resources and templates.
type Server struct {
	// Info is the serverInfo the server reported in its initialize result.
	Info ServerInfo `json:"serverInfo"`
	// Source records how the server was started.
	Source Source `json:"source"`
	// ProtocolVersion is the MCP revision negotiated when the lock was made.
	ProtocolVersion string `json:"protocolVersion,omitempty"`
	// Instructions is the server's instructions text (it reaches the model,
	// so a change is worth a review).
	Instructions string `json:"instructions,omitempty"`
	// Capabilities is the server's capabilities object, canonical.
	Capabilities json.RawMessage `json:"capabilities,omitempty"`
	// Artifact optionally pins the package or binary the server runs from.
	Artifact *Artifact `json:"artifact,omitempty"`
	// Selection records the --only/--exclude patterns the tools were locked
	// with, so that later diffs know which new tools were left out on purpose.
	Selection *Selection `json:"selection,omitempty"`
	// ImportedFrom names the tool and format a lock was converted from
	// ("mcptrust v3"); empty for locks ward made itself.
	ImportedFrom string `json:"importedFrom,omitempty"`
	// Tools maps a tool name to its entry.
	Tools map[string]*Entry `json:"tools"`
	// Prompts maps a prompt name to its entry.
	Prompts map[string]*Entry `json:"prompts"`
	// Resources maps a resource URI to its entry.
	Resources map[string]*Entry `json:"resources"`
	// ResourceTemplates maps a URI template to its entry.
	ResourceTemplates map[string]*Entry `json:"resourceTemplates"`

	cache *indexCache
}

// ServerInfo is the identity a server reports in its initialize result.
type ServerInfo struct {
	// Name is the server's programmatic name; MCP requires it.
	Name string `json:"name"`
	// Version is the server's own version string.
	Version string `json:"version,omitempty"`
	// Title is the server's display name.
	Title string `json:"title,omitempty"`
}

// Source records how a server was reached. At most one field is set.
type Source struct {
	// Command is the argv a stdio server was started with, never re-split.
	Command []string `json:"command,omitempty"`
	// URL is the endpoint of a remote server.
	URL string `json:"url,omitempty"`
	// CommandLine is a command that another tool recorded as one string
	// (MCPTrust's server_command). ward keeps it for reference and never
	// splits it into argv.
	CommandLine string `json:"commandLine,omitempty"`
}

// Artifact pins what a server runs from.
type Artifact struct {
	// Type is "npm", "pypi", "oci" or "binary".
	Type string `json:"type"`
	// Name is the package or image name.
	Name string `json:"name,omitempty"`
	// Version is the package version or image tag.
	Version string `json:"version,omitempty"`
	// Integrity is a package registry integrity string (npm "sha512-...").
	Integrity string `json:"integrity,omitempty"`
	// Digest is an image digest or a binary's "sha256:" hash.
	Digest string `json:"digest,omitempty"`
}

// Selection is the subset of a server's tools its owner approved.
type Selection struct {
	// Only lists glob patterns; when non-empty, only matching tools are locked.
	Only []string `json:"only,omitempty"`
	// Exclude lists glob patterns of tools that are never locked.
	Exclude []string `json:"exclude,omitempty"`
}

// Entry is one locked tool, prompt, resource or template.
//
// An entry ward made holds Definition, the item projected on its hashed
// fields in RFC 8785 canonical form, and Hash, "sha256:" of those bytes. An
// entry imported from MCPTrust holds only the hashes MCPTrust stored
// (MCPTrust): ward cannot reconstruct a definition from them and does not
// pretend to.
type Entry struct {
	// Hash is "sha256:<hex>" of the canonical Definition.
	Hash string `json:"hash,omitempty"`
	// Definition is the canonical definition.
	Definition json.RawMessage `json:"definition,omitempty"`
	// MCPTrust holds the hashes of an entry imported from an MCPTrust lock.
	MCPTrust *MCPTrustPin `json:"mcptrust,omitempty"`
}

// Imported reports whether e came from an MCPTrust lock and so carries
// hashes without a definition.
func (e *Entry) Imported() bool { return e != nil && e.MCPTrust != nil }

// entries returns the map of s that holds items of kind it.
func (s *Server) entries(it Item) map[string]*Entry {
	switch it {
	case ItemTool:
		return s.Tools
	case ItemPrompt:
		return s.Prompts
	case ItemResource:
		return s.Resources
	case ItemTemplate:
		return s.ResourceTemplates
	}
	return nil
}

// Load reads and parses the lockfile at path (see [Parse]).
func Load(path string) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load lockfile: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("load lockfile %s: %w", path, err)
	}
	lf, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("load lockfile %s: %w", path, err)
	}
	return lf, nil
}

// Format names a lockfile format [DetectFormat] recognises.
type Format string

// The formats [DetectFormat] recognises.
const (
	FormatUnknown  Format = ""
	FormatWard     Format = "ward"
	FormatMCPTrust Format = "mcptrust"
)

// DetectFormat tells a ward lockfile from an MCPTrust one by its top-level
// keys. It does not validate the file.
func DetectFormat(data []byte) Format {
	var top map[string]json.RawMessage
	if json.Unmarshal(data, &top) != nil {
		return FormatUnknown
	}
	if _, ok := top["lockfileVersion"]; ok {
		return FormatWard
	}
	_, hasCmd := top["server_command"]
	_, hasVer := top["version"]
	_, hasLVer := top["lockfile_version"]
	_, hasTools := top["tools"]
	if hasCmd || ((hasVer || hasLVer) && hasTools) {
		return FormatMCPTrust
	}
	return FormatUnknown
}

// Parse decodes a lockfile strictly: duplicate keys, unknown fields, a
// format version other than [FormatVersion], a definition that does not
// match its hash or its key, and fields outside the hashed set are errors.
// An MCPTrust lockfile is recognised and imported with [ImportMCPTrust].
func Parse(data []byte) (*File, error) {
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("lockfile larger than %d bytes", MaxFileSize)
	}
	if err := checkStrictDepth(data, fileDepth); err != nil {
		return nil, fmt.Errorf("parse lockfile: %w", err)
	}
	switch DetectFormat(data) {
	case FormatMCPTrust:
		return ImportMCPTrust(data)
	case FormatWard:
	default:
		return nil, errors.New("parse lockfile: not a ward or MCPTrust lockfile (no \"lockfileVersion\")")
	}
	var probe struct {
		Version json.RawMessage `json:"lockfileVersion"`
	}
	_ = json.Unmarshal(data, &probe)
	if string(probe.Version) != fmt.Sprint(FormatVersion) {
		return nil, fmt.Errorf("parse lockfile: %w %s (this ward reads version %d)", ErrUnsupportedVersion, probe.Version, FormatVersion)
	}
	if err := checkExactKeys(decodeAny(data), reflect.TypeFor[File](), ""); err != nil {
		return nil, fmt.Errorf("parse lockfile: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var f File
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("parse lockfile: %w", err)
	}
	if err := f.Validate(); err != nil {
		return nil, fmt.Errorf("parse lockfile: %w", err)
	}
	for _, s := range f.Servers {
		s.cache = new(indexCache)
	}
	return &f, nil
}

// Validate checks f as [Parse] does: version, server names, and for every
// entry its key, its hash and that its definition hashes to it.
func (f *File) Validate() error {
	if f.Version != FormatVersion {
		return fmt.Errorf("%w %d (this ward reads version %d)", ErrUnsupportedVersion, f.Version, FormatVersion)
	}
	if f.Servers == nil {
		return errors.New(`missing "servers"`)
	}
	for name, s := range f.Servers {
		if name == "" {
			return errors.New("server with an empty name")
		}
		if s == nil {
			return fmt.Errorf("server %q: null", name)
		}
		if err := s.validate(); err != nil {
			return fmt.Errorf("server %q: %w", name, err)
		}
	}
	return nil
}

func (s *Server) validate() error {
	if err := s.validateHeader(); err != nil {
		return err
	}
	for _, spec := range []*itemSpec{toolSpec, promptSpec, resourceSpec, templateSpec} {
		for key, e := range s.entries(spec.item) {
			if err := e.validate(spec, key); err != nil {
				return fmt.Errorf("%s %q: %w", spec.item, key, err)
			}
		}
	}
	return nil
}

// validateHeader checks everything but the entries.
func (s *Server) validateHeader() error {
	if s.Info.Name == "" {
		return errors.New("serverInfo.name is empty")
	}
	if s.Tools == nil || s.Prompts == nil || s.Resources == nil || s.ResourceTemplates == nil {
		return errors.New(`"tools", "prompts", "resources" and "resourceTemplates" are required`)
	}
	set := 0
	if len(s.Source.Command) > 0 {
		set++
	}
	if s.Source.URL != "" {
		set++
	}
	if s.Source.CommandLine != "" {
		set++
	}
	if set > 1 {
		return errors.New("source: set only one of command, url and commandLine")
	}
	if len(s.Capabilities) > 0 {
		c, err := Canonicalize(s.Capabilities)
		if err != nil {
			return fmt.Errorf("capabilities: %w", err)
		}
		if !bytes.HasPrefix(c, []byte("{")) {
			return errors.New("capabilities: not an object")
		}
	}
	if s.Artifact != nil && s.Artifact.Type == "" {
		return errors.New("artifact: missing type")
	}
	if s.Selection != nil {
		if err := checkPatterns(s.Selection.Only); err != nil {
			return err
		}
		if err := checkPatterns(s.Selection.Exclude); err != nil {
			return err
		}
	}
	return nil
}

func (e *Entry) validate(spec *itemSpec, key string) error {
	if e == nil {
		return errors.New("null entry")
	}
	if key == "" {
		return errors.New("empty key")
	}
	if e.MCPTrust != nil {
		if e.Hash != "" || len(e.Definition) > 0 {
			return errors.New("an imported entry holds MCPTrust hashes only")
		}
		return e.MCPTrust.validate()
	}
	if !validHash(e.Hash) {
		return fmt.Errorf("hash %q is not \"sha256:\" and 64 lower-case hex digits", e.Hash)
	}
	if len(e.Definition) == 0 {
		return errors.New("missing definition")
	}
	members, err := strictObject(e.Definition)
	if err != nil {
		return fmt.Errorf("definition: %w", err)
	}
	for _, m := range members {
		if !contains(spec.fields, m.key) {
			return fmt.Errorf("definition: field %q is not part of a locked %s", m.key, spec.item)
		}
	}
	got, canon, hash, err := canonicalItem(spec, e.Definition)
	if err != nil {
		return err
	}
	// The hash covers the canonical form, and so does a signature: a
	// definition written otherwise (1.0 for 1, keys reordered, escapes)
	// would hash and verify the same while readers that keep numbers as
	// written (policy check's CEL, diff) see something else.
	var compact bytes.Buffer
	if err := json.Compact(&compact, e.Definition); err != nil || !bytes.Equal(compact.Bytes(), canon) {
		return errors.New("definition is not in canonical form (RFC 8785, as ward lock writes it)")
	}
	if got != key {
		return fmt.Errorf("definition names %q, not its key", got)
	}
	if hash != e.Hash {
		return fmt.Errorf("%w: stored %s, computed %s", ErrHashMismatch, e.Hash, hash)
	}
	return nil
}

// Marshal encodes f deterministically: fixed field order, map keys sorted,
// definitions in canonical key order, two-space indentation, no HTML
// escaping, a trailing newline. Identical locks give identical bytes. f is
// validated first.
func Marshal(f *File) ([]byte, error) {
	if err := f.Validate(); err != nil {
		return nil, fmt.Errorf("marshal lockfile: %w", err)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(f); err != nil {
		return nil, fmt.Errorf("marshal lockfile: %w", err)
	}
	return buf.Bytes(), nil
}

// Save writes f to path atomically (a temporary file in the same directory,
// then a rename), so a reader never sees half a lockfile.
func Save(path string, f *File) error {
	data, err := Marshal(f)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("save lockfile: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("save lockfile: %w", err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("save lockfile: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("save lockfile: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("save lockfile: %w", err)
	}
	return nil
}

// indexCache holds the lazily built resource index of a Server.
type indexCache struct {
	once sync.Once
	idx  *resourceIndex
}

// index returns the resource index of s, building it once.
func (s *Server) index() *resourceIndex {
	if s.cache == nil {
		// A Server built by hand rather than by Build, Parse or
		// ImportMCPTrust: correct, just not cached.
		return buildResourceIndex(s)
	}
	s.cache.once.Do(func() { s.cache.idx = buildResourceIndex(s) })
	return s.cache.idx
}
