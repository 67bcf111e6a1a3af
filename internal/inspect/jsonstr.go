// Package inspect holds ward's content detectors: secrets in any text,
// invisible Unicode and ANSI escapes, tool-metadata poisoning and prompt
// injection in results. It is pure (no I/O) and knows nothing of policy: it
// reports what it finds by rule id, and internal/policy decides what to do.
package inspect

import (
	"encoding/json"
	"errors"
	"strconv"
	"sync"
	"unicode/utf8"

	"github.com/ward-mcp/ward/internal/jsonrpc"
)

// Path is the location of a string in a JSON document, a
// JSON-pointer-like path such as "/content/0/text". The walkers hand the
// callback one that is valid only during the call and build its text only
// when asked (String): most strings are never reported anywhere.
type Path struct {
	segs []pathSeg
}

// pathSeg is one step of a Path: an object member's name, or an array
// index when index ≥ 0.
type pathSeg struct {
	key   string
	index int
}

// String returns the path as text: each step is "/" and the member name
// (with "~" written "~0" and "/" written "~1") or the array index.
func (p *Path) String() string {
	if p == nil || len(p.segs) == 0 {
		return ""
	}
	return string(p.AppendTo(make([]byte, 0, 64)))
}

// AppendTo appends the text of the path to b.
func (p *Path) AppendTo(b []byte) []byte {
	if p == nil {
		return b
	}
	for _, sg := range p.segs {
		b = append(b, '/')
		if sg.index >= 0 {
			b = strconv.AppendInt(b, int64(sg.index), 10)
		} else {
			b = appendEscapedKey(b, sg.key)
		}
	}
	return b
}

// Len returns the number of steps of the path.
func (p *Path) Len() int { return len(p.segs) }

// IsKey reports whether step i (0-based; negative counts from the end) is
// the object member name k.
func (p *Path) IsKey(i int, k string) bool {
	if i < 0 {
		i += len(p.segs)
	}
	return i >= 0 && i < len(p.segs) && p.segs[i].index < 0 && p.segs[i].key == k
}

// NewPath returns a path of object member names, for the detectors' callers
// that report on a value they did not find by walking.
func NewPath(keys ...string) *Path {
	p := &Path{segs: make([]pathSeg, len(keys))}
	for i, k := range keys {
		p.segs[i] = pathSeg{key: k, index: -1}
	}
	return p
}

// StringFunc is called for every string in a JSON document: s is the decoded
// string, where its location, isKey whether it is an object key.
type StringFunc func(s string, where *Path, isKey bool)

// VisitString calls f.
func (f StringFunc) VisitString(s string, where *Path, isKey bool) { f(s, where, isKey) }

// StringVisitor receives every string of a JSON document; see WalkStrings.
// A visitor that is a pointer already on the heap costs no allocation,
// where a closure handed to WalkStrings is one.
type StringVisitor interface {
	VisitString(s string, where *Path, isKey bool)
}

// errBadJSON is returned for input that is not one JSON value.
var errBadJSON = errors.New("inspect: malformed JSON")

// WalkStrings calls fn for every string (keys and values) in the JSON value
// raw, in document order. It reads raw strictly and in one pass: input that
// is not exactly one JSON value is an error (fn may have been called for the
// part before it).
func WalkStrings(raw []byte, fn StringFunc) error { return VisitStrings(raw, fn) }

// VisitStrings is WalkStrings with a visitor.
func VisitStrings(raw []byte, v StringVisitor) error {
	_, err := scanJSON(raw, scanner{strs: v})
	return err
}

// RewriteStrings returns raw with every string value for which fn returns
// (replacement, true) replaced; everything else, including key order,
// numbers and whitespace, is copied byte for byte.
func RewriteStrings(raw []byte, fn func(s string, where *Path) (string, bool)) (json.RawMessage, error) {
	return scanJSON(raw, scanner{rewrite: fn})
}

// ValueFunc is called for every string value in a JSON document: key is the
// nearest enclosing object key (for array elements, the key of the array),
// inArray whether the string is an array element.
type ValueFunc func(s, key string, where *Path, inArray bool)

