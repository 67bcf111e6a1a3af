// Package policy decides what ward lets through. It is pure: an Input (which
// server, which method, which tool, which arguments, which session) goes in, a
// Decision (allow, deny or redact, with the rule that decided and its reasons)
// comes out. The only I/O is loading a policy file (LoadFile), resolving
// symlinks through an injectable FS, and an opt-in DNS lookup through an
// injectable resolver. The same Engine serves ward proxy, ward inspect and the
// gateway.
//
// A rule that fails or panics yields a deny that names the rule, never an
// allow.
package policy

import (
	"encoding/json"
	"fmt"
)

// Action is what the engine decides for a message. Actions are ordered: a
// larger value is stricter, and the strictest finding wins.
type Action int

const (
	// Allow lets the message through unchanged.
	Allow Action = iota
	// Redact lets a rewritten message through (Decision.Rewritten).
	Redact
	// Deny refuses the message.
	Deny
)

// String returns the action's name as printed by ward inspect and the audit log.
func (a Action) String() string {
	switch a {
	case Allow:
		return "allow"
	case Redact:
		return "redact"
	case Deny:
		return "deny"
	}
	return fmt.Sprintf("action(%d)", int(a))
}

// MarshalText encodes the action as its name.
func (a Action) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// Severity grades a finding.
type Severity int

const (
	// SeverityInfo is informational.
	SeverityInfo Severity = iota
	// SeverityLow is a weak signal.
	SeverityLow
	// SeverityMedium is suspicious.
	SeverityMedium
	// SeverityHigh is very likely an attack.
	SeverityHigh
	// SeverityCritical is an attack on credentials, code execution or the host.
	SeverityCritical
)

var severityNames = [...]string{"info", "low", "medium", "high", "critical"}

// String returns the severity's name.
func (s Severity) String() string {
	if s >= 0 && int(s) < len(severityNames) {
		return severityNames[s]
	}
	return fmt.Sprintf("severity(%d)", int(s))
}

// MarshalText encodes the severity as its name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText decodes a severity name.
func (s *Severity) UnmarshalText(b []byte) error {
	for i, n := range severityNames {
		if n == string(b) {
			*s = Severity(i)
			return nil
		}
	}
	return fmt.Errorf("unknown severity %q (want one of info, low, medium, high, critical)", b)
}

// Direction says which way a message travels.
type Direction int

const (
	// ToServer is a message from the host to the server (a request).
	ToServer Direction = iota
	// ToHost is a message from the server to the host (a result or a list).
	ToHost
)

// Session holds facts about the session a message belongs to.
type Session struct {
	// ID is the session's identifier.
	ID string `json:"id,omitempty"`
	// ClientName and ClientVersion are from the host's initialize request.
	ClientName    string `json:"client_name,omitempty"`
	ClientVersion string `json:"client_version,omitempty"`
	// Counters are running counts kept by the caller (calls, denials, …).
	Counters map[string]int64 `json:"counters,omitempty"`
}

// Input is one message to decide on.
type Input struct {
	// Server is the name of the upstream server.
	Server string
	// Method is the JSON-RPC method: "tools/call", "prompts/get",
	// "resources/read", "tools/list", "initialize", …
	Method string
	// Direction is which way the message travels.
	Direction Direction
	// Name is the tool or prompt name, or the resource URI.
	Name string
	// Arguments are the raw arguments of tools/call or prompts/get. The engine
	// decodes them itself, keeping numbers as json.Number.
	Arguments json.RawMessage
	// Result is the raw result of a response to inspect (tools/call result,
	// resources/read contents, prompts/get messages).
	Result json.RawMessage
	// ValidJSON says that the caller's codec has checked that Arguments and
	// Result are valid JSON (as ward's relay does for every message), which
	// lets InspectResult answer a short result with nothing to detect from
	// its bytes alone (inspect.QuietJSON). Without it the engine checks.
	ValidJSON bool
	// Session holds facts about the session.
	Session Session
	// Identity is who is calling, once the gateway authenticates callers; nil
	// for now.
	Identity map[string]any
}

// Finding is one rule that fired.
type Finding struct {
	// RuleID names the rule, e.g. "fs.traversal".
	RuleID string `json:"rule"`
	// Category is the rule's family: filesystem, network, command, secrets,
	// poisoning, injection, custom, cel, engine.
	Category string `json:"category"`
	// Severity grades the finding.
	Severity Severity `json:"severity"`
	// Action is what this finding asks for after overrides: a rule set to
	// warn yields Allow.
	Action Action `json:"action"`
	// Reason says what was found, in words a user can act on.
	Reason string `json:"reason"`
	// Where is the location in the message, a JSON-pointer-like path such as
	// "/arguments/paths/1" or "/tools/3/inputSchema/properties/x".
	Where string `json:"where,omitempty"`
}

// Decision is the engine's answer for one message.
type Decision struct {
	// Action is the strictest action among the findings (Allow if none).
	Action Action `json:"action"`
	// RuleID, Category and Severity are those of the finding that decided.
	RuleID   string   `json:"rule,omitempty"`
	Category string   `json:"category,omitempty"`
	Severity Severity `json:"severity"`
	// Reasons explain the decision, the deciding finding's first.
	Reasons []string `json:"reasons,omitempty"`
	// Findings lists every rule that fired, including warnings.
	Findings []Finding `json:"findings,omitempty"`
	// Rewritten is the message to forward instead of the original when Action
	// is Redact.
	Rewritten json.RawMessage `json:"rewritten,omitempty"`
}

// ItemDecision is the decision for one item of a list (a tool or prompt
// definition). Deny means hide the item; Redact means forward Rewritten, the
// item with invisible characters stripped.
type ItemDecision struct {
	// Index is the item's position in the list.
	Index int `json:"index"`
	// Name is the item's name, when it has one.
	Name string `json:"name,omitempty"`
	Decision
}

// decide folds findings into a decision: the strictest action wins, ties
// broken by severity, then by order.
func decide(findings []Finding) Decision {
	d := Decision{Action: Allow, Findings: findings}
	if len(findings) == 0 {
		return d
	}
	best := -1
	for i, f := range findings {
		if best < 0 || f.Action > findings[best].Action ||
			(f.Action == findings[best].Action && f.Severity > findings[best].Severity) {
			best = i
		}
	}
	b := findings[best]
	d.Action = b.Action
	d.RuleID, d.Category, d.Severity = b.RuleID, b.Category, b.Severity
	d.Reasons = append(d.Reasons, b.Reason)
	for i, f := range findings {
		if i != best && f.Action != Allow {
			d.Reasons = append(d.Reasons, f.Reason)
		}
	}
	for i, f := range findings {
		if i != best && f.Action == Allow {
			d.Reasons = append(d.Reasons, "warning: "+f.Reason)
		}
	}
	return d
}
