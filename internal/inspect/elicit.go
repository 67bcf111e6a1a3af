package inspect

import (
	"net/url"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
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
	// Numeric is set for a number or integer field: it can hold a PIN or
	// a code, not a password or a key.
	Numeric bool
	// Format is the schema's format ("email", "password", …).
	Format string
}

// CredentialRequest reports whether a form-mode elicitation asks the user
// for a credential: a password, an API key, an access token, a private
// key, a one-time code or a payment card. The MCP specification forbids
// servers to ask for these in form mode (they must use URL mode, where the
// value never passes through the client). It returns what was asked for
// and where ("field apiKey", "the message"). Contact details (name, email
// address, user name) are not credentials. Every text is read as the host
// would show it: invisible characters removed, compatibility forms and
// look-alike letters folded ("Ｐаss\u200bword" is "password").
func CredentialRequest(e Elicitation) (what, where string, ok bool) {
	free := false
	otp := otpContext.MatchString(foldText(e.Message))
	for _, f := range e.Fields {
		if !f.FreeText {
			continue
		}
		free = true
		if strings.EqualFold(strings.TrimSpace(f.Format), "password") {
			return "a password (format: password)", "field " + strconv.Quote(f.Name), true
		}
		name, title, desc := foldText(f.Name), foldText(f.Title), foldText(f.Description)
		otp := otp || otpContext.MatchString(title+" "+desc)
		for _, c := range []struct {
			noun  credNounMatch
			where string
		}{
			{credentialNoun(name), "field " + strconv.Quote(f.Name)},
			{credentialPhrase(title, false), "the title of field " + strconv.Quote(f.Name)},
			{credentialPhrase(desc, false), "the description of field " + strconv.Quote(f.Name)},
		} {
			m := c.noun
			if m.what == "" && !(m.code && otp) {
				continue
			}
			if m.code && otp {
				m.what, m.numeric = "a one-time code", true
			}
			if f.Numeric && !m.numeric {
				continue // a number cannot be a password or a key
			}
			if m.ambiguous && (title != "" || desc != "") &&
				!credentialPhrase(title, false).sure() && !credentialPhrase(desc, false).sure() {
				// "token" that its title calls a "Token symbol": the
				// texts the user sees say what it is.
				continue
			}
			return m.what, c.where, true
		}
	}
	// The message alone counts only when it asks for the value and the
	// form has a field to type it into.
	if free {
		if m := credentialPhrase(foldText(e.Message), true); m.sure() {
			return m.what, "the message", true
		}
	}
	return "", "", false
}

// credNounMatch is what credentialNoun found in a text.
type credNounMatch struct {
	// what is the credential's noun, "" for none.
	what string
	// ambiguous is set for a bare noun that also names other things
	// ("token", "secret", "pin", "cookie", "pass").
	ambiguous bool
	// numeric is set for a credential that may be a number (a PIN, a
	// code, a card number).
	numeric bool
	// code is set when the head noun is "code" or "pin" without a kind:
	// a credential only where the texts speak of an authenticator or a
	// code sent to the user (otpContext).
	code bool
}

// sure reports whether m names a credential and not only possibly one.
func (m credNounMatch) sure() bool { return m.what != "" && !m.ambiguous }

// otpContext says that a code asked for is a one-time code.
var otpContext = lazyRegexp{src: `\b(?:authenticator|2fa|two[ -]?factor|multi[ -]?factor|mfa|otp|totp|one[ -]?time|verification|sms|text message|sent (?:to|by) (?:your|you)|we (?:just )?sent|security code)\b`}

// foldText returns s as a host shows it, for matching: invisible
// characters and escapes removed, NFKC (fullwidth letters, ligatures),
// Cyrillic and Greek look-alikes of Latin letters folded to them.
func foldText(s string) string {
	if s == "" {
		return s
	}
	s = Sanitize(s)
	if isASCII(s) {
		return s
	}
	s = strings.Map(func(r rune) rune {
		if unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf) {
			return -1
		}
		return r
	}, norm.NFKC.String(s))
	// A word that mixes Latin letters with look-alikes is a disguised
	// Latin word ("Pаssword" with a Cyrillic а); a Russian word stays
	// Russian.
	rs := []rune(s)
	for i := 0; i < len(rs); {
		j := i
		latin, alike := false, false
		for j < len(rs) && unicode.IsLetter(rs[j]) {
			_, a := latinLookalike[rs[j]]
			latin = latin || rs[j] < 0x80
			alike = alike || a
			j++
		}
		if latin && alike {
			for k := i; k < j; k++ {
				if l, ok := latinLookalike[rs[k]]; ok {
					rs[k] = l
				}
			}
		}
		i = max(j, i+1)
	}
	return string(rs)
}

