package audit

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/gowebpki/jcs"

	"github.com/ward-mcp/ward/internal/jsonrpc"
)

// maxNesting is encoding/json's limit on nested arrays and objects
// (json.Valid, json.Compact). The readers here accept exactly what it
// accepts, so that arguments that sealed before still seal.
const maxNesting = 10000

var (
	errJSONSyntax    = errors.New("invalid JSON")
	errJSONTruncated = errors.New("unexpected end of JSON")
	errJSONDepth     = errors.New("JSON nested too deeply")
)

// appendCanonicalJSON appends the RFC 8785 (JCS) form of the JSON value data
// to b in one pass. For every data that json.Valid accepts it produces
// exactly jcs.Transform of json.Compact(data), which is what sealing used
// before, and fails exactly where that fails (a fuzz test holds it to both):
//
//   - Members are sorted by the UTF-16 code units of their decoded names
//     (bytes that are not UTF-8 count as U+FFFD, as in jcs); two names that
//     decode to the same units are an error, as in jcs. The relay refuses
//     such messages anyway.
//   - Strings keep their bytes, including bytes that are not UTF-8 (jcs does
//     not replace them); escapes are decoded and only '"', '\\' and control
//     characters written escaped. A \u escape of a surrogate must be followed
//     by a second \u escape, and the two decode as a pair (U+FFFD if they are
//     not one); a lone surrogate is an error, as in jcs.
//   - Integers of at most 15 digits are kept as written ("-0" becomes "0");
//     every other number is parsed as an IEEE 754 double and written by
//     jcs.NumberToJSON. A number beyond the double range (1e400) is an error.
//
// Unlike jcs.Transform it rejects what is not JSON (jcs accepts "[1 2]",
// "0x10" and more), and it accepts whitespace around a top-level scalar
// (jcs does not; sealing compacts first). Members are sorted with a
// comparison sort, O(m log m) for m members; members that are already in
// order, as in data this function wrote, are not moved.
func appendCanonicalJSON(b, data []byte) ([]byte, error) {
	c := canonicalisers.Get().(*canonicaliser)
	defer c.release()
	c.data = data
	b, i, err := c.value(b, skipWS(data, 0), 0)
	if err != nil {
		return nil, err
	}
	if i = skipWS(data, i); i != len(data) {
		return nil, fmt.Errorf("%w: data after the value at offset %d", errJSONSyntax, i)
	}
	return b, nil
}

// canonicaliser holds the input and a stack of the members of the objects
// being written, shared by all levels so that it is allocated once.
type canonicaliser struct {
	data    []byte
	members []canonMember
}

// canonicalisers keep the members stacks of finished canonicalisers, so that
// sealing an event does not allocate one.
var canonicalisers = sync.Pool{New: func() any { return new(canonicaliser) }}

// release returns c to canonicalisers, holding no reference to its input.
func (c *canonicaliser) release() {
	if cap(c.members) > 1024 {
		return
	}
	clear(c.members[:cap(c.members)])
	c.data, c.members = nil, c.members[:0]
	canonicalisers.Put(c)
}

// canonMember is one member of an object being written: its decoded name
// and the span of its output (name, colon and value) in the output buffer.
type canonMember struct {
	name       []byte
	start, end int
}

func (c *canonicaliser) value(b []byte, i, depth int) ([]byte, int, error) {
	data := c.data
	if i >= len(data) {
		return b, i, errJSONTruncated
	}
	switch ch := data[i]; {
	case ch == '"':
		end, escaped, err := scanString(data, i)
		if err != nil {
			return b, end, err
		}
		if !escaped {
			// Nothing in it needs an escape: the token is its own form.
			return append(b, data[i:end]...), end, nil
		}
		b = append(b, '"')
		b, err = appendJCSBody(b, data[i+1:end-1], false)
		return append(b, '"'), end, err
	case ch == '{':
		return c.object(b, i, depth+1)
	case ch == '[':
		return c.array(b, i, depth+1)
	case ch == '-' || (ch >= '0' && ch <= '9'):
		end, integer, err := scanNumber(data, i)
		if err != nil {
			return b, end, err
		}
		b, err = appendJCSNumber(b, data[i:end], integer)
		return b, end, err
	default:
		end, err := scanLiteral(data, i)
		return append(b, data[i:end]...), end, err
	}
}

