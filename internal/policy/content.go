package policy

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/ward-mcp/ward/internal/inspect"
)

// contentAction maps a results/definitions setting to the action a finding
// asks for, and whether the finding is recorded at all.
func contentAction(setting string) (Action, bool) {
	switch setting {
	case "off":
		return Allow, false
	case "warn":
		return Allow, true
	case "redact", "strip":
		return Redact, true
	}
	return Deny, true
}

// InspectResult inspects a response from the server (a tools/call result,
// resources/read contents or prompts/get messages): instructions aimed at
// the model (results.injection, default block), invisible characters and
// ANSI escapes (results.invisible, default strip) and secrets
// (results.secrets, default redact). When the decision is Redact,
// Rewritten holds the result with every changed string replaced and all
// other bytes kept.
func (e *Engine) InspectResult(ctx context.Context, in *Input) (d Decision) {
	return e.inspectContent(ctx, in, "the result", false)
}

// inspectContent is InspectResult for content that the findings' reasons
// call what ("the result", "the sampling request"). With prompt, the
// content is a prompt the server wrote for the model, and instructions a
// prompt gives in its own voice are warnings (inspect.PromptInjection).
func (e *Engine) inspectContent(ctx context.Context, in *Input, what string, prompt bool) (d Decision) {
	if in.ValidJSON && inspect.QuietJSON(in.Result) {
		// Every string of the result is Quiet: the walk below would return
		// at each (see resultString), whatever the settings.
		return decide(nil)
	}
	c := newCallCtx(ctx, e.settingsFor(in.Server), in)
	defer func() {
		if r := recover(); r != nil {
			d = Decision{Action: Deny, RuleID: "engine.error", Category: "engine", Severity: SeverityHigh, Reasons: []string{fmt.Sprintf("result inspection panicked: %v", r)}}
			return // c is not reused
		}
		c.release()
	}()
	set := c.set
	if len(in.Result) == 0 {
		return decide(nil)
	}
	r := &c.res
	*r = resultActions(set)
	r.what, r.prompt = what, prompt
	c.borrowed = true // in.Result stays unchanged until InspectResult returns
	err := c.walker.VisitValuesBorrowed(in.Result, (*resultVisitor)(c))
	c.at, c.borrowed = nil, false
	if err != nil {
		c.add("engine.bad-arguments", "result is not valid JSON: "+err.Error(), "/result")
		return decide(c.findings)
	}
	d = decide(c.findings)
	if d.Action == Redact && r.needRewrite {
		rw, err := inspect.RewriteStrings(in.Result, r.rewrite)
		if err != nil {
			return Decision{Action: Deny, RuleID: "engine.error", Category: "engine", Severity: SeverityHigh, Reasons: []string{"cannot rewrite result: " + err.Error()}, Findings: d.Findings}
		}
		d.Rewritten = rw
	}
	return d
}

// resultSettings are the result settings InspectResult's walk applies.
type resultSettings struct {
	invOn, secOn, injOn    bool
	invAct, secAct, injAct Action
	// needRewrite is set when a finding asks for the string to be
	// rewritten (redacted or stripped).
	needRewrite bool
	// what names the content in reasons: "the result".
	what string
	// prompt says that the content is a prompt for the model.
	prompt bool
}

// resultActions returns the result settings of set.
func resultActions(set *settings) resultSettings {
	var r resultSettings
	r.invAct, r.invOn = contentAction(set.results.Invisible)
	r.secAct, r.secOn = contentAction(set.results.Secrets)
	r.injAct, r.injOn = contentAction(set.results.Injection)
	r.invOn = r.invOn && set.packInjection
	r.injOn = r.injOn && set.packInjection
	r.secOn = r.secOn && set.packSecrets
	return r
}

// rewrite is the rewrite of one string that r's redacting settings ask
// for: invisible characters stripped, secrets redacted.
func (r resultSettings) rewrite(s string, _ *inspect.Path) (string, bool) {
	out := s
	if r.invOn && r.invAct == Redact {
		out = inspect.Sanitize(out)
	}
	if r.secOn && r.secAct == Redact {
		out, _ = inspect.RedactSecrets(out)
	}
	return out, out != s
}

