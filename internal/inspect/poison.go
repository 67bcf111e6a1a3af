package inspect

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode"
)

// Definition inspects one tool, prompt or resource definition as the server
// sent it (raw JSON) for metadata poisoning: every string in it — name,
// title, description, parameter names and descriptions, defaults, enums,
// examples, annotations, output schema — is checked. It returns the item's
// name and the findings; err is set only when raw is not JSON.
func Definition(raw []byte) (name string, findings []Finding, err error) {
	return definition(raw, true)
}

// DisplayNamed inspects a resource or resource template definition like
// Definition, except that its name is a display name ("Dynamic Text
// Resource"), not an identifier the model calls: spaces and punctuation are
// fine there, mixed scripts still count.
func DisplayNamed(raw []byte) (name string, findings []Finding, err error) {
	return definition(raw, false)
}

func definition(raw []byte, identifierName bool) (name string, findings []Finding, err error) {
	fs := &findingSet{}
	var params []string
	_ = WalkStrings(raw, func(s string, where *Path, isKey bool) {
		if isKey && isPropertyName(where) && ValidName(s) {
			params = append(params, strings.ToLower(s))
		}
	})
	err = WalkStrings(raw, func(s string, where *Path, isKey bool) {
		if !isKey {
			if f, ok := paramSink(s, params); ok {
				f.Where = where.String()
				fs.add(f)
			}
		}
		if !isKey && where.Len() == 1 && where.IsKey(0, "name") {
			name = s
			if identifierName && !ValidName(s) {
				fs.add(Finding{Rule: "poison.confusable-name", Reason: fmt.Sprintf("name %q uses characters outside A-Z a-z 0-9 _ - .", s), Where: where.String()})
			}
		}
		if isKey && isPropertyName(where) && !ValidName(s) {
			fs.add(Finding{Rule: "poison.confusable-name", Reason: fmt.Sprintf("parameter name %q uses characters outside A-Z a-z 0-9 _ - .", s), Where: where.String()})
		}
		text := s
		if isKey || isIdentifier(s) {
			text = keyWords(s)
			ident := identPhrase
			if !isKey && where.Len() == 1 && where.IsKey(0, "name") {
				// The tool's own name says what it works on
				// ("ssh_config_add_host"): only a verb of reading makes it
				// ask for secrets ("dump_aws_credentials").
				ident = &identReadPhrase
			}
			if loc := ident.FindStringIndex(text); loc != nil && strings.Count(text, " ") >= 2 {
				fs.add(Finding{Rule: "poison.credential-access", Reason: fmt.Sprintf("identifier %q asks for secrets", s), Where: where.String()})
			}
		}
		inspectText(s, text, where, "poison.", fs)
	})
	definitionFlow(raw, name, params, fs)
	return name, fs.list, err
}

// Instructions inspects the instructions a server sends in its initialize
// result, with the same detectors as tool descriptions, except that speaking
// to the model is their purpose (see ForInstructions).
func Instructions(text string) []Finding {
	fs := &findingSet{}
	inspectText(text, text, instructionsPath, "poison.", fs)
	return ForInstructions(fs.list)
}

// instructionsPath locates a finding in a server's instructions.
var instructionsPath = NewPath("instructions")

type findingSet struct{ list []Finding }

// add keeps the first finding of each rule.
func (fs *findingSet) add(f Finding) {
	for _, g := range fs.list {
		if g.Rule == f.Rule {
			return
		}
	}
	fs.list = append(fs.list, f)
}

// isPropertyName reports whether where is a key under a JSON Schema
// "properties" object.
func isPropertyName(where *Path) bool {
	return where.IsKey(-2, "properties")
}

// isIdentifier reports whether s is one snake_case or camelCase identifier
// of several words, as in a "required" list.
func isIdentifier(s string) bool {
	if len(s) < 12 || len(s) > 128 || !strings.Contains(s, "_") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(isAlnum(c) || c == '_') {
			return false
		}
	}
	return true
}

