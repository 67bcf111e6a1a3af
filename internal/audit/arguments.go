package audit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
	"unsafe"

	"github.com/ward-mcp/ward/internal/jsonrpc"
)

// ArgumentsMode is the audit.arguments setting: how much of a call's
// arguments an event records.
type ArgumentsMode string

// Arguments modes. The default, Redacted, is the safe one.
const (
	ArgumentsNone     ArgumentsMode = "none"
	ArgumentsRedacted ArgumentsMode = "redacted"
	ArgumentsFull     ArgumentsMode = "full"
)

// ParseArgumentsMode parses an audit.arguments value; "" is Redacted.
func ParseArgumentsMode(s string) (ArgumentsMode, error) {
	switch m := ArgumentsMode(s); m {
	case "":
		return ArgumentsRedacted, nil
	case ArgumentsNone, ArgumentsRedacted, ArgumentsFull:
		return m, nil
	}
	return "", fmt.Errorf("audit.arguments: unknown mode %q (want none, redacted or full)", s)
}

// Masker replaces secrets in a string value. It returns the value to record
// and whether it changed anything. The policy engine's secret detectors
// provide it. s may share memory with the arguments being reduced: a Masker
// must not keep s, or any part of it, after it returns (what it returns
// when it changed something must be its own).
type Masker func(s string) (string, bool)

// ReduceOptions bounds what ReduceArguments keeps in Redacted mode.
type ReduceOptions struct {
	// MaxString is the longest string value kept whole, in bytes
	// (default 256); longer ones are cut and marked.
	MaxString int
	// MaxItems is the most array elements or object members kept
	// (default 64); the rest is replaced by a count.
	MaxItems int
	// MaxDepth is the deepest nesting kept (default 16).
	MaxDepth int
	// Mask masks secrets in every string value; nil masks nothing.
	Mask Masker
	// KeepSecretNames turns off the masking of values by the name that
	// holds them (see SecretName): only Mask masks.
	KeepSecretNames bool
}

// SecretMark replaces the strings and numbers held by a member whose name
// says it is a secret ({"password": "hunter2"}): the detectors behind a
// Masker see one string at a time, and find no secret in "hunter2", or in
// an AWS secret key without its name beside it.
const SecretMark = "[REDACTED:name]"

// SecretName reports whether a member named name holds a secret: its
// letters and digits, lower-cased, contain password, passwd, passphrase,
// secret, apikey, privatekey, credential or authorization, end with token
// (but not pagetoken, nexttoken or continuationtoken, which page through
// results), or are pwd, pass, auth, cookie or setcookie.
func SecretName[S string | []byte](name S) bool {
	var buf [64]byte
	n := buf[:0]
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'A' && c <= 'Z':
			n = append(n, c+'a'-'A')
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
			n = append(n, c)
		}
	}
	for _, w := range secretWords {
		if bytes.Contains(n, []byte(w)) {
			return true
		}
	}
	if bytes.HasSuffix(n, []byte("token")) {
		for _, w := range pagingTokens {
			if bytes.HasSuffix(n, []byte(w)) {
				return false
			}
		}
		return true
	}
	switch string(n) {
	case "pwd", "pass", "auth", "cookie", "setcookie":
		return true
	}
	return false
}

var (
	secretWords  = []string{"password", "passwd", "passphrase", "secret", "apikey", "privatekey", "credential", "authorization"}
	pagingTokens = []string{"pagetoken", "nexttoken", "continuationtoken"}
)

// TruncatedMark ends a string value that ReduceArguments cut.
const TruncatedMark = "…[truncated]"

// ReduceArguments returns what an event records of the arguments raw under
// mode: nothing for None, raw for Full, and for Redacted a copy in which
// every string is masked by opts.Mask and cut at opts.MaxString, and arrays,
// objects and nesting are bounded. Arguments that are not JSON are recorded
// as a note saying so, never verbatim.
//
// The Redacted copy is written in one pass over raw (see reducer), in RFC
// 8785 form apart from numbers, which are kept as written; sealing
// canonicalises them for the hash. When that form is raw byte for byte (no
// secret, nothing cut, members already in order) the result is raw itself,
// as it is in Full mode, so that recording the usual small call costs no
// allocation; otherwise it is a copy (one allocation).
func ReduceArguments(raw json.RawMessage, mode ArgumentsMode, opts *ReduceOptions) json.RawMessage {
	if len(raw) == 0 || mode == ArgumentsNone {
		return nil
	}
	if mode == ArgumentsFull {
		if !json.Valid(raw) {
			return json.RawMessage(`{"_ward":"arguments were not valid JSON"}`)
		}
		return raw
	}
	r := reducers.Get().(*reducer)
	defer r.release()
	if opts != nil {
		r.o = *opts
	}
	if r.o.MaxString <= 0 {
		r.o.MaxString = 256
	}
	if r.o.MaxItems <= 0 {
		r.o.MaxItems = 64
	}
	if r.o.MaxDepth <= 0 {
		r.o.MaxDepth = 16
	}
	r.data = raw
	out, i, err := r.value(r.out[:0], skipWS(raw, 0), 0)
	r.out = out
	if err != nil || skipWS(raw, i) != len(raw) {
		return json.RawMessage(`{"_ward":"arguments were not valid JSON"}`)
	}
	if bytes.Equal(out, raw) {
		return raw
	}
	return bytes.Clone(out)
}

