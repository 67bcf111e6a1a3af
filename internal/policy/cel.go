package policy

import (
	"encoding/json"
	"fmt"
	"sort"
	"sync"

	"cel.dev/cel-go/cel"
)

// CEL limits: an expression is at most maxCELSize characters, and one
// evaluation may cost at most celCostLimit (cel-go's cost units).
const (
	maxCELSize   = 4096
	celCostLimit = 1_000_000
)

// celPolicy is a compiled CEL policy.
type celPolicy struct {
	CELPolicy
	prg  cel.Program
	deny bool // DenyIf (true) or AllowIf (false)
	sev  Severity
	warn bool
}

// celEnv declares the variables policies may use:
//
//	server   string             the upstream server's name
//	method   string             the JSON-RPC method
//	tool     string             the tool or prompt name, or resource URI
//	args     map(string, dyn)   the call's arguments
//	session  map(string, dyn)   id, client_name, client_version, counters
//	identity map(string, dyn)   the caller, once the gateway authenticates (empty for now)
var celEnv = sync.OnceValues(func() (*cel.Env, error) {
	return cel.NewEnv(
		cel.Variable("server", cel.StringType),
		cel.Variable("method", cel.StringType),
		cel.Variable("tool", cel.StringType),
		cel.Variable("args", cel.MapType(cel.StringType, cel.DynType)),
		cel.Variable("session", cel.MapType(cel.StringType, cel.DynType)),
		cel.Variable("identity", cel.MapType(cel.StringType, cel.DynType)),
		cel.ParserExpressionSizeLimit(maxCELSize),
		cel.ParserRecursionLimit(100),
	)
})

// compileCEL compiles and type-checks every CEL policy of cfg, keyed by
// server name ("" for the global ones).
func compileCEL(cfg *Config) (map[string][]*celPolicy, error) {
	out := map[string][]*celPolicy{}
	env, err := celEnv()
	if err != nil {
		return nil, fmt.Errorf("cel environment: %w", err)
	}
	compile := func(key string, ps []CELPolicy) error {
		for _, cp := range ps {
			expr, deny := cp.DenyIf, true
			if expr == "" {
				expr, deny = cp.AllowIf, false
			}
			if len(expr) > maxCELSize {
				return fmt.Errorf("cel %s: expression longer than %d characters", cp.ID, maxCELSize)
			}
			ast, iss := env.Compile(expr)
			if iss != nil && iss.Err() != nil {
				return fmt.Errorf("cel %s: %w", cp.ID, iss.Err())
			}
			if ast.OutputType() != cel.BoolType {
				return fmt.Errorf("cel %s: expression returns %s, want bool", cp.ID, ast.OutputType())
			}
			prg, err := env.Program(ast, cel.CostLimit(celCostLimit), cel.InterruptCheckFrequency(100))
			if err != nil {
				return fmt.Errorf("cel %s: %w", cp.ID, err)
			}
			sev := SeverityHigh
			if cp.Severity != "" {
				_ = sev.UnmarshalText([]byte(cp.Severity))
			}
			out[key] = append(out[key], &celPolicy{CELPolicy: cp, prg: prg, deny: deny, sev: sev, warn: cp.Action == "warn"})
		}
		return nil
	}
	if err := compile("", cfg.CEL); err != nil {
		return nil, err
	}
	names := make([]string, 0, len(cfg.Servers))
	for n := range cfg.Servers {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if s := cfg.Servers[n]; s != nil {
			if err := compile(n, s.CEL); err != nil {
				return nil, fmt.Errorf("server %s: %w", n, err)
			}
		}
	}
	return out, nil
}

// celValue converts decoded JSON (with json.Number) into CEL-friendly values.
func celValue(v any) any {
	switch v := v.(type) {
	case json.Number:
		if i, err := v.Int64(); err == nil {
			return i
		}
		f, _ := v.Float64()
		return f
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, x := range v {
			m[k] = celValue(x)
		}
		return m
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = celValue(x)
		}
		return out
	}
	return v
}

// evalCEL runs every CEL policy for the call in. An evaluation error, a
// cost overrun or a non-bool result denies.
func (c *callCtx) evalCEL(in *Input, args any) {
	am, _ := celValue(args).(map[string]any)
	if am == nil {
		am = map[string]any{}
	}
	counters := map[string]any{}
	for k, v := range in.Session.Counters {
		counters[k] = v
	}
	id := map[string]any{}
	for k, v := range in.Identity {
		id[k] = celValue(v)
	}
	vars := map[string]any{
		"server": in.Server, "method": in.Method, "tool": in.Name, "args": am,
		"session":  map[string]any{"id": in.Session.ID, "client_name": in.Session.ClientName, "client_version": in.Session.ClientVersion, "counters": counters},
		"identity": id,
	}
	for _, p := range c.set.cel {
		out, _, err := p.prg.ContextEval(c.ctx, vars)
		if err != nil {
			c.addWith(p.ID, "cel", SeverityHigh, Deny, fmt.Sprintf("CEL policy %s failed, denying: %v", p.ID, err), "")
			continue
		}
		b, ok := out.Value().(bool)
		if !ok {
			c.addWith(p.ID, "cel", SeverityHigh, Deny, fmt.Sprintf("CEL policy %s returned %v, not a bool, denying", p.ID, out.Value()), "")
			continue
		}
		if b != p.deny {
			continue
		}
		msg := p.Message
		if msg == "" {
			msg = p.Description
		}
		if msg == "" {
			if p.deny {
				msg = "deny_if is true: " + p.DenyIf
			} else {
				msg = "allow_if is false: " + p.AllowIf
			}
		}
		act := Deny
		if p.warn {
			act = Allow
		}
		c.addWith(p.ID, "cel", p.sev, act, fmt.Sprintf("CEL policy %s: %s", p.ID, msg), "")
	}
}