// latinLookalike maps Cyrillic and Greek letters that look like Latin ones
// to those (the usual homoglyphs of UTS #39's confusables).
var latinLookalike = map[rune]rune{
	'а': 'a', 'в': 'b', 'е': 'e', 'к': 'k', 'м': 'm', 'н': 'h', 'о': 'o', 'р': 'p', 'с': 'c', 'т': 't', 'у': 'y', 'х': 'x',
	'і': 'i', 'ј': 'j', 'ѕ': 's', 'ԁ': 'd', 'ԛ': 'q', 'ԝ': 'w', 'ү': 'y', 'һ': 'h',
	'А': 'A', 'В': 'B', 'Е': 'E', 'К': 'K', 'М': 'M', 'Н': 'H', 'О': 'O', 'Р': 'P', 'С': 'C', 'Т': 'T', 'У': 'Y', 'Х': 'X',
	'І': 'I', 'Ј': 'J', 'Ѕ': 'S',
	'α': 'a', 'ο': 'o', 'ρ': 'p', 'ν': 'v', 'κ': 'k', 'τ': 't', 'ι': 'i', 'υ': 'u', 'ε': 'e', 'χ': 'x',
	'Α': 'A', 'Β': 'B', 'Ε': 'E', 'Ζ': 'Z', 'Η': 'H', 'Ι': 'I', 'Κ': 'K', 'Μ': 'M', 'Ν': 'N', 'Ο': 'O', 'Ρ': 'P', 'Τ': 'T', 'Υ': 'Y', 'Χ': 'X',
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
	`credentials?|creds|session cookies?|` +
	`(?:one ?time|single ?use) (?:pass ?words?|pass ?codes?|codes?|pins?)|otps?|totps?|` +
	`(?:2fa|mfa|two factor|multi factor|authenticator|authentication|auth|verification|security|login|sign ?in|recovery|backup|sms) codes?|pass ?keys?|` +
	`social security numbers?|ssns?|` +
	`(?:seed|recovery|mnemonic|secret) (?:phrases?|words?)|mnemonics?|` +
	`(?:credit|debit|payment|bank) cards?(?: numbers?)?|card numbers?|cc numbers?|cvv2?|cvc2?|csc|card (?:security|verification) (?:codes?|numbers?|values?)|` +
	`bank account numbers?|` +
	`connection strings?|` +
	// Other languages: German, French, Spanish, Portuguese, Italian,
	// Russian (CJK names are in credCJK: no spaces mark their words).
	`passwort|kennwort|passwörter|zugangsdaten|(?:api|zugangs|zugriffs) ?(?:schlüssel|token)|` +
	`mots? de passe|(?:clé|cle|clef) (?:d )?(?:api|secrète|privée|d accès)|jeton(?: d accès| api)?|` +
	`contraseñas?|contrasenas?|clave(?: de)? (?:api|acceso)|clave secreta|clave privada|token de acceso|` +
	`senhas?|chave(?: de)? (?:api|acesso)|chave secreta|chave privada|token de acesso|` +
	`chiave(?: di)? (?:api|accesso)|chiave segreta|chiave privata|token di accesso|` +
	`парол[ьяи]|токен|(?:api|секретный|приватный|закрытый) ключ|ключ api` +
	`)$`}

// credCJK are names of a credential in Chinese, Japanese and Korean, where
// a field's name is one run of letters: it names one when it ends with one.
var credCJK = []string{"密码", "密碼", "口令", "密钥", "密鑰", "令牌", "验证码", "驗證碼", "パスワード", "暗証番号", "認証コード", "トークン", "秘密鍵", "비밀번호", "암호", "인증코드", "토큰", "비밀키"}

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

