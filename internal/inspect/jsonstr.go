// Package inspect holds ward's content detectors: secrets in any text,
// invisible Unicode and ANSI escapes, tool-metadata poisoning and prompt
// injection in results. It is pure (no I/O) and knows nothing of policy: it
// reports what it finds by rule id, and internal/policy decides what to do.
package inspect

import (
	"encoding/json"
	"errors"
	"github.com/ward-mcp/ward/internal/jsonrpc"
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
// raw, in document order. It reads raw strictly and in one pass: input that
// is not exactly one JSON value is an error (fn may have been called for the
// part before it).
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
	return scanJSON(raw, func(s, where string, isKey bool) (string, bool) {
		if isKey {
			return "", false
		}
		return fn(s, where)
	})
}

// ValueFunc is called for every string value in a JSON document: key is the
// nearest enclosing object key (for array elements, the key of the array),
// inArray whether the string is an array element.
type ValueFunc func(s, key, where string, inArray bool)

// WalkValues calls fn for every string value of the JSON object raw with
// its nearest key. It is the argument walker of the policy engine: one pass,
// no decoding into maps, strict like WalkStrings.
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
	sc := &scanner{raw: raw, fn: fn}
	i, err := sc.value(sc.space(0), "", "", false)
	if err != nil {
		return nil, err
	}
	if sc.space(i) != len(raw) {
		return nil, errBadJSON
	}
	if sc.out == nil {
		return json.RawMessage(raw), nil
	}
	return append(sc.out, raw[sc.last:]...), nil
}

// maxDepth bounds nesting, as encoding/json does.
const maxDepth = 10000

// scanner is a strict, single-pass JSON reader that calls fn for every
// string and can replace string values in place. It accepts exactly what
// encoding/json's Valid accepts (a fuzz test holds it to that).
type scanner struct {
	raw   []byte
	fn    func(s, where string, isKey bool, key string, inArray bool) (string, bool)
	out   []byte
	last  int
	depth int
}

func (sc *scanner) space(i int) int {
	for i < len(sc.raw) {
		switch sc.raw[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

func escapeKey(k string) string {
	if strings.IndexByte(k, '~') < 0 && strings.IndexByte(k, '/') < 0 {
		return k
	}
	return strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1")
}

// value reads the value at i (no leading space) and returns the index after it.
func (sc *scanner) value(i int, where, key string, inArray bool) (int, error) {
	raw := sc.raw
	if i >= len(raw) {
		return 0, errBadJSON
	}
	switch c := raw[i]; {
	case c == '{':
		if sc.depth++; sc.depth > maxDepth {
			return 0, errBadJSON
		}
		defer func() { sc.depth-- }()
		i = sc.space(i + 1)
		if i < len(raw) && raw[i] == '}' {
			return i + 1, nil
		}
		for {
			if i >= len(raw) || raw[i] != '"' {
				return 0, errBadJSON
			}
			k, end, err := sc.str(i)
			if err != nil {
				return 0, err
			}
			sub := where + "/" + escapeKey(k)
			sc.fn(k, sub, true, k, false)
			i = sc.space(end)
			if i >= len(raw) || raw[i] != ':' {
				return 0, errBadJSON
			}
			if i, err = sc.value(sc.space(i+1), sub, k, false); err != nil {
				return 0, err
			}
			i = sc.space(i)
			if i >= len(raw) {
				return 0, errBadJSON
			}
			if raw[i] == '}' {
				return i + 1, nil
			}
			if raw[i] != ',' {
				return 0, errBadJSON
			}
			i = sc.space(i + 1)
		}
	case c == '[':
		if sc.depth++; sc.depth > maxDepth {
			return 0, errBadJSON
		}
		defer func() { sc.depth-- }()
		i = sc.space(i + 1)
		if i < len(raw) && raw[i] == ']' {
			return i + 1, nil
		}
		for n := 0; ; n++ {
			var err error
			if i, err = sc.value(i, where+"/"+strconv.Itoa(n), key, true); err != nil {
				return 0, err
			}
			i = sc.space(i)
			if i >= len(raw) {
				return 0, errBadJSON
			}
			if raw[i] == ']' {
				return i + 1, nil
			}
			if raw[i] != ',' {
				return 0, errBadJSON
			}
			i = sc.space(i + 1)
		}
	case c == '"':
		s, end, err := sc.str(i)
		if err != nil {
			return 0, err
		}
		if rep, ok := sc.fn(s, where, false, key, inArray); ok {
			enc, _ := json.Marshal(rep)
			if sc.out == nil {
				sc.out = make([]byte, 0, len(raw)+len(enc))
			}
			sc.out = append(sc.out, raw[sc.last:i]...)
			sc.out = append(sc.out, enc...)
			sc.last = end
		}
		return end, nil
	case c == 't':
		return sc.literal(i, "true")
	case c == 'f':
		return sc.literal(i, "false")
	case c == 'n':
		return sc.literal(i, "null")
	case c == '-' || (c >= '0' && c <= '9'):
		return sc.number(i)
	}
	return 0, errBadJSON
}

func (sc *scanner) literal(i int, lit string) (int, error) {
	if len(sc.raw)-i < len(lit) || string(sc.raw[i:i+len(lit)]) != lit {
		return 0, errBadJSON
	}
	return i + len(lit), nil
}

// number reads -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (sc *scanner) number(i int) (int, error) {
	raw := sc.raw
	digits := func(i int) int {
		for i < len(raw) && raw[i] >= '0' && raw[i] <= '9' {
			i++
		}
		return i
	}
	if raw[i] == '-' {
		i++
	}
	switch {
	case i < len(raw) && raw[i] == '0':
		i++
	case i < len(raw) && raw[i] >= '1' && raw[i] <= '9':
		i = digits(i)
	default:
		return 0, errBadJSON
	}
	if i < len(raw) && raw[i] == '.' {
		j := digits(i + 1)
		if j == i+1 {
			return 0, errBadJSON
		}
		i = j
	}
	if i < len(raw) && (raw[i] == 'e' || raw[i] == 'E') {
		i++
		if i < len(raw) && (raw[i] == '+' || raw[i] == '-') {
			i++
		}
		j := digits(i)
		if j == i {
			return 0, errBadJSON
		}
		i = j
	}
	return i, nil
}

// str reads the string literal at i and returns its value and the index
// after the closing quote.
func (sc *scanner) str(i int) (string, int, error) {
	raw := sc.raw
	esc := false
	j := i + 1
	for ; j < len(raw); j++ {
		c := raw[j]
		if c == '"' {
			break
		}
		if c < 0x20 {
			return "", 0, errBadJSON
		}
		if c == '\\' {
			esc = true
			j++
			if j >= len(raw) {
				return "", 0, errBadJSON
			}
			switch raw[j] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if j+4 >= len(raw) || !isHex(raw[j+1]) || !isHex(raw[j+2]) || !isHex(raw[j+3]) || !isHex(raw[j+4]) {
					return "", 0, errBadJSON
				}
				j += 4
			default:
				return "", 0, errBadJSON
			}
		}
	}
	if j >= len(raw) {
		return "", 0, errBadJSON
	}
	lit := raw[i : j+1]
	if !esc && utf8.Valid(lit) {
		return string(lit[1 : len(lit)-1]), j + 1, nil
	}
	return jsonrpc.UnquoteBody(lit[1 : len(lit)-1]), j + 1, nil
}

func hex4(b []byte) rune {
	var r rune
	for _, c := range b {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c-'a') + 10
		default:
			r |= rune(c-'A') + 10
		}
	}
	return r
}
