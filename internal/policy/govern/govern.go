// Package govern is the static governance check over a lockfile: `ward
// policy check`. A governance rule is a CEL expression that says when a
// locked server (or one of its tools, or any of its items) violates it,
// with a message, a level (warn or fail) and the controls it maps to.
// Two presets ship with ward, baseline (warn) and strict (fail); a
// governance file adds custom rules.
//
// Rules are compiled and type-checked once when a [Policy] is built, must
// return bool, and are bounded by an expression-size and a cost limit. An
// expression that cannot be evaluated counts as a failure with the error as
// its reason: a governance check fails closed.
//
// The package does no I/O: callers read the lockfile and the policy file.
package govern

import (
	"context"
	"errors"
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/ward-mcp/ward/internal/lockfile"
)

// Level is what a fired rule means for the check's outcome.
type Level string

// The levels. A fired [LevelFail] rule fails the check; [LevelWarn] is
// reported only.
const (
	LevelWarn Level = "warn"
	LevelFail Level = "fail"
)

// Each says what a rule's expression is evaluated over.
type Each string

// The scopes of a rule.
const (
	// EachServer evaluates the expression once per server.
	EachServer Each = "server"
	// EachTool evaluates it once per locked tool, with the variable tool.
	EachTool Each = "tool"
	// EachItem evaluates it once per locked tool, prompt, resource and
	// resource template, with the variable item.
	EachItem Each = "item"
)

// Rule is one governance rule.
type Rule struct {
	// ID names the rule; preset rules start with "gov.".
	ID string `json:"id"`
	// Message says what is wrong and what to do about it.
	Message string `json:"message"`
	// Level is warn or fail.
	Level Level `json:"level"`
	// Each is the scope of ViolationIf (server when empty).
	Each Each `json:"each"`
	// References lists the controls the rule maps to.
	References []string `json:"references,omitempty"`
	// ViolationIf is a CEL expression that is true when the rule is
	// violated.
	ViolationIf string `json:"violation_if"`
}

// Policy is a compiled set of governance rules. It is immutable and safe
// for concurrent use.
type Policy struct {
	preset   string
	rules    []*compiled
	approved []string
	disabled []string
}

// Options choose the rules of a [Policy].
type Options struct {
	// Preset is "baseline", "strict" or "" (none).
	Preset string
	// File is the content of a governance file (see [ParseFile]); nil for
	// none.
	File []byte
	// FileName names File in error messages.
	FileName string
}

// ErrConflict means the options contradict each other: a preset given both
// as an option and in the file, with different names.
var ErrConflict = errors.New("conflicting governance options")

// ErrUnknownPreset means a preset name is neither baseline nor strict.
var ErrUnknownPreset = errors.New("unknown preset")

// New compiles the rules that opts choose: the preset's rules (the
// option's or, when it gives none, the file's), then the file's custom
// rules, minus the file's disabled preset rules. With neither a preset nor
// a file it uses baseline.
func New(opts Options) (*Policy, error) {
	var spec *FileSpec
	if opts.File != nil {
		var err error
		if spec, err = ParseFile(opts.File, opts.FileName); err != nil {
			return nil, err
		}
	}
	preset := opts.Preset
	if spec != nil && spec.Preset != "" {
		if preset != "" && preset != spec.Preset {
			return nil, fmt.Errorf("%w: --preset %s, but %s says preset: %s", ErrConflict, preset, opts.FileName, spec.Preset)
		}
		preset = spec.Preset
	}
	if preset == "" && spec == nil {
		preset = PresetBaseline
	}
	var rules []Rule
	if preset != "" {
		pr, err := PresetRules(preset)
		if err != nil {
			return nil, err
		}
		rules = pr
	}
	p := &Policy{preset: preset}
	if spec != nil {
		for _, id := range spec.Disable {
			if !slices.ContainsFunc(rules, func(r Rule) bool { return r.ID == id }) {
				return nil, fmt.Errorf("%s: disable: %q is not a rule of preset %q", opts.FileName, id, preset)
			}
		}
		rules = slices.DeleteFunc(rules, func(r Rule) bool { return slices.Contains(spec.Disable, r.ID) })
		for _, r := range spec.Rules {
			if slices.ContainsFunc(rules, func(x Rule) bool { return x.ID == r.ID }) {
				return nil, fmt.Errorf("%s: rule %q: the id is taken by a preset rule", opts.FileName, r.ID)
			}
			rules = append(rules, r)
		}
		p.approved = slices.Clone(spec.ApprovedTools)
		p.disabled = slices.Clone(spec.Disable)
	}
	for _, r := range rules {
		c, err := compileRule(r)
		if err != nil {
			if opts.FileName != "" && !strings.HasPrefix(r.ID, "gov.") {
				return nil, fmt.Errorf("%s: %w", opts.FileName, err)
			}
			return nil, err
		}
		p.rules = append(p.rules, c)
	}
	return p, nil
}

// Rules returns the policy's rules in evaluation order.
func (p *Policy) Rules() []Rule {
	out := make([]Rule, len(p.rules))
	for i, c := range p.rules {
		out[i] = c.Rule
		out[i].References = slices.Clone(c.References)
	}
	return out
}

// ErrNoServer means the server asked for is not in the lockfile.
var ErrNoServer = errors.New("no such server in the lockfile")

// Check evaluates every rule against every server of f (or only the server
// named only, when it is not empty) and returns the findings. A rule whose
// expression cannot be evaluated yields a failing finding that carries the
// error. The context bounds the evaluation.
func (p *Policy) Check(ctx context.Context, f *lockfile.File, only string) (*Report, error) {
	if f == nil {
		return nil, errors.New("governance check: nil lockfile")
	}
	names := make([]string, 0, len(f.Servers))
	for n := range f.Servers {
		if only == "" || n == only {
			names = append(names, n)
		}
	}
	if only != "" && len(names) == 0 {
		return nil, fmt.Errorf("%w: %q", ErrNoServer, only)
	}
	sort.Strings(names)
	rep := &Report{Preset: p.preset, Servers: names, Rules: len(p.rules), Disabled: p.disabled, Findings: []Finding{}}
	for _, n := range names {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		sv := newServerVars(n, f.Servers[n], p.approved)
		for _, c := range p.rules {
			if fd, ok := c.eval(ctx, sv); ok {
				rep.Findings = append(rep.Findings, fd)
			}
		}
	}
	for _, fd := range rep.Findings {
		if fd.Level == LevelFail {
			rep.Failed = true
		}
	}
	return rep, nil
}

// approvedTool reports whether "server/tool" matches one of the patterns.
func approvedTool(patterns []string, server, tool string) bool {
	for _, p := range patterns {
		if ok, _ := path.Match(p, server+"/"+tool); ok {
			return true
		}
	}
	return false
}
