package enforce

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/ward-mcp/ward/internal/jsonrpc"
	"github.com/ward-mcp/ward/internal/mcp"
	"github.com/ward-mcp/ward/internal/policy"
	"github.com/ward-mcp/ward/internal/relay"
)

// Policy applies a policy engine to a session: the arguments of every call
// before it is forwarded (paths, URLs, commands, secrets, CEL), the results
// coming back (instructions aimed at the model, invisible characters,
// secrets), and the definitions and instructions the server publishes
// (metadata poisoning).
type Policy struct {
	eng    *policy.Engine
	server string

	mu sync.Mutex
	// hidden holds, by item kind and name, why the latest listing hid an
	// item: what is hidden from the model is not callable either, as with
	// the name lists and the lockfile. A kind with more than maxHidden
	// hidden items is flooded: every use of one is refused.
	hidden  map[string]map[string]string
	flooded map[string]bool
	// everHidden is set once anything was hidden or flooded, so that a
	// session whose listings were clean looks nothing up under mu.
	everHidden atomic.Bool
}

// maxHidden bounds the hidden items remembered per kind, so that a server
// publishing page after page of poisoned items under fresh names cannot
// grow them without bound.
const maxHidden = 4096

// NewPolicy returns the policy middleware state for one session of the
// server named server (the name the policy file's per-server sections use).
func NewPolicy(eng *policy.Engine, server string) *Policy {
	return &Policy{eng: eng, server: server, hidden: map[string]map[string]string{}, flooded: map[string]bool{}}
}

