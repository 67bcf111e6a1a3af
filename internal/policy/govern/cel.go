package govern

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/ext"
)

// CEL limits, the same as the runtime policy engine's: an expression is at
// most MaxExprSize characters and one evaluation may cost at most CostLimit
// cel-go cost units.
const (
	MaxExprSize = 4096
	CostLimit   = 1_000_000
)

// envs holds one CEL environment per scope. Every scope sees server,
// tools, prompts, resources and resourceTemplates; tool rules also see
// tool, item rules item.
var envs = sync.OnceValues(func() (map[Each]*cel.Env, error) {
	base := []cel.EnvOption{
		cel.Variable("server", cel.MapType(cel.StringType, cel.DynType)),
		cel.Variable("tools", cel.ListType(cel.MapType(cel.StringType, cel.DynType))),
		cel.Variable("prompts", cel.ListType(cel.MapType(cel.StringType, cel.DynType))),
		cel.Variable("resources", cel.ListType(cel.MapType(cel.StringType, cel.DynType))),
		cel.Variable("resourceTemplates", cel.ListType(cel.MapType(cel.StringType, cel.DynType))),
		cel.OptionalTypes(),
		ext.Strings(),
		cel.ParserExpressionSizeLimit(MaxExprSize),
		cel.ParserRecursionLimit(100),
	}
	out := map[Each]*cel.Env{}
	for each, extra := range map[Each]string{EachServer: "", EachTool: "tool", EachItem: "item"} {
		opts := base
		if extra != "" {
			opts = append(append([]cel.EnvOption(nil), base...), cel.Variable(extra, cel.MapType(cel.StringType, cel.DynType)))
		}
		env, err := cel.NewEnv(opts...)
		if err != nil {
			return nil, fmt.Errorf("cel environment: %w", err)
		}
		out[each] = env
	}
	return out, nil
})

// compiled is a rule with its program.
type compiled struct {
	Rule
	prg cel.Program
}

var ruleID = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

// compileRule validates r and compiles its expression: it must parse,
// type-check and return bool.
func compileRule(r Rule) (*compiled, error) {
	if !ruleID.MatchString(r.ID) {
		return nil, fmt.Errorf("rule %q: id must be 1-64 characters of a-z 0-9 . _ - starting with a letter or digit", r.ID)
	}
	if strings.TrimSpace(r.Message) == "" {
		return nil, fmt.Errorf("rule %s: message is empty", r.ID)
	}
	switch r.Level {
	case LevelWarn, LevelFail:
	default:
		return nil, fmt.Errorf("rule %s: level %q is not warn or fail", r.ID, r.Level)
	}
	if r.Each == "" {
		r.Each = EachServer
	}
	all, err := envs()
	if err != nil {
		return nil, err
	}
	env, ok := all[r.Each]
	if !ok {
		return nil, fmt.Errorf("rule %s: each %q is not server, tool or item", r.ID, r.Each)
	}
	if strings.TrimSpace(r.ViolationIf) == "" {
		return nil, fmt.Errorf("rule %s: violation_if is empty", r.ID)
	}
	if len(r.ViolationIf) > MaxExprSize {
		return nil, fmt.Errorf("rule %s: violation_if is longer than %d characters", r.ID, MaxExprSize)
	}
	ast, iss := env.Compile(r.ViolationIf)
	if iss != nil && iss.Err() != nil {
		return nil, fmt.Errorf("rule %s: violation_if does not compile: %w", r.ID, iss.Err())
	}
	// Fields of the map variables are dyn to the type checker: a dyn
	// result is accepted here and checked at run time, where anything but a
	// bool is a failure. Any other static type is wrong.
	if t := ast.OutputType(); t != cel.BoolType && t != cel.DynType {
		return nil, fmt.Errorf("rule %s: violation_if returns %s, want bool", r.ID, t)
	}
	prg, err := env.Program(ast, cel.CostLimit(CostLimit), cel.InterruptCheckFrequency(100))
	if err != nil {
		return nil, fmt.Errorf("rule %s: %w", r.ID, err)
	}
	return &compiled{Rule: r, prg: prg}, nil
}

// eval runs c over one server and returns a finding when the rule fired or
// could not be evaluated.
func (c *compiled) eval(ctx context.Context, sv *serverVars) (Finding, bool) {
	fd := Finding{Rule: c.ID, Level: c.Level, Message: c.Message, Server: sv.name, References: c.References}
	run := func(vars map[string]any) (bool, error) {
		out, _, err := c.prg.ContextEval(ctx, vars)
		if err != nil {
			return false, err
		}
		b, ok := out.Value().(bool)
		if !ok {
			return false, fmt.Errorf("returned %v, not a bool", out.Value())
		}
		return b, nil
	}
	fail := func(where string, err error) (Finding, bool) {
		fd.Level = LevelFail
		fd.Error = fmt.Sprintf("could not be evaluated%s: %v", where, err)
		return fd, true
	}
	switch c.Each {
	case EachServer:
		v, err := run(sv.vars(nil, ""))
		if err != nil {
			return fail("", err)
		}
		return fd, v
	default:
		list, name := sv.tools, "tool"
		if c.Each == EachItem {
			list, name = sv.items, "item"
		}
		for _, it := range list {
			v, err := run(sv.vars(it, name))
			if err != nil {
				fd.Items = append(fd.Items, label(it))
				return fail(" for "+label(it), err)
			}
			if v {
				fd.Items = append(fd.Items, label(it))
			}
		}
		return fd, len(fd.Items) > 0
	}
}