func (c *canonicaliser) array(b []byte, i, depth int) ([]byte, int, error) {
	if depth > maxNesting {
		return b, i, errJSONDepth
	}
	data := c.data
	b = append(b, '[')
	i = skipWS(data, i+1)
	if i < len(data) && data[i] == ']' {
		return append(b, ']'), i + 1, nil
	}
	for {
		var err error
		if b, i, err = c.value(b, i, depth); err != nil {
			return b, i, err
		}
		if i = skipWS(data, i); i >= len(data) {
			return b, i, errJSONTruncated
		}
		switch data[i] {
		case ',':
			b = append(b, ',')
			i = skipWS(data, i+1)
		case ']':
			return append(b, ']'), i + 1, nil
		default:
			return b, i, errJSONSyntax
		}
	}
}

func (c *canonicaliser) object(b []byte, i, depth int) ([]byte, int, error) {
	if depth > maxNesting {
		return b, i, errJSONDepth
	}
	data := c.data
	start := len(b)
	b = append(b, '{')
	i = skipWS(data, i+1)
	if i < len(data) && data[i] == '}' {
		return append(b, '}'), i + 1, nil
	}
	base := len(c.members)
	defer func() { c.members = c.members[:base] }()
	for {
		if i >= len(data) {
			return b, i, errJSONTruncated
		}
		if data[i] != '"' {
			return b, i, errJSONSyntax
		}
		kEnd, escaped, err := scanString(data, i)
		if err != nil {
			return b, kEnd, err
		}
		m := canonMember{name: data[i+1 : kEnd-1], start: len(b)}
		if escaped {
			if m.name, err = appendJCSBody(nil, m.name, true); err != nil {
				return b, i, err
			}
			b = append(b, '"')
			b, _ = appendJCSBody(b, data[i+1:kEnd-1], false)
			b = append(b, '"')
		} else {
			b = append(b, data[i:kEnd]...)
		}
		if i = skipWS(data, kEnd); i >= len(data) {
			return b, i, errJSONTruncated
		}
		if data[i] != ':' {
			return b, i, errJSONSyntax
		}
		b = append(b, ':')
		if b, i, err = c.value(b, skipWS(data, i+1), depth); err != nil {
			return b, i, err
		}
		m.end = len(b)
		c.members = append(c.members, m)
		if i = skipWS(data, i); i >= len(data) {
			return b, i, errJSONTruncated
		}
		if data[i] == '}' {
			i++
			break
		}
		if data[i] != ',' {
			return b, i, errJSONSyntax
		}
		b = append(b, ',')
		i = skipWS(data, i+1)
	}
	ms := c.members[base:]
	sorted := true
	for k := 1; k < len(ms); k++ {
		switch d := compareUTF16(ms[k-1].name, ms[k].name); {
		case d == 0:
			return b, i, fmt.Errorf("%w: duplicate member name %q", errJSONSyntax, ms[k].name)
		case d > 0:
			sorted = false
		}
	}
	if sorted {
		return append(b, '}'), i, nil
	}
	slices.SortFunc(ms, func(x, y canonMember) int { return compareUTF16(x.name, y.name) })
	for k := 1; k < len(ms); k++ {
		if compareUTF16(ms[k-1].name, ms[k].name) == 0 {
			return b, i, fmt.Errorf("%w: duplicate member name %q", errJSONSyntax, ms[k].name)
		}
	}
	// Write the members in order after the unordered ones, then move them
	// down over those.
	tail := len(b)
	b = append(b, '{')
	for k, m := range ms {
		if k > 0 {
			b = append(b, ',')
		}
		b = append(b, b[m.start:m.end]...)
	}
	b = append(b, '}')
	n := copy(b[start:], b[tail:])
	return b[:start+n], i, nil
}

