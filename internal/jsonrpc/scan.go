package jsonrpc

import (
	"bytes"
	"errors"
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
// just past it.
func skipValue(data []byte, i, depth int) (int, error) {
	if i >= len(data) {
		return i, errTruncated
	}
	switch c := data[i]; {
	case c == '"':
		end, _, err := scanString(data, i)
		return end, err
	case c == '{':
		return skipObject(data, i, depth+1)
	case c == '[':
		return skipArray(data, i, depth+1)
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

func skipObject(data []byte, i, depth int) (int, error) {
	if depth > maxDepth {
		return i, errDepth
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return i + 1, nil
	}
	for {
		if i >= len(data) {
			return i, errTruncated
		}
		if data[i] != '"' {
			return i, errSyntax
		}
		var err error
		if i, _, err = scanString(data, i); err != nil {
			return i, err
		}
		i = skipSpace(data, i)
		if i >= len(data) {
			return i, errTruncated
		}
		if data[i] != ':' {
			return i, errSyntax
		}
		if i, err = skipValue(data, skipSpace(data, i+1), depth); err != nil {
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

func skipArray(data []byte, i, depth int) (int, error) {
	if depth > maxDepth {
		return i, errDepth
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == ']' {
		return i + 1, nil
	}
	for {
		var err error
		if i, err = skipValue(data, i, depth); err != nil {
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

// scanString validates the string starting at the quote data[i] and returns
// the index past its closing quote and whether it contains escapes.
func scanString(data []byte, i int) (end int, escaped bool, err error) {
	i++
	for i < len(data) {
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
	i, err := skipValue(data, skipSpace(data, 0), 0)
	return err == nil && skipSpace(data, i) == len(data)
}

// smallObject is how many member names of one object findDuplicate compares
// pairwise before it switches to a set.
const smallObject = 16

// DuplicateName reports the first member name that occurs twice in one
// object, at any depth, of the valid JSON value v (such as a part of a
// decoded Message). Peers disagree on which of two equal names counts
// (JSON.parse, Python's json and encoding/json keep the last; Member returns
// the first), so a value with one can mean one thing to ward and another to
// the peer it is relayed to. Decode rejects duplicates only among the
// top-level members of a message. DuplicateName reports false when v is not
// valid JSON.
func DuplicateName(v []byte) (name string, found bool) {
	if !Valid(v) {
		return "", false
	}
	_, name, found = findDuplicate(v, skipSpace(v, 0))
	return name, found
}

// findDuplicate walks the valid JSON value starting at data[i] and reports
// the first member name that occurs twice in one object, at any depth, with
// the index just past the value. Peers disagree on which of two equal names
// counts (JSON.parse, Python's json and encoding/json keep the last; Member
// returns the first), so such a message could mean one thing to ward and
// another to the peer it is relayed to.
func findDuplicate(data []byte, i int) (end int, name string, found bool) {
	switch data[i] {
	case '"':
		return endOfString(data, i), "", false
	case '[':
		i = skipSpace(data, i+1)
		if data[i] == ']' {
			return i + 1, "", false
		}
		for {
			if i, name, found = findDuplicate(data, i); found {
				return i, name, true
			}
			i = skipSpace(data, i)
			if data[i] == ']' {
				return i + 1, "", false
			}
			i = skipSpace(data, i+1)
		}
	case '{':
		var buf [smallObject][]byte
		names := buf[:0]
		var set map[string]struct{}
		i = skipSpace(data, i+1)
		if data[i] == '}' {
			return i + 1, "", false
		}
		for {
			kEnd := endOfString(data, i)
			key := data[i+1 : kEnd-1]
			if bytes.IndexByte(key, '\\') >= 0 {
				key = []byte(unquote(data[i:kEnd], true))
			}
			if set == nil {
				for _, n := range names {
					if string(n) == string(key) {
						return kEnd, string(key), true
					}
				}
				if len(names) < smallObject {
					names = append(names, key)
				} else {
					set = make(map[string]struct{}, 2*smallObject)
					for _, n := range names {
						set[string(n)] = struct{}{}
					}
				}
			}
			if set != nil {
				if _, dup := set[string(key)]; dup {
					return kEnd, string(key), true
				}
				set[string(key)] = struct{}{}
			}
			i = skipSpace(data, skipSpace(data, kEnd)+1) // past the colon
			if i, name, found = findDuplicate(data, i); found {
				return i, name, true
			}
			i = skipSpace(data, i)
			if data[i] == '}' {
				return i + 1, "", false
			}
			i = skipSpace(data, i+1)
		}
	case 't', 'n':
		return i + 4, "", false
	case 'f':
		return i + 5, "", false
	default:
		end, _, _ = scanNumber(data, i)
		return end, "", false
	}
}

// endOfString returns the index just past the closing quote of the valid
// JSON string starting at data[i]: the first quote not escaped by an odd
// number of backslashes.
func endOfString(data []byte, i int) int {
	i++
	for {
		i += bytes.IndexByte(data[i:], '"')
		k := i
		for data[k-1] == '\\' {
			k--
		}
		if (i-k)%2 == 0 {
			return i + 1
		}
		i++
	}
}
