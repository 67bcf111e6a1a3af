package lockfile

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxURILen bounds the resource URIs and templates ward matches.
const maxURILen = 8 << 10

// MatchResource decides whether a resources/read (or subscribe) URI is
// allowed by the lock: it must equal a locked resource, or match a locked
// resource template, after normalisation. The reason says which, or why not.
//
// The URI is first percent-decoded once and refused if it then holds a
// control character, a ".." path segment (written plainly, as %2e%2e, or
// with "\" as separator), an empty path segment ("//"), or percent-encoding
// left after that one decode (double encoding such as %252e%252e%252f).
//
// It is then compared in a form where the scheme is lower-cased, "." path
// segments are removed and percent-encoding is normalised (unreserved
// characters decoded, other escapes upper-cased, non-ASCII bytes encoded),
// so that an encoded delimiter ("%2F", "%3F") is never confused with a
// real one. Templates are matched expression by expression (RFC 6570 levels
// 1–4: {var}, {+var}, {#var}, {.var}, {/var}, {;var}, {?var}, {&var}, with
// lists, explode and prefix modifiers); a simple {var} never spans a "/".
// Every value a variable takes is decoded and checked again: a dot segment,
// an encoded "/" or "\" inside one path segment, a leading "/" or "\", a
// value that starts with a scheme of its own ("http:", "file:"), or one that
// exceeds a prefix modifier refuses the match.
func (s *Server) MatchResource(uri string) (ok bool, reason string) {
	if _, err := normaliseURI(uri); err != nil {
		return false, fmt.Sprintf("resource URI %q refused: %v", uri, err)
	}
	form := matchForm(uri)
	idx := s.index()
	if key, hit := idx.exact[form]; hit {
		return true, fmt.Sprintf("resource %q is locked", key)
	}
	if e, hit := s.Resources[uri]; hit && e != nil {
		return true, fmt.Sprintf("resource %q is locked", uri)
	}
	var refusal string
	for _, t := range idx.templates {
		vals := t.re.FindStringSubmatch(form)
		if vals == nil {
			continue
		}
		if why := t.checkValues(vals[1:]); why != "" {
			if refusal == "" {
				refusal = fmt.Sprintf("resource URI %q refused: it fits template %q but %s", uri, t.raw, why)
			}
			continue
		}
		return true, fmt.Sprintf("resource URI matches locked template %q", t.raw)
	}
	if refusal != "" {
		return false, refusal
	}
	return false, fmt.Sprintf("resource URI %q matches no locked resource or resource template", uri)
}

// resourceIndex is what MatchResource needs, built once per Server.
type resourceIndex struct {
	exact     map[string]string // matchForm of a locked URI → the locked URI
	templates []*uriTemplate
}

func buildResourceIndex(s *Server) *resourceIndex {
	idx := &resourceIndex{exact: map[string]string{}}
	for uri := range s.Resources {
		if _, err := normaliseURI(uri); err == nil {
			idx.exact[matchForm(uri)] = uri
		}
	}
	for raw := range s.ResourceTemplates {
		t, err := compileTemplate(raw)
		if err != nil {
			continue // a template ward cannot read matches nothing
		}
		idx.templates = append(idx.templates, t)
	}
	// Deterministic order, so that the reason for a refusal is stable.
	for i := 1; i < len(idx.templates); i++ {
		for j := i; j > 0 && idx.templates[j].raw < idx.templates[j-1].raw; j-- {
			idx.templates[j], idx.templates[j-1] = idx.templates[j-1], idx.templates[j]
		}
	}
	return idx
}