// credentialNoun reports whether a field's name or a noun phrase names a
// credential: its last words (after credTrailing ones) are a credential's
// noun. "apiKeyName" and "Token count" name something else.
func credentialNoun(s string) credNounMatch {
	words := credWords(s)
	for len(words) > 0 && credTrailing[words[len(words)-1]] {
		words = words[:len(words)-1]
	}
	if len(words) == 0 {
		return credNounMatch{}
	}
	if len(words) > 6 {
		words = words[len(words)-6:]
	}
	last := words[len(words)-1]
	if len(words) == 1 && credAmbiguous[last] {
		// A field named just "token", "secret" or "pin": probably one,
		// unless the texts next to it say otherwise.
		return credNounMatch{what: last, ambiguous: true, numeric: last == "pin" || last == "pins"}
	}
	text := strings.Join(words, " ")
	if m := credNoun.FindStringSubmatch(text); m != nil {
		return credNounMatch{what: brandNames.Replace(m[1]), numeric: credNumeric.MatchString(m[1])}
	}
	for _, w := range credCJK {
		if strings.HasSuffix(last, w) {
			return credNounMatch{what: w}
		}
	}
	if len(words) == 1 {
		// Run-together forms ("apikey", "accesstoken").
		for _, joined := range []string{"apikey", "accesstoken", "authtoken", "secretkey", "privatekey", "clientsecret", "cardnumber", "creditcard", "seedphrase", "apitoken", "passphrase", "passcode", "passkey", "authcode"} {
			if last == joined {
				return credNounMatch{what: joined}
			}
		}
	}
	// Any other kind of key or token a service issues ("OpenRouter key",
	// "Notion integration token"), unless the word before says it is a
	// key of data or a token of text ("sort key", "pagination token").
	if len(words) >= 2 && (last == "key" || last == "keys" || last == "token" || last == "tokens") && !dataKey[words[len(words)-2]] {
		return credNounMatch{what: words[len(words)-2] + " " + last}
	}
	if last == "code" || last == "codes" || last == "pin" {
		return credNounMatch{code: true}
	}
	return credNounMatch{}
}

// brandNames joins the names credWords split at their capitals
// ("GitHub" is read "git hub").
var brandNames = strings.NewReplacer("git hub", "github", "git lab", "gitlab", "open ai", "openai", "py pi", "pypi", "hugging face", "huggingface")

// credAmbiguous are nouns that, alone, name a credential or something
// else: a coin's token, a Secret Santa, a map pin.
var credAmbiguous = map[string]bool{"token": true, "tokens": true, "pat": true, "pin": true, "pins": true, "secret": true, "secrets": true,
	"cookie": true, "cookies": true, "pass": true}

// credNumeric are the credentials a number field can hold.
var credNumeric = lazyRegexp{src: `pin|code|card|cvv|cvc|csc|account number|social security|ssn|otp`}

// dataKey are words before "key" or "token" that make it a key of data, a
// piece of text or a coin, not a credential.
var dataKey = map[string]bool{
	"sort": true, "primary": true, "partition": true, "foreign": true, "composite": true, "cache": true, "idempotency": true,
	"map": true, "hot": true, "lookup": true, "unique": true, "shard": true, "row": true, "column": true, "index": true,
	"dedup": true, "deduplication": true, "hash": true, "range": true, "search": true, "public": true, "object": true,
	"registry": true, "translation": true, "i18n": true, "localization": true, "message": true, "json": true, "yaml": true,
	"dict": true, "dictionary": true, "config": true, "setting": true, "settings": true, "s3": true, "file": true, "bucket": true,
	"item": true, "record": true, "entry": true, "table": true, "group": true, "grouping": true, "join": true, "natural": true,
	"surrogate": true, "business": true, "event": true, "metric": true, "label": true, "tag": true, "keyboard": true, "music": true,
	"musical": true, "the": true, "a": true, "this": true, "that": true, "which": true, "what": true, "new": true, "property": true,
	"pagination": true, "next": true, "continuation": true, "page": true, "cursor": true, "sync": true, "resume": true,
	"design": true, "color": true, "colour": true, "css": true, "lexer": true, "parser": true, "input": true, "output": true,
	"max": true, "maximum": true, "min": true, "total": true, "prompt": true, "completion": true, "context": true, "symbol": true,
	"erc20": true, "20": true, "721": true, "native": true, "fungible": true, "nft": true, "gas": true, "reward": true,
	"governance": true, "utility": true, "crypto": true, "stop": true, "special": true, "bos": true, "eos": true, "pad": true,
	"unk": true, "end": true, "start": true, "of": true, "per": true, "request": true, "response": true, "word": true,
}

