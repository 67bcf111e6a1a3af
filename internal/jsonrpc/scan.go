package jsonrpc

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math/bits"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// maxDepth bounds the nesting of arrays and objects in a message, so that a
// hostile peer cannot exhaust the stack with "[[[[…".
const maxDepth = 256

var (
	errSyntax    = errors.New("invalid JSON")
	errDepth     = errors.New("JSON nested too deeply")
	errTruncated = errors.New("unexpected end of JSON")
)

// skipSpace returns the index of the first non-whitespace byte at or after i.
func skipSpace(data []byte, i int) int {
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

// skipValue validates the JSON value starting at data[i] and returns the index
// just past it. When dc is not nil it also looks for a member name that
// occurs twice in one object (see dupCheck), in the same pass.
func skipValue(data []byte, i, depth int, dc *dupCheck) (int, error) {
	if i >= len(data) {
		return i, errTruncated
	}
	switch c := data[i]; {
	case c == '"':
		end, _, err := scanString(data, i)
		return end, err
	case c == '{':
		return skipObject(data, i, depth+1, dc)
	case c == '[':
		return skipArray(data, i, depth+1, dc)
	case c == '-' || (c >= '0' && c <= '9'):
		end, _, err := scanNumber(data, i)
		return end, err
	case c == 't':
		return skipLiteral(data, i, "true")
	case c == 'f':
		return skipLiteral(data, i, "false")
	case c == 'n':
		return skipLiteral(data, i, "null")
	default:
		return i, errSyntax
	}
}

func skipLiteral(data []byte, i int, lit string) (int, error) {
	if len(data)-i < len(lit) {
		return len(data), errTruncated
	}
	if string(data[i:i+len(lit)]) != lit {
		return i, errSyntax
	}
	return i + len(lit), nil
}

func skipObject(data []byte, i, depth int, dc *dupCheck) (int, error) {
	if depth > maxDepth {
		return i, errDepth
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return i + 1, nil
	}
	var names memberNames
	for {
		if i >= len(data) {
			return i, errTruncated
		}
		if data[i] != '"' {
			return i, errSyntax
		}
		kStart := i
		var kEsc bool
		var err error
		if i, kEsc, err = scanString(data, i); err != nil {
			return i, err
		}
		if dc != nil && !dc.found {
			names.add(dc, data[kStart+1:i-1], kEsc)
		}
		i = skipSpace(data, i)
		if i >= len(data) {
			return i, errTruncated
		}
		if data[i] != ':' {
			return i, errSyntax
		}
		if i, err = skipValue(data, skipSpace(data, i+1), depth, dc); err != nil {
			return i, err
		}
		i = skipSpace(data, i)
		if i >= len(data) {
			return i, errTruncated
		}
		switch data[i] {
		case ',':
			i = skipSpace(data, i+1)
		case '}':
			return i + 1, nil
		default:
			return i, errSyntax
		}
	}
}

func skipArray(data []byte, i, depth int, dc *dupCheck) (int, error) {
	if depth > maxDepth {
		return i, errDepth
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == ']' {
		return i + 1, nil
	}
	for {
		var err error
		if i, err = skipValue(data, i, depth, dc); err != nil {
			return i, err
		}
		i = skipSpace(data, i)
		if i >= len(data) {
			return i, errTruncated
		}
		switch data[i] {
		case ',':
			i = skipSpace(data, i+1)
		case ']':
			return i + 1, nil
		default:
			return i, errSyntax
		}
	}
}

// dupCheck records the first member name that occurs twice in one object,
// at any depth, of the value being validated. Peers disagree on which of two
// equal names counts (JSON.parse, Python's json and encoding/json keep the
// last; Member returns the first), so a value with one can mean one thing to
// ward and another to the peer it is relayed to. Names are compared ignoring
// case, as encoding/json matches them (behind mcp-go servers and clients):
// to such a peer "NAME" next to "name" is the same member, and the last one
// wins. Validation goes on after a duplicate, so that a syntax error later
// in the value still wins.
type dupCheck struct {
	name  string
	other string // the earlier name, when the two differ in case
	found bool
}

func (dc *dupCheck) report(earlier, name []byte) {
	dc.name, dc.found = string(name), true
	if string(earlier) != string(name) {
		dc.other = string(earlier)
	}
}

// smallObject is how many member names of one object are compared pairwise
// before the comparison switches to a set.
const smallObject = 8

// memberNames are the decoded member names of one object seen so far:
// compared pairwise (ignoring case, bytes.EqualFold) while they are few,
// then through a set of their folded forms (see foldName).
type memberNames struct {
	small [smallObject][]byte
	n     int
	set   map[string]string // folded → as written (decoded)
}

// add records the name whose raw body (without quotes) is key, and reports a
// duplicate to dc.
func (s *memberNames) add(dc *dupCheck, key []byte, escaped bool) {
	if escaped {
		key = []byte(UnquoteBody(key))
	}
	if s.set == nil {
		for _, k := range s.small[:s.n] {
			if bytes.EqualFold(k, key) {
				dc.report(k, key)
				return
			}
		}
		if s.n < smallObject {
			s.small[s.n] = key
			s.n++
			return
		}
		s.set = make(map[string]string, 4*smallObject)
		for _, k := range s.small {
			s.set[string(foldName(k))] = string(k)
		}
	}
	folded := foldName(key)
	if earlier, dup := s.set[string(folded)]; dup {
		dc.report([]byte(earlier), key)
		return
	}
	s.set[string(folded)] = string(key)
}

// foldName returns name folded so that two names are equal ignoring case,
// as encoding/json compares them (bytes.EqualFold: Unicode simple folding,
// so that the Kelvin sign folds with k and the long s with s), exactly when
// their folded forms are equal. It returns name itself when folding changes
// nothing.
func foldName(name []byte) []byte {
	i := 0
	for i < len(name) && name[i] < utf8.RuneSelf && (name[i] < 'A' || name[i] > 'Z') {
		i++
	}
	if i == len(name) {
		return name
	}
	out := make([]byte, i, len(name)+4)
	copy(out, name[:i])
	for i < len(name) {
		if c := name[i]; c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			out = append(out, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(name[i:])
		out = utf8.AppendRune(out, foldRune(r))
		i += n
	}
	return out
}

// foldRune returns the smallest rune of r's case-folding orbit, in lower
// case when it is an ASCII letter.
func foldRune(r rune) rune {
	least := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		least = min(least, f)
	}
	if 'A' <= least && least <= 'Z' {
		least += 'a' - 'A'
	}
	return least
}

// FoldName returns name folded so that names equal ignoring case (as
// encoding/json matches member names) have equal folded forms.
func FoldName(name string) string { return string(foldName([]byte(name))) }

// Eight bytes at a time: the constants and masks of the string scanner's
// fast path.
const (
	swarOnes  = 0x0101010101010101
	swarHighs = 0x8080808080808080
)

// stringSpecial returns a mask whose lowest set bit is the high bit of the
// first byte of x (little-endian) that ends the fast path of a string: a
// quote, a backslash or a control character. Bits above that one may be
// set spuriously; the caller uses only the lowest.
func stringSpecial(x uint64) uint64 {
	q := x ^ ('"' * swarOnes)
	b := x ^ ('\\' * swarOnes)
	return ((q-swarOnes)&^q | (b-swarOnes)&^b | (x-0x20*swarOnes)&^x) & swarHighs
}

// scanString validates the string starting at the quote data[i] and returns
// the index past its closing quote and whether it contains escapes.
func scanString(data []byte, i int) (end int, escaped bool, err error) {
	i++
	for i < len(data) {
		// Skip eight ordinary bytes at a time; most of a string is those.
		for i+8 <= len(data) {
			m := stringSpecial(binary.LittleEndian.Uint64(data[i:]))
			if m != 0 {
				i += bits.TrailingZeros64(m) >> 3
				break
			}
			i += 8
		}
		if i >= len(data) {
			break
		}
		c := data[i]
		switch {
		case c == '"':
			return i + 1, escaped, nil
		case c == '\\':
			escaped = true
			if i+1 >= len(data) {
				return len(data), escaped, errTruncated
			}
			switch data[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if len(data)-i < 6 {
					return len(data), escaped, errTruncated
				}
				for _, h := range data[i+2 : i+6] {
					if hexVal(h) < 0 {
						return i, escaped, errSyntax
					}
				}
				i += 6
			default:
				return i, escaped, errSyntax
			}
		case c < 0x20:
			return i, escaped, errSyntax
		default:
			i++
		}
	}
	return i, escaped, errTruncated
}

// scanNumber validates the number starting at data[i] per RFC 8259 and
// returns the index past it and whether it is an integer (no fraction or
// exponent).
func scanNumber(data []byte, i int) (end int, integer bool, err error) {
	start := i
	if data[i] == '-' {
		i++
	}
	if i >= len(data) {
		return i, false, errTruncated
	}
	switch {
	case data[i] == '0':
		i++
	case data[i] >= '1' && data[i] <= '9':
		for i < len(data) && data[i] >= '0' && data[i] <= '9' {
			i++
		}
	default:
		return i, false, errSyntax
	}
	integer = true
	if i < len(data) && data[i] == '.' {
		integer = false
		i++
		d := i
		for i < len(data) && data[i] >= '0' && data[i] <= '9' {
			i++
		}
		if i == d {
			return i, false, errSyntax
		}
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		integer = false
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		d := i
		for i < len(data) && data[i] >= '0' && data[i] <= '9' {
			i++
		}
		if i == d {
			return i, false, errSyntax
		}
	}
	if i == start {
		return i, false, errSyntax
	}
	return i, integer, nil
}

func hexVal(c byte) int {
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

// unquote decodes a validated JSON string token (with its quotes). The fast
// path, a string without escapes, is a plain conversion.
func unquote(tok []byte, escaped bool) string {
	body := tok[1 : len(tok)-1]
	if !escaped {
		return string(body)
	}
	return UnquoteBody(body)
}

// UnquoteBody decodes the body of a JSON string (without its quotes) whose
// escapes are well formed, the way encoding/json does: escapes decoded,
// lone surrogates and bytes that are not UTF-8 replaced by U+FFFD. It is the
// one string decoder of ward's JSON readers (the codec, the detectors, the
// lockfile's strict parser).
func UnquoteBody(b []byte) string {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); {
		c := b[i]
		if c == '\\' {
			i++
			switch b[i] {
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				r := rune(hex4(b[i+1 : i+5]))
				i += 4
				if utf16.IsSurrogate(r) {
					r2 := utf8.RuneError
					if i+6 < len(b) && b[i+1] == '\\' && b[i+2] == 'u' {
						r2 = utf16.DecodeRune(r, rune(hex4(b[i+3:i+7])))
					}
					if r2 != utf8.RuneError {
						i += 6
					}
					r = r2
				}
				out = utf8.AppendRune(out, r)
			default: // " \ /
				out = append(out, b[i])
			}
			i++
			continue
		}
		if c < utf8.RuneSelf {
			out = append(out, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			out = utf8.AppendRune(out, utf8.RuneError)
		} else {
			out = append(out, b[i:i+n]...)
		}
		i += n
	}
	return string(out)
}

func hex4(b []byte) int {
	return hexVal(b[0])<<12 | hexVal(b[1])<<8 | hexVal(b[2])<<4 | hexVal(b[3])
}

// Valid reports whether data is exactly one valid JSON value (surrounded by
// optional whitespace) in valid UTF-8, with nesting within ward's limit.
func Valid(data []byte) bool {
	if !utf8.Valid(data) {
		return false
	}
	i, err := skipValue(data, skipSpace(data, 0), 0, nil)
	return err == nil && skipSpace(data, i) == len(data)
}

// DuplicateName reports the first member name that occurs twice in one
// object, at any depth, of the valid JSON value v (such as a part of a
// decoded Message; see dupCheck for why that matters). Decode rejects
// messages with one. DuplicateName reports false when v is not valid JSON.
func DuplicateName(v []byte) (name string, found bool) {
	if !utf8.Valid(v) {
		return "", false
	}
	var dc dupCheck
	i, err := skipValue(v, skipSpace(v, 0), 0, &dc)
	if err != nil || skipSpace(v, i) != len(v) {
		return "", false
	}
	return dc.name, dc.found
}

// ScanString validates the JSON string token that starts at the quote
// data[i] and returns the index just past its closing quote and whether it
// contains escapes. It reads eight bytes at a time where it can; other JSON
// readers in ward (the detectors) use it for their strings. UTF-8 is not
// checked.
func ScanString(data []byte, i int) (end int, escaped bool, err error) {
	return scanString(data, i)
}

// ScanNumber validates the JSON number that starts at data[i] (RFC 8259) and
// returns the index just past it and whether it is an integer (no fraction
// or exponent).
func ScanNumber(data []byte, i int) (end int, integer bool, err error) {
	return scanNumber(data, i)
}
