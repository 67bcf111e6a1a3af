package inspect

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Invisible reports whether r is a character that renders as nothing but
// can carry hidden text or reorder what a reader sees: zero-width
// characters, word joiners, the BOM, Unicode tag characters, bidi controls,
// soft hyphens and the supplementary variation selectors.
func Invisible(r rune) bool {
	switch {
	case r >= 0x200B && r <= 0x200F, r >= 0x202A && r <= 0x202E, r >= 0x2060 && r <= 0x2064,
		r >= 0x2066 && r <= 0x2069, r == 0xFEFF, r == 0x00AD, r == 0x180E, r == 0x061C, r == 0x115F, r == 0x1160, r == 0x3164, r == 0xFFA0,
		r >= 0xE0000 && r <= 0xE007F, r >= 0xE0100 && r <= 0xE01EF, r >= 0xFFF9 && r <= 0xFFFB:
		return true
	}
	return false
}

// control reports whether r is a control character other than tab, newline
// and carriage return (ESC, C1 controls, DEL, backspace…).
func control(r rune) bool {
	return (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || (r >= 0x7F && r <= 0x9F)
}

// special marks the bytes that may start an invisible or control character.
var special = func() (t [256]bool) {
	for c := range 256 {
		t[c] = c >= 0x80 || (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F
	}
	return t
}()

// hasSpecial reports whether s has a byte that may start an invisible or
// control character. It reads eight bytes at a time: most text is
// printable ASCII.
func hasSpecial(s string) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := load64(s, i)
		// A byte ≥ 0x80, a byte < 0x20 or a DEL: look closer (tab, newline
		// and carriage return are below 0x20 but not special).
		if x&highs != 0 || (x-0x20*ones)&^x&highs != 0 || (x^0x7F*ones-ones)&^(x^0x7F*ones)&highs != 0 {
			for _, c := range []byte(s[i : i+8]) {
				if special[c] {
					return true
				}
			}
		}
	}
	for ; i < len(s); i++ {
		if special[s[i]] {
			return true
		}
	}
	return false
}

// Hygiene counts what Sanitize would remove from a string.
type Hygiene struct {
	// Invisible is the number of invisible characters.
	Invisible int
	// Tags is how many of them are Unicode tag characters (ASCII smuggling).
	Tags int
	// ANSI is the number of escape sequences and other control characters.
	ANSI int
	// Hidden is the text spelt by tag characters, if any.
	Hidden string
}

// Check counts invisible and control characters in s without allocating
// when there are none.
func Check(s string) Hygiene {
	var h Hygiene
	if !hasSpecial(s) {
		return h
	}
	var hidden strings.Builder
	for _, r := range s {
		switch {
		case r >= 0xE0000 && r <= 0xE007F:
			h.Invisible++
			h.Tags++
			if r >= 0xE0020 && r <= 0xE007E {
				hidden.WriteRune(r - 0xE0000)
			}
		case Invisible(r):
			h.Invisible++
		case control(r):
			h.ANSI++
		}
	}
	h.Hidden = hidden.String()
	return h
}

// Sanitize removes invisible characters, ANSI escape sequences (CSI, OSC and
// two-byte escapes) and other control characters from s.
func Sanitize(s string) string {
	if h := Check(s); h.Invisible == 0 && h.ANSI == 0 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == 0x1B || r == 0x9B || r == 0x9D {
			i += escapeLen(s[i:])
			continue
		}
		if Invisible(r) || control(r) {
			i += n
			continue
		}
		b.WriteString(s[i : i+n])
		i += n
	}
	return b.String()
}

// escapeLen returns the length of the escape sequence at the start of s.
func escapeLen(s string) int {
	_, n := utf8.DecodeRuneInString(s)
	rest := s[n:]
	csi := s[0] == 0x9B || strings.HasPrefix(s, "\u009b")
	osc := strings.HasPrefix(s, "\u009d")
	if s[0] == 0x1B && len(rest) > 0 {
		switch rest[0] {
		case '[':
			csi, n = true, n+1
			rest = rest[1:]
		case ']', 'P', '_', '^':
			osc, n = true, n+1
			rest = rest[1:]
		default:
			return n + 1
		}
	}
	if csi {
		for j := 0; j < len(rest); j++ {
			if rest[j] >= 0x40 && rest[j] <= 0x7E {
				return n + j + 1
			}
		}
		return len(s)
	}
	if osc {
		for j := 0; j < len(rest); j++ {
			if rest[j] == 0x07 {
				return n + j + 1
			}
			if rest[j] == 0x1B && j+1 < len(rest) && rest[j+1] == '\\' {
				return n + j + 2
			}
		}
		return len(s)
	}
	return n
}

// MixedScriptWord returns the first word of s that mixes Latin letters with
// Cyrillic, Greek or Armenian letters (a homoglyph disguise), or "".
func MixedScriptWord(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return ""
	}
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' }) {
		latin, other := false, false
		for _, r := range w {
			switch {
			case r < 0x80 && unicode.IsLetter(r):
				latin = true
			case unicode.In(r, unicode.Cyrillic, unicode.Greek, unicode.Armenian, unicode.Cherokee):
				other = true
			case r >= 0xFF01 && r <= 0xFF5E: // fullwidth forms
				other = true
			}
		}
		if latin && other {
			return w
		}
	}
	return ""
}

// ValidName reports whether a tool, prompt or parameter name uses only the
// characters MCP recommends for names: A-Z a-z 0-9 _ - . and / (no spaces,
// no look-alike letters).
func ValidName(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.' || c == '/') {
			return false
		}
	}
	return true
}

// isASCII reports whether s is all ASCII.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
