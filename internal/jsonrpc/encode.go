package jsonrpc

import (
	"strconv"
	"unicode/utf8"
)

// Edit replaces parts of a message when it is re-emitted. A nil field keeps
// the original bytes.
type Edit struct {
	ID     []byte
	Params []byte
	Result []byte
	Error  []byte
}

// Append appends m to dst with the edits applied. Everything outside the
// replaced values is copied byte for byte.
func (m *Message) Append(dst []byte, e Edit) []byte {
	type rep struct {
		s   span
		val []byte
	}
	var reps [4]rep
	n := 0
	add := func(s span, v []byte) {
		if v == nil || !s.ok() {
			return
		}
		// Keep the replacements ordered by position (at most four).
		j := n
		for j > 0 && reps[j-1].s.start > s.start {
			reps[j] = reps[j-1]
			j--
		}
		reps[j] = rep{s, v}
		n++
	}
	add(m.id, e.ID)
	add(m.params, e.Params)
	add(m.result, e.Result)
	add(m.errObj, e.Error)
	pos := 0
	for _, r := range reps[:n] {
		dst = append(dst, m.Raw[pos:r.s.start]...)
		dst = append(dst, r.val...)
		pos = r.s.end
	}
	return append(dst, m.Raw[pos:]...)
}

// Pieces returns m with its id replaced as up to three slices whose
// concatenation is the new message, so that a large message can be written
// without copying it.
func (m *Message) Pieces(newID []byte) (before, id, after []byte) {
	if !m.id.ok() || newID == nil {
		return m.Raw, nil, nil
	}
	return m.Raw[:m.id.start], newID, m.Raw[m.id.end:]
}

// AppendError appends an error response with the given id (nil or empty
// means null), code and message.
func AppendError(dst, id []byte, code int, message string, data []byte) []byte {
	dst = append(dst, `{"jsonrpc":"2.0","id":`...)
	if len(id) == 0 {
		dst = append(dst, "null"...)
	} else {
		dst = append(dst, id...)
	}
	dst = append(dst, `,"error":{"code":`...)
	dst = strconv.AppendInt(dst, int64(code), 10)
	dst = append(dst, `,"message":`...)
	dst = AppendString(dst, message)
	if len(data) > 0 {
		dst = append(dst, `,"data":`...)
		dst = append(dst, data...)
	}
	return append(dst, "}}"...)
}

// AppendResponse appends a success response with the given id and raw result.
func AppendResponse(dst, id, result []byte) []byte {
	dst = append(dst, `{"jsonrpc":"2.0","id":`...)
	dst = append(dst, id...)
	dst = append(dst, `,"result":`...)
	dst = append(dst, result...)
	return append(dst, '}')
}

// AppendRequest appends a request (id non-nil) or a notification (id nil)
// with raw params (nil for none).
func AppendRequest(dst, id []byte, method string, params []byte) []byte {
	dst = append(dst, `{"jsonrpc":"2.0",`...)
	if id != nil {
		dst = append(dst, `"id":`...)
		dst = append(dst, id...)
		dst = append(dst, ',')
	}
	dst = append(dst, `"method":`...)
	dst = AppendString(dst, method)
	if params != nil {
		dst = append(dst, `,"params":`...)
		dst = append(dst, params...)
	}
	return append(dst, '}')
}

const hexDigits = "0123456789abcdef"

// plainASCII marks the bytes AppendString copies as they are.
var plainASCII = func() (t [256]bool) {
	for c := 0x20; c < 0x7f; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

// escapeSpecial reports whether one of the eight bytes of x is one that
// AppendString does not copy as it is (see plainASCII): '"', '\\', '<',
// '>', '&', below 0x20 or from 0x7F up. Each test is exact for the word as
// a whole: a borrow or carry between bytes only starts at a byte that is
// itself special.
func escapeSpecial(x uint64) bool {
	const ones, highs = swarOnes, swarHighs
	zero := func(t uint64) uint64 { return (t - ones) &^ t }
	m := zero(x^('"'*ones)) | zero(x^('\\'*ones)) | zero(x^('<'*ones)) | zero(x^('>'*ones)) | zero(x^('&'*ones)) |
		(x-0x20*ones)&^x | (x + ones) | x
	return m&highs != 0
}

// AppendString appends s as a JSON string. Invalid UTF-8 becomes U+FFFD, and
// characters that are unsafe in HTML or terminals are escaped.
func AppendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		// Step over eight bytes at a time while all are copied as they
		// are: most of what ward writes (names, ids, log fields) is those.
		for i+8 <= len(s) && !escapeSpecial(uint64(s[i])|uint64(s[i+1])<<8|uint64(s[i+2])<<16|uint64(s[i+3])<<24|
			uint64(s[i+4])<<32|uint64(s[i+5])<<40|uint64(s[i+6])<<48|uint64(s[i+7])<<56) {
			i += 8
		}
		if i >= len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if plainASCII[c] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// Member returns the raw value of the top-level member key of the JSON object
// obj, which must already be valid JSON (as the parts of a decoded Message
// are). It returns nil when obj is not an object or has no such member.
// Member names are matched exactly; the first occurrence wins.
func Member(obj []byte, key string) []byte {
	i := skipSpace(obj, 0)
	if i >= len(obj) || obj[i] != '{' {
		return nil
	}
	i = skipSpace(obj, i+1)
	for i < len(obj) && obj[i] == '"' {
		kEnd, kEsc, err := scanString(obj, i)
		if err != nil {
			return nil
		}
		match := false
		if kEsc {
			match = unquote(obj[i:kEnd], true) == key
		} else {
			match = string(obj[i+1:kEnd-1]) == key
		}
		i = skipSpace(obj, kEnd)
		if i >= len(obj) || obj[i] != ':' {
			return nil
		}
		vStart := skipSpace(obj, i+1)
		vEnd, err := skipValue(obj, vStart, 1, nil)
		if err != nil {
			return nil
		}
		if match {
			return obj[vStart:vEnd:vEnd]
		}
		i = skipSpace(obj, vEnd)
		if i >= len(obj) || obj[i] != ',' {
			return nil
		}
		i = skipSpace(obj, i+1)
	}
	return nil
}

// String decodes raw as a JSON string. ok is false when raw is not a string.
func String(raw []byte) (s string, ok bool) {
	if len(raw) < 2 || raw[0] != '"' {
		return "", false
	}
	end, esc, err := scanString(raw, 0)
	if err != nil || end != len(raw) {
		return "", false
	}
	return unquote(raw, esc), true
}
