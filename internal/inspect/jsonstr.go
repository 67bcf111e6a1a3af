// Package inspect holds ward's content detectors: secrets in any text,
// invisible Unicode and ANSI escapes, tool-metadata poisoning and prompt
// injection in results. It is pure (no I/O) and knows nothing of policy: it
// reports what it finds by rule id, and internal/policy decides what to do.
package inspect

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"math/bits"
	"strconv"
	"sync"
	"unicode/utf8"
	"unsafe"

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
	_, err := scanJSON(raw, v, nil, nil, false)
	return err
}

// VisitStringsBorrowed is VisitStrings without copying: a string written
// in raw without escapes is handed to v as a view of raw's bytes. Such a
// string is valid only while raw is unchanged; a visitor that keeps one (or
// any part of it) beyond that must copy it (strings.Clone). It saves the
// allocation of every string that a visitor only looks at.
func VisitStringsBorrowed(raw []byte, v StringVisitor) error {
	_, err := scanJSON(raw, v, nil, nil, true)
	return err
}

// RewriteStrings returns raw with every string value for which fn returns
// (replacement, true) replaced; everything else, including key order,
// numbers and whitespace, is copied byte for byte.
func RewriteStrings(raw []byte, fn func(s string, where *Path) (string, bool)) (json.RawMessage, error) {
	return scanJSON(raw, nil, nil, fn, false)
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
	_, err := scanJSON(raw, nil, v, nil, false)
	return err
}