// appendJCSBody appends the body (between the quotes) of a validated JSON
// string token as jcs.Transform treats it: decoded when decode is set (the
// name it sorts by), else in RFC 8785 form without quotes. Bytes that are not
// escapes are kept as they are.
func appendJCSBody(b, body []byte, decode bool) ([]byte, error) {
	for i := 0; i < len(body); {
		c := body[i]
		if c != '\\' {
			j := i + 1
			for j < len(body) && body[j] != '\\' {
				j++
			}
			b = append(b, body[i:j]...)
			i = j
			continue
		}
		var r rune
		switch e := body[i+1]; e {
		case 'u':
			r = hex4(body[i+2 : i+6])
			i += 6
			if utf16.IsSurrogate(r) {
				// jcs requires a second \u escape and decodes the two as a
				// pair, U+FFFD if they are not one.
				if i+6 > len(body) || body[i] != '\\' || body[i+1] != 'u' {
					return b, fmt.Errorf("%w: lone surrogate \\u%04x in a string", errJSONSyntax, r)
				}
				r = utf16.DecodeRune(r, hex4(body[i+2:i+6]))
				i += 6
			}
		case 'b':
			r, i = '\b', i+2
		case 'f':
			r, i = '\f', i+2
		case 'n':
			r, i = '\n', i+2
		case 'r':
			r, i = '\r', i+2
		case 't':
			r, i = '\t', i+2
		default: // " \ /
			r, i = rune(e), i+2
		}
		if decode || r >= utf8.RuneSelf {
			b = utf8.AppendRune(b, r)
		} else {
			b = appendJCSASCII(b, byte(r))
		}
	}
	return b, nil
}

// appendJCSASCII appends the ASCII character c as RFC 8785 writes it in a
// string.
func appendJCSASCII(b []byte, c byte) []byte {
	switch {
	case c == '"':
		return append(b, '\\', '"')
	case c == '\\':
		return append(b, '\\', '\\')
	case c >= 0x20:
		return append(b, c)
	case c == '\b':
		return append(b, '\\', 'b')
	case c == '\t':
		return append(b, '\\', 't')
	case c == '\n':
		return append(b, '\\', 'n')
	case c == '\f':
		return append(b, '\\', 'f')
	case c == '\r':
		return append(b, '\\', 'r')
	}
	return append(b, '\\', 'u', '0', '0', hexDigit(c>>4), hexDigit(c&0xf))
}

// appendJCSNumber appends the RFC 8785 form of the validated JSON number
// tok: the ECMAScript form of the nearest IEEE 754 double.
func appendJCSNumber(b, tok []byte, integer bool) ([]byte, error) {
	digits := len(tok)
	if tok[0] == '-' {
		digits--
	}
	if integer && digits <= 15 {
		// Exact as a double, and ECMAScript writes such a double as the
		// integer it is.
		if len(tok) == 2 && tok[0] == '-' && tok[1] == '0' {
			return append(b, '0'), nil
		}
		return append(b, tok...), nil
	}
	f, err := strconv.ParseFloat(string(tok), 64)
	if err != nil {
		return b, fmt.Errorf("number %s: %w", tok, err)
	}
	s, err := jcs.NumberToJSON(f)
	if err != nil {
		return b, fmt.Errorf("number %s: %w", tok, err)
	}
	return append(b, s...), nil
}

// compareUTF16 compares two names by their UTF-16 code units, as RFC 8785
// sorts members; bytes that are not UTF-8 count as U+FFFD each.
func compareUTF16(x, y []byte) int {
	for len(x) > 0 && len(y) > 0 {
		cx, cy := x[0], y[0]
		if cx < utf8.RuneSelf && cy < utf8.RuneSelf {
			if cx != cy {
				return int(cx) - int(cy)
			}
			x, y = x[1:], y[1:]
			continue
		}
		rx, nx := utf8.DecodeRune(x)
		ry, ny := utf8.DecodeRune(y)
		if rx != ry {
			// Above U+FFFF a rune is a surrogate pair, whose first unit
			// (0xD800-0xDBFF) sorts below U+E000-U+FFFF.
			ux, uy := firstUnit(rx), firstUnit(ry)
			if ux != uy {
				return int(ux) - int(uy)
			}
			return int(rx) - int(ry)
		}
		x, y = x[nx:], y[ny:]
	}
	return len(x) - len(y)
}

