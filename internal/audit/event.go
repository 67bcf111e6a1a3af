// Package audit records every decision ward makes in a tamper-evident trail.
//
// An Event is one decision, in a documented and versioned schema
// (docs/audit.md). A Store keeps events in append order and links each one to
// the previous one by a SHA-256 hash chain; a Writer sits in front of a Store so
// that the relay only pays for a queue push, and signs checkpoints of the chain
// with the audit key. Verify walks a store and names every record that was
// modified, removed, inserted or reordered, and a tail cut after a checkpoint.
package audit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/ward-mcp/ward/internal/jsonrpc"
)

// SchemaVersion is the version of the Event schema written by this ward.
// A reader refuses events with a version it does not know.
const SchemaVersion = 1

// Direction says which way the message that was decided on travelled.
type Direction string

// Directions of a message through the relay.
const (
	HostToServer Direction = "host->server"
	ServerToHost Direction = "server->host"
)

// Kind is the kind of MCP object a message is about.
type Kind string

// Kinds of MCP objects.
const (
	KindTool     Kind = "tool"
	KindPrompt   Kind = "prompt"
	KindResource Kind = "resource"
)

// Decision is what ward did with a message.
type Decision string

// Decisions. The would- forms are recorded in audit-only and filter-only
// modes, where what enforcement would have refused or hidden is let through.
const (
	// Allow: the message passed.
	Allow Decision = "allow"
	// Deny: a request was refused with a JSON-RPC error naming the rule.
	Deny Decision = "deny"
	// Redact: the message passed with parts masked.
	Redact Decision = "redact"
	// WouldDeny: Deny, not enforced.
	WouldDeny Decision = "would-deny"
	// Hide: an item was removed from a list response.
	Hide Decision = "hide"
	// WouldHide: Hide, not enforced.
	WouldHide Decision = "would-hide"
	// Drop: a message was discarded (a response nobody asked for, a duplicate).
	Drop Decision = "drop"
	// Errored: the relay answered with an error of its own (bad input, server gone).
	Errored Decision = "error"
	// TimedOut: a request got no answer in time and the relay answered it.
	TimedOut Decision = "timeout"
)

// Valid reports whether d is one of the decisions above.
func (d Decision) Valid() bool {
	switch d {
	case Allow, Deny, Redact, WouldDeny, Hide, WouldHide, Drop, Errored, TimedOut:
		return true
	}
	return false
}

// Mode is the enforcement mode ward ran in when it decided.
type Mode string

// Enforcement modes.
const (
	ModeEnforce    Mode = "enforce"
	ModeFilterOnly Mode = "filter-only"
	ModeAuditOnly  Mode = "audit-only"
)

// Client identifies the MCP host, as it announced itself in initialize.
type Client struct {
	// Name is the clientInfo name.
	Name string `json:"name,omitempty"`
	// Version is the clientInfo version.
	Version string `json:"version,omitempty"`
}

