package audit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/ward-mcp/ward/internal/jsonrpc"
)

// AppendStored appends e in its stored form, the bytes Marshal(e) gives,
// without reflection: the stores encode every event on the audit writer's
// goroutine, and encoding/json cost a quarter of that goroutine's time. A
// differential fuzz test holds the two to the same bytes.
func AppendStored(b []byte, e *Event) ([]byte, error) {
	if y := e.Time.Year(); y < 0 || y > 9999 {
		return nil, fmt.Errorf("audit event %d: time %v outside years 0-9999", e.Seq, e.Time)
	}
	b = append(b, `{"schema":`...)
	b = strconv.AppendInt(b, int64(e.Schema), 10)
	b = append(b, `,"seq":`...)
	b = strconv.AppendUint(b, e.Seq, 10)
	b = append(b, `,"time":"`...)
	b = AppendTime(b, e.Time)
	b = append(b, '"')
	b = appendStoredField(b, "session", e.Session)
	b = appendStoredField(b, "server", e.Server)
	b = appendStoredField(b, "host", e.Host)
	if e.Client != (Client{}) {
		b = append(b, `,"client":{`...)
		if e.Client.Name != "" {
			b = append(b, `"name":`...)
			b = appendStoredString(b, e.Client.Name)
		}
		if e.Client.Version != "" {
			if e.Client.Name != "" {
				b = append(b, ',')
			}
			b = append(b, `"version":`...)
			b = appendStoredString(b, e.Client.Version)
		}
		b = append(b, '}')
	}
	b = appendStoredField(b, "direction", string(e.Direction))
	b = appendStoredField(b, "method", e.Method)
	b = appendStoredField(b, "kind", string(e.Kind))
	b = appendStoredField(b, "name", e.Name)
	b = append(b, `,"decision":`...)
	b = appendStoredString(b, string(e.Decision))
	b = appendStoredField(b, "mode", string(e.Mode))
	b = appendStoredList(b, "rule_ids", e.RuleIDs)
	b = appendStoredList(b, "reasons", e.Reasons)
	if e.Latency != 0 {
		b = append(b, `,"latency_ns":`...)
		b = strconv.AppendInt(b, int64(e.Latency), 10)
	}
	b = appendStoredField(b, "ward_version", e.WardVersion)
	if len(e.Arguments) > 0 {
		b = append(b, `,"arguments":`...)
		var err error
		if b, err = appendCompact(b, e.Arguments); err != nil {
			return nil, fmt.Errorf("audit event %d: arguments: %w", e.Seq, err)
		}
	}
	b = appendStoredField(b, "prev_hash", e.PrevHash)
	b = appendStoredField(b, "hash", e.Hash)
	return append(b, '}'), nil
}

func appendStoredField(b []byte, key, v string) []byte {
	if v == "" {
		return b
	}
	b = append(b, ',', '"')
	b = append(b, key...)
	b = append(b, '"', ':')
	return appendStoredString(b, v)
}

func appendStoredList(b []byte, key string, vs []string) []byte {
	if len(vs) == 0 {
		return b
	}
	b = append(b, ',', '"')
	b = append(b, key...)
	b = append(b, `":[`...)
	for i, v := range vs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendStoredString(b, v)
	}
	return append(b, ']')
}

// appendStoredString writes s as encoding/json does with HTML escaping off:
// '"', '\\' and control characters escaped (\b \f \n \r \t or \u00xx),
// invalid UTF-8 as \ufffd, U+2028 and U+2029 escaped, the rest as it is.
func appendStoredString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigit(c>>4), hexDigit(c&0xf))
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigit(byte(r&0xf)))
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendCompact appends the JSON src without insignificant whitespace, as
// json.Compact does. Valid UTF-8 JSON within the codec's nesting limit (all
// the relay produces) takes the fast path: validated by jsonrpc.Valid, then
// copied with the whitespace between tokens left out, strings skipped eight
// bytes at a time. Anything else goes through json.Compact, which decides.
func appendCompact(dst, src []byte) ([]byte, error) {
	if !jsonrpc.Valid(src) {
		buf := bytes.NewBuffer(dst)
		err := json.Compact(buf, src)
		return buf.Bytes(), err
	}
	return appendCompactValid(dst, src), nil
}

// compactValid returns src, which jsonrpc.Valid accepts, without
// insignificant whitespace: src itself if it has none, else a copy.
func compactValid(src []byte) []byte {
	for i := 0; i < len(src); {
		switch src[i] {
		case '"':
			end, _, _ := jsonrpc.ScanString(src, i)
			i = end
		case ' ', '\t', '\n', '\r':
			return appendCompactValid(make([]byte, 0, len(src)), src)
		default:
			i++
		}
	}
	return src
}

// appendCompactValid is appendCompact for src that jsonrpc.Valid accepts.
func appendCompactValid(dst, src []byte) []byte {
	start := 0
	for i := 0; i < len(src); {
		switch src[i] {
		case '"':
			end, _, _ := jsonrpc.ScanString(src, i)
			i = end
		case ' ', '\t', '\n', '\r':
			dst = append(dst, src[start:i]...)
			for i < len(src) && (src[i] == ' ' || src[i] == '\t' || src[i] == '\n' || src[i] == '\r') {
				i++
			}
			start = i
		default:
			i++
		}
	}
	return append(dst, src[start:]...)
}
