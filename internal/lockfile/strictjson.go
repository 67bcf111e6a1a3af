package lockfile

import (
	"errors"
	"fmt"
	"github.com/ward-mcp/ward/internal/jsonrpc"
	"strconv"
	"unicode/utf8"
)

// maxDepth bounds the nesting of any JSON value ward reads into a lock.
// Real tool schemas nest a handful of levels; the bound keeps a hostile
// server from making the recursive code below use unbounded stack.
const maxDepth = 64

// errJSON is wrapped by every strict-JSON error.
var errJSON = errors.New("invalid JSON")

// member is one top-level member of a JSON object: its decoded key and the
// raw bytes of its value.
type member struct {
	key string
	val []byte
}

// strictObject checks that data is exactly one JSON object that satisfies
// the strict rules (see [checkStrict]) and returns its top-level members in
// document order.
func strictObject(data []byte) ([]member, error) {
	p := strictParser{data: data, collect: true}
	p.skipSpace()
	if p.pos >= len(p.data) || p.data[p.pos] != '{' {
		return nil, fmt.Errorf("%w: expected a JSON object", errJSON)
	}
	if err := p.value(0); err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.pos != len(p.data) {
		return nil, fmt.Errorf("%w: trailing data at offset %d", errJSON, p.pos)
	}
	return p.members, nil
}

// checkStrict reports whether data is exactly one JSON value that is valid
// UTF-8, has no duplicate object keys, no unpaired UTF-16 surrogate escapes
// and nests at most maxDepth levels. encoding/json accepts all of these
// silently (keeping the last duplicate, replacing bad text with U+FFFD),
// which would let two different documents share a canonical form.
func checkStrict(data []byte) error {
	return checkStrictDepth(data, maxDepth)
}

// fileDepth is the nesting a whole lockfile may have: a definition sits five
// levels down (servers, server, tools, entry, definition), so a lock of any
// item Build accepts parses back.
const fileDepth = maxDepth + 8

// checkStrictDepth is checkStrict with another nesting limit.
func checkStrictDepth(data []byte, limit int) error {
	p := strictParser{data: data, limit: limit}
	p.skipSpace()
	if err := p.value(0); err != nil {
		return err
	}
	p.skipSpace()
	if p.pos != len(p.data) {
		return fmt.Errorf("%w: trailing data at offset %d", errJSON, p.pos)
	}
	return nil
}

type strictParser struct {
	data    []byte
	limit   int // maximum nesting; 0 means maxDepth
	pos     int
	collect bool // record the members of the outermost object
	members []member
}

func (p *strictParser) errf(format string, args ...any) error {
	return fmt.Errorf("%w: %s at offset %d", errJSON, fmt.Sprintf(format, args...), p.pos)
}

func (p *strictParser) skipSpace() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *strictParser) value(depth int) error {
	if limit := p.depthLimit(); depth > limit {
		return p.errf("nesting deeper than %d", limit)
	}
	p.skipSpace()
	if p.pos >= len(p.data) {
		return p.errf("unexpected end of input")
	}
	switch c := p.data[p.pos]; {
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.array(depth)
	case c == '"':
		_, _, err := p.rawStr()
		return err
	case c == 't':
		return p.literal("true")
	case c == 'f':
		return p.literal("false")
	case c == 'n':
		return p.literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	default:
		return p.errf("unexpected character %q", c)
	}
}

func (p *strictParser) depthLimit() int {
	if p.limit > 0 {
		return p.limit
	}
	return maxDepth
}

func (p *strictParser) literal(lit string) error {
	if len(p.data)-p.pos < len(lit) || string(p.data[p.pos:p.pos+len(lit)]) != lit {
		return p.errf("invalid literal")
	}
	p.pos += len(lit)
	return nil
}

func (p *strictParser) number() error {
	start := p.pos
	if p.data[p.pos] == '-' {
		p.pos++
	}
	digits := func() int {
		n := 0
		for p.pos < len(p.data) && p.data[p.pos] >= '0' && p.data[p.pos] <= '9' {
			p.pos++
			n++
		}
		return n
	}
	if p.pos < len(p.data) && p.data[p.pos] == '0' {
		p.pos++
	} else if digits() == 0 {
		return p.errf("invalid number")
	}
	if p.pos < len(p.data) && p.data[p.pos] == '.' {
		p.pos++
		if digits() == 0 {
			return p.errf("invalid number")
		}
	}
	if p.pos < len(p.data) && (p.data[p.pos] == 'e' || p.data[p.pos] == 'E') {
		p.pos++
		if p.pos < len(p.data) && (p.data[p.pos] == '+' || p.data[p.pos] == '-') {
			p.pos++
		}
		if digits() == 0 {
			return p.errf("invalid number")
		}
	}
	// RFC 8785 works on IEEE 754 doubles: a number that overflows one has
	// no canonical form.
	if _, err := strconv.ParseFloat(string(p.data[start:p.pos]), 64); err != nil {
		return p.errf("number %s out of range", p.data[start:p.pos])
	}
	return nil
}

