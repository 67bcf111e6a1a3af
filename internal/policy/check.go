package policy

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// Check is the outcome of a one-off inspection (ward inspect, and later
// POST /v1/inspect): a decision for a call or a result, or one decision per
// item of a list.
type Check struct {
	// Kind is "call", "result", "definitions", "instructions" or
	// "server-request" (sampling/createMessage, elicitation/create).
	Kind string `json:"kind"`
	// Method is the JSON-RPC method the message belongs to, when known.
	Method string `json:"method,omitempty"`
	// Decision is the overall decision (for lists: the strictest item's).
	Decision Decision `json:"decision"`
	// Items are the per-item decisions of a list.
	Items []ItemDecision `json:"items,omitempty"`
}

// Denied reports whether the message (or any item of a list) is refused.
func (c *Check) Denied() bool { return c.Decision.Action == Deny }

// CheckCall decides on one request given by its parts.
func (e *Engine) CheckCall(ctx context.Context, server, method, name string, args json.RawMessage) *Check {
	d := e.EvaluateCall(ctx, &Input{Server: server, Method: method, Direction: ToServer, Name: name, Arguments: args})
	return &Check{Kind: "call", Method: method, Decision: d}
}

// rpcMessage is the part of a JSON-RPC message CheckMessage reads.
type rpcMessage struct {
	JSONRPC string          `json:"jsonrpc"`
	Method  string          `json:"method"`
	Params  json.RawMessage `json:"params"`
	Result  json.RawMessage `json:"result"`
	Error   json.RawMessage `json:"error"`
}

// errNotInspectable is returned for messages that carry nothing to decide on.
var errNotInspectable = errors.New("message carries no call, result or list to inspect")

// CheckMessage decides on one JSON-RPC message: a request (tools/call,
// prompts/get, resources/read, or any other method with params; a
// server's sampling/createMessage or elicitation/create), or a
// response whose result is a tools/prompts list, initialize instructions,
// or content (tools/call, resources/read, prompts/get results).
func (e *Engine) CheckMessage(ctx context.Context, server string, raw []byte) (*Check, error) {
	var m rpcMessage
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("read JSON-RPC message: %w", err)
	}
	if m.JSONRPC != "2.0" {
		return nil, errors.New(`read JSON-RPC message: "jsonrpc" is not "2.0"`)
	}
	if m.Method == MethodSampling || m.Method == MethodElicitation {
		// A request from the server to the host.
		return &Check{Kind: "server-request", Method: m.Method, Decision: e.InspectServerRequest(ctx, &Input{Server: server, Method: m.Method, Direction: ToHost, Result: m.Params})}, nil
	}
	if m.Method != "" {
		var p struct {
			Name      string          `json:"name"`
			URI       string          `json:"uri"`
			Arguments json.RawMessage `json:"arguments"`
		}
		if len(m.Params) > 0 {
			if err := json.Unmarshal(m.Params, &p); err != nil {
				return nil, fmt.Errorf("read %s params: %w", m.Method, err)
			}
		}
		name := p.Name
		if m.Method == "resources/read" {
			name = p.URI
		}
		return e.CheckCall(ctx, server, m.Method, name, p.Arguments), nil
	}
	if len(m.Result) == 0 {
		return nil, errNotInspectable
	}
	var r struct {
		Tools        []json.RawMessage `json:"tools"`
		Prompts      []json.RawMessage `json:"prompts"`
		Instructions *string           `json:"instructions"`
	}
	_ = json.Unmarshal(m.Result, &r)
	switch {
	case r.Tools != nil || r.Prompts != nil:
		items, kind := r.Tools, KindTool
		if r.Tools == nil {
			items, kind = r.Prompts, KindPrompt
		}
		ds := e.InspectDefinitions(ctx, server, kind, items)
		c := &Check{Kind: "definitions", Items: ds}
		var all []Finding
		for _, d := range ds {
			all = append(all, d.Findings...)
		}
		c.Decision = decide(all)
		return c, nil
	case r.Instructions != nil:
		return &Check{Kind: "instructions", Method: "initialize", Decision: e.InspectInstructions(ctx, server, *r.Instructions)}, nil
	}
	return &Check{Kind: "result", Decision: e.InspectResult(ctx, &Input{Server: server, Direction: ToHost, Result: m.Result})}, nil
}

// WriteText prints the check for a terminal: the verdict in capitals, the
// deciding rule, and every finding with its location.
func (c *Check) WriteText(w io.Writer) error {
	var b strings.Builder
	verdict := func(d Decision) string {
		switch d.Action {
		case Deny:
			if c.Kind == "definitions" {
				return "HIDE"
			}
			return "DENY"
		case Redact:
			return "REDACT"
		}
		return "ALLOW"
	}
	writeDecision := func(indent string, d Decision) {
		if d.RuleID != "" && d.Action != Allow {
			fmt.Fprintf(&b, "%srule: %s (%s, %s)\n", indent, d.RuleID, d.Category, d.Severity)
		}
		for _, f := range d.Findings {
			act := f.Action.String()
			if f.Action == Allow {
				act = "warn"
			}
			where := ""
			if f.Where != "" {
				where = " at " + f.Where
			}
			fmt.Fprintf(&b, "%s- [%s] %s%s: %s\n", indent, act, f.RuleID, where, f.Reason)
		}
	}
	if c.Kind == "definitions" {
		hidden := 0
		for _, it := range c.Items {
			if it.Action == Deny {
				hidden++
			}
		}
		fmt.Fprintf(&b, "%s: %d of %d definitions flagged\n", verdict(c.Decision), hidden, len(c.Items))
		for _, it := range c.Items {
			if len(it.Findings) == 0 {
				continue
			}
			fmt.Fprintf(&b, "%s %s\n", verdict(it.Decision), it.Name)
			writeDecision("  ", it.Decision)
		}
	} else {
		fmt.Fprintln(&b, verdict(c.Decision))
		writeDecision("", c.Decision)
		if c.Decision.Action == Redact && len(c.Decision.Rewritten) > 0 {
			fmt.Fprintf(&b, "rewritten: %s\n", c.Decision.Rewritten)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteJSON prints the check as indented JSON.
func (c *Check) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(c)
}

// InitFile writes the commented starter policy to name with projectRoot as
// its root. It refuses to overwrite an existing file.
func InitFile(name, projectRoot string) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("write policy: not overwriting %s: %w", name, os.ErrExist)
		}
		return fmt.Errorf("write policy: %w", err)
	}
	_, err = f.WriteString(strings.ReplaceAll(StarterPolicy, "PROJECT_ROOT", yamlQuote(projectRoot)))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write policy: %w", err)
	}
	return nil
}

// yamlQuote quotes s as a YAML double-quoted scalar when it needs it.
func yamlQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '/' || r == '-' || r == '_' || r == '.' || r == '~' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}) < 0 {
		return s
	}
	b, _ := json.Marshal(s)
	return string(b)
}

// Lint loads a policy file and builds an engine from it, reporting every
// problem with its line.
func Lint(name string) (*Config, error) {
	c, err := LoadFile(name)
	if err != nil {
		return nil, err
	}
	if _, err := New(c); err != nil {
		return nil, err
	}
	return c, nil
}