// resultVisitor is a callCtx as the visitor of InspectResult's walk,
// which looks at the result's string values (not its member names).
type resultVisitor callCtx

// VisitValue inspects one string value of a result.
func (r *resultVisitor) VisitValue(s, key string, at *inspect.Path, _ bool) {
	if (key == "data" || key == "blob") && len(s) >= minBlob && base64Text(s) {
		// An image's or audio clip's data, a resource's blob: bytes the
		// host decodes, not text the model reads. The detectors would
		// find nothing in base64 and would cost a fraction of a second
		// per megabyte.
		return
	}
	(*callCtx)(r).resultString(s, at)
}

// minBlob is the length from which a base64 data or blob member is
// skipped; a shorter one costs little to read.
const minBlob = 256

// base64Text reports whether s is written in the standard base64 alphabet
// only (as MCP's data and blob are): no space, line break or punctuation
// that could separate the words of an instruction.
func base64Text(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '=') {
			return false
		}
	}
	return true
}

// resultString inspects one string value of a result.
func (c *callCtx) resultString(s string, at *inspect.Path) {
	if inspect.QuietPlain(s, c.walker.Plain()) {
		return // Quiet: none of the detectors below can find anything in s
	}
	if c.borrowed {
		s = strings.Clone(s) // the detectors' findings may keep parts of s
	}
	const where = "" // the rules report at c.at, the string's path
	c.at = at
	r := &c.res
	var h inspect.Hygiene
	if r.invOn || r.injOn {
		h = inspect.Check(s) // once for both
	}
	if r.invOn {
		if h.Invisible > 0 {
			c.contentFinding("inject.invisible-unicode", r.invAct, fmt.Sprintf("%d invisible character(s)", h.Invisible), where)
			r.needRewrite = r.needRewrite || r.invAct == Redact
		}
		if h.ANSI > 0 {
			c.contentFinding("inject.ansi-escape", r.invAct, fmt.Sprintf("%d ANSI escape or control character(s)", h.ANSI), where)
			r.needRewrite = r.needRewrite || r.invAct == Redact
		}
	}
	if r.secOn {
		for _, m := range inspect.FindSecrets(s) {
			c.contentFinding(m.Rule, r.secAct, m.Reason+" in "+r.what, where)
			r.needRewrite = r.needRewrite || r.secAct == Redact
		}
	}
	if r.injOn && r.prompt {
		hard, voice := inspect.PromptInjection(s, h)
		for _, f := range hard {
			c.contentFinding(f.Rule, r.injAct, f.Reason, where)
		}
		for _, f := range voice {
			// A warning (rules: inject.instructions: block makes it a
			// denial again).
			c.contentFinding(f.Rule, Allow, "in a prompt's own voice: "+f.Reason, where)
		}
	} else if r.injOn {
		for _, f := range inspect.InjectionAll(s, h) {
			c.contentFinding(f.Rule, r.injAct, f.Reason, where)
		}
	}
}

// contentFinding records a finding whose default action comes from the
// results or definitions settings; rule overrides still apply.
func (c *callCtx) contentFinding(rule string, act Action, reason, where string) {
	r, ok := ruleIndex[rule]
	if !ok {
		c.add(rule, reason, where)
		return
	}
	if !c.set.packs[r.Category] {
		return
	}
	c.addWith(rule, r.Category, r.Severity, act, reason, where)
}

// Definition kinds accepted by InspectDefinitions.
const (
	KindTool             = "tool"
	KindPrompt           = "prompt"
	KindResource         = "resource"
	KindResourceTemplate = "resourceTemplate"
)

