// Package enforce is where policy meets the wire: relay middleware that
// applies ward's rules to the messages of a session, and the sinks that
// record every decision.
package enforce

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ward-mcp/ward/internal/mcp"
	"github.com/ward-mcp/ward/internal/relay"
)

// NameLists are glob allow and deny lists for the names of tools and
// prompts and the URIs of resources. A name denied by a deny list is denied;
// otherwise, when the allow list of its kind is not empty, a name it does not
// match is denied. The lists of a kind that are both empty allow everything.
type NameLists struct {
	AllowTools, DenyTools         []string
	AllowPrompts, DenyPrompts     []string
	AllowResources, DenyResources []string
}

// Validate checks every pattern.
func (n *NameLists) Validate() error {
	for flag, pats := range map[string][]string{
		"--allow-tools": n.AllowTools, "--deny-tools": n.DenyTools,
		"--allow-prompts": n.AllowPrompts, "--deny-prompts": n.DenyPrompts,
		"--allow-resources": n.AllowResources, "--deny-resources": n.DenyResources,
	} {
		for _, p := range pats {
			if err := validGlob(p); err != nil {
				return fmt.Errorf("%s: %w", flag, err)
			}
		}
	}
	return nil
}

// Empty reports whether no list is set.
func (n *NameLists) Empty() bool {
	return len(n.AllowTools)+len(n.DenyTools)+len(n.AllowPrompts)+len(n.DenyPrompts)+
		len(n.AllowResources)+len(n.DenyResources) == 0
}

// Decide says whether an item of kind ("tool", "prompt", "resource",
// "resourceTemplate") named name may be used, with the rule and the reason.
func (n *NameLists) Decide(kind, name string) (ok bool, rule, reason string) {
	var allow, deny []string
	var noun, flag string
	switch kind {
	case "tool":
		allow, deny, noun, flag = n.AllowTools, n.DenyTools, "tool", "tools"
	case "prompt":
		allow, deny, noun, flag = n.AllowPrompts, n.DenyPrompts, "prompt", "prompts"
	case "resource", "resourceTemplate":
		allow, deny, noun, flag = n.AllowResources, n.DenyResources, "resource", "resources"
		if kind == "resourceTemplate" {
			noun = "resource template"
		}
	default:
		return true, "", ""
	}
	for _, p := range deny {
		if globMatch(p, name) {
			return false, "names.deny-" + flag, fmt.Sprintf("ward: %s %q denied by --deny-%s", noun, name, flag)
		}
	}
	if len(allow) == 0 {
		return true, "", ""
	}
	for _, p := range allow {
		if globMatch(p, name) {
			return true, "", ""
		}
	}
	return false, "names.allow-" + flag, fmt.Sprintf("ward: %s %q is not in --allow-%s", noun, name, flag)
}

// Middleware returns the relay middleware that refuses calls to denied
// items and hides them from every page of every list.
func (n *NameLists) Middleware() relay.Middleware {
	return func(next relay.Handler) relay.Handler {
		if n.Empty() {
			return next
		}
		return func(ctx context.Context, ex *relay.Exchange) relay.Verdict {
			switch {
			case ex.Dir == relay.ToServer && ex.IsRequest():
				switch ex.Method {
				case "tools/call", "prompts/get", "resources/read", "resources/subscribe":
					if ok, rule, reason := n.Decide(relay.ItemKind(ex.Method), ex.Name()); !ok {
						return relay.Denied(rule, reason)
					}
				case "completion/complete":
					if kind, name := relay.CompletionRef(ex.Msg.Params()); kind != "" {
						if ok, rule, reason := n.Decide(kind, name); !ok {
							return relay.Denied(rule, reason)
						}
					}
				}
			case ex.Dir == relay.ToHost && ex.IsResponse():
				FilterListResult(ex, func(kind, name string) (bool, string, string) { return n.Decide(kind, name) })
			}
			return next(ctx, ex)
		}
	}
}

// FilterListResult removes from a list response every item that decide
// refuses, noting each one as hidden. It does nothing for other messages.
// Pages are filtered one by one; nextCursor and _meta are kept.
func FilterListResult(ex *relay.Exchange, decide func(kind, name string) (ok bool, rule, reason string)) {
	field := mcp.ListField(ex.Method)
	if field == "" || ex.Msg.Result() == nil {
		return
	}
	kind := relay.ItemKind(ex.Method)
	filtered, _ := mcp.FilterList(ex.Result(), field, func(item []byte) bool {
		name := mcp.ItemName(field, item)
		ok, rule, reason := decide(kind, name)
		if !ok {
			ex.Note(relay.Finding{Decision: "hide", Kind: kind, Name: name, Rule: rule, Reason: reason})
		}
		return ok
	})
	if filtered != nil {
		ex.SetResult(filtered)
	}
}

// globMatch reports whether name matches pattern, where * matches any run
// of characters (including none, and including '/') and ? any one character.
// Everything else matches itself.
func globMatch(pattern, name string) bool {
	// Iterative matching with backtracking to the last star: linear in
	// practice, no recursion.
	p, s := 0, 0
	star, mark := -1, 0
	for s < len(name) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == name[s]) && pattern[p] != '*':
			p++
			s++
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, s
			p++
		case star >= 0:
			mark++
			p, s = star+1, mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

func validGlob(p string) error {
	if strings.TrimSpace(p) == "" {
		return errors.New("empty pattern")
	}
	return nil
}