// Event is one decision of the relay. The JSON form is the stored form and the
// schema documented in docs/audit.md; field order is part of it, because the
// hash chain covers the canonical (RFC 8785) bytes of that form.
//
// Seq, PrevHash and Hash are assigned by the Store on Append; a caller leaves
// them empty.
type Event struct {
	// Schema is the schema version, SchemaVersion when written by this ward.
	Schema int `json:"schema"`
	// Seq is the position of the event in its store, starting at 1.
	Seq uint64 `json:"seq"`
	// Time is when the decision was made, in UTC.
	Time time.Time `json:"time"`
	// Session identifies the relay session (one host connection).
	Session string `json:"session,omitempty"`
	// Server is the name of the upstream MCP server.
	Server string `json:"server,omitempty"`
	// Host is the machine or gateway replica that made the decision.
	Host string `json:"host,omitempty"`
	// Client is the MCP host's self-description.
	Client Client `json:"client,omitzero"`
	// Direction is the direction of the message.
	Direction Direction `json:"direction,omitempty"`
	// Method is the JSON-RPC method, such as "tools/call".
	Method string `json:"method,omitempty"`
	// Kind is the kind of object the message named, if any.
	Kind Kind `json:"kind,omitempty"`
	// Name is the tool or prompt name or the resource URI.
	Name string `json:"name,omitempty"`
	// Decision is what ward did.
	Decision Decision `json:"decision"`
	// Mode is the enforcement mode.
	Mode Mode `json:"mode,omitempty"`
	// RuleIDs are the ids of the rules that decided, in order.
	RuleIDs []string `json:"rule_ids,omitempty"`
	// Reasons say why, one sentence per rule.
	Reasons []string `json:"reasons,omitempty"`
	// Latency is the time ward spent deciding, in nanoseconds in JSON.
	Latency time.Duration `json:"latency_ns,omitempty"`
	// WardVersion is the version of the ward that decided.
	WardVersion string `json:"ward_version,omitempty"`
	// Arguments are the call's arguments as reduced by the caller according to
	// audit.arguments (none, redacted, full); see ReduceArguments.
	Arguments json.RawMessage `json:"arguments,omitempty"`
	// PrevHash is the hex SHA-256 of the previous event, or 64 zeros for the first.
	PrevHash string `json:"prev_hash,omitempty"`
	// Hash is the hex SHA-256 of PrevHash's bytes followed by the canonical
	// bytes of this event without PrevHash and Hash.
	Hash string `json:"hash,omitempty"`
}

// Validate reports whether e can be appended: a known schema and decision,
// a time JSON can carry, and arguments that are JSON.
func (e *Event) Validate() error {
	if e.Schema != 0 && e.Schema != SchemaVersion {
		return fmt.Errorf("audit event: unknown schema version %d", e.Schema)
	}
	if !e.Decision.Valid() {
		return fmt.Errorf("audit event: unknown decision %q", e.Decision)
	}
	if y := e.Time.Year(); !e.Time.IsZero() && (y < 0 || y > 9999) {
		return fmt.Errorf("audit event: time %v outside years 0-9999", e.Time)
	}
	if len(e.Arguments) > 0 && !jsonrpc.Valid(e.Arguments) {
		return fmt.Errorf("audit event: arguments are not valid JSON")
	}
	return nil
}

// Marshal returns v (an Event or a record holding one) in the stored JSON
// form: one line, fields in schema order, no HTML escaping (so "->" stays
// readable), no trailing newline.
func Marshal(v any) ([]byte, error) {
	if e, ok := v.(*Event); ok {
		return AppendStored(nil, e)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// UnmarshalStored decodes an event stored in Marshal's form, strictly:
// unknown fields are refused, and the bytes must be exactly what Marshal
// writes, so that no edit (not even a key's case, which encoding/json
// ignores) goes unnoticed.
func UnmarshalStored(line []byte) (Event, error) {
	var e Event
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		return e, err
	}
	if dec.More() {
		return e, errors.New("trailing data after the event")
	}
	if e.Schema != SchemaVersion {
		return e, fmt.Errorf("unknown schema version %d", e.Schema)
	}
	again, err := Marshal(&e)
	if err != nil {
		return e, err
	}
	if !bytes.Equal(again, line) && !bytes.Equal(again, unescapeReplacement(line)) {
		return e, errors.New("record is not in ward's encoding: it was edited")
	}
	return e, nil
}

// unescapeReplacement returns line with its \ufffd escapes written as the
// character U+FFFD, or nil if it has none. Before Seal replaced bytes that
// are not UTF-8, such bytes were stored as \ufffd escapes, which read back
// as U+FFFD, which the stored form writes as it is: such a record is ward's
// encoding of the same event (the same hash), not an edit.
func unescapeReplacement(line []byte) []byte {
	const esc = `\ufffd`
	if !bytes.Contains(line, []byte(esc)) {
		return nil
	}
	out := make([]byte, 0, len(line))
	for i := 0; i < len(line); i++ {
		c := line[i]
		if c != '\\' || i+1 >= len(line) {
			out = append(out, c)
			continue
		}
		if bytes.HasPrefix(line[i:], []byte(esc)) {
			out = append(out, "\uFFFD"...)
			i += len(esc) - 1
			continue
		}
		out = append(out, c, line[i+1]) // another escape, such as \\
		i++
	}
	return out
}