// InspectDefinitions inspects the items of a tools/list, prompts/list,
// resources/list or resources/templates/list response (kind: KindTool,
// KindPrompt, KindResource, KindResourceTemplate) for metadata poisoning.
// The name of a resource or template is a display name ("Dynamic Text
// Resource"), not an identifier the model calls, and is judged as one. For each item, Deny means
// hide it; Redact means forward Rewritten, the item with invisible
// characters and escapes stripped (definitions.invisible: strip, and only
// when nothing else was found).
func (e *Engine) InspectDefinitions(ctx context.Context, server, kind string, items []json.RawMessage) []ItemDecision {
	set := e.settingsFor(server)
	out := make([]ItemDecision, len(items))
	for i, raw := range items {
		out[i] = e.inspectDefinition(ctx, set, server, kind, i, raw)
	}
	return out
}

func (e *Engine) inspectDefinition(ctx context.Context, set *settings, server, kind string, i int, raw json.RawMessage) (id ItemDecision) {
	id.Index = i
	defer func() {
		if r := recover(); r != nil {
			id.Decision = Decision{Action: Deny, RuleID: "engine.error", Category: "engine", Severity: SeverityHigh, Reasons: []string{fmt.Sprintf("definition inspection panicked: %v", r)}}
		}
	}()
	c := &callCtx{callState: callState{ctx: ctx, set: set, server: server}}
	inspectDef := inspect.Definition
	if kind == KindResource || kind == KindResourceTemplate {
		inspectDef = inspect.DisplayNamed
	}
	name, found, err := inspectDef(raw)
	id.Name = name
	if err != nil {
		c.add("engine.bad-arguments", "definition is not valid JSON", "")
		id.Decision = decide(c.findings)
		return id
	}
	act, _ := contentAction(map[string]string{"hide": "block", "warn": "warn"}[set.defs.Poisoned])
	onlyInvisible := true
	for _, f := range found {
		if f.Rule != "poison.invisible-unicode" && f.Rule != "poison.ansi-escape" {
			onlyInvisible = false
		}
	}
	strip := onlyInvisible && set.defs.Invisible == "strip" && act == Deny
	for _, f := range found {
		a := act
		if strip {
			a = Redact
		}
		c.contentFinding(f.Rule, a, f.Reason, f.Where)
	}
	id.Decision = decide(c.findings)
	if id.Action == Redact {
		rw, err := inspect.RewriteStrings(raw, func(s string, _ *inspect.Path) (string, bool) {
			t := inspect.Sanitize(s)
			return t, t != s
		})
		if err != nil {
			id.Decision = Decision{Action: Deny, RuleID: "engine.error", Category: "engine", Severity: SeverityHigh, Reasons: []string{"cannot rewrite definition"}}
			return id
		}
		id.Rewritten = rw
	}
	return id
}

// InspectInstructions inspects the instructions of a server's initialize
// result. Deny means drop them; Redact means forward Rewritten (a JSON
// string) instead.
func (e *Engine) InspectInstructions(ctx context.Context, server, instructions string) (d Decision) {
	defer func() {
		if r := recover(); r != nil {
			d = Decision{Action: Deny, RuleID: "engine.error", Category: "engine", Severity: SeverityHigh, Reasons: []string{fmt.Sprintf("instructions inspection panicked: %v", r)}}
		}
	}()
	raw, _ := json.Marshal(map[string]string{"instructions": instructions})
	id := e.inspectDefinition(ctx, e.settingsFor(server), server, "instructions", 0, raw)
	// Instructions are written for the model: speaking to it is their
	// purpose, not a sign of poisoning. Everything else still counts.
	var kept []Finding
	for _, f := range id.Findings {
		if !(f.RuleID == "poison.hidden-instructions" && strings.HasPrefix(f.Reason, inspect.AddressesModel)) {
			kept = append(kept, f)
		}
	}
	if len(kept) != len(id.Findings) {
		rewritten := id.Rewritten
		id.Decision = decide(kept)
		if id.Action == Redact {
			id.Rewritten = rewritten
		}
	}
	d = id.Decision
	if d.Action == Redact {
		var m map[string]string
		if json.Unmarshal(id.Rewritten, &m) == nil {
			d.Rewritten, _ = json.Marshal(m["instructions"])
		}
	}
	return d
}