// normaliseURI returns uri percent-decoded once, with its scheme lower-cased
// and "." segments removed, or the reason it is refused. MatchResource uses
// it to vet a URI; it compares matchForm.
func normaliseURI(uri string) (string, error) {
	if uri == "" {
		return "", errors.New("empty URI")
	}
	if len(uri) > maxURILen {
		return "", fmt.Errorf("longer than %d bytes", maxURILen)
	}
	colon := strings.IndexByte(uri, ':')
	if colon <= 0 || !ValidScheme(uri[:colon]) {
		return "", errors.New("no scheme")
	}
	dec, err := percentDecode(uri)
	if err != nil {
		return "", err
	}
	if !utf8.ValidString(dec) {
		return "", errors.New("invalid UTF-8 after percent-decoding")
	}
	for _, r := range dec {
		if r < 0x20 || r == 0x7f {
			return "", errors.New("control character")
		}
	}
	if hasPercentTriplet(dec) {
		return "", errors.New("still percent-encoded after one decode (double encoding)")
	}
	scheme := strings.ToLower(dec[:colon])
	rest := dec[colon+1:]
	// A ".." anywhere, not only in what parses as the path: a decoded "%3F"
	// or "%23" moves where the path seems to end, and the server may not
	// split the URI where ward does.
	for _, part := range strings.FieldsFunc(rest, func(r rune) bool { return r == '/' || r == '\\' || r == '?' || r == '#' }) {
		if part == ".." {
			return "", errors.New(`".." path segment (traversal)`)
		}
	}
	frag := ""
	if i := strings.IndexByte(rest, '#'); i >= 0 {
		rest, frag = rest[:i], rest[i:]
	}
	query := ""
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		rest, query = rest[:i], rest[i:]
	}
	auth := ""
	p := rest
	if strings.HasPrefix(rest, "//") {
		end := strings.IndexByte(rest[2:], '/')
		if end < 0 {
			auth, p = rest, ""
		} else {
			auth, p = rest[:2+end], rest[2+end:]
		}
		if strings.Contains(auth, `\`) {
			return "", errors.New(`"\" in authority`)
		}
	}
	p, err = cleanPath(p)
	if err != nil {
		return "", err
	}
	return scheme + ":" + auth + p + query + frag, nil
}