// reducer writes the redacted form of a JSON value in one pass over it,
// without decoding it into Go values. What it keeps is what decoding the
// value with encoding/json (numbers as json.Number) and reducing that kept;
// it writes the result in RFC 8785 form (members in the order of their
// UTF-16 code units, strings as appendJCSString writes them) except that
// numbers are kept as written, so that the record shows the number the
// caller sent and sealing canonicalises it for the hash. Before, members
// came in the order of their UTF-8 bytes (json.Marshal of a map), which
// differs where one name has a character above U+FFFF and the other one in
// U+E000-U+FFFF; which members an object too large keeps is still chosen in
// that order.
type reducer struct {
	o    ReduceOptions
	data []byte
	// out is where the reduced form is written; ReduceArguments returns a
	// copy of it, or raw when they are equal.
	out []byte
	// members and entries are stacks shared by the objects being reduced.
	members []reducedMember
	entries []reducedEntry
	// secret is set while the value of a member with a SecretName is
	// reduced: its strings and numbers become SecretMark.
	secret bool
}

// reducers keep the stacks and output buffers of finished reducers, so that
// reducing small arguments does not allocate them.
var reducers = sync.Pool{New: func() any { return new(reducer) }}

// release returns r to reducers, holding no reference to its input.
func (r *reducer) release() {
	if cap(r.members) > 1024 || cap(r.entries) > 1024 || cap(r.out) > 64<<10 {
		return
	}
	clear(r.members[:cap(r.members)])
	clear(r.entries[:cap(r.entries)])
	r.o, r.data, r.out, r.members, r.entries, r.secret = ReduceOptions{}, nil, r.out[:0], r.members[:0], r.entries[:0], false
	reducers.Put(r)
}

// reducedMember is one member of an object being reduced: its name decoded
// as encoding/json decodes it, the span of its value in the input, and the
// span of its reduced value in the output (oStart -1 while not reduced).
type reducedMember struct {
	name         []byte
	index        int
	vStart       int
	oStart, oEnd int
}

// reducedEntry is a member as recorded: its name masked and cut, and the
// span of its reduced value in the output.
type reducedEntry struct {
	name         []byte
	oStart, oEnd int
}

// value validates the value at r.data[i], inside depth containers, and
// appends its reduced form to b. It returns the index past it.
func (r *reducer) value(b []byte, i, depth int) ([]byte, int, error) {
	data := r.data
	if i >= len(data) {
		return b, i, errJSONTruncated
	}
	switch c := data[i]; {
	case c == '"':
		end, escaped, err := scanString(data, i)
		if err != nil {
			return b, end, err
		}
		if r.secret {
			return appendJCSString(b, SecretMark), end, nil
		}
		return r.appendString(b, decodeName(data[i+1:end-1], escaped)), end, nil
	case c == '{':
		if depth >= r.o.MaxDepth {
			n, end, err := distinctNames(data, i, depth+1)
			return appendMarker(b, "[object of %d, too deep]", n), end, err
		}
		return r.object(b, i, depth+1)
	case c == '[':
		if depth >= r.o.MaxDepth {
			n, end, err := skipContainer(data, i, depth+1)
			return appendMarker(b, "[array of %d, too deep]", n), end, err
		}
		return r.array(b, i, depth+1)
	default:
		// Numbers are kept as written (json.Number), true, false and null.
		end, err := skipValue(data, i, depth)
		if r.secret && err == nil && c != 't' && c != 'f' && c != 'n' {
			return appendJCSString(b, SecretMark), end, nil
		}
		return append(b, data[i:end]...), end, err
	}
}

// memberValue is value for the value of the member named name.
func (r *reducer) memberValue(b []byte, name []byte, i, depth int) ([]byte, int, error) {
	if r.secret || r.o.KeepSecretNames || !SecretName(name) {
		return r.value(b, i, depth)
	}
	r.secret = true
	defer func() { r.secret = false }()
	return r.value(b, i, depth)
}

