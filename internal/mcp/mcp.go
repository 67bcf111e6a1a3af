// Package mcp knows the Model Context Protocol's methods and the shapes of the
// messages ward inspects: which list result holds which items, what names an
// item, and how to filter a list without touching anything else in it.
package mcp

import (
	"bytes"
	"unicode/utf8"

	"github.com/ward-mcp/ward/internal/jsonrpc"
)

// The list methods whose results ward filters, and the member that holds the
// items in each result.
var listFields = map[string]string{
	"tools/list":               "tools",
	"prompts/list":             "prompts",
	"resources/list":           "resources",
	"resources/templates/list": "resourceTemplates",
}

// ListField returns the result member holding the items of a list method,
// or "" when method is not one of the four list methods.
func ListField(method string) string { return listFields[method] }

// ItemKey returns the member that names an item of the given list field:
// "name" for tools and prompts, "uri" for resources, "uriTemplate" for
// resource templates.
func ItemKey(field string) string {
	switch field {
	case "resources":
		return "uri"
	case "resourceTemplates":
		return "uriTemplate"
	}
	return "name"
}

// ItemName returns the name (or URI, or URI template) of one list item.
func ItemName(field string, item []byte) string {
	s, _ := jsonrpc.String(jsonrpc.Member(item, ItemKey(field)))
	return s
}

// FilterList returns result with the items of field for which keep returns
// false removed. Every other member of the result (nextCursor, _meta, and
// anything a newer revision adds) and every kept item is copied byte for
// byte. It returns nil when nothing was removed, and ok=false when result
// has no such array (the caller decides whether that is an error).
func FilterList(result []byte, field string, keep func(item []byte) bool) (filtered []byte, ok bool) {
	return EditList(result, field, func(item []byte) ([]byte, bool) { return nil, keep(item) })
}

// EditList is FilterList that may also replace items: edit returns keep=false
// to remove an item, or a non-nil replacement to forward instead of it. It
// returns nil when nothing changed.
func EditList(result []byte, field string, edit func(item []byte) (replacement []byte, keep bool)) (edited []byte, ok bool) {
	start, end, found := jsonrpc.MemberSpan(result, field)
	if !found || result[start] != '[' {
		return nil, false
	}
	arr := result[start:end]
	var kept [][]byte
	changed := false
	if !jsonrpc.Elements(arr, func(item []byte) bool {
		repl, keep := edit(item)
		switch {
		case !keep:
			changed = true
		case repl != nil:
			kept = append(kept, repl)
			changed = true
		default:
			kept = append(kept, item)
		}
		return true
	}) {
		return nil, false
	}
	if !changed {
		return nil, true
	}
	out := make([]byte, 0, len(result))
	out = append(out, result[:start]...)
	out = append(out, '[')
	for i, item := range kept {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, item...)
	}
	out = append(out, ']')
	out = append(out, result[end:]...)
	return out, true
}

// CaseVariant returns the first member name of the JSON object obj that
// equals one of names ignoring case without being written as it, and that
// name; "" when there is none.
// ward reads member names case-sensitively; encoding/json, behind mcp-go
// servers and clients, matches them ignoring case, so that to such a peer
// "Arguments" is the arguments ward did not read.
func CaseVariant(obj []byte, names ...string) (variant, name string) {
	jsonrpc.MembersRaw(obj, func(key []byte, escaped bool, _, _ int) bool {
		body := key[1 : len(key)-1]
		if escaped {
			// Rare: compare the decoded name.
			member, _ := jsonrpc.String(key)
			body = []byte(member)
		}
		variant, name = CaseVariantOf(body, names...)
		return variant == ""
	})
	return variant, name
}

// CaseVariantOf is CaseVariant for one member, named member (decoded):
// (member, n) for the first of names that member differs from only in
// case, ("", "") when there is none.
func CaseVariantOf(member []byte, names ...string) (variant, name string) {
	ascii := true
	for _, c := range member {
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	for _, n := range names {
		// An ASCII name folds only to one of its own length; others
		// may not (the Kelvin sign folds with k, the long s with s).
		if ascii && len(member) != len(n) || string(member) == n {
			continue
		}
		if bytes.EqualFold(member, []byte(n)) {
			return string(member), n
		}
	}
	return "", ""
}

// itemMembers are the members MCP defines on the items of the lists.
var itemMembers = []string{"name", "title", "description", "inputSchema", "outputSchema", "annotations",
	"uri", "uriTemplate", "mimeType", "size", "arguments", "icons", "_meta"}

// ListCaseVariant returns a member name of a list result that differs only
// in case from the list's field, or from a member MCP defines on its items
// (see CaseVariant), or "": a peer that matches names ignoring case would
// read an item, or a whole list, that ward did not filter.
func ListCaseVariant(result []byte, field string) string {
	if v, _ := CaseVariant(result, field); v != "" {
		return v
	}
	variant := ""
	jsonrpc.Elements(jsonrpc.Member(result, field), func(item []byte) bool {
		variant, _ = CaseVariant(item, itemMembers...)
		return variant == ""
	})
	return variant
}