func firstUnit(r rune) rune {
	if r < 0x10000 {
		return r
	}
	return 0xD800 + (r-0x10000)>>10
}

// The scanners below validate JSON as encoding/json does: RFC 8259 syntax,
// bytes inside strings not checked for UTF-8, nesting up to maxNesting.

func skipWS(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// skipValue validates the value at data[i], inside depth containers, and
// returns the index past it.
func skipValue(data []byte, i, depth int) (int, error) {
	if i >= len(data) {
		return i, errJSONTruncated
	}
	switch c := data[i]; {
	case c == '"':
		end, _, err := scanString(data, i)
		return end, err
	case c == '-' || (c >= '0' && c <= '9'):
		end, _, err := scanNumber(data, i)
		return end, err
	case c == '{' || c == '[':
		_, end, err := skipContainer(data, i, depth+1)
		return end, err
	default:
		return scanLiteral(data, i)
	}
}

// skipContainer validates the array or object at data[i], the depth-th
// container of its nesting, and returns its number of elements or members
// and the index past it.
func skipContainer(data []byte, i, depth int) (n, end int, err error) {
	if depth > maxNesting {
		return 0, i, errJSONDepth
	}
	closer := byte(']')
	if data[i] == '{' {
		closer = '}'
	}
	i = skipWS(data, i+1)
	if i < len(data) && data[i] == closer {
		return 0, i + 1, nil
	}
	for {
		if closer == '}' {
			if i >= len(data) {
				return n, i, errJSONTruncated
			}
			if data[i] != '"' {
				return n, i, errJSONSyntax
			}
			if i, _, err = scanString(data, i); err != nil {
				return n, i, err
			}
			if i = skipWS(data, i); i >= len(data) {
				return n, i, errJSONTruncated
			}
			if data[i] != ':' {
				return n, i, errJSONSyntax
			}
			i = skipWS(data, i+1)
		}
		if i, err = skipValue(data, i, depth); err != nil {
			return n, i, err
		}
		n++
		if i = skipWS(data, i); i >= len(data) {
			return n, i, errJSONTruncated
		}
		switch data[i] {
		case ',':
			i = skipWS(data, i+1)
		case closer:
			return n, i + 1, nil
		default:
			return n, i, errJSONSyntax
		}
	}
}

// scanString validates the string whose quote is data[i] and returns the
// index past its closing quote and whether it holds escapes. It is the
// codec's scanner (which leaves UTF-8 alone, as sealing must), with this
// file's errors.
func scanString(data []byte, i int) (end int, escaped bool, err error) {
	end, escaped, err = jsonrpc.ScanString(data, i)
	if err != nil {
		if end >= len(data) {
			return end, escaped, errJSONTruncated
		}
		return end, escaped, errJSONSyntax
	}
	return end, escaped, nil
}

// scanNumber validates the number at data[i] and returns the index past it
// and whether it is an integer (no fraction, no exponent): the codec's
// scanner, with this file's errors.
func scanNumber(data []byte, i int) (end int, integer bool, err error) {
	end, integer, err = jsonrpc.ScanNumber(data, i)
	if err != nil {
		if end >= len(data) {
			return end, false, errJSONTruncated
		}
		return end, false, errJSONSyntax
	}
	return end, integer, nil
}

// scanLiteral validates true, false or null at data[i].
func scanLiteral(data []byte, i int) (int, error) {
	var lit string
	switch data[i] {
	case 't':
		lit = "true"
	case 'f':
		lit = "false"
	case 'n':
		lit = "null"
	default:
		return i, errJSONSyntax
	}
	if len(data)-i < len(lit) {
		return len(data), errJSONTruncated
	}
	if string(data[i:i+len(lit)]) != lit {
		return i, errJSONSyntax
	}
	return i + len(lit), nil
}

func hexVal(c byte) rune {
	switch {
	case c >= '0' && c <= '9':
		return rune(c - '0')
	case c >= 'a' && c <= 'f':
		return rune(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return rune(c-'A') + 10
	}
	return -1
}

func hex4(b []byte) rune {
	return hexVal(b[0])<<12 | hexVal(b[1])<<8 | hexVal(b[2])<<4 | hexVal(b[3])
}