// appendString appends the recorded form of the decoded string s: masked by
// the masker, then cut at MaxString. The whole string is masked first, so
// that a secret across the cut is masked too, and a mark the cut would
// split is kept whole (see maskedCut).
func (r *reducer) appendString(b, s []byte) []byte {
	if r.o.Mask != nil {
		if m, ok := r.o.Mask(borrow(s)); ok {
			return appendTruncated(b, m, maskedCut(m, r.o.MaxString))
		}
	}
	return appendTruncated(b, s, r.o.MaxString)
}

// maskedCut returns where to cut the masked string m that is to be cut at
// n: n, or past the end of the policy engine's mark ("[REDACTED:rule]")
// that n falls in, so that the record still says what was masked.
func maskedCut(m string, n int) int {
	if len(m) <= n {
		return n
	}
	c := len(truncate(m, n))
	i := strings.LastIndex(m[:c], "[REDACTED")
	if i < 0 || strings.IndexByte(m[i:c], ']') >= 0 {
		return n
	}
	if j := strings.IndexByte(m[c:], ']'); j >= 0 && j < maxMark {
		return c + j + 1
	}
	return n
}

// maxMark bounds how far maskedCut looks for the end of a mark.
const maxMark = 128

func (r *reducer) array(b []byte, i, depth int) ([]byte, int, error) {
	if depth > maxNesting {
		return b, i, errJSONDepth
	}
	data := r.data
	b = append(b, '[')
	i = skipWS(data, i+1)
	if i < len(data) && data[i] == ']' {
		return append(b, ']'), i + 1, nil
	}
	n := 0
	for {
		var err error
		if n < r.o.MaxItems {
			if n > 0 {
				b = append(b, ',')
			}
			b, i, err = r.value(b, i, depth)
		} else {
			i, err = skipValue(data, i, depth)
		}
		if err != nil {
			return b, i, err
		}
		n++
		if i = skipWS(data, i); i >= len(data) {
			return b, i, errJSONTruncated
		}
		switch data[i] {
		case ',':
			i = skipWS(data, i+1)
			continue
		case ']':
			i++
		default:
			return b, i, errJSONSyntax
		}
		break
	}
	if n > r.o.MaxItems {
		b = append(b, ',')
		b = appendMarker(b, "[%d more]", n-r.o.MaxItems)
	}
	return append(b, ']'), i, nil
}

// object reduces the object at r.data[i]. The values of its first MaxItems
// members are reduced as they come, the others only validated; once all
// names are known, the first MaxItems distinct names in the order of their
// UTF-8 bytes are kept (the last of equal names wins, as in encoding/json),
// those not yet reduced are, and the kept members are written in order
// after the reduced values and moved down over them.
func (r *reducer) object(b []byte, i, depth int) ([]byte, int, error) {
	if depth > maxNesting {
		return b, i, errJSONDepth
	}
	data := r.data
	start := len(b)
	i = skipWS(data, i+1)
	if i < len(data) && data[i] == '}' {
		return append(b, '{', '}'), i + 1, nil
	}
	base := len(r.members)
	defer func() { r.members = r.members[:base] }()
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
		m := reducedMember{name: decodeName(data[i+1:kEnd-1], escaped), oStart: -1, index: len(r.members) - base}
		if i = skipWS(data, kEnd); i >= len(data) {
			return b, i, errJSONTruncated
		}
		if data[i] != ':' {
			return b, i, errJSONSyntax
		}
		m.vStart = skipWS(data, i+1)
		if m.index < r.o.MaxItems {
			m.oStart = len(b)
			b, i, err = r.memberValue(b, m.name, m.vStart, depth)
			m.oEnd = len(b)
		} else {
			i, err = skipValue(data, m.vStart, depth)
		}
		if err != nil {
			return b, i, err
		}
		r.members = append(r.members, m)
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
		i = skipWS(data, i+1)
	}
	ms := r.members[base:]
	// Distinct names in the order of their bytes, the last of equal ones.
	slices.SortFunc(ms, func(x, y reducedMember) int {
		if c := bytes.Compare(x.name, y.name); c != 0 {
			return c
		}
		return x.index - y.index
	})
	kept := ms[:0]
	for k, m := range ms {
		if k+1 < len(ms) && bytes.Equal(m.name, ms[k+1].name) {
			continue
		}
		kept = append(kept, m)
	}
	more := max(len(kept)-r.o.MaxItems, 0)
	kept = kept[:len(kept)-more]
	// Reduce what was only validated, and mask and cut the names.
	eBase := len(r.entries)
	defer func() { r.entries = r.entries[:eBase] }()
	for k := range kept {
		m := &kept[k]
		if m.oStart < 0 {
			m.oStart = len(b)
			b, _, _ = r.memberValue(b, m.name, m.vStart, depth)
			m.oEnd = len(b)
		}
		name := m.name
		if r.o.Mask != nil {
			if masked, ok := r.o.Mask(borrow(name)); ok {
				name = []byte(masked)
			}
		}
		if t := truncate(name, r.o.MaxString); len(t) < len(name) {
			name = append(t[:len(t):len(t)], TruncatedMark...)
		}
		r.entries = append(r.entries, reducedEntry{name: name, oStart: m.oStart, oEnd: m.oEnd})
	}
	if more > 0 {
		mStart := len(b)
		b = appendMarker(b, "[%d more]", more)
		r.entries = append(r.entries, reducedEntry{name: []byte(wardMore), oStart: mStart, oEnd: len(b)})
	}
	entries := r.entries[eBase:]
	// Equal output names: the later one wins, as it did in a map.
	slices.SortStableFunc(entries, func(x, y reducedEntry) int {
		if c := compareUTF16(x.name, y.name); c != 0 {
			return c
		}
		return bytes.Compare(x.name, y.name)
	})
	tail := len(b)
	b = append(b, '{')
	first := true
	for k, e := range entries {
		if k+1 < len(entries) && bytes.Equal(e.name, entries[k+1].name) {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = appendJCSString(b, e.name)
		b = append(b, ':')
		b = append(b, b[e.oStart:e.oEnd]...)
	}
	b = append(b, '}')
	n := copy(b[start:], b[tail:])
	return b[:start+n], i, nil
}