// VisitValue calls f.
func (f ValueFunc) VisitValue(s, key string, where *Path, inArray bool) { f(s, key, where, inArray) }

// ValueVisitor receives every string value of a JSON document; see
// WalkValues.
type ValueVisitor interface {
	VisitValue(s, key string, where *Path, inArray bool)
}

// WalkValues calls fn for every string value of the JSON object raw with
// its nearest key. It is the argument walker of the policy engine: one pass,
// no decoding into maps, strict like WalkStrings.
func WalkValues(raw []byte, fn ValueFunc) error { return VisitValues(raw, fn) }

// VisitValues is WalkValues with a visitor.
func VisitValues(raw []byte, v ValueVisitor) error {
	_, err := scanJSON(raw, scanner{vals: v})
	return err
}

// emit hands the string s to the scanner's visitor and returns its
// replacement, if any.
func (sc *scanner) emit(s string, isKey bool, key string, inArray bool) (string, bool) {
	switch {
	case sc.strs != nil:
		sc.strs.VisitString(s, &sc.path, isKey)
	case sc.vals != nil:
		if !isKey {
			sc.vals.VisitValue(s, key, &sc.path, inArray)
		}
	case sc.rewrite != nil:
		if !isKey {
			return sc.rewrite(s, &sc.path)
		}
	}
	return "", false
}

// scanJSON walks raw with a scanner set up like init (one of its visitors
// set).
func scanJSON(raw []byte, init scanner) (json.RawMessage, error) {
	sc := scanners.Get().(*scanner)
	*sc = init
	sc.raw = raw
	sc.path.segs = sc.stack[:0]
	i, err := sc.value(sc.space(0), "", false)
	out, last := sc.out, sc.last
	*sc = scanner{} // drop the references before the scanner is reused
	scanners.Put(sc)
	if err != nil {
		return nil, err
	}
	if skipSpace(raw, i) != len(raw) {
		return nil, errBadJSON
	}
	if out == nil {
		return json.RawMessage(raw), nil
	}
	return append(out, raw[last:]...), nil
}

// scanners reuses scanners, whose path stack makes them worth keeping. A
// scanner that a panicking callback leaves behind is not put back.
var scanners = sync.Pool{New: func() any { return new(scanner) }}

// maxDepth bounds nesting, as encoding/json does.
const maxDepth = 10000

// scanner is a strict, single-pass JSON reader that hands every string to
// its visitor and can replace string values in place. It accepts exactly
// what encoding/json's Valid accepts (a fuzz test holds it to that).
type scanner struct {
	raw     []byte
	strs    StringVisitor
	vals    ValueVisitor
	rewrite func(s string, where *Path) (string, bool)
	out     []byte
	last    int
	depth   int
	path    Path        // where the scanner is: one step per open object or array
	stack   [16]pathSeg // the first steps of path, without allocating
}

func (sc *scanner) space(i int) int { return skipSpace(sc.raw, i) }

