package lockfile

import (
	"encoding/json"
	"fmt"
)

// Status is the outcome of checking one live item against a lock.
type Status int

// The outcomes of [Server.CheckTool] and its siblings. Only Locked lets an
// item through.
const (
	// Invalid: the item could not be read (malformed, no name); it is
	// treated like a changed item and hidden.
	Invalid Status = iota
	// Locked: the item is in the lock with the same definition.
	Locked
	// NotLocked: the lock has no item of that name.
	NotLocked
	// Changed: the lock has an item of that name with another definition.
	Changed
)

// String returns the status as a lower-case word.
func (st Status) String() string {
	switch st {
	case Locked:
		return "locked"
	case NotLocked:
		return "not-locked"
	case Changed:
		return "changed"
	default:
		return "invalid"
	}
}

// MarshalText encodes the status as its String form, for logs and JSON.
func (st Status) MarshalText() ([]byte, error) { return []byte(st.String()), nil }

// Verdict is the result of checking one live item against a lock.
type Verdict struct {
	// Status is the outcome.
	Status Status
	// Item is the kind of item checked.
	Item Item
	// Name is the item's name (for resources its URI, for templates its URI
	// template); empty when the item could not be read.
	Name string
	// LockedHash is the hash the lock holds (for an MCPTrust entry, the pair
	// of MCPTrust hashes); empty when not locked.
	LockedHash string
	// LiveHash is the hash of the live definition, computed the way
	// LockedHash was.
	LiveHash string
	// Reason explains a verdict other than Locked in one sentence that names
	// both hashes when they differ.
	Reason string
}

// Allowed reports whether the item may be shown and used.
func (v Verdict) Allowed() bool { return v.Status == Locked }

// CheckTool checks one item of a live tools/list result against the lock.
// It canonicalises and hashes the item once; it is safe for concurrent use.
func (s *Server) CheckTool(raw json.RawMessage) Verdict { return s.check(toolSpec, raw) }

// CheckPrompt checks one item of a live prompts/list result.
func (s *Server) CheckPrompt(raw json.RawMessage) Verdict { return s.check(promptSpec, raw) }

// CheckResource checks one item of a live resources/list result.
func (s *Server) CheckResource(raw json.RawMessage) Verdict { return s.check(resourceSpec, raw) }

// CheckTemplate checks one item of a live resources/templates/list result.
func (s *Server) CheckTemplate(raw json.RawMessage) Verdict { return s.check(templateSpec, raw) }

func (s *Server) check(spec *itemSpec, raw []byte) Verdict {
	v := Verdict{Item: spec.item}
	key, hash, err := itemHash(spec, raw)
	if err != nil {
		v.Status = Invalid
		v.Reason = fmt.Sprintf("%s could not be read: %v", spec.item, err)
		return v
	}
	v.Name, v.LiveHash = key, hash
	e, ok := s.entries(spec.item)[key]
	if !ok || e == nil {
		v.Status = NotLocked
		v.Reason = fmt.Sprintf("%s %q is not in the lockfile", spec.item, key)
		return v
	}
	if e.MCPTrust != nil {
		return s.checkMCPTrust(spec, raw, e, v)
	}
	v.LockedHash = e.Hash
	if e.Hash == hash {
		v.Status = Locked
		return v
	}
	v.Status = Changed
	v.Reason = fmt.Sprintf("%s %q changed since it was locked: locked %s, live %s", spec.item, key, e.Hash, hash)
	return v
}

func (s *Server) checkMCPTrust(spec *itemSpec, raw []byte, e *Entry, v Verdict) Verdict {
	live, err := mcptrustPinFor(spec.item, raw)
	if err != nil {
		v.Status = Invalid
		v.Reason = fmt.Sprintf("%s %q could not be hashed the MCPTrust way: %v", spec.item, v.Name, err)
		return v
	}
	v.LockedHash = e.MCPTrust.String()
	v.LiveHash = live.String()
	if e.MCPTrust.matches(live) {
		v.Status = Locked
		return v
	}
	v.Status = Changed
	v.Reason = fmt.Sprintf("%s %q changed since it was locked (MCPTrust hashes): locked %s, live %s", spec.item, v.Name, v.LockedHash, v.LiveHash)
	return v
}