// hiddenReason returns why the item of kind named name was hidden, or "".
func (p *Policy) hiddenReason(kind, name string) string {
	if !p.everHidden.Load() {
		return ""
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.flooded[kind] {
		return fmt.Sprintf("the server published more than %d %ss the policy hid; every use of one is refused", maxHidden, kind)
	}
	return p.hidden[kind][name]
}

// setHidden records that the latest listing hid (reason != "") or showed
// (reason == "") the item of kind named name.
func (p *Policy) setHidden(kind, name, reason string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if reason == "" {
		delete(p.hidden[kind], name)
		return
	}
	p.everHidden.Store(true)
	if p.hidden[kind] == nil {
		p.hidden[kind] = map[string]string{}
	}
	if _, known := p.hidden[kind][name]; !known && len(p.hidden[kind]) >= maxHidden {
		p.flooded[kind] = true
		p.hidden[kind] = nil
		return
	}
	p.hidden[kind][name] = reason
}

// Middleware returns the relay middleware.
func (p *Policy) Middleware() relay.Middleware {
	return func(next relay.Handler) relay.Handler {
		return func(ctx context.Context, ex *relay.Exchange) relay.Verdict {
			if v, done := p.handle(ctx, ex); done {
				return v
			}
			return next(ctx, ex)
		}
	}
}

// input returns the engine's Input for ex. It is a value: the engine does
// not keep it, so it stays on the caller's stack.
func (p *Policy) input(ex *relay.Exchange, dir policy.Direction) policy.Input {
	// The relay's codec has checked the whole message.
	in := policy.Input{Server: p.server, Method: ex.Method, Direction: dir, Name: ex.Name(), ValidJSON: true}
	if s := ex.Session; s != nil {
		in.Session = policy.Session{ID: s.ID, ClientName: s.ClientName, ClientVersion: s.ClientVersion}
	}
	return in
}

func (p *Policy) handle(ctx context.Context, ex *relay.Exchange) (relay.Verdict, bool) {
	switch {
	case ex.Dir == relay.ToServer && ex.IsRequest():
		switch ex.Method {
		case "tools/call", "prompts/get", "resources/read", "resources/subscribe":
		case "completion/complete":
			// A completion tells which values a prompt or template
			// accepts: not for one that was hidden.
			kind, name := relay.CompletionRef(ex.Msg.Params())
			why := p.hiddenReason(kind, name)
			if kind == "resource" && why == "" {
				why = p.hiddenReason("resourceTemplate", name)
			}
			if kind != "" && why != "" {
				return relay.Denied("policy.hidden", fmt.Sprintf("ward: completion for %s %q, which was hidden from the list: %s", kind, name, why)), true
			}
			return relay.Allowed, false
		default:
			return relay.Allowed, false
		}
		if why := p.hiddenReason(relay.ItemKind(ex.Method), ex.Name()); why != "" {
			return relay.Denied("policy.hidden", fmt.Sprintf("ward: %s %q was hidden from the list: %s", relay.ItemKind(ex.Method), ex.Name(), why)), true
		}
		in := p.input(ex, policy.ToServer)
		in.Arguments = ex.Arguments()
		d := p.eng.EvaluateCall(ctx, &in)
		p.warnings(ex, d)
		switch d.Action {
		case policy.Deny:
			return denial(d), true
		case policy.Redact:
			// Outbound content is never rewritten: a call is sent as the
			// host made it or not at all.
			return denial(d), true
		}
	case ex.Dir == relay.ToHost && ex.IsRequest():
		switch ex.Method {
		case policy.MethodSampling, policy.MethodElicitation:
			return p.serverRequest(ctx, ex)
		}
	case ex.Dir == relay.ToServer && ex.Msg.IsResponse() &&
		(ex.Method == policy.MethodSampling || ex.Method == policy.MethodElicitation || ex.Method == policy.MethodTaskResult):
		// The model's reply to the server's prompt, the user's answer to
		// its form (or either fetched as a task's result).
		in := p.input(ex, policy.ToServer)
		in.Method = ex.Method
		if ex.Msg.Kind == jsonrpc.KindError {
			in.Result = ex.ErrorObject()
		} else {
			in.Result = ex.Result()
		}
		d := p.eng.InspectHostAnswer(ctx, &in)
		p.warnings(ex, d)
		if d.Action != policy.Allow {
			return denial(d), true
		}
	case ex.Dir == relay.ToHost && ex.Msg.Kind == jsonrpc.KindError:
		switch ex.Method {
		case "tools/call", "prompts/get", "resources/read":
			// An error answers the call as a result does, and hosts hand its
			// message to the model: its strings are inspected like a result's.
			return p.answer(ctx, ex, true)
		}
	case ex.Dir == relay.ToHost && ex.Msg.Kind == jsonrpc.KindResponse:
		switch ex.Method {
		case "tools/call", "prompts/get", "resources/read":
			return p.answer(ctx, ex, false)
		case "initialize":
			p.instructions(ctx, ex)
		default:
			// Every list the model reads: tools, prompts, resources and
			// resource templates (whose descriptions reach the model too).
			if field := mcp.ListField(ex.Method); field != "" {
				p.definitions(ctx, ex, field)
			}
		}
	}
	return relay.Allowed, false
}

// answer inspects the result (or with isErr the error object) answering a
// call, read or prompt: a denial, or the content redacted in place.
func (p *Policy) answer(ctx context.Context, ex *relay.Exchange, isErr bool) (relay.Verdict, bool) {
	in := p.input(ex, policy.ToHost)
	part := inResult
	if isErr {
		in.Result, part = ex.ErrorObject(), inError
	} else {
		in.Result = ex.Result()
	}
	return p.apply(ex, p.eng.InspectResult(ctx, &in), part)
}

// serverRequest inspects a request the server sends the host to put
// before the model (sampling) or the user (elicitation): a denial, which
// the server gets as its answer, or the params redacted in place.
func (p *Policy) serverRequest(ctx context.Context, ex *relay.Exchange) (relay.Verdict, bool) {
	in := p.input(ex, policy.ToHost)
	in.Result = ex.Msg.Params()
	return p.apply(ex, p.eng.InspectServerRequest(ctx, &in), inParams)
}

// The part of a message a redaction rewrites.
const (
	inResult = iota
	inError
	inParams
)

// apply turns the decision on part of ex into the verdict: a denial, or
// the part rewritten and the redaction noted; warnings are noted either
// way.
func (p *Policy) apply(ex *relay.Exchange, d policy.Decision, part int) (relay.Verdict, bool) {
	p.warnings(ex, d)
	switch d.Action {
	case policy.Deny:
		return denial(d), true
	case policy.Redact:
		if len(d.Rewritten) == 0 {
			return denial(d), true
		}
		switch part {
		case inError:
			ex.SetError(d.Rewritten)
		case inParams:
			ex.SetParams(d.Rewritten)
		default:
			ex.SetResult(d.Rewritten)
		}
		ex.Note(relay.Finding{Decision: "redact", Kind: relay.ItemKind(ex.Method), Name: ex.Name(), Rule: d.RuleID, Reason: reason(d)})
	}
	return relay.Allowed, false
}

// definitions hides poisoned items of a list page and strips invisible
// characters where the policy says so.
func (p *Policy) definitions(ctx context.Context, ex *relay.Exchange, field string) {
	var items []json.RawMessage
	jsonrpc.Elements(jsonrpc.Member(ex.Result(), field), func(item []byte) bool {
		items = append(items, item)
		return true
	})
	if len(items) == 0 {
		return
	}
	kind := relay.ItemKind(ex.Method)
	decisions := p.eng.InspectDefinitions(ctx, p.server, kind, items)
	i := 0
	edited, _ := mcp.EditList(ex.Result(), field, func(item []byte) ([]byte, bool) {
		d := decisions[i]
		i++
		name := d.Name
		if name == "" || kind == "resource" || kind == "resourceTemplate" {
			name = mcp.ItemName(field, item) // the URI (template) that identifies it
		}
		switch d.Action {
		case policy.Deny:
			ex.Note(relay.Finding{Decision: "hide", Kind: kind, Name: name, Rule: d.RuleID, Reason: reason(d.Decision)})
			p.setHidden(kind, name, reason(d.Decision))
			return nil, false
		case policy.Redact:
			ex.Note(relay.Finding{Decision: "redact", Kind: kind, Name: name, Rule: d.RuleID, Reason: reason(d.Decision)})
			p.setHidden(kind, name, "")
			return d.Rewritten, true
		}
		p.setHidden(kind, name, "")
		for _, f := range d.Findings {
			ex.Note(relay.Finding{Decision: "warn", Kind: kind, Name: name, Rule: f.RuleID, Reason: f.Reason})
		}
		return nil, true
	})
	if edited != nil {
		ex.SetResult(edited)
	}
}

// instructions inspects the server's instructions in its initialize result.
func (p *Policy) instructions(ctx context.Context, ex *relay.Exchange) {
	res := ex.Result()
	start, end, ok := jsonrpc.MemberSpan(res, "instructions")
	if !ok {
		return
	}
	text, isString := jsonrpc.String(res[start:end])
	if isString && text == "" {
		return
	}
	var d policy.Decision
	if isString {
		d = p.eng.InspectInstructions(ctx, p.server, text)
	} else {
		// Not a string: nothing the detectors read, and a host that reads
		// it leniently would pass it on unchecked.
		d = policy.Decision{Action: policy.Deny, RuleID: "policy.instructions-not-a-string", Reasons: []string{"the server's instructions are not a string"}}
	}
	var repl []byte
	switch d.Action {
	case policy.Deny:
		repl = []byte(`""`)
		ex.Note(relay.Finding{Decision: "hide", Kind: "instructions", Rule: d.RuleID, Reason: reason(d)})
	case policy.Redact:
		repl = d.Rewritten
		ex.Note(relay.Finding{Decision: "redact", Kind: "instructions", Rule: d.RuleID, Reason: reason(d)})
	default:
		p.warnings(ex, d)
		return
	}
	out := make([]byte, 0, len(res))
	out = append(append(append(out, res[:start]...), repl...), res[end:]...)
	ex.SetResult(out)
}

// warnings notes the findings of rules set to warn.
func (p *Policy) warnings(ex *relay.Exchange, d policy.Decision) {
	for _, f := range d.Findings {
		if f.Action == policy.Allow {
			ex.Note(relay.Finding{Decision: "warn", Kind: relay.ItemKind(ex.Method), Name: ex.Name(), Rule: f.RuleID, Reason: f.Reason})
		}
	}
}

func denial(d policy.Decision) relay.Verdict {
	rule := d.RuleID
	if rule == "" {
		rule = "policy"
	}
	return relay.Denied(rule, "ward: "+reason(d))
}

// reason joins the decision's reasons into one sentence-like line.
func reason(d policy.Decision) string {
	if len(d.Reasons) == 0 {
		return "denied by policy rule " + d.RuleID
	}
	return d.RuleID + ": " + strings.Join(d.Reasons, "; ")
}