// borrow returns b as a string without copying it, for a Masker, which
// does not keep it (see Masker). b is the reducer's input or a name decoded
// from it, neither of which changes while the reducer runs.
func borrow(b []byte) string {
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// wardMore names the member that counts the members an object too large
// lost.
const wardMore = "_ward_more"

// decodeName decodes the body of a validated JSON string as encoding/json
// does (escapes decoded; lone surrogates and bytes that are not UTF-8
// replaced by U+FFFD). Without escapes and in UTF-8 it is body itself.
func decodeName(body []byte, escaped bool) []byte {
	if !escaped && utf8.Valid(body) {
		return body
	}
	return []byte(jsonrpc.UnquoteBody(body))
}

// distinctNames validates the object at data[i], the depth-th container of
// its nesting, and returns the number of distinct names among its members
// (what the length of the decoded map was) and the index past it.
func distinctNames(data []byte, i, depth int) (int, int, error) {
	if depth > maxNesting {
		return 0, i, errJSONDepth
	}
	var names []string
	i = skipWS(data, i+1)
	if i < len(data) && data[i] == '}' {
		return 0, i + 1, nil
	}
	for {
		if i >= len(data) {
			return 0, i, errJSONTruncated
		}
		if data[i] != '"' {
			return 0, i, errJSONSyntax
		}
		kEnd, escaped, err := scanString(data, i)
		if err != nil {
			return 0, kEnd, err
		}
		names = append(names, string(decodeName(data[i+1:kEnd-1], escaped)))
		if i = skipWS(data, kEnd); i >= len(data) {
			return 0, i, errJSONTruncated
		}
		if data[i] != ':' {
			return 0, i, errJSONSyntax
		}
		if i, err = skipValue(data, skipWS(data, i+1), depth); err != nil {
			return 0, i, err
		}
		if i = skipWS(data, i); i >= len(data) {
			return 0, i, errJSONTruncated
		}
		if data[i] == '}' {
			break
		}
		if data[i] != ',' {
			return 0, i, errJSONSyntax
		}
		i = skipWS(data, i+1)
	}
	slices.Sort(names)
	return len(slices.Compact(names)), i + 1, nil
}

// appendMarker appends a string that stands for what was left out.
func appendMarker(b []byte, format string, n int) []byte {
	return appendJCSString(b, fmt.Sprintf(format, n))
}

// appendTruncated appends s as a JSON string, cut at n bytes and marked
// with TruncatedMark if it is longer.
func appendTruncated[S string | []byte](b []byte, s S, n int) []byte {
	t := truncate(s, n)
	if len(t) == len(s) {
		return appendJCSString(b, s)
	}
	b = appendJCSString(b, t)
	b = append(b[:len(b)-1], TruncatedMark...)
	return append(b, '"')
}

// truncate returns s cut at n bytes, or before the rune that byte n is in;
// the caller marks the cut.
func truncate[S string | []byte](s S, n int) S {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}