// VisitValuesBorrowed is VisitValues without copying, on the terms of
// VisitStringsBorrowed: the strings (keys too) may be views of raw's bytes.
func VisitValuesBorrowed(raw []byte, v ValueVisitor) error {
	_, err := scanJSON(raw, nil, v, nil, true)
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

// scanJSON walks raw with a pooled scanner that has one of the visitors
// strs, vals and rewrite; with borrow, the strings it hands them may be
// views of raw (see VisitStringsBorrowed).
func scanJSON(raw []byte, strs StringVisitor, vals ValueVisitor, rewrite func(s string, where *Path) (string, bool), borrow bool) (json.RawMessage, error) {
	w := walkers.Get().(*Walker)
	out, err := w.sc.scan(raw, strs, vals, rewrite, borrow)
	walkers.Put(w)
	return out, err
}

// scan walks raw with sc (see scanJSON) and leaves sc ready for the next
// walk.
func (sc *scanner) scan(raw []byte, strs StringVisitor, vals ValueVisitor, rewrite func(s string, where *Path) (string, bool), borrow bool) (json.RawMessage, error) {
	sc.raw, sc.strs, sc.vals, sc.rewrite, sc.borrow = raw, strs, vals, rewrite, borrow
	sc.out, sc.last, sc.depth, sc.plain = nil, 0, 0, false
	sc.path.segs = sc.stack[:0]
	i, err := sc.value(sc.space(0), "", false)
	out, last := sc.out, sc.last
	// Drop the references before the scanner is reused: field by field,
	// and only the steps of the path that were used.
	sc.raw, sc.strs, sc.vals, sc.rewrite, sc.out, sc.path.segs = nil, nil, nil, nil, nil, nil
	clear(sc.stack[:min(sc.deepest, len(sc.stack))])
	sc.deepest = 0
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

// Walker is a reusable walker of JSON documents: the package's Visit
// functions, as methods that keep their working memory in the Walker
// instead of taking it from a pool. A caller that walks for every message
// and has an object of its own on the heap (a visitor) can embed one there
// and save the pool's round trip. The zero value is ready to use. A Walker
// walks one document at a time; a walk that a visitor's panic interrupts
// leaves nothing behind that the next walk would see.
type Walker struct {
	sc scanner
}

// VisitStringsBorrowed is VisitStringsBorrowed with w's memory.
func (w *Walker) VisitStringsBorrowed(raw []byte, v StringVisitor) error {
	_, err := w.sc.scan(raw, v, nil, nil, true)
	return err
}

// VisitValuesBorrowed is VisitValuesBorrowed with w's memory.
func (w *Walker) VisitValuesBorrowed(raw []byte, v ValueVisitor) error {
	_, err := w.sc.scan(raw, nil, v, nil, true)
	return err
}

// Plain reports whether the string the walk is handing its visitor is
// printable ASCII: it was written without escapes and every byte is
// between 0x20 and 0x7E. It is what the walk learnt while finding the
// string's end, and lets the visitor skip a pass over it (QuietPlain). It
// is meant for a visitor, during its call; false says nothing.
func (w *Walker) Plain() bool { return w.sc.plain }

// walkers reuses the package functions' Walkers, whose path stack makes
// them worth keeping. A Walker that a panicking callback leaves behind is
// not put back.
var walkers = sync.Pool{New: func() any { return new(Walker) }}

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
	deepest int         // the most steps path has had
	borrow  bool        // strings may be views of raw (VisitStringsBorrowed)
	plain   bool        // the last string read is printable ASCII (Walker.Plain)
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
	sc.deepest = max(sc.deepest, top+1)
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
	sc.deepest = max(sc.deepest, top+1)
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

// key reads the object member name at i like str.
func (sc *scanner) key(i int) (string, int, error) {
	return sc.str(i)
}

// maxCommon is the length of the longest string common knows.
const maxCommon = 20

// common returns the string body holds when it is one of the member names
// and values MCP messages and JSON Schemas use most, without allocating.
func common(body []byte) (string, bool) {
	switch string(body) {
	case "content":
		return "content", true
	case "contents":
		return "contents", true
	case "type":
		return "type", true
	case "text":
		return "text", true
	case "isError":
		return "isError", true
	case "structuredContent":
		return "structuredContent", true
	case "uri":
		return "uri", true
	case "mimeType":
		return "mimeType", true
	case "blob":
		return "blob", true
	case "name":
		return "name", true
	case "title":
		return "title", true
	case "description":
		return "description", true
	case "inputSchema":
		return "inputSchema", true
	case "outputSchema":
		return "outputSchema", true
	case "properties":
		return "properties", true
	case "required":
		return "required", true
	case "items":
		return "items", true
	case "default":
		return "default", true
	case "enum":
		return "enum", true
	case "annotations":
		return "annotations", true
	case "arguments":
		return "arguments", true
	case "resource":
		return "resource", true
	case "resources":
		return "resources", true
	case "messages":
		return "messages", true
	case "role":
		return "role", true
	case "tools":
		return "tools", true
	case "prompts":
		return "prompts", true
	case "nextCursor":
		return "nextCursor", true
	case "_meta":
		return "_meta", true
	case "data":
		return "data", true
	case "id":
		return "id", true
	case "value":
		return "value", true
	case "path":
		return "path", true
	case "url":
		return "url", true
	case "command":
		return "command", true
	case "message":
		return "message", true
	case "query":
		return "query", true
	case "file":
		return "file", true
	case "args":
		return "args", true
	case "additionalProperties":
		return "additionalProperties", true
	case "$schema":
		return "$schema", true
	case "format":
		return "format", true
	case "examples":
		return "examples", true
	case "image":
		return "image", true
	case "size":
		return "size", true
	case "key":
		return "key", true
	case "result":
		return "result", true
	case "error":
		return "error", true
	case "code":
		return "code", true
	case "status":
		return "status", true
	case "body":
		return "body", true
	case "headers":
		return "headers", true
	case "method":
		return "method", true
	case "params":
		return "params", true
	case "jsonrpc":
		return "jsonrpc", true
	case "progressToken":
		return "progressToken", true
	case "cursor":
		return "cursor", true
	case "audio":
		return "audio", true
	case "resource_link":
		return "resource_link", true
	case "object":
		return "object", true
	case "string":
		return "string", true
	case "array":
		return "array", true
	case "number":
		return "number", true
	case "integer":
		return "integer", true
	case "boolean":
		return "boolean", true
	case "user":
		return "user", true
	case "assistant":
		return "assistant", true
	case "text/plain":
		return "text/plain", true
	case "application/json":
		return "application/json", true
	case "true":
		return "true", true
	case "false":
		return "false", true
	}
	return "", false
}

// str reads the string literal at i and returns its value and the index
// after the closing quote. It sets sc.plain to whether the value is
// printable ASCII written without escapes.
func (sc *scanner) str(i int) (string, int, error) {
	if end, plain := plainString(sc.raw, i); end > 0 {
		sc.plain = plain
		return decodeBody(sc.raw[i+1:end-1], false, plain, sc.borrow), end, nil
	}
	sc.plain = false
	end, esc, err := jsonrpc.ScanString(sc.raw, i)
	if err != nil {
		return "", 0, errBadJSON
	}
	return decodeBody(sc.raw[i+1:end-1], esc, false, sc.borrow), end, nil
}

// plainString reads the string literal at raw[i] (a quote) when it has no
// escapes: it returns the index after its closing quote and whether every
// byte of its body is below 0x7F (the body of a valid literal has none
// below 0x20), or 0 when the literal has an escape, a control character or
// no end, which jsonrpc.ScanString then reads. Where it returns an index,
// ScanString returns the same one, without escapes or an error
// (TestPlainString, FuzzPlainString).
func plainString(raw []byte, i int) (end int, plain bool) {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	j := i + 1
	for ; j+8 <= len(raw); j += 8 {
		x := binary.LittleEndian.Uint64(raw[j:])
		// The lowest high bit of m marks the first byte that is a quote,
		// a backslash, below 0x20 or ≥ 0x7F: a borrow or carry that could
		// set a bit spuriously starts at such a byte and goes up.
		q, b := x^('"'*ones), x^('\\'*ones)
		if m := ((q-ones)&^q | (b-ones)&^b | (x - 0x20*ones) | (x + ones) | x) & highs; m != 0 {
			j += bits.TrailingZeros64(m) >> 3
			break
		}
	}
	for ; j < len(raw); j++ {
		switch c := raw[j]; {
		case c == '"':
			return j + 1, true
		case c == '\\' || c < 0x20:
			return 0, false
		case c >= 0x7F:
			// Not plain: the rest is ScanString's, from here (it steps
			// over raw[j-1] first). An escape sends the caller back to
			// ScanString from the start, as above.
			end, esc, err := jsonrpc.ScanString(raw, j-1)
			if err != nil || esc {
				return 0, false
			}
			return end, false
		}
	}
	return 0, false
}

// decodeBody decodes the body of a valid JSON string literal; ascii says
// that it has no byte ≥ 0x80. With borrow, a body without escapes that is
// valid UTF-8 is returned as a view of its bytes, not a copy.
func decodeBody(body []byte, esc, ascii, borrow bool) string {
	if !esc && len(body) <= maxCommon {
		if s, ok := common(body); ok {
			return s
		}
	}
	if !esc && (ascii || utf8.Valid(body)) {
		if borrow {
			return unsafe.String(unsafe.SliceData(body), len(body))
		}
		return string(body)
	}
	return jsonrpc.UnquoteBody(body)
}