// str parses a string starting at the opening quote and returns its decoded
// value.
func (p *strictParser) str() (string, error) {
	raw, escaped, err := p.rawStr()
	if err != nil {
		return "", err
	}
	if !escaped {
		return string(raw), nil
	}
	return jsonrpc.UnquoteBody(raw), nil
}

// rawStr parses a string starting at the opening quote and returns the bytes
// between the quotes and whether they hold escapes. Without escapes the raw
// bytes are the value: JSON forbids raw quotes, backslashes and control
// characters inside a string.
func (p *strictParser) rawStr() (raw []byte, escaped bool, err error) {
	p.pos++ // opening quote
	start := p.pos
	for {
		if p.pos >= len(p.data) {
			return nil, false, p.errf("unterminated string")
		}
		c := p.data[p.pos]
		switch {
		case c == '"':
			raw := p.data[start:p.pos]
			p.pos++
			return raw, escaped, nil
		case c < 0x20:
			return nil, false, p.errf("control character in string")
		case c == '\\':
			escaped = true
			if err := p.escape(); err != nil {
				return nil, false, err
			}
		case c < utf8.RuneSelf:
			p.pos++
		default:
			r, size := utf8.DecodeRune(p.data[p.pos:])
			if r == utf8.RuneError && size <= 1 {
				return nil, false, p.errf("invalid UTF-8")
			}
			p.pos += size
		}
	}
}

func (p *strictParser) escape() error {
	p.pos++ // backslash
	if p.pos >= len(p.data) {
		return p.errf("unterminated escape")
	}
	switch p.data[p.pos] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		p.pos++
		return nil
	case 'u':
		r, err := p.hex4()
		if err != nil {
			return err
		}
		switch {
		case r >= 0xDC00 && r <= 0xDFFF:
			return p.errf("unpaired low surrogate")
		case r >= 0xD800 && r <= 0xDBFF:
			if len(p.data)-p.pos < 2 || p.data[p.pos] != '\\' || p.data[p.pos+1] != 'u' {
				return p.errf("unpaired high surrogate")
			}
			p.pos++
			lo, err := p.hex4()
			if err != nil {
				return err
			}
			if lo < 0xDC00 || lo > 0xDFFF {
				return p.errf("unpaired high surrogate")
			}
		}
		return nil
	default:
		return p.errf("invalid escape")
	}
}

// hex4 reads "uXXXX" with pos on the 'u'.
func (p *strictParser) hex4() (rune, error) {
	p.pos++
	if len(p.data)-p.pos < 4 {
		return 0, p.errf("short unicode escape")
	}
	v, err := strconv.ParseUint(string(p.data[p.pos:p.pos+4]), 16, 32)
	if err != nil {
		return 0, p.errf("invalid unicode escape")
	}
	p.pos += 4
	return rune(v), nil
}

func (p *strictParser) object(depth int) error {
	top := p.collect && depth == 0
	p.pos++ // {
	var seen keySet
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		return nil
	}
	for {
		p.skipSpace()
		if p.pos >= len(p.data) || p.data[p.pos] != '"' {
			return p.errf("expected object key")
		}
		key, err := p.str()
		if err != nil {
			return err
		}
		if !seen.add(key) {
			return p.errf("duplicate key %q", key)
		}
		p.skipSpace()
		if p.pos >= len(p.data) || p.data[p.pos] != ':' {
			return p.errf("expected ':'")
		}
		p.pos++
		p.skipSpace()
		start := p.pos
		if err := p.value(depth + 1); err != nil {
			return err
		}
		if top {
			p.members = append(p.members, member{key: key, val: p.data[start:p.pos]})
		}
		p.skipSpace()
		if p.pos >= len(p.data) {
			return p.errf("unterminated object")
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case '}':
			p.pos++
			return nil
		default:
			return p.errf("expected ',' or '}'")
		}
	}
}

func (p *strictParser) array(depth int) error {
	p.pos++ // [
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
		return nil
	}
	for {
		if err := p.value(depth + 1); err != nil {
			return err
		}
		p.skipSpace()
		if p.pos >= len(p.data) {
			return p.errf("unterminated array")
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case ']':
			p.pos++
			return nil
		default:
			return p.errf("expected ',' or ']'")
		}
	}
}

// keySet detects duplicate keys: a slice while small, a map beyond.
type keySet struct {
	list []string
	m    map[string]struct{}
}

// add records k and reports whether it was new.
func (s *keySet) add(k string) bool {
	if s.m != nil {
		if _, dup := s.m[k]; dup {
			return false
		}
		s.m[k] = struct{}{}
		return true
	}
	for _, x := range s.list {
		if x == k {
			return false
		}
	}
	s.list = append(s.list, k)
	if len(s.list) > 16 {
		s.m = make(map[string]struct{}, 2*len(s.list))
		for _, x := range s.list {
			s.m[x] = struct{}{}
		}
		s.list = nil
	}
	return true
}