// credAsk is a request that the user give a value: "enter your", "please
// provide the", "paste a", "what is your", "we need your".
var credAsk = lazyRegexp{src: `(?:^|[.!?:;]\s+|\b(?:please|now|then|first|kindly|and|to continue,?|to proceed,?)\s+)(?:enter|provide|type|paste|input|give|supply|specify|submit|share|send|confirm|verify|re-?enter|fill in|add|tell us|tell me|reply with|respond with|answer with|sign in with|log ?in with|authenticate with)\s+(?:(?:in|us|me)\s+)?(?:your|the|a|an|this|that)?\s*|\bwhat(?:'s| is) (?:your|the)\s+|\b(?:we|i) (?:need|require|must have) (?:your|the)\s+`}

// credNegation are words that, in a noun phrase, make it a warning or a
// prohibition ("do not paste passwords here"), not a request.
var credNegation = map[string]bool{"not": true, "don't": true, "dont": true, "never": true, "no": true, "without": true, "avoid": true, "except": true}

// credentialPhrase reports whether a title or description (or, with ask,
// a message that must ask for it) names a credential as the thing to
// type: "Your GitHub personal access token", "Password (min 8 chars)",
// "Enter your AWS secret access key". "The name of your API key" asks for
// a name, "Do not paste passwords here" for something else.
func credentialPhrase(s string, ask bool) credNounMatch {
	text := strings.ToLower(strings.Join(strings.Fields(s), " "))
	if text == "" {
		return credNounMatch{}
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
	var found credNounMatch
	for _, st := range starts {
		rest := text[st:]
		// The noun phrases that follow, joined by "and", "or" or commas
		// ("your email and password"), each up to six words and ending at
		// punctuation or at a word that starts something else. A phrase's
		// head is its last word: "your api key" asks for a key, "your api
		// key name" for a name.
		var phrase []string
		negated := false
		conjuncts := 0
		judge := func() bool {
			if negated || len(phrase) == 0 {
				return false
			}
			m := credentialNoun(strings.Join(phrase, " "))
			if ask && m.ambiguous {
				return false // "enter the token to swap"
			}
			if m.what != "" || m.code {
				if found.what == "" || !m.ambiguous {
					found = m
				}
				return m.what != "" && !m.ambiguous
			}
			return false
		}
		for _, w := range strings.Fields(rest) {
			core := strings.TrimRight(w, ".,;:!?)")
			end := core != w
			joins := w == "and" || w == "or" || w == "&" || w == "/" || strings.HasSuffix(w, ",")
			if core == "and" || core == "or" || core == "&" || core == "/" {
				core = ""
			}
			if credNegation[core] {
				negated = true
			}
			if core != "" && !phraseBreak[core] && !strings.HasPrefix(core, "(") && len(phrase) < 6 {
				if len(phrase) > 0 || (core != "your" && core != "the" && core != "a" && core != "an") {
					phrase = append(phrase, core)
				}
			} else if !joins {
				end = true
			}
			if joins || end {
				if judge() {
					return found
				}
				phrase = phrase[:0]
				conjuncts++
				if !joins || conjuncts > 4 {
					break
				}
			}
		}
		if judge() {
			return found
		}
	}
	return found
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
	labels := strings.Split(host, ".")
	for _, label := range labels {
		if strings.HasPrefix(label, "xn--") {
			return "the URL's host name is internationalised (" + label + "), which can imitate another site's name"
		}
	}
	// A whole domain written before the real one
	// ("accounts.google.com.evil.example"): the reader stops at the name
	// they know. A country's second level ("example.com.au") is not one.
	for i, label := range labels[:max(0, len(labels)-1)] {
		rest := labels[i+1:]
		if i > 0 && genericTLD[label] && !(len(rest) == 1 && len(rest[0]) == 2) {
			return "the URL's host name holds another domain (" + strings.Join(labels[:i+1], ".") + ") before its own (" + strings.Join(rest, ".") + ")"
		}
	}
	return ""
}

// genericTLD are top-level domains whose names, in the middle of a host,
// end a domain the reader recognises.
var genericTLD = map[string]bool{"com": true, "org": true, "net": true, "io": true, "dev": true, "app": true, "ai": true, "edu": true, "gov": true}
