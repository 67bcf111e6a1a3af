package policy

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/ward-mcp/ward/internal/inspect"
	"github.com/ward-mcp/ward/internal/jsonrpc"
)

// Besides answering the host, a server may send the host requests of its
// own. Two of them put the server's text before the model or the user:
//
//   - sampling/createMessage asks the host's model to complete a prompt
//     the server wrote (messages and a system prompt), may offer the model
//     tools, and may ask for the context of other servers to be added;
//   - elicitation/create shows the user a form to fill in, or a URL to
//     open.
//
// And the host's answer to a sampling request carries the model's reply
// to the server.

// Server request methods InspectServerRequest reads, and tasks/result,
// with which a server fetches the answer to one of them that the host
// ran as a task.
const (
	MethodSampling    = "sampling/createMessage"
	MethodElicitation = "elicitation/create"
	MethodTaskResult  = "tasks/result"
)

// InspectServerRequest inspects a request from the server to the host;
// in.Method is its method and in.Result its params.
//
// For sampling/createMessage the prompt (every string but the offered
// tools) is judged as a result is (results.injection, results.invisible,
// results.secrets), each offered tool as a tools/list item is, and asking
// for every server's context is sampling.context-all-servers. For
// elicitation/create, a form that asks for a credential is
// elicit.credential-request, a URL that could mislead is
// elicit.deceptive-url, and invisible characters and escapes anywhere are
// judged as in a result.
//
// Deny means answer the server with an error and show nothing; Redact
// means forward the request with Rewritten as its params. Other methods
// are allowed.
func (e *Engine) InspectServerRequest(ctx context.Context, in *Input) (d Decision) {
	defer func() {
		if r := recover(); r != nil {
			d = Decision{Action: Deny, RuleID: "engine.error", Category: "engine", Severity: SeverityHigh, Reasons: []string{fmt.Sprintf("server request inspection panicked: %v", r)}}
		}
	}()
	switch in.Method {
	case MethodSampling, MethodElicitation:
	default:
		return decide(nil)
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(in.Result, &members); err != nil || members == nil {
		return Decision{Action: Deny, RuleID: "engine.bad-arguments", Category: "engine", Severity: SeverityMedium,
			Reasons: []string{in.Method + " params are not a JSON object"}}
	}
	if in.Method == MethodSampling {
		return e.inspectSampling(ctx, in, members)
	}
	return e.inspectElicitation(ctx, in, members)
}

// inspectSampling inspects the params of a sampling request.
func (e *Engine) inspectSampling(ctx context.Context, in *Input, members map[string]json.RawMessage) Decision {
	set := e.settingsFor(in.Server)
	// The prompt: the tools' descriptions speak to the model by design and
	// are judged as definitions below, not as a result.
	prompt := in.Result
	tools, hasTools := members["tools"]
	if hasTools && string(tools) == "null" {
		hasTools = false // as a host reads it: no tools
	}
	if hasTools {
		rest := make(map[string]json.RawMessage, len(members))
		for k, v := range members {
			if k != "tools" {
				rest[k] = v
			}
		}
		prompt, _ = json.Marshal(rest)
	}
	sub := *in
	sub.Result = prompt
	pd := e.inspectContent(ctx, &sub, "the sampling request", true)
	if pd.Action == Deny && len(pd.Findings) == 0 {
		return pd // the engine failed
	}
	var offered []string
	if hasTools {
		jsonrpc.Elements(tools, func(item []byte) bool {
			if name, ok := jsonrpc.String(jsonrpc.Member(item, "name")); ok && name != "" {
				offered = append(offered, strings.ToLower(name))
			}
			return true
		})
	}
	c := &callCtx{callState: callState{ctx: ctx, set: set, server: in.Server}}
	var findings []Finding
	for _, f := range pd.Findings {
		if f.RuleID == "inject.instructions" && offeredTool(f.Reason, offered) {
			continue // the prompt tells the model to use a tool it offers: that is what the tools are for
		}
		findings = append(findings, f)
	}
	if set.packInjection {
		if r := resultActions(set); r.injOn {
			// A prompt that orders a tool the request does not offer
			// hopes the host will run one of its own: covert tool
			// invocation.
			_ = inspect.WalkStrings(prompt, func(s string, at *inspect.Path, isKey bool) {
				if isKey {
					return
				}
				if name, excerpt, ok := inspect.ToolOrder(s); ok && !slices.Contains(offered, name) {
					c.at = at
					c.contentFinding("inject.instructions", r.injAct, fmt.Sprintf("tells the model to call a tool the request does not offer (%s): %q", name, excerpt), "")
					c.at = nil
				}
			})
		}
	}
	if ic, ok := jsonrpc.String(members["includeContext"]); ok && ic == "allServers" {
		c.add("sampling.context-all-servers", "the server asks for the context of every connected server to be added to its prompt; the model's reply, which goes back to this server, would carry what other servers returned", "/includeContext")
	}
	stripTools := false
	if hasTools {
		var items []json.RawMessage
		if !jsonrpc.Elements(tools, func(item []byte) bool {
			items = append(items, item)
			return true
		}) {
			c.add("engine.bad-arguments", "the tools offered in the sampling request are not an array", "/tools")
		}
		for i, id := range e.InspectDefinitions(ctx, in.Server, KindTool, items) {
			stripTools = stripTools || id.Action == Redact
			for _, f := range id.Findings {
				f.Reason = fmt.Sprintf("tool %q offered to the model: %s", id.Name, f.Reason)
				f.Where = fmt.Sprintf("/tools/%d%s", i, f.Where)
				findings = append(findings, f)
			}
		}
	}
	d := decide(append(findings, c.findings...))
	if d.Action != Redact {
		return d
	}
	r := resultActions(set)
	rw, err := inspect.RewriteStrings(in.Result, func(s string, at *inspect.Path) (string, bool) {
		if at.IsKey(0, "tools") {
			if !stripTools {
				return s, false
			}
			t := inspect.Sanitize(s)
			return t, t != s
		}
		return r.rewrite(s, at)
	})
	if err != nil {
		return Decision{Action: Deny, RuleID: "engine.error", Category: "engine", Severity: SeverityHigh, Reasons: []string{"cannot rewrite the sampling request: " + err.Error()}, Findings: d.Findings}
	}
	d.Rewritten = rw
	return d
}

// offeredTool reports whether reason is that of a directive to call a
// tool (inspect.ToolDirective) whose quoted excerpt names one of offered
// (lower case) as the tool.
func offeredTool(reason string, offered []string) bool {
	rest, ok := strings.CutPrefix(reason, inspect.ToolDirective+": ")
	if !ok || len(offered) == 0 {
		return false
	}
	name, _, ok := inspect.ToolOrder(strings.Trim(rest, `"`))
	return ok && slices.Contains(offered, name)
}

// inspectElicitation inspects the params of an elicitation request.
func (e *Engine) inspectElicitation(ctx context.Context, in *Input, members map[string]json.RawMessage) Decision {
	set := e.settingsFor(in.Server)
	c := &callCtx{callState: callState{ctx: ctx, set: set, server: in.Server}}
	mode, _ := jsonrpc.String(members["mode"])
	if raw, ok := members["url"]; ok {
		u, isString := jsonrpc.String(raw)
		switch {
		case !isString:
			c.add("elicit.deceptive-url", "the elicitation's url is not a string", "/url")
		default:
			if why := inspect.DeceptiveURL(u); why != "" {
				c.add("elicit.deceptive-url", why, "/url")
			}
		}
	}
	if _, form := members["requestedSchema"]; form || mode != "url" {
		// Form mode (the default), or a form sent along in URL mode,
		// which a host that does not know the mode would show: what the
		// form asks for.
		el := inspect.Elicitation{}
		el.Message, _ = jsonrpc.String(members["message"])
		el.Fields = elicitFields(members["requestedSchema"])
		if what, where, ok := inspect.CredentialRequest(el); ok {
			c.add("elicit.credential-request", fmt.Sprintf("the server asks the user for a credential (%s) in a form (%s); the MCP specification requires URL mode for credentials, so that they never pass through the client", what, where), "/requestedSchema")
		}
	}
	// Every text the host shows: invisible characters and escapes can
	// hide or disguise what the user is asked (results.invisible).
	r := resultActions(set)
	if r.invOn {
		_ = inspect.WalkStrings(in.Result, func(s string, at *inspect.Path, isKey bool) {
			h := inspect.Check(s)
			if isKey && (h.Invisible > 0 || h.ANSI > 0) {
				// A field's name the host may show; keys are not
				// rewritten, so it cannot be stripped.
				c.contentFinding("inject.invisible-unicode", Deny, fmt.Sprintf("a member name of the elicitation holds %d invisible or control character(s)", h.Invisible+h.ANSI), at.String())
				return
			}
			if h.Invisible > 0 {
				c.contentFinding("inject.invisible-unicode", r.invAct, fmt.Sprintf("%d invisible character(s) in the elicitation", h.Invisible), at.String())
			}
			if h.ANSI > 0 {
				c.contentFinding("inject.ansi-escape", r.invAct, fmt.Sprintf("%d ANSI escape or control character(s) in the elicitation", h.ANSI), at.String())
			}
		})
	}
	d := decide(c.findings)
	if d.Action == Redact {
		rw, err := inspect.RewriteStrings(in.Result, func(s string, _ *inspect.Path) (string, bool) {
			t := inspect.Sanitize(s)
			return t, t != s
		})
		if err != nil {
			return Decision{Action: Deny, RuleID: "engine.error", Category: "engine", Severity: SeverityHigh, Reasons: []string{"cannot rewrite the elicitation: " + err.Error()}, Findings: d.Findings}
		}
		d.Rewritten = rw
	}
	return d
}

// elicitFields reads the properties of an elicitation's requested schema,
// in name order. Members are read by their exact names, as a JavaScript
// host reads them ("Enum" is not "enum"). A field is a choice, which
// cannot carry a credential, only when it lists its values: a non-empty
// enum, oneOf or anyOf (an array's in its items); a boolean is a choice
// too. Anything else, a property whose type is not given included, is
// taken as free text: a host may render it as a text box.
func elicitFields(schema json.RawMessage) []inspect.ElicitField {
	var props map[string]json.RawMessage
	if raw, ok := exactMember(schema, "properties"); !ok || json.Unmarshal(raw, &props) != nil {
		return nil
	}
	out := make([]inspect.ElicitField, 0, len(props))
	for name, raw := range props {
		f := inspect.ElicitField{Name: name}
		str := func(key string) string {
			v, _ := exactMember(raw, key)
			s, _ := jsonrpc.String(v)
			return s
		}
		f.Title, f.Description, f.Format = str("title"), str("description"), str("format")
		typ := str("type")
		choices := listsValues(raw)
		if typ == "array" {
			items, _ := exactMember(raw, "items")
			choices = listsValues(items)
		}
		f.FreeText = !choices && typ != "boolean" && typ != "null"
		f.Numeric = typ == "number" || typ == "integer"
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// listsValues reports whether the schema raw lists the values it accepts:
// a non-empty array under enum, oneOf or anyOf.
func listsValues(raw json.RawMessage) bool {
	for _, key := range []string{"enum", "oneOf", "anyOf"} {
		v, ok := exactMember(raw, key)
		if !ok {
			continue
		}
		n := 0
		if jsonrpc.Elements(v, func([]byte) bool { n++; return true }) && n > 0 {
			return true
		}
	}
	return false
}

// exactMember returns the member of the JSON object raw named exactly key
// (jsonrpc.Member; encoding/json would also take "Enum" for "enum").
func exactMember(raw json.RawMessage, key string) (json.RawMessage, bool) {
	v := jsonrpc.Member(raw, key)
	return v, v != nil
}

// InspectHostAnswer inspects the host's answer (in.Result: the result,
// or the error object) to a request the server sent it (in.Method): the
// model's reply to sampling/createMessage, the user's answer to
// elicitation/create, or either of them fetched later with tasks/result.
// A credential in it leaves the host as one in a call's arguments does,
// and is denied (the secret.* rules): the server gets an error in its
// place. Other methods are allowed.
func (e *Engine) InspectHostAnswer(ctx context.Context, in *Input) (d Decision) {
	defer func() {
		if r := recover(); r != nil {
			d = Decision{Action: Deny, RuleID: "engine.error", Category: "engine", Severity: SeverityHigh, Reasons: []string{fmt.Sprintf("host answer inspection panicked: %v", r)}}
		}
	}()
	var what string
	switch in.Method {
	case MethodSampling:
		what = "the model's reply to the server's sampling request"
	case MethodElicitation:
		what = "the user's answer to the server's form"
	case MethodTaskResult:
		what = "the result of a task the server asked the host for"
	default:
		return decide(nil)
	}
	set := e.settingsFor(in.Server)
	if !set.packSecrets || len(in.Result) == 0 {
		return decide(nil)
	}
	c := &callCtx{callState: callState{ctx: ctx, set: set, server: in.Server}}
	err := inspect.WalkStrings(in.Result, func(s string, at *inspect.Path, _ bool) {
		// Keys too: a reply's tool_use input can carry a key as a name.
		if inspect.Quiet(s) {
			return
		}
		c.at = at
		for _, m := range inspect.FindSecrets(s) {
			c.add(m.Rule, m.Reason+" in "+what, "")
		}
		c.at = nil
	})
	if err != nil {
		c.add("engine.bad-arguments", "the host's answer is not valid JSON: "+err.Error(), "")
	}
	return decide(c.findings)
}
