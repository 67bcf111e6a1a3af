// Package enforce is where policy meets the wire: relay middleware that
// applies ward's rules to the messages of a session, and the sinks that
// record every decision.
package enforce

import (
	"context"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"
	"unsafe"

	"github.com/ward-mcp/ward/internal/lockfile"
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
	forms := []string{name}
	match := globMatch
	if flag == "resources" {
		// A server reads a URI decoded and resolved: judge every form it
		// may take. A deny pattern that matches any of them denies; an
		// allow list must match all of them.
		forms = uriForms(name)
		match = func(p, f string) bool { return globMatch(p, f) || globMatch(canonicalURI(p), f) }
	}
	for _, p := range deny {
		for _, f := range forms {
			if match(p, f) {
				return false, "names.deny-" + flag, fmt.Sprintf("ward: %s %q denied by --deny-%s", noun, name, flag)
			}
		}
	}
	if len(allow) == 0 {
		return true, "", ""
	}
	for _, f := range forms {
		if !slices.ContainsFunc(allow, func(p string) bool { return match(p, f) }) {
			return false, "names.allow-" + flag, fmt.Sprintf("ward: %s %q is not in --allow-%s", noun, name, flag)
		}
	}
	return true, "", ""
}

// maxURIDecodes bounds how many times uriForms decodes a URI: once for a
// server that decodes it, and again for one that decodes twice.
const maxURIDecodes = 3

// uriForms returns the resource URI as sent followed by the forms a server
// may act on: decoded once, twice…, each with the scheme and authority in
// lower case, "\" read as "/", "." and ".." segments resolved and repeated
// slashes collapsed (see canonicalURI).
func uriForms(uri string) []string {
	forms := []string{uri}
	cur := uri
	for range maxURIDecodes {
		next := canonicalURI(cur)
		if !slices.Contains(forms, next) {
			forms = append(forms, next)
		}
		if next == cur {
			break
		}
		cur = next
	}
	return forms
}

// canonicalURI returns uri percent-decoded once, with "\" as "/", the
// scheme and authority in lower case, the path's dot segments resolved and
// its repeated slashes collapsed; a file URI without an authority or with
// "localhost" gets the empty one (file:/etc and file://localhost/etc are
// file:///etc).
func canonicalURI(uri string) string {
	s := strings.ReplaceAll(percentDecode(uri), `\`, "/")
	colon := strings.IndexByte(s, ':')
	if colon <= 0 || !lockfile.ValidScheme(s[:colon]) {
		return cleanURIPath(s)
	}
	scheme, rest := strings.ToLower(s[:colon]), s[colon+1:]
	auth := ""
	if strings.HasPrefix(rest, "//") {
		if end := strings.IndexByte(rest[2:], '/'); end < 0 {
			auth, rest = rest, ""
		} else {
			auth, rest = rest[:2+end], rest[2+end:]
		}
		auth = strings.ToLower(auth)
	}
	if scheme == "file" && (auth == "//localhost" || (auth == "" && strings.HasPrefix(rest, "/"))) {
		auth = "//"
	}
	return scheme + ":" + auth + cleanURIPath(rest)
}

// cleanURIPath resolves the dot segments of p and collapses its repeated
// slashes, keeping a trailing slash.
func cleanURIPath(p string) string {
	if p == "" {
		return ""
	}
	c := path.Clean(p)
	if strings.HasSuffix(p, "/") && !strings.HasSuffix(c, "/") {
		c += "/"
	}
	return c
}

// percentDecode decodes every well-formed %XX escape of s and leaves the
// rest as it is.
func percentDecode(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && unhex(s[i+1]) >= 0 && unhex(s[i+2]) >= 0 {
			b.WriteByte(byte(unhex(s[i+1])<<4 | unhex(s[i+2])))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func unhex(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
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
// of characters (including none, and including '/') and ? any one character
// (a character, not a byte: "rm_?" matches "rm_é"). Everything else matches
// itself.
func globMatch(pattern, name string) bool {
	if !isASCII(pattern) || !isASCII(name) {
		return globMatchSeq([]rune(pattern), []rune(name))
	}
	// ASCII: bytes are characters; matched in place, without a copy.
	return globMatchSeq(unsafe.Slice(unsafe.StringData(pattern), len(pattern)), unsafe.Slice(unsafe.StringData(name), len(name)))
}

// globMatchSeq is globMatch over a sequence of characters: iterative
// matching with backtracking to the last star, linear in practice, no
// recursion. It only reads pattern and name.
func globMatchSeq[C byte | rune](pattern, name []C) bool {
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

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func validGlob(p string) error {
	if strings.TrimSpace(p) == "" {
		return errors.New("empty pattern")
	}
	return nil
}
