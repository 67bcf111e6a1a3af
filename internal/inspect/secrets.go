package inspect

import (
	"encoding/base64"
	"encoding/json"
	"math"
	"strings"
)

// Secret is one credential found in a text.
type Secret struct {
	// Rule is the rule id, e.g. "secret.github-token".
	Rule string
	// Start and End delimit the secret in the text (bytes).
	Start, End int
	// Reason names what was found, without the secret itself.
	Reason string
}

// secretKind validates a candidate at a prefix match and returns its end.
type secretKind struct {
	prefix string
	rule   string
	what   string
	// match returns the end of the token starting at i, or -1.
	match func(s string, i int) int
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
func isB64URL(c byte) bool      { return isAlnum(c) || c == '-' || c == '_' }
func isBase32Upper(c byte) bool { return c >= 'A' && c <= 'Z' || c >= '2' && c <= '7' }

// run returns the end of the run of bytes satisfying ok from i.
func run(s string, i int, ok func(byte) bool) int {
	for i < len(s) && ok(s[i]) {
		i++
	}
	return i
}

// boundary reports whether the byte before i is not part of a token.
func boundary(s string, i int) bool { return i == 0 || !isB64URL(s[i-1]) }

// entropy returns the Shannon entropy of s in bits per byte.
func entropy(s string) float64 {
	if s == "" {
		return 0
	}
	var counts [256]int
	for i := 0; i < len(s); i++ {
		counts[s[i]]++
	}
	var h float64
	n := float64(len(s))
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / n
			h -= p * math.Log2(p)
		}
	}
	return h
}

// placeholder reports whether a token body is obviously not a real secret:
// a documented example, repeated characters, a run of x's or a sequence.
func placeholder(body string) bool {
	u := strings.ToUpper(body)
	for _, w := range []string{"EXAMPLE", "XXXXXX", "REDACTED", "PLACEHOLDER", "YOUR", "DUMMY", "SAMPLE", "FAKE", "TEST1234", "ABCDEFGH", "12345678", "0000000", "*****", "<", "${", "{{"} {
		if strings.Contains(u, w) {
			return true
		}
	}
	return false
}

// random reports whether body looks randomly generated: long enough, with
// enough entropy and a mix of character classes.
func random(body string, minLen int, minEntropy float64) bool {
	if len(body) < minLen || placeholder(body) {
		return false
	}
	if entropy(body) < minEntropy {
		return false
	}
	var upper, lower, digit bool
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case c >= 'A' && c <= 'Z':
			upper = true
		case c >= 'a' && c <= 'z':
			lower = true
		case c >= '0' && c <= '9':
			digit = true
		}
	}
	n := 0
	for _, b := range []bool{upper, lower, digit} {
		if b {
			n++
		}
	}
	return n >= 2
}

func fixed(n int, ok func(byte) bool, minEntropy float64) func(string, int) int {
	return fixedRange(n, n+40, ok, minEntropy)
}

func fixedRange(n, maxLen int, ok func(byte) bool, minEntropy float64) func(string, int) int {
	return func(s string, i int) int {
		e := run(s, i, ok)
		if e-i < n {
			return -1
		}
		if e-i > maxLen { // far longer than the format: part of something else
			return -1
		}
		if !random(s[i:e], n, minEntropy) {
			return -1
		}
		return e
	}
}

