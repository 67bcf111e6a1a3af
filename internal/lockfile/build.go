package lockfile

import (
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"
)

// Snapshot is what a scan of a live server produced. Each item is the raw
// JSON object exactly as the server sent it in its list result, all pages
// concatenated.
type Snapshot struct {
	// ServerInfo is the serverInfo of the initialize result.
	ServerInfo ServerInfo
	// ProtocolVersion is the negotiated protocol revision.
	ProtocolVersion string
	// Instructions is the initialize result's instructions.
	Instructions string
	// Capabilities is the initialize result's capabilities object.
	Capabilities json.RawMessage
	// Tools, Prompts, Resources and ResourceTemplates are the items of the
	// tools/list, prompts/list, resources/list and resources/templates/list
	// results.
	Tools, Prompts, Resources, ResourceTemplates []json.RawMessage
	// Source is how the server was started or reached.
	Source Source
	// Artifact optionally pins the package or binary the server runs from.
	Artifact *Artifact
}

// BuildOptions choose the subset of a server's tools to lock.
type BuildOptions struct {
	// Only, when non-empty, locks only the tools whose names match one of
	// these glob patterns (path.Match syntax: *, ?, [a-z]).
	Only []string
	// Exclude leaves out the tools whose names match one of these patterns.
	// Exclude wins over Only.
	Exclude []string
}

// Build records snap as the lock of a server named name. Every item is
// validated strictly and canonicalised; an item listed twice, a malformed
// item, a bad pattern or an Only pattern that matches no tool is an error.
// Tools left out by opts are simply absent from the lock (so they stay
// hidden at run time); the patterns are kept in Selection.
func Build(name string, snap *Snapshot, opts BuildOptions) (*Server, error) {
	return build(name, snap, opts, true)
}

// BuildLive locks a live snapshot for comparison with locked (Diff(locked,
// live)): the tools are filtered by locked's --only/--exclude selection,
// and the result carries that selection, so that tools left out on purpose
// are not reported as new. Unlike [Build], an Only pattern that matches no
// live tool is not an error: the tool it approved may have disappeared,
// which Diff reports as a removal.
func BuildLive(name string, snap *Snapshot, locked *Server) (*Server, error) {
	var opts BuildOptions
	if locked != nil && locked.Selection != nil {
		opts.Only, opts.Exclude = locked.Selection.Only, locked.Selection.Exclude
	}
	return build(name, snap, opts, false)
}

func build(name string, snap *Snapshot, opts BuildOptions, requireOnlyMatches bool) (*Server, error) {
	if name == "" {
		return nil, errors.New("build lock: empty server name")
	}
	if snap == nil {
		return nil, errors.New("build lock: nil snapshot")
	}
	if snap.ServerInfo.Name == "" {
		return nil, errors.New("build lock: the server reported no serverInfo.name")
	}
	if err := checkPatterns(opts.Only); err != nil {
		return nil, fmt.Errorf("build lock: %w", err)
	}
	if err := checkPatterns(opts.Exclude); err != nil {
		return nil, fmt.Errorf("build lock: %w", err)
	}
	s := &Server{
		Info:              snap.ServerInfo,
		Source:            cloneSource(snap.Source),
		ProtocolVersion:   snap.ProtocolVersion,
		Instructions:      snap.Instructions,
		Artifact:          snap.Artifact,
		Tools:             map[string]*Entry{},
		Prompts:           map[string]*Entry{},
		Resources:         map[string]*Entry{},
		ResourceTemplates: map[string]*Entry{},
		cache:             new(indexCache),
	}
	if len(opts.Only) > 0 || len(opts.Exclude) > 0 {
		s.Selection = &Selection{Only: sortedCopy(opts.Only), Exclude: sortedCopy(opts.Exclude)}
	}
	if len(snap.Capabilities) > 0 && string(snap.Capabilities) != "null" {
		c, err := Canonicalize(snap.Capabilities)
		if err != nil {
			return nil, fmt.Errorf("build lock: capabilities: %w", err)
		}
		if c[0] != '{' {
			return nil, errors.New("build lock: capabilities: not an object")
		}
		s.Capabilities = c
	}
	onlyUsed := make([]bool, len(opts.Only))
	add := func(spec *itemSpec, items []json.RawMessage, filter bool) error {
		into := s.entries(spec.item)
		seen := map[string]bool{}
		for i, raw := range items {
			key, canon, hash, err := canonicalItem(spec, raw)
			if err != nil {
				return fmt.Errorf("%s #%d: %w", spec.item, i, err)
			}
			if seen[key] {
				return fmt.Errorf("%s %q listed twice", spec.item, key)
			}
			seen[key] = true
			if filter && !selectTool(key, opts.Only, opts.Exclude, onlyUsed) {
				continue
			}
			into[key] = &Entry{Hash: hash, Definition: canon}
		}
		return nil
	}
	if err := add(toolSpec, snap.Tools, true); err != nil {
		return nil, fmt.Errorf("build lock: %w", err)
	}
	if err := add(promptSpec, snap.Prompts, false); err != nil {
		return nil, fmt.Errorf("build lock: %w", err)
	}
	if err := add(resourceSpec, snap.Resources, false); err != nil {
		return nil, fmt.Errorf("build lock: %w", err)
	}
	if err := add(templateSpec, snap.ResourceTemplates, false); err != nil {
		return nil, fmt.Errorf("build lock: %w", err)
	}
	for i, used := range onlyUsed {
		if !used && requireOnlyMatches {
			return nil, fmt.Errorf("build lock: --only pattern %q matches no tool", opts.Only[i])
		}
	}
	// The entries were canonicalised and hashed just above.
	if err := s.validateHeader(); err != nil {
		return nil, fmt.Errorf("build lock: %w", err)
	}
	return s, nil
}

// Selected reports whether a tool named name is inside the server's
// selection (always true when the lock was made without --only/--exclude).
func (s *Server) Selected(name string) bool {
	if s.Selection == nil {
		return true
	}
	return selectTool(name, s.Selection.Only, s.Selection.Exclude, nil)
}

// selectTool applies Only and Exclude to a tool name, marking which Only
// patterns matched.
func selectTool(name string, only, exclude []string, onlyUsed []bool) bool {
	for _, p := range exclude {
		if ok, _ := path.Match(p, name); ok {
			return false
		}
	}
	if len(only) == 0 {
		return true
	}
	in := false
	for i, p := range only {
		if ok, _ := path.Match(p, name); ok {
			in = true
			if onlyUsed != nil {
				onlyUsed[i] = true
			}
		}
	}
	return in
}

func checkPatterns(pats []string) error {
	for _, p := range pats {
		if strings.TrimSpace(p) == "" {
			return errors.New("empty tool pattern")
		}
		if _, err := path.Match(p, ""); err != nil {
			return fmt.Errorf("tool pattern %q: %w", p, err)
		}
	}
	return nil
}

func sortedCopy(in []string) []string {
	if len(in) == 0 {
		return nil
	}
	out := slices.Clone(in)
	slices.Sort(out)
	// --only a,a and --only a lock the same bytes.
	return slices.Compact(out)
}

func cloneSource(src Source) Source {
	if src.Command != nil {
		src.Command = append([]string(nil), src.Command...)
	}
	return src
}
