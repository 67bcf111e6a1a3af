package lockfile

import (
	"fmt"
	"slices"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/gowebpki/jcs"
)

// canonical appends the RFC 8785 (JSON Canonicalization Scheme) form of the
// next value to dst, checking the strict rules on the way (see
// [checkStrict]).
//
// github.com/gowebpki/jcs is the reference: its number formatting
// (jcs.NumberToJSON, the ECMAScript algorithm RFC 8785 requires) is used
// here, and FuzzCanonicalize checks this encoder against jcs.Transform. The
// encoder exists because jcs.Transform sorts object members by insertion
// into a linked list, which takes seconds on an object of a few thousand
// keys: a hostile server could stall every list response with one such
// schema. Here members are sorted with slices.SortFunc, O(n log n).
func (p *strictParser) canonical(dst []byte, depth int) ([]byte, error) {
	if depth > maxDepth {
		return nil, p.errf("nesting deeper than %d", maxDepth)
	}
	p.skipSpace()
	if p.pos >= len(p.data) {
		return nil, p.errf("unexpected end of input")
	}
	switch c := p.data[p.pos]; {
	case c == '{':
		return p.canonicalObject(dst, depth)
	case c == '[':
		p.pos++
		dst = append(dst, '[')
		p.skipSpace()
		if p.pos < len(p.data) && p.data[p.pos] == ']' {
			p.pos++
			return append(dst, ']'), nil
		}
		for n := 0; ; n++ {
			if n > 0 {
				dst = append(dst, ',')
			}
			var err error
			if dst, err = p.canonical(dst, depth+1); err != nil {
				return nil, err
			}
			p.skipSpace()
			if p.pos >= len(p.data) {
				return nil, p.errf("unterminated array")
			}
			switch p.data[p.pos] {
			case ',':
				p.pos++
			case ']':
				p.pos++
				return append(dst, ']'), nil
			default:
				return nil, p.errf("expected ',' or ']'")
			}
		}
	case c == '"':
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		return appendCanonicalString(dst, s), nil
	case c == 't':
		return append(dst, "true"...), p.literal("true")
	case c == 'f':
		return append(dst, "false"...), p.literal("false")
	case c == 'n':
		return append(dst, "null"...), p.literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		start := p.pos
		if err := p.number(); err != nil {
			return nil, err
		}
		f, err := strconv.ParseFloat(string(p.data[start:p.pos]), 64)
		if err != nil {
			return nil, p.errf("number out of range")
		}
		s, err := jcs.NumberToJSON(f)
		if err != nil {
			return nil, p.errf("number %s: %v", p.data[start:p.pos], err)
		}
		return append(dst, s...), nil
	default:
		return nil, p.errf("unexpected character %q", c)
	}
}

type canonicalMember struct {
	key   string
	units []uint16 // the key in UTF-16 code units: RFC 8785 §3.2.3 sort order
	val   []byte
}

func (p *strictParser) canonicalObject(dst []byte, depth int) ([]byte, error) {
	p.pos++ // {
	var members []canonicalMember
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		return append(dst, '{', '}'), nil
	}
	for {
		p.skipSpace()
		if p.pos >= len(p.data) || p.data[p.pos] != '"' {
			return nil, p.errf("expected object key")
		}
		key, err := p.str()
		if err != nil {
			return nil, err
		}
		p.skipSpace()
		if p.pos >= len(p.data) || p.data[p.pos] != ':' {
			return nil, p.errf("expected ':'")
		}
		p.pos++
		val, err := p.canonical(nil, depth+1)
		if err != nil {
			return nil, err
		}
		members = append(members, canonicalMember{key: key, units: utf16Units(key), val: val})
		p.skipSpace()
		if p.pos >= len(p.data) {
			return nil, p.errf("unterminated object")
		}
		if p.data[p.pos] == ',' {
			p.pos++
			continue
		}
		if p.data[p.pos] != '}' {
			return nil, p.errf("expected ',' or '}'")
		}
		p.pos++
		break
	}
	slices.SortFunc(members, func(a, b canonicalMember) int { return slices.Compare(a.units, b.units) })
	dst = append(dst, '{')
	for i, m := range members {
		if i > 0 {
			if m.key == members[i-1].key {
				return nil, fmt.Errorf("%w: duplicate key %q", errJSON, m.key)
			}
			dst = append(dst, ',')
		}
		dst = appendCanonicalString(dst, m.key)
		dst = append(dst, ':')
		dst = append(dst, m.val...)
	}
	return append(dst, '}'), nil
}

// utf16Units returns s in UTF-16 code units; ASCII takes the fast path.
func utf16Units(s string) []uint16 {
	u := make([]uint16, 0, len(s))
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			u = append(u, uint16(c))
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		u = utf16.AppendRune(u, r)
		i += size
	}
	return u
}

// appendCanonicalString writes s as RFC 8785 requires (ECMAScript
// JSON.stringify): '"' and '\' escaped, control characters as \b \t \n \f
// \r or \u00xx in lower-case hex, everything else as UTF-8.
func appendCanonicalString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"':
			dst = append(dst, '\\', '"')
		case '\\':
			dst = append(dst, '\\', '\\')
		case '\b':
			dst = append(dst, '\\', 'b')
		case '\t':
			dst = append(dst, '\\', 't')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\f':
			dst = append(dst, '\\', 'f')
		case '\r':
			dst = append(dst, '\\', 'r')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
		start = i + 1
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// canonicalize is Canonicalize without the exported name's doc promises.
func canonicalize(data []byte) ([]byte, error) {
	p := strictParser{data: data}
	out, err := p.canonical(make([]byte, 0, len(data)), 0)
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.pos != len(p.data) {
		return nil, fmt.Errorf("%w: trailing data at offset %d", errJSON, p.pos)
	}
	return out, nil
}
