package lockfile

import (
	"fmt"
	"github.com/ward-mcp/ward/internal/jsonrpc"
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
	if limit := p.depthLimit(); depth > limit {
		return nil, p.errf("nesting deeper than %d", limit)
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
		raw, escaped, err := p.rawStr()
		if err != nil {
			return nil, err
		}
		if !escaped {
			// Nothing to escape in canonical form either.
			dst = append(dst, '"')
			dst = append(dst, raw...)
			return append(dst, '"'), nil
		}
		return appendCanonicalString(dst, jsonrpc.UnquoteBody(raw)), nil
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
	key string
	val []byte
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
		members = append(members, canonicalMember{key: key, val: val})
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
	slices.SortFunc(members, func(a, b canonicalMember) int { return compareUTF16(a.key, b.key) })
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

// compareUTF16 orders strings by their UTF-16 code units, as RFC 8785
// §3.2.3 requires. It differs from byte (code point) order only when a
// character above U+FFFF meets one in U+E000–U+FFFF: the former's leading
// surrogate (D800–DBFF) sorts first.
func compareUTF16(a, b string) int {
	for a != "" && b != "" {
		ra, na := utf8.DecodeRuneInString(a)
		rb, nb := utf8.DecodeRuneInString(b)
		if ra != rb {
			return cmpUnits(ra, rb)
		}
		a, b = a[na:], b[nb:]
	}
	return len(a) - len(b)
}

// cmpUnits compares two different runes by their UTF-16 encodings.
func cmpUnits(ra, rb rune) int {
	if ra < 0x10000 && rb < 0x10000 {
		return int(ra) - int(rb)
	}
	var ba, bb [2]uint16
	return slices.Compare(utf16.AppendRune(ba[:0], ra), utf16.AppendRune(bb[:0], rb))
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
	return canonicalizeDepth(data, 0)
}

// CanonicalizeFile is [Canonicalize] for a whole lockfile, whose
// definitions sit a few levels below its top: it allows the nesting [Parse]
// allows. This is the form a lockfile signature covers.
func CanonicalizeFile(data []byte) ([]byte, error) {
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("lockfile larger than %d bytes", MaxFileSize)
	}
	return canonicalizeDepth(data, fileDepth)
}

// canonicalizeDepth canonicalizes data, nesting at most limit levels (0:
// maxDepth).
func canonicalizeDepth(data []byte, limit int) ([]byte, error) {
	p := strictParser{data: data, limit: limit}
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
