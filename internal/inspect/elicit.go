package inspect

import (
	"net/url"
	"strings"
	"unicode"
)

// Elicitation is what a form-mode elicitation/create request shows the
// user: the message and, for each field of the requested schema, its
// member name, title and description.
type Elicitation struct {
	Message string
	Fields  []ElicitField
}

// ElicitField is one property of an elicitation's requested schema.
type ElicitField struct {
	// Name is the property's member name ("apiKey", "card_number").
	Name string
	// Title and Description are the texts the host shows next to it.
	Title, Description string
	// FreeText is set when the user can type any value into it: a string
	// or number without an enum. A boolean or a choice from a list cannot
	// carry a credential.
	FreeText bool
}

// CredentialRequest reports whether a form-mode elicitation asks the user
// for a credential: a password, an API key, an access token, a private
// key, a one-time code or a payment card. The MCP specification forbids
// servers to ask for these in form mode (they must use URL mode, where the
// value never passes through the client). It returns what was asked for
// and where ("field apiKey", "the message"). Contact details (name, email
// address, user name) are not credentials.
func CredentialRequest(e Elicitation) (what, where string, ok bool) {
	free := false
	for _, f := range e.Fields {
		if !f.FreeText {
			continue
		}
		free = true
		if w, ok := credentialNoun(f.Name); ok {
			return w, "field " + f.Name, true
		}
		if w, ok := credentialNoun(f.Title); ok {
			return w, "field " + f.Name + " (title)", true
		}
		if w, ok := credentialPhrase(f.Description, false); ok {
			return w, "field " + f.Name + " (description)", true
		}
	}
	// The message alone counts only when it asks for the value and the
	// form has a field to type it into.
	if free {
		if w, ok := credentialPhrase(e.Message, true); ok {
			return w, "the message", true
		}
	}
	return "", "", false
}

// credNoun matches, at the end of a run of lower-case words, a name of a
// credential. Each alternative is the head noun with the modifiers that
// make it one ("access token", not "token" alone: a form's token may be a
// coin's ticker).
var credNoun = lazyRegexp{src: `(?:^| )(` +
	`pass ?words?|passwd|pwd|pass ?phrases?|pass ?codes?|pins?|pin codes?|` +
	`(?:api|access|secret|private|signing|ssh|gpg|pgp|encryption|master|client|app|application|account|service account|deploy|developer|subscription|consumer|open ?ai|anthropic|aws|stripe|google|azure) ?keys?|` +
	`(?:access|auth|authentication|authori[sz]ation|bearer|refresh|session|api|personal access|pat|bot|oauth|id|identity|git ?hub|git ?lab|slack|discord|npm|py ?pi|hugging ?face|hf|security|jwt|sso) ?tokens?|` +
	`(?:client|app|application|api|shared|webhook|signing|consumer|oauth|totp|2fa|mfa)? ?secrets?|` +
	`credentials?|creds|cookies?|session ids?|` +
	`(?:one ?time|single ?use) (?:pass ?words?|pass ?codes?|codes?|pins?)|otps?|totps?|` +
	`(?:2fa|mfa|two factor|multi factor|authenticator|authentication|verification|security|login|sign ?in|recovery|backup|sms) codes?|` +
	`(?:seed|recovery|mnemonic|secret) (?:phrases?|words?)|mnemonics?|` +
	`(?:credit|debit|payment|bank) cards?(?: numbers?)?|card numbers?|cc numbers?|cvv2?|cvc2?|csc|card (?:security|verification) (?:codes?|numbers?|values?)|` +
	`bank account numbers?|` +
	`connection strings?` +
	`)$`}

// credTrailing are words that may follow the credential's noun in a
// field's name without changing what the field holds ("password_confirm",
// "apiKeyValue").
var credTrailing = map[string]bool{"confirm": true, "confirmation": true, "again": true, "repeat": true, "retype": true,
	"verify": true, "input": true, "value": true, "field": true, "text": true, "string": true, "1": true, "2": true, "here": true}

// credWords splits a field's name or title into lower-case words:
// camelCase, snake_case, kebab-case and spaces.
func credWords(s string) []string {
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, string(cur))
			cur = cur[:0]
		}
	}
	prev := rune(0)
	for _, r := range s {
		switch {
		case unicode.IsUpper(r):
			if unicode.IsLower(prev) || unicode.IsDigit(prev) {
				flush()
			}
			cur = append(cur, unicode.ToLower(r))
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			cur = append(cur, r)
		default:
			flush()
		}
		prev = r
	}
	flush()
	return words
}

// credentialNoun reports whether a field's name or title names a
// credential: its last words (after credTrailing ones) are a credential's
// noun. "apiKeyName" and "Token count" name something else.
func credentialNoun(s string) (string, bool) {
	words := credWords(s)
	for len(words) > 0 && credTrailing[words[len(words)-1]] {
		words = words[:len(words)-1]
	}
	if len(words) == 0 {
		return "", false
	}
	if len(words) > 6 {
		words = words[len(words)-6:]
	}
	// Joined words and their run-together forms ("apikey", "accesstoken").
	text := strings.Join(words, " ")
	if m := credNoun.FindStringSubmatch(text); m != nil {
		return m[1], true
	}
	if last := words[len(words)-1]; len(words) == 1 {
		// A field named just "token" or "pat"; "max tokens" is a number.
		for _, joined := range []string{"token", "pat", "apikey", "accesstoken", "authtoken", "secretkey", "privatekey", "clientsecret", "cardnumber", "creditcard", "seedphrase", "apitoken", "passphrase", "passcode"} {
			if last == joined {
				return joined, true
			}
		}
	}
	return "", false
}