var secretKinds = []secretKind{
	{"AKIA", "secret.aws-access-key", "AWS access key id", awsKeyID},
	{"ASIA", "secret.aws-access-key", "AWS temporary access key id", awsKeyID},
	{"ABIA", "secret.aws-access-key", "AWS access key id", awsKeyID},
	{"ACCA", "secret.aws-access-key", "AWS access key id", awsKeyID},
	{"ghp_", "secret.github-token", "GitHub personal access token", fixed(36, isAlnum, 3.5)},
	{"gho_", "secret.github-token", "GitHub OAuth token", fixed(36, isAlnum, 3.5)},
	{"ghu_", "secret.github-token", "GitHub user-to-server token", fixed(36, isAlnum, 3.5)},
	{"ghs_", "secret.github-token", "GitHub server-to-server token", fixed(36, isAlnum, 3.5)},
	{"ghr_", "secret.github-token", "GitHub refresh token", fixed(36, isAlnum, 3.5)},
	{"github_pat_", "secret.github-token", "GitHub fine-grained token", fixed(82, func(c byte) bool { return isAlnum(c) || c == '_' }, 4)},
	{"glpat-", "secret.gitlab-token", "GitLab personal access token", fixed(20, func(c byte) bool { return isB64URL(c) || c == '.' }, 3.5)},
	{"gldt-", "secret.gitlab-token", "GitLab deploy token", fixed(20, isB64URL, 3.5)},
	{"glrt-", "secret.gitlab-token", "GitLab runner token", fixed(20, isB64URL, 3.5)},
	{"glptt-", "secret.gitlab-token", "GitLab pipeline trigger token", fixed(20, isB64URL, 3.5)},
	{"xoxb-", "secret.slack-token", "Slack bot token", slackToken},
	{"xoxp-", "secret.slack-token", "Slack user token", slackToken},
	{"xoxa-", "secret.slack-token", "Slack app token", slackToken},
	{"xoxr-", "secret.slack-token", "Slack refresh token", slackToken},
	{"xoxs-", "secret.slack-token", "Slack session token", slackToken},
	{"xoxe-", "secret.slack-token", "Slack token", slackToken},
	{"xapp-", "secret.slack-token", "Slack app-level token", slackToken},
	{"hooks.slack.com/services/", "secret.slack-token", "Slack incoming webhook", slackWebhook},
	{"sk_live_", "secret.stripe-key", "Stripe live secret key", fixedRange(24, 110, isAlnum, 3.5)},
	{"rk_live_", "secret.stripe-key", "Stripe live restricted key", fixedRange(24, 110, isAlnum, 3.5)},
	{"sk-ant-", "secret.anthropic-key", "Anthropic API key", anthropicKey},
	{"sk-", "secret.openai-key", "OpenAI API key", openAIKey},
	{"AIza", "secret.google-api-key", "Google API key", fixed(35, isB64URL, 3.5)},
	{"npm_", "secret.npm-token", "npm access token", fixed(36, isAlnum, 3.5)},
	{"hf_", "secret.huggingface-token", "Hugging Face token", fixed(34, func(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }, 3.5)},
	{"eyJ", "secret.jwt", "JSON Web Token", jwtToken},
	{"-----BEGIN ", "secret.private-key", "PEM private key", pemKey},
	{"://", "secret.connection-string", "connection string with a password", connString},
}

// awsSecretWords start the name of an AWS secret key in configs and JSON.
var awsSecretWords = map[string]bool{"secret": true, "Secret": true, "SECRET": true}

var (
	secretNeedles = func() *needles {
		ps := []string{"secret", "Secret", "SECRET"}
		for _, k := range secretKinds {
			ps = append(ps, k.prefix)
		}
		return newNeedles(false, ps...)
	}()
	secretByPrefix = func() map[string]*secretKind {
		m := map[string]*secretKind{}
		for i := range secretKinds {
			m[secretKinds[i].prefix] = &secretKinds[i]
		}
		return m
	}()
)

// awsKeyID matches the 16 base32 characters after AKIA/ASIA/…; AWS's
// documented examples end in EXAMPLE and are ignored.
func awsKeyID(s string, i int) int {
	e := run(s, i, isBase32Upper)
	if e-i != 16 || (e < len(s) && isAlnum(s[e])) {
		return -1
	}
	if placeholder(s[i-4:e]) || entropy(s[i:e]) < 3 {
		return -1
	}
	return e
}

func slackToken(s string, i int) int {
	e := run(s, i, func(c byte) bool { return isAlnum(c) || c == '-' })
	body := s[i:e]
	if len(body) < 20 || strings.Count(body, "-") < 2 || placeholder(body) || entropy(body) < 3 {
		return -1
	}
	return e
}

func slackWebhook(s string, i int) int {
	e := run(s, i, func(c byte) bool { return isAlnum(c) || c == '/' })
	body := s[i:e]
	parts := strings.Split(body, "/")
	if len(parts) != 3 || len(parts[2]) < 20 || placeholder(body) || entropy(parts[2]) < 3.5 {
		return -1
	}
	return e
}

func anthropicKey(s string, i int) int {
	e := run(s, i, isB64URL)
	body := s[i:e]
	kind, rest, ok := strings.Cut(body, "-")
	if !ok || !(strings.HasPrefix(kind, "api") || strings.HasPrefix(kind, "admin") || strings.HasPrefix(kind, "oat") || strings.HasPrefix(kind, "ort")) {
		return -1
	}
	if !random(rest, 80, 4) {
		return -1
	}
	return e
}

// openAIKey matches sk-proj-/sk-svcacct-/sk-admin- keys and legacy 48-char
// keys, whose middle carries the base64 of "OpenAI" (T3BlbkFJ).
func openAIKey(s string, i int) int {
	if strings.HasPrefix(s[i:], "ant-") {
		return -1
	}
	e := run(s, i, isB64URL)
	body := s[i:e]
	for _, p := range []string{"proj-", "svcacct-", "admin-", "None-"} {
		if strings.HasPrefix(body, p) {
			if random(body[len(p):], 40, 4) {
				return e
			}
			return -1
		}
	}
	if len(body) == 48 && strings.Contains(body, "T3BlbkFJ") && random(body, 48, 4) {
		return e
	}
	if len(body) >= 40 && strings.Contains(body, "T3BlbkFJ") && random(body, 40, 4) {
		return e
	}
	return -1
}