// keyWords turns a key like "contentFromReading_ssh_id_rsa" into words.
func keyWords(k string) string {
	var b strings.Builder
	prevLower := false
	for _, r := range k {
		switch {
		case r == '_' || r == '-' || r == '.':
			b.WriteByte(' ')
			prevLower = false
			continue
		case unicode.IsUpper(r) && prevLower:
			b.WriteByte(' ')
		}
		prevLower = unicode.IsLower(r)
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// inspectText runs the text detectors on one string: raw is the string as
// sent (for invisible characters and escapes), text what phrases run on.
func inspectText(raw, text string, where *Path, prefix string, fs *findingSet) {
	h := Check(raw)
	if h.Invisible > 0 {
		why := fmt.Sprintf("%d invisible character(s)", h.Invisible)
		if h.Hidden != "" {
			why += fmt.Sprintf(" spelling hidden text %q", clipText(h.Hidden))
		}
		fs.add(Finding{Rule: prefix + "invisible-unicode", Reason: why, Where: where.String()})
	}
	if h.ANSI > 0 {
		fs.add(Finding{Rule: prefix + "ansi-escape", Reason: fmt.Sprintf("%d ANSI escape or control character(s)", h.ANSI), Where: where.String()})
	}
	if w := MixedScriptWord(raw); w != "" {
		fs.add(Finding{Rule: prefix + "confusable-name", Reason: fmt.Sprintf("word %q mixes Latin with another script", w), Where: where.String()})
	}
	if len(text) < 12 {
		return
	}
	norm := normaliseText(text)
	if h.Hidden != "" {
		norm += "\n" + normaliseText(h.Hidden)
	}
	if dec := encodedPayload(raw); dec != "" {
		fs.add(Finding{Rule: prefix + "encoded-payload", Reason: fmt.Sprintf("encoded text decodes to %q", clipText(dec)), Where: where.String()})
		norm += "\n" + normaliseText(dec)
	}
	for _, f := range matchPhrases(norm, prefix, definitionPhraseLists...) {
		f.Where = where.String()
		fs.add(f)
	}
	// Every marker of hiddenBlock starts with '<', '{' or '['.
	if strings.ContainsAny(norm, "<{[") {
		if loc := hiddenBlock.FindStringIndex(norm); loc != nil {
			if directive.MatchString(norm[loc[1]:min(len(norm), loc[1]+2000)]) {
				fs.add(Finding{Rule: prefix + "hidden-instructions", Reason: "hidden block for the model: " + excerpt(norm, loc[0], min(len(norm), loc[1]+60)), Where: where.String()})
			}
		}
	}
}

func clipText(s string) string {
	if len(s) > 80 {
		return s[:77] + "..."
	}
	return s
}

// encodedPayload returns the text hidden in a base64, hex or
// percent-encoded run of s, or "" when there is none. Binary data (images,
// hashes) does not count.
func encodedPayload(s string) string {
	if len(s) < 40 {
		return ""
	}
	for i := 0; i < len(s); {
		c := s[i]
		if !(isAlnum(c) || c == '+' || c == '/' || c == '-' || c == '_' || c == '=') {
			i++
			continue
		}
		j := i
		for j < len(s) && (isAlnum(s[j]) || s[j] == '+' || s[j] == '/' || s[j] == '-' || s[j] == '_' || s[j] == '=') {
			j++
		}
		tok := s[i:j]
		i = j
		if len(tok) < 40 {
			continue
		}
		if isHexString(tok) {
			if len(tok)%2 == 0 {
				if b, err := hex.DecodeString(tok); err == nil && textual(b) {
					return string(b)
				}
			}
			continue
		}
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
			if b, err := enc.DecodeString(tok); err == nil && textual(b) {
				return string(b)
			}
		}
	}
	if strings.Count(s, "%") >= 12 {
		var b []byte
		for i := 0; i+2 < len(s); i++ {
			if s[i] == '%' && isHex(s[i+1]) && isHex(s[i+2]) {
				v, _ := hex.DecodeString(s[i+1 : i+3])
				b = append(b, v...)
				i += 2
			}
		}
		if len(b) >= 12 && textual(b) {
			return string(b)
		}
	}
	return ""
}

func isHexString(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isHex(s[i]) {
			return false
		}
	}
	return true
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

// textual reports whether b reads as natural text: printable ASCII with
// spaces between words.
func textual(b []byte) bool {
	if len(b) < 12 {
		return false
	}
	printable, letters, spaces := 0, 0, 0
	for _, c := range b {
		switch {
		case c == ' ':
			spaces++
			printable++
		case c >= 0x21 && c < 0x7f:
			printable++
			if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
				letters++
			}
		case c == '\n' || c == '\t' || c == '\r':
			printable++
		}
	}
	n := len(b)
	return printable*100 >= n*97 && letters*100 >= n*50 && spaces >= 2
}

// AddressesModel is the reason of the findings that a text speaks to the
// model directly. In a tool description that is a hidden instruction; in a
// server's instructions it is what instructions are for.
const AddressesModel = "addresses the model directly"

// ForInstructions keeps the findings that count against a server's
// instructions: all but those that only say the text addresses the model.
func ForInstructions(findings []Finding) []Finding {
	var out []Finding
	for _, f := range findings {
		if f.Rule == "poison.hidden-instructions" && strings.HasPrefix(f.Reason, AddressesModel) {
			continue
		}
		out = append(out, f)
	}
	return out
}