// credAsk is a request that the user give a value: "enter your", "please
// provide the", "paste a".
var credAsk = lazyRegexp{src: `(?:^|[.!?:;]\s+|\b(?:please|now|then|first|kindly|and|to continue,?|to proceed,?)\s+)(?:enter|provide|type|paste|input|give|supply|specify|submit|share|send|confirm|verify|re-?enter|fill in|add|tell us|tell me)\s+(?:(?:in|us|me)\s+)?(?:your|the|a|an|this|that)?\s*`}

// credentialPhrase reports whether a description (or, with ask, a message
// that must ask for it) names a credential as the thing to type: "Your
// GitHub personal access token", "Enter your AWS secret access key". "The
// name of your API key" asks for a name.
func credentialPhrase(s string, ask bool) (string, bool) {
	text := strings.ToLower(strings.Join(strings.Fields(s), " "))
	if text == "" {
		return "", false
	}
	var starts []int
	if ask {
		for _, m := range credAsk.FindAllStringIndex(text, 8) {
			starts = append(starts, m[1])
		}
	} else {
		starts = []int{0}
		// "Your …" or "The …" opens the noun phrase; a leading verb does
		// too ("Enter your password").
		if m := credAsk.FindStringIndex(text); m != nil && m[0] == 0 {
			starts = append(starts, m[1])
		}
	}
	for _, st := range starts {
		rest := text[st:]
		// The noun phrases that follow, joined by "and", "or" or commas
		// ("your email and password"), each up to six words and ending at
		// punctuation or at a word that starts something else. A phrase's
		// head is its last word: "your api key" asks for a key, "your api
		// key name" for a name.
		var phrase []string
		conjuncts := 0
		for _, w := range strings.Fields(rest) {
			core := strings.TrimRight(w, ".,;:!?)")
			end := core != w
			joins := w == "and" || w == "or" || w == "&" || w == "/" || strings.HasSuffix(w, ",")
			if core == "and" || core == "or" || core == "&" || core == "/" {
				core = ""
			}
			if core != "" && !phraseBreak[core] && !strings.HasPrefix(core, "(") && len(phrase) < 6 {
				core = strings.TrimPrefix(strings.TrimPrefix(core, "your "), "the ")
				if len(phrase) > 0 || (core != "your" && core != "the" && core != "a" && core != "an") {
					phrase = append(phrase, core)
				}
			} else if !joins {
				end = true
			}
			if joins || end {
				if what, ok := credentialNoun(strings.Join(phrase, " ")); ok {
					return what, true
				}
				phrase = phrase[:0]
				conjuncts++
				if !joins || conjuncts > 4 {
					break
				}
			}
		}
		if what, ok := credentialNoun(strings.Join(phrase, " ")); ok {
			return what, true
		}
	}
	return "", false
}

// phraseBreak are words that end a noun phrase in a description: what
// follows tells about the credential, it is not part of its name.
var phraseBreak = map[string]bool{"for": true, "from": true, "to": true, "with": true, "that": true, "which": true, "used": true,
	"of": true, "so": true, "in": true, "on": true, "at": true, "and": true, "or": true, "we": true, "you": true, "is": true, "will": true,
	"should": true, "must": true, "(": true, "-": true, "–": true, "—": true, "if": true, "when": true, "as": true, "by": true,
	"sent": true, "shown": true, "displayed": true, "below": true, "above": true, "here": true, "now": true, "please": true, "again": true}

// DeceptiveURL reports why the URL a url-mode elicitation sends the user
// to could mislead them, or "". The user is to open it in a browser and
// may type a credential there: it must be https (http only to this
// machine, for a local sign-in callback), carry no user name before the
// host ("https://accounts.example.com@evil.example/"), and its host must
// be plain ASCII (an internationalised name can imitate another).
func DeceptiveURL(raw string) string {
	if h := Check(raw); h.Invisible > 0 || h.ANSI > 0 {
		return "the URL contains invisible or control characters"
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "the URL does not parse: " + err.Error()
	}
	scheme := strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Hostname())
	switch scheme {
	case "https":
	case "http":
		if host != "localhost" && host != "127.0.0.1" && host != "::1" {
			return "the URL is plain http: what the user types there travels unencrypted"
		}
	case "":
		return "the URL has no scheme"
	default:
		return "the URL's scheme is " + scheme + ", not https"
	}
	if host == "" {
		return "the URL has no host"
	}
	if u.User != nil {
		return "the URL has a user name before its host (" + u.User.Username() + "@), which makes it look like another site's"
	}
	for i := 0; i < len(host); i++ {
		if host[i] >= 0x80 {
			return "the URL's host name is not ASCII (it can imitate another site's name)"
		}
	}
	for _, label := range strings.Split(host, ".") {
		if strings.HasPrefix(label, "xn--") {
			return "the URL's host name is internationalised (" + label + "), which can imitate another site's name"
		}
	}
	return ""
}