// jwtToken matches header.payload.signature whose header and payload decode
// to JSON objects (the header naming an alg); jwt.io's sample is ignored.
func jwtToken(s string, i int) int {
	start := i - 3
	e := run(s, start, func(c byte) bool { return isB64URL(c) || c == '.' })
	parts := strings.Split(s[start:e], ".")
	if len(parts) != 3 || len(parts[1]) < 4 || len(parts[2]) < 16 {
		return -1
	}
	var hdr, payload map[string]any
	if decodeSeg(parts[0], &hdr) != nil || decodeSeg(parts[1], &payload) != nil {
		return -1
	}
	if _, ok := hdr["alg"]; !ok {
		return -1
	}
	if payload["sub"] == "1234567890" && payload["name"] == "John Doe" {
		return -1 // the jwt.io sample token
	}
	if placeholder(parts[2]) || entropy(parts[2]) < 3.5 {
		return -1
	}
	return e
}

func decodeSeg(seg string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(seg, "="))
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// pemKey matches a PEM private key block with a body of real base64.
func pemKey(s string, i int) int {
	hdrEnd := strings.Index(s[i:], "-----")
	if hdrEnd < 0 {
		return -1
	}
	label := s[i : i+hdrEnd]
	if !strings.HasSuffix(label, "PRIVATE KEY") && !strings.HasSuffix(label, "PRIVATE KEY BLOCK") {
		return -1
	}
	bodyStart := i + hdrEnd + 5
	if !pemBodyFollows(s[bodyStart:]) {
		return -1 // code that looks for the header, not a key
	}
	end := strings.Index(s[bodyStart:], "-----END ")
	var body string
	if end < 0 {
		body = s[bodyStart:min(len(s), bodyStart+4096)]
	} else {
		body = s[bodyStart : bodyStart+end]
	}
	b64 := 0
	for j := 0; j < len(body); j++ {
		c := body[j]
		if isAlnum(c) || c == '+' || c == '/' || c == '=' {
			b64++
		}
	}
	if b64 < 64 || placeholder(body) || entropy(strings.Join(strings.Fields(body), "")) < 4.5 {
		return -1
	}
	if end < 0 {
		return bodyStart + len(body)
	}
	stop := bodyStart + end + len("-----END ")
	if k := strings.Index(s[stop:], "-----"); k >= 0 {
		return stop + k + 5
	}
	return stop
}

// pemBodyFollows reports whether s, what follows a PEM header, starts with
// the body of a key: a line of base64 (16 characters at least, up to the
// end of the line or of a string literal) or an armor header ("Proc-Type:
// 4,ENCRYPTED"), after the line break, as written in a file or in a string
// literal of source code ("…-----\n" + "MIIE…"). Code that looks for the
// header (`pem.indexOf("-----BEGIN PRIVATE KEY-----") !== 0`) has none.
func pemBodyFollows(s string) bool {
	i := 0
	for ; i < len(s) && i < 64; i++ {
		if c := s[i]; c == '\\' && i+1 < len(s) && (s[i+1] == 'n' || s[i+1] == 'r') {
			i++
		} else if !(c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '"' || c == '\'' || c == '`' || c == '+' || c == ',') {
			break
		}
	}
	if k := run(s, i, func(c byte) bool { return isAlnum(c) || c == '-' }); k > i && k < len(s) && s[k] == ':' {
		return true // an armor header
	}
	j := run(s, i, func(c byte) bool { return isAlnum(c) || c == '/' || c == '+' || c == '=' })
	return j-i >= 16 && (j == len(s) || strings.IndexByte(" \t\r\n\\\"'`", s[j]) >= 0)
}

var connSchemes = []string{"postgres", "postgresql", "mysql", "mariadb", "mongodb", "mongodb+srv", "redis", "rediss", "amqp", "amqps", "mssql", "sqlserver", "jdbc:postgresql", "jdbc:mysql", "clickhouse", "cockroachdb", "neo4j", "neo4j+s", "bolt", "couchbase", "snowflake", "oracle", "ldap", "ldaps", "smtp", "smtps", "ftp", "sftp", "nats", "kafka"}

// placeholderPasswords are passwords used in documentation, not secrets.
var placeholderPasswords = map[string]bool{"password": true, "pass": true, "passwd": true, "pwd": true, "secret": true, "pw": true, "p": true,
	"changeme": true, "mypassword": true, "yourpassword": true, "example": true, "test": true, "postgres": true, "root": true, "admin": true,
	"guest": true, "user": true, "username": true, "mysecretpassword": true, "xxx": true, "****": true, "...": true}