// skipSpace returns the index of the first byte at or after i of raw that
// is not JSON white space.
func skipSpace(raw []byte, i int) int {
	for i < len(raw) {
		switch raw[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// appendEscapedKey appends k with "~" written "~0" and "/" written "~1".
func appendEscapedKey(b []byte, k string) []byte {
	for i := 0; i < len(k); i++ {
		switch c := k[i]; c {
		case '~':
			b = append(b, '~', '0')
		case '/':
			b = append(b, '~', '1')
		default:
			b = append(b, c)
		}
	}
	return b
}

// value reads the value at i (no leading space) and returns the index after it.
func (sc *scanner) value(i int, key string, inArray bool) (int, error) {
	raw := sc.raw
	if i >= len(raw) {
		return 0, errBadJSON
	}
	switch c := raw[i]; {
	case c == '{':
		return sc.object(i)
	case c == '[':
		return sc.array(i, key)
	case c == '"':
		s, end, err := sc.str(i)
		if err != nil {
			return 0, err
		}
		if rep, ok := sc.emit(s, false, key, inArray); ok {
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

// object reads the object at i. Depth and path are restored on the way
// out, without defers (an error ends the whole scan, so those paths need
// not restore them).
func (sc *scanner) object(i int) (int, error) {
	raw := sc.raw
	if sc.depth++; sc.depth > maxDepth {
		return 0, errBadJSON
	}
	i = sc.space(i + 1)
	if i < len(raw) && raw[i] == '}' {
		sc.depth--
		return i + 1, nil
	}
	top := len(sc.path.segs)
	sc.path.segs = append(sc.path.segs, pathSeg{index: -1})
	for {
		if i >= len(raw) || raw[i] != '"' {
			return 0, errBadJSON
		}
		k, end, err := sc.key(i)
		if err != nil {
			return 0, err
		}
		sc.path.segs[top].key = k
		sc.emit(k, true, k, false)
		i = sc.space(end)
		if i >= len(raw) || raw[i] != ':' {
			return 0, errBadJSON
		}
		if i, err = sc.value(sc.space(i+1), k, false); err != nil {
			return 0, err
		}
		i = sc.space(i)
		if i >= len(raw) {
			return 0, errBadJSON
		}
		if raw[i] == '}' {
			sc.depth--
			sc.path.segs = sc.path.segs[:top]
			return i + 1, nil
		}
		if raw[i] != ',' {
			return 0, errBadJSON
		}
		i = sc.space(i + 1)
	}
}

// array reads the array at i, whose elements are under key.
func (sc *scanner) array(i int, key string) (int, error) {
	raw := sc.raw
	if sc.depth++; sc.depth > maxDepth {
		return 0, errBadJSON
	}
	i = sc.space(i + 1)
	if i < len(raw) && raw[i] == ']' {
		sc.depth--
		return i + 1, nil
	}
	top := len(sc.path.segs)
	sc.path.segs = append(sc.path.segs, pathSeg{})
	for n := 0; ; n++ {
		var err error
		sc.path.segs[top].index = n
		if i, err = sc.value(i, key, true); err != nil {
			return 0, err
		}
		i = sc.space(i)
		if i >= len(raw) {
			return 0, errBadJSON
		}
		if raw[i] == ']' {
			sc.depth--
			sc.path.segs = sc.path.segs[:top]
			return i + 1, nil
		}
		if raw[i] != ',' {
			return 0, errBadJSON
		}
		i = sc.space(i + 1)
	}
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

// key reads the object member name at i like str, without allocating for
// the names MCP messages and JSON Schemas use most.
func (sc *scanner) key(i int) (string, int, error) {
	end, esc, err := jsonrpc.ScanString(sc.raw, i)
	if err != nil {
		return "", 0, errBadJSON
	}
	body := sc.raw[i+1 : end-1]
	if !esc {
		if k, ok := commonKeys[string(body)]; ok {
			return k, end, nil
		}
	}
	return decodeBody(body, esc), end, nil
}

// commonKeys are member names kept as strings once for all messages.
var commonKeys = func() map[string]string {
	m := map[string]string{}
	for _, k := range []string{"content", "contents", "type", "text", "isError", "structuredContent", "uri", "mimeType", "blob", "name", "title",
		"description", "inputSchema", "outputSchema", "properties", "required", "items", "default", "enum", "annotations", "arguments",
		"resource", "resources", "messages", "role", "tools", "prompts", "nextCursor", "_meta", "data", "id", "value", "path", "url",
		"command", "message", "query", "file", "args", "additionalProperties", "$schema", "format", "examples", "image", "size",
		"key", "result", "error", "code", "status", "body", "headers", "method", "params", "jsonrpc", "progressToken", "cursor"} {
		m[k] = k
	}
	return m
}()

// str reads the string literal at i and returns its value and the index
// after the closing quote.
func (sc *scanner) str(i int) (string, int, error) {
	end, esc, err := jsonrpc.ScanString(sc.raw, i)
	if err != nil {
		return "", 0, errBadJSON
	}
	return decodeBody(sc.raw[i+1:end-1], esc), end, nil
}

// decodeBody decodes the body of a valid JSON string literal.
func decodeBody(body []byte, esc bool) string {
	if !esc && utf8.Valid(body) {
		return string(body)
	}
	return jsonrpc.UnquoteBody(body)
}
