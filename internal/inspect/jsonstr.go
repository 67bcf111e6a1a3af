// Package inspect holds ward's content detectors: secrets in any text,
// invisible Unicode and ANSI escapes, tool-metadata poisoning and prompt
// injection in results. It is pure (no I/O) and knows nothing of policy: it
// reports what it finds by rule id, and internal/policy decides what to do.
package inspect

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"
)

// StringFunc is called for every string in a JSON document: s is the decoded
// string, where its JSON-pointer-like location, isKey whether it is an
// object key.
type StringFunc func(s, where string, isKey bool)

// errBadJSON is returned for input that is not one JSON value.
var errBadJSON = errors.New("inspect: malformed JSON")

// WalkStrings calls fn for every string (keys and values) in the JSON value
// raw, in document order. raw should be valid JSON (callers have parsed the
// message it comes from); gross structural errors are reported, but it is
// not a validator.
func WalkStrings(raw []byte, fn StringFunc) error {
	_, err := scanJSON(raw, func(s, where string, isKey bool) (string, bool) {
		fn(s, where, isKey)
		return "", false
	})
	return err
}

// RewriteStrings returns raw with every string value for which fn returns
// (replacement, true) replaced; everything else, including key order,
// numbers and whitespace, is copied byte for byte.
func RewriteStrings(raw []byte, fn func(s, where string) (string, bool)) (json.RawMessage, error) {
	if !json.Valid(raw) {
		return nil, errBadJSON
	}
	return scanJSON(raw, func(s, where string, isKey bool) (string, bool) {
		if isKey {
			return "", false
		}
		return fn(s, where)
	})
}

type frame struct {
	obj      bool
	index    int
	key      string
	wantKey  bool
	where    string
	outerKey string // for arrays: the object key the array is the value of
}

// ValueFunc is called for every string value in a JSON document: key is the
// nearest enclosing object key (for array elements, the key of the array),
// inArray whether the string is an array element.
type ValueFunc func(s, key, where string, inArray bool)

// WalkValues calls fn for every string value of the JSON object raw with
// its nearest key. It is the argument walker of the policy engine: one pass,
// no decoding into maps. raw should be valid JSON (see WalkStrings).
func WalkValues(raw []byte, fn ValueFunc) error {
	_, err := scanJSONKeys(raw, func(s, where string, isKey bool, key string, inArray bool) (string, bool) {
		if !isKey {
			fn(s, key, where, inArray)
		}
		return "", false
	})
	return err
}

// scanJSON walks raw, calling fn for each string; when fn asks for a
// replacement, the output is built. raw must be valid JSON.
func scanJSON(raw []byte, fn func(s, where string, isKey bool) (string, bool)) (json.RawMessage, error) {
	return scanJSONKeys(raw, func(s, where string, isKey bool, _ string, _ bool) (string, bool) { return fn(s, where, isKey) })
}

func scanJSONKeys(raw []byte, fn func(s, where string, isKey bool, key string, inArray bool) (string, bool)) (json.RawMessage, error) {
	var out []byte
	last := 0
	var stack []frame
	cur := func() string {
		if len(stack) == 0 {
			return ""
		}
		f := &stack[len(stack)-1]
		if f.obj {
			return f.where + "/" + strings.ReplaceAll(strings.ReplaceAll(f.key, "~", "~0"), "/", "~1")
		}
		return f.where + "/" + strconv.Itoa(f.index)
	}
	for i := 0; i < len(raw); i++ {
		switch raw[i] {
		case '{', '[':
			if len(stack) > 10000 {
				return nil, errBadJSON
			}
			outer := ""
			if len(stack) > 0 {
				if p := &stack[len(stack)-1]; p.obj {
					outer = p.key
				} else {
					outer = p.outerKey
				}
			}
			stack = append(stack, frame{obj: raw[i] == '{', wantKey: raw[i] == '{', where: cur(), outerKey: outer})
		case '}', ']':
			if len(stack) == 0 {
				return nil, errBadJSON
			}
			stack = stack[:len(stack)-1]
		case ',':
			if len(stack) > 0 {
				f := &stack[len(stack)-1]
				if f.obj {
					f.wantKey = true
				} else {
					f.index++
				}
			}
		case '"':
			j := i + 1
			esc := false
			for ; j < len(raw); j++ {
				if raw[j] == '\\' {
					esc = true
					j++
					continue
				}
				if raw[j] == '"' {
					break
				}
			}
			if j >= len(raw) {
				return nil, errBadJSON
			}
			lit := raw[i : j+1]
			var s string
			if esc || !utf8.Valid(lit) {
				if err := json.Unmarshal(lit, &s); err != nil {
					return nil, errBadJSON
				}
			} else {
				s = string(lit[1 : len(lit)-1])
			}
			isKey := len(stack) > 0 && stack[len(stack)-1].obj && stack[len(stack)-1].wantKey
			key, inArray := "", false
			if len(stack) > 0 {
				f := &stack[len(stack)-1]
				if f.obj {
					key = f.key
				} else {
					key, inArray = f.outerKey, true
				}
			}
			if isKey {
				f := &stack[len(stack)-1]
				f.key, f.wantKey = s, false
				fn(s, f.where+"/"+s, true, s, false)
			} else if rep, ok := fn(s, cur(), false, key, inArray); ok {
				enc, _ := json.Marshal(rep)
				if out == nil {
					out = make([]byte, 0, len(raw))
				}
				out = append(out, raw[last:i]...)
				out = append(out, enc...)
				last = j + 1
			}
			i = j
		}
	}
	if len(stack) != 0 {
		return nil, errBadJSON
	}
	if out == nil {
		return json.RawMessage(raw), nil
	}
	return append(out, raw[last:]...), nil
}