// connString matches scheme://user:password@host with a real password.
func connString(s string, i int) int {
	i -= 3 // i is just past "://"
	j := i
	for j > 0 && (isAlnum(s[j-1]) || s[j-1] == '+' || s[j-1] == ':') {
		j--
	}
	scheme := strings.ToLower(s[j:i])
	ok := false
	for _, c := range connSchemes {
		if scheme == c {
			ok = true
		}
	}
	if !ok {
		return -1
	}
	rest := s[i+3:]
	end := strings.IndexAny(rest, " \t\n\"'`<>")
	if end < 0 {
		end = len(rest)
	}
	auth := rest[:end]
	if k := strings.IndexAny(auth, "/?#"); k >= 0 {
		// '/' may appear in a password; only cut at one after the '@'.
		if at := strings.LastIndexByte(auth, '@'); at < 0 || k < at {
			if at < 0 {
				return -1
			}
		}
	}
	at := strings.LastIndexByte(auth, '@')
	if at < 0 {
		return -1
	}
	user, pw, ok := strings.Cut(auth[:at], ":")
	if !ok || pw == "" || (user == "" && !strings.HasPrefix(scheme, "redis")) {
		return -1
	}
	if strings.HasPrefix(user, "[") {
		return -1 // the syntax of the URL: mysql://[username[:password]@]host
	}
	lpw := strings.ToLower(pw)
	if placeholderPasswords[lpw] || strings.HasPrefix(pw, "$") || strings.HasPrefix(pw, "<") || strings.HasPrefix(pw, "{") || strings.HasPrefix(pw, "%") && strings.HasSuffix(pw, "%") || placeholder(pw) || strings.Trim(pw, "*x.") == "" {
		return -1
	}
	return i + 3 + end
}

// FindSecrets returns the credentials in s, in order, without overlaps.
func FindSecrets(s string) []Secret {
	if len(s) < 16 {
		return nil
	}
	var out []Secret
	next := 0 // no match may start before the end of the previous one
	secretNeedles.each(s, func(at int, prefix string) bool {
		if awsSecretWords[prefix] {
			if start, end := awsSecretAt(s, at); start >= 0 && start >= next {
				out = appendSecret(out, Secret{Rule: "secret.aws-secret-key", Start: start, End: end, Reason: "AWS secret access key"})
				next = end
			}
			return true
		}
		kind := secretByPrefix[prefix]
		inner := prefix == "://" || prefix == "hooks.slack.com/services/" || prefix == "-----BEGIN "
		if at < next || (!inner && !boundary(s, at)) {
			return true
		}
		e := kind.match(s, at+len(prefix))
		if e < 0 {
			return true
		}
		start := at
		if prefix == "://" {
			start = strings.LastIndexAny(s[:at], " \t\n\"'`=(") + 1
		}
		out = appendSecret(out, Secret{Rule: kind.rule, Start: start, End: e, Reason: kind.what})
		next = e
		return true
	})
	if len(out) > 1 {
		sortSecrets(out)
	}
	return out
}

func appendSecret(out []Secret, n Secret) []Secret {
	for _, o := range out {
		if n.Start < o.End && o.Start < n.End {
			return out
		}
	}
	return append(out, n)
}

func sortSecrets(xs []Secret) {
	for i := 1; i < len(xs); i++ {
		for j := i; j > 0 && xs[j].Start < xs[j-1].Start; j-- {
			xs[j], xs[j-1] = xs[j-1], xs[j]
		}
	}
}

// awsSecretAt finds a 40-character AWS secret key named as such at i
// ("aws_secret_access_key = …", "SecretAccessKey": "…") and returns its
// bounds, or -1.
func awsSecretAt(s string, at int) (int, int) {
	window := strings.ToLower(s[at:min(len(s), at+40)])
	if !strings.Contains(window, "access") && !strings.Contains(strings.ToLower(s[max(0, at-8):at]), "aws") {
		return -1, -1
	}
	for k := at; k < min(len(s), at+60); k++ {
		if !(isAlnum(s[k]) || s[k] == '/' || s[k] == '+') {
			continue
		}
		e := run(s, k, func(c byte) bool { return isAlnum(c) || c == '/' || c == '+' })
		if e-k == 40 && random(s[k:e], 40, 4) {
			return k, e
		}
		k = e
	}
	return -1, -1
}

// RedactSecrets replaces every secret in s with "[REDACTED:<rule>]".
func RedactSecrets(s string) (string, []Secret) {
	found := FindSecrets(s)
	if len(found) == 0 {
		return s, nil
	}
	sortSecrets(found)
	var b strings.Builder
	last := 0
	for _, f := range found {
		if f.Start < last {
			continue
		}
		b.WriteString(s[last:f.Start])
		b.WriteString("[REDACTED:" + f.Rule + "]")
		last = f.End
	}
	b.WriteString(s[last:])
	return b.String(), found
}