// cleanPath drops "." segments and refuses ".." segments (also with "\" as
// separator) and empty inner segments.
func cleanPath(p string) (string, error) {
	if p == "" {
		return "", nil
	}
	segs := strings.Split(p, "/")
	out := segs[:0]
	for i, seg := range segs {
		for _, part := range strings.Split(seg, `\`) {
			if part == ".." {
				return "", errors.New(`".." path segment (traversal)`)
			}
		}
		switch {
		case seg == ".":
			if i == len(segs)-1 {
				out = append(out, "") // "a/." is "a/"
			}
			continue
		case seg == "" && i > 0 && i < len(segs)-1:
			return "", errors.New(`empty path segment ("//")`)
		}
		out = append(out, seg)
	}
	return strings.Join(out, "/"), nil
}

// ValidScheme reports whether s is a URI scheme by RFC 3986's syntax: a
// letter, then letters, digits, "+", "-" or ".".
func ValidScheme(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return s != ""
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// percentDecode decodes every %XX once; a "%" not followed by two hex
// digits is an error.
func percentDecode(s string) (string, error) {
	if !strings.Contains(s, "%") {
		return s, nil
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		if i+2 >= len(s) {
			return "", errors.New("truncated percent-encoding")
		}
		hi, ok1 := unhex(s[i+1])
		lo, ok2 := unhex(s[i+2])
		if !ok1 || !ok2 {
			return "", errors.New("invalid percent-encoding")
		}
		b.WriteByte(hi<<4 | lo)
		i += 2
	}
	return b.String(), nil
}

func hasPercentTriplet(s string) bool {
	for i := 0; i+2 < len(s); i++ {
		if s[i] == '%' {
			if _, ok := unhex(s[i+1]); ok {
				if _, ok := unhex(s[i+2]); ok {
					return true
				}
			}
		}
	}
	return false
}

// isUnreserved reports whether c is an RFC 3986 unreserved character, whose
// percent-encoded and literal forms are equivalent.
func isUnreserved(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}

// pctNormalise decodes escaped unreserved characters, upper-cases the hex of
// other escapes and percent-encodes bytes outside ASCII. s must hold only
// valid escapes.
func pctNormalise(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%' && i+2 < len(s):
			hi, _ := unhex(s[i+1])
			lo, _ := unhex(s[i+2])
			v := hi<<4 | lo
			if isUnreserved(v) {
				b.WriteByte(v)
			} else {
				b.WriteByte('%')
				b.WriteByte(hexDigits[v>>4])
				b.WriteByte(hexDigits[v&0xf])
			}
			i += 2
		case c >= utf8.RuneSelf:
			b.WriteByte('%')
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&0xf])
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// matchForm is the form MatchResource compares: percent-encoding
// normalised, scheme lower-cased, "." path segments removed. Encoded
// delimiters stay encoded, so "a%2Fb" and "a/b" differ. uri must have
// passed normaliseURI.
func matchForm(uri string) string {
	s := pctNormalise(uri)
	colon := strings.IndexByte(s, ':')
	scheme, rest := strings.ToLower(s[:colon]), s[colon+1:]
	tail := ""
	if i := strings.IndexAny(rest, "?#"); i >= 0 {
		rest, tail = rest[:i], rest[i:]
	}
	auth := ""
	if strings.HasPrefix(rest, "//") {
		end := strings.IndexByte(rest[2:], '/')
		if end < 0 {
			auth, rest = rest, ""
		} else {
			auth, rest = rest[:2+end], rest[2+end:]
		}
	}
	segs := strings.Split(rest, "/")
	out := segs[:0]
	for i, seg := range segs {
		if seg == "." {
			if i == len(segs)-1 {
				out = append(out, "")
			}
			continue
		}
		out = append(out, seg)
	}
	return scheme + ":" + auth + strings.Join(out, "/") + tail
}

// uriTemplate is a compiled RFC 6570 template.
type uriTemplate struct {
	raw   string
	re    *regexp.Regexp
	exprs []tmplExpr // one per capture group, in order
}

type tmplExpr struct {
	op   byte // 0 for a simple expression
	vars []tmplVar
}

type tmplVar struct {
	name    string
	explode bool
	maxLen  int // 0: no prefix modifier
}

// The pattern each operator's expansion takes in a normalised URI.
var opPattern = map[byte]string{
	0:   `([^/?#]*)`,
	'+': `([^?#]*)`,
	'#': `((?:#.*)?)`,
	'.': `((?:\.[^/?#]*)*)`,
	'/': `((?:/[^/?#]*)*)`,
	';': `((?:;[^/?#]*)*)`,
	'?': `((?:\?[^#]*)?)`,
	'&': `((?:&[^#]*)?)`,
}

var varNameRE = regexp.MustCompile(`^(?:[A-Za-z0-9_]|%[0-9A-Fa-f]{2})(?:\.?(?:[A-Za-z0-9_]|%[0-9A-Fa-f]{2}))*$`)

// compileTemplate turns an RFC 6570 template into an anchored regular
// expression over normalised URIs.
func compileTemplate(tmpl string) (*uriTemplate, error) {
	if tmpl == "" || len(tmpl) > maxURILen {
		return nil, errors.New("empty or oversized template")
	}
	t := &uriTemplate{raw: tmpl}
	var re strings.Builder
	re.WriteString(`^`)
	first := true
	for len(tmpl) > 0 {
		open := strings.IndexByte(tmpl, '{')
		lit := tmpl
		if open >= 0 {
			lit = tmpl[:open]
		}
		if strings.IndexByte(lit, '}') >= 0 {
			return nil, errors.New(`unbalanced "}"`)
		}
		if lit != "" {
			if _, err := percentDecode(lit); err != nil {
				return nil, err
			}
			dec := pctNormalise(lit)
			if first {
				// The scheme compares case-insensitively.
				if c := strings.IndexByte(dec, ':'); c > 0 && ValidScheme(dec[:c]) {
					dec = strings.ToLower(dec[:c]) + dec[c:]
				}
			}
			re.WriteString(regexp.QuoteMeta(dec))
		}
		first = false
		if open < 0 {
			break
		}
		end := strings.IndexByte(tmpl[open:], '}')
		if end < 0 {
			return nil, errors.New(`unbalanced "{"`)
		}
		body := tmpl[open+1 : open+end]
		tmpl = tmpl[open+end+1:]
		e, err := parseExpr(body)
		if err != nil {
			return nil, err
		}
		t.exprs = append(t.exprs, e)
		re.WriteString(opPattern[e.op])
	}
	re.WriteString(`$`)
	rx, err := regexp.Compile(re.String())
	if err != nil {
		return nil, fmt.Errorf("compile template: %w", err)
	}
	t.re = rx
	return t, nil
}

func parseExpr(body string) (tmplExpr, error) {
	var e tmplExpr
	if body == "" {
		return e, errors.New("empty expression")
	}
	switch body[0] {
	case '+', '#', '.', '/', ';', '?', '&':
		e.op = body[0]
		body = body[1:]
	case '=', ',', '!', '@', '|':
		return e, fmt.Errorf("reserved operator %q", body[0])
	}
	for _, spec := range strings.Split(body, ",") {
		v := tmplVar{name: spec}
		if n, ok := strings.CutSuffix(spec, "*"); ok {
			v.name, v.explode = n, true
		} else if i := strings.IndexByte(spec, ':'); i >= 0 {
			n, err := strconv.Atoi(spec[i+1:])
			if err != nil || n <= 0 || n >= 10000 {
				return e, fmt.Errorf("bad prefix modifier in %q", spec)
			}
			v.name, v.maxLen = spec[:i], n
		}
		if !varNameRE.MatchString(v.name) {
			return e, fmt.Errorf("bad variable name %q", v.name)
		}
		e.vars = append(e.vars, v)
	}
	return e, nil
}

// checkValues inspects the text each expression matched and returns why it
// is refused, or "".
func (t *uriTemplate) checkValues(vals []string) string {
	for i, e := range t.exprs {
		if why := e.check(vals[i]); why != "" {
			return why
		}
	}
	return ""
}

func (e tmplExpr) check(text string) string {
	name := e.vars[0].name
	switch e.op {
	case 0, '+':
		if text == "" {
			return fmt.Sprintf("variable %q is empty", name)
		}
		return e.checkList(strings.Split(text, ","), true, e.op == 0)
	case '#':
		return e.checkList(strings.Split(strings.TrimPrefix(text, "#"), ","), true, false)
	case '.':
		if text == "" {
			return ""
		}
		return e.checkList([]string{text[1:]}, false, true)
	case '/':
		if text == "" {
			return ""
		}
		return e.checkList(strings.Split(text[1:], "/"), true, true)
	case ';', '?', '&':
		if text == "" {
			return ""
		}
		sep := ";"
		if e.op != ';' {
			sep = "&"
		}
		var vals []string
		for _, kv := range strings.Split(text[1:], sep) {
			k, v, _ := strings.Cut(kv, "=")
			if dk, _ := percentDecode(k); !e.declares(dk) {
				return fmt.Sprintf("parameter %q is not in the template", dk)
			}
			vals = append(vals, strings.Split(v, ",")...)
		}
		return e.checkList(vals, false, false)
	}
	return ""
}

// declares reports whether k names one of e's variables; an exploded
// variable may expand to any keys.
func (e tmplExpr) declares(k string) bool {
	for _, v := range e.vars {
		if v.explode || v.name == k {
			return true
		}
	}
	return false
}

// checkList checks the values of an expression, each still in match form:
// pathLike values may not be absolute paths, and a segment value (one that
// the template places inside a single path segment) may not hold an encoded
// "/" or "\".
func (e tmplExpr) checkList(vals []string, pathLike, segment bool) string {
	maxLen := 0
	for _, v := range e.vars {
		if v.explode {
			maxLen = 0
			break
		}
		if v.maxLen > maxLen {
			maxLen = v.maxLen
		}
	}
	for _, raw := range vals {
		v, err := percentDecode(raw)
		if err != nil {
			return fmt.Sprintf("value %q is not validly encoded", raw)
		}
		if why := suspiciousValue(v, pathLike); why != "" {
			return why
		}
		if segment && strings.ContainsAny(v, `/\`) {
			return fmt.Sprintf("value %q holds an encoded \"/\" or \"\\\" and would span path segments", v)
		}
		if maxLen > 0 && utf8.RuneCountInString(v) > maxLen {
			return fmt.Sprintf("value %q is longer than the template's prefix of %d", v, maxLen)
		}
	}
	return ""
}

var schemeLike = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*:`)

// suspiciousValue returns why a variable's value must not be substituted:
// a dot segment, an absolute path, or a scheme of its own.
func suspiciousValue(v string, pathLike bool) string {
	for _, part := range strings.FieldsFunc(v, func(r rune) bool { return r == '/' || r == '\\' }) {
		if part == ".." || part == "." {
			return fmt.Sprintf("value %q holds a dot segment", v)
		}
	}
	if v == ".." || v == "." {
		return fmt.Sprintf("value %q is a dot segment", v)
	}
	if pathLike && (strings.HasPrefix(v, "/") || strings.HasPrefix(v, `\`)) {
		return fmt.Sprintf("value %q is an absolute path", v)
	}
	if schemeLike.MatchString(v) {
		return fmt.Sprintf("value %q carries a scheme of its own", v)
	}
	return ""
}
