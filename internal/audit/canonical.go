package audit

import (
	"fmt"
	"math"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/gowebpki/jcs"
)

// appendCanonical appends the RFC 8785 form of e without PrevHash and Hash
// to b. It produces exactly jcs.Transform(json.Marshal(e)) (a fuzz test holds
// it to that) without the reflection and re-parsing, which makes sealing an
// event several times cheaper. The arguments are canonicalised in one pass by
// appendCanonicalJSON.
func appendCanonical(b []byte, e *Event) ([]byte, error) {
	if y := e.Time.Year(); y < 0 || y > 9999 {
		return nil, fmt.Errorf("audit event %d: time %v outside years 0-9999", e.Seq, e.Time)
	}
	// Members in the order of their UTF-16 code units (all keys are ASCII).
	b = append(b, '{')
	first := true
	key := func(k string) {
		if !first {
			b = append(b, ',')
		}
		first = false
		b = append(b, '"')
		b = append(b, k...)
		b = append(b, '"', ':')
	}
	if len(e.Arguments) > 0 {
		key("arguments")
		var err error
		if b, err = appendCanonicalJSON(b, e.Arguments); err != nil {
			return nil, fmt.Errorf("canonicalise arguments of audit event %d: %w", e.Seq, err)
		}
	}
	if e.Client != (Client{}) {
		key("client")
		b = append(b, '{')
		if e.Client.Name != "" {
			b = append(b, `"name":`...)
			b = appendJCSString(b, e.Client.Name)
		}
		if e.Client.Version != "" {
			if e.Client.Name != "" {
				b = append(b, ',')
			}
			b = append(b, `"version":`...)
			b = appendJCSString(b, e.Client.Version)
		}
		b = append(b, '}')
	}
	key("decision")
	b = appendJCSString(b, string(e.Decision))
	str := func(k, v string) {
		if v != "" {
			key(k)
			b = appendJCSString(b, v)
		}
	}
	str("direction", string(e.Direction))
	str("host", e.Host)
	str("kind", string(e.Kind))
	if e.Latency != 0 {
		key("latency_ns")
		b = appendJCSInt(b, int64(e.Latency))
	}
	str("method", e.Method)
	str("mode", string(e.Mode))
	str("name", e.Name)
	list := func(k string, vs []string) {
		if len(vs) == 0 {
			return
		}
		key(k)
		b = append(b, '[')
		for i, v := range vs {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJCSString(b, v)
		}
		b = append(b, ']')
	}
	list("reasons", e.Reasons)
	list("rule_ids", e.RuleIDs)
	key("schema")
	b = appendJCSInt(b, int64(e.Schema))
	key("seq")
	if e.Seq > math.MaxInt64 {
		f, _ := jcs.NumberToJSON(float64(e.Seq))
		b = append(b, f...)
	} else {
		b = appendJCSInt(b, int64(e.Seq))
	}
	str("server", e.Server)
	str("session", e.Session)
	key("time")
	// RFC 3339 of a year 0-9999 is ASCII without anything to escape: the
	// string appendJCSString would write, without the allocation of Format.
	b = append(b, '"')
	b = AppendTime(b, e.Time)
	b = append(b, '"')
	str("ward_version", e.WardVersion)
	return append(b, '}'), nil
}

// AppendTime appends t.AppendFormat(b, time.RFC3339Nano), in fewer steps
// for a UTC time of the years 0-9999: the time of every sealed event and of
// every line of the decision log.
func AppendTime(b []byte, t time.Time) []byte {
	y, mo, d := t.Date()
	if t.Location() != time.UTC || y < 0 || y > 9999 {
		return t.AppendFormat(b, time.RFC3339Nano)
	}
	h, mi, s := t.Clock()
	b = append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+mo/10), byte('0'+mo%10), '-', byte('0'+d/10), byte('0'+d%10), 'T',
		byte('0'+h/10), byte('0'+h%10), ':', byte('0'+mi/10), byte('0'+mi%10), ':', byte('0'+s/10), byte('0'+s%10))
	return append(AppendFraction(b, t.Nanosecond()), 'Z')
}

// AppendFraction appends the fraction of a second ns (0 to 999,999,999) as
// AppendTime writes it: nothing for 0, else a point and the digits without
// trailing zeros.
func AppendFraction(b []byte, ns int) []byte {
	if ns == 0 {
		return b
	}
	var f [10]byte
	f[0] = '.'
	for i := 9; i > 0; i-- {
		f[i] = byte('0' + ns%10)
		ns /= 10
	}
	n := len(f)
	for f[n-1] == '0' {
		n--
	}
	return append(b, f[:n]...)
}

// appendJCSInt writes an integer as RFC 8785 does: as the shortest form of
// the IEEE 754 double nearest to it.
func appendJCSInt(b []byte, v int64) []byte {
	if v > -(1<<53) && v < 1<<53 {
		return strconv.AppendInt(b, v, 10)
	}
	s, err := jcs.NumberToJSON(float64(v))
	if err != nil {
		return strconv.AppendInt(b, v, 10)
	}
	return append(b, s...)
}

// appendJCSString writes s as an RFC 8785 string: only '"', '\\' and control
// characters escaped (\b \t \n \f \r or \u00xx), everything else as UTF-8.
// Invalid UTF-8 becomes U+FFFD, as encoding/json does before JCS sees it.
func appendJCSString[S string | []byte](b []byte, s S) []byte {
	b = append(b, '"')
	start := 0 // s[start:i] is yet to be copied as it is
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"':
				b = append(b, '\\', '"')
			case '\\':
				b = append(b, '\\', '\\')
			case '\b':
				b = append(b, '\\', 'b')
			case '\t':
				b = append(b, '\\', 't')
			case '\n':
				b = append(b, '\\', 'n')
			case '\f':
				b = append(b, '\\', 'f')
			case '\r':
				b = append(b, '\\', 'r')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigit(c>>4), hexDigit(c&0xf))
			}
			i++
			start = i
			continue
		}
		// At most utf8.UTFMax bytes: converting them does not allocate.
		r, size := utf8.DecodeRuneInString(string(s[i:min(i+utf8.UTFMax, len(s))]))
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = utf8.AppendRune(b, utf8.RuneError)
			i++
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

func hexDigit(n byte) byte { return "0123456789abcdef"[n] }
