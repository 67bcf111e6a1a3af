package policy

import "sort"

// Rule describes one built-in rule: its id, family, default severity, what it
// catches and where the technique is described.
type Rule struct {
	// ID is the stable name used in overrides, logs and errors.
	ID string `json:"id"`
	// Category is the rule's family; it is also the name of its rule pack.
	Category string `json:"category"`
	// Severity is the rule's default severity.
	Severity Severity `json:"severity"`
	// Description says what the rule catches.
	Description string `json:"description"`
	// References point to public descriptions of the technique.
	References []string `json:"references,omitempty"`
}

// Rule packs. Every built-in rule belongs to exactly one.
const (
	PackFilesystem = "filesystem"
	PackNetwork    = "network"
	PackCommand    = "command"
	PackSecrets    = "secrets"
	PackPoisoning  = "poisoning"
	PackInjection  = "injection"
)

const (
	refCVE53109  = "CVE-2025-53109 (server-filesystem symlink escape)"
	refCVE53110  = "CVE-2025-53110 (server-filesystem path prefix bypass)"
	refPATTrav   = "PayloadsAllTheThings: Directory Traversal"
	refPATSSRF   = "PayloadsAllTheThings: Server Side Request Forgery"
	refPATCmd    = "PayloadsAllTheThings: Command Injection"
	refCWE22     = "CWE-22"
	refCWE918    = "CWE-918"
	refCWE78     = "CWE-78"
	refCWE88     = "CWE-88"
	refCWE200    = "CWE-200"
	refInvPoison = "Invariant Labs: MCP Security Notification: Tool Poisoning Attacks (2025)"
	refInvShadow = "Invariant Labs: tool shadowing across servers (2025)"
	refToBLine   = "Trail of Bits: Jumping the line: how MCP servers can attack you before you ever use them (2025)"
	refToBANSI   = "Trail of Bits: Deceiving users with ANSI terminal codes in MCP (2025)"
	refCyberArk  = "CyberArk: Poison everywhere: no output from your MCP server is safe (full-schema poisoning, 2025)"
	refOWASPLLM1 = "OWASP Top 10 for LLM Applications: LLM01 Prompt Injection"
	refUTS39     = "Unicode TS #39 (confusables, mixed scripts)"
	refCWE798    = "CWE-798"
	refSampling  = "MCP specification: Client features, Sampling (security considerations)"
	refUnit42    = "Palo Alto Networks Unit 42: prompt injection attack vectors through MCP sampling (resource theft, conversation hijacking, covert tool invocation)"
	refElicit    = "MCP specification: Client features, Elicitation (servers must not ask for sensitive information in form mode)"
	refCWE1021   = "CWE-1021 (improper restriction of rendered UI layers)"
)

var builtinRules = []Rule{
	// Filesystem.
	{"fs.outside-root", PackFilesystem, SeverityHigh, "A path argument resolves outside every allowed filesystem root (real path-boundary check: /srv/app-evil is not inside /srv/app).", []string{refCVE53110, refCWE22}},
	{"fs.traversal", PackFilesystem, SeverityHigh, "A path uses '..' segments (plain, percent-encoded, repeatedly encoded or Unicode look-alikes) to climb out of where it starts.", []string{refPATTrav, refCWE22}},
	{"fs.symlink-escape", PackFilesystem, SeverityCritical, "A path that looks inside a root resolves, through a symlink on this host, to a place outside it.", []string{refCVE53109, refCWE22}},
	{"fs.sensitive", PackFilesystem, SeverityCritical, "A path names a credential or configuration store (SSH and cloud credentials, .env files, shell histories, browser profiles, MCP host configs, /etc/shadow, /proc/*/environ), even inside a root.", []string{refCWE200, refInvPoison}},
	{"fs.read-only", PackFilesystem, SeverityHigh, "A tool that writes targets a root configured read-only.", nil},
	{"fs.malformed", PackFilesystem, SeverityHigh, "A path contains a NUL byte or control characters, or cannot be decoded.", []string{refPATTrav}},
	// Network.
	{"net.ssrf.metadata", PackNetwork, SeverityCritical, "A URL or host names a cloud metadata service (169.254.169.254 in any encoding, metadata.google.internal, fd00:ec2::254, …).", []string{refPATSSRF, refCWE918}},
	{"net.ssrf.loopback", PackNetwork, SeverityHigh, "A URL or host points at this machine (127.0.0.0/8, ::1, 0.0.0.0, localhost), in any encoding.", []string{refPATSSRF, refCWE918}},
	{"net.ssrf.link-local", PackNetwork, SeverityHigh, "A URL or host points at a link-local address (169.254.0.0/16, fe80::/10).", []string{refPATSSRF, refCWE918}},
	{"net.ssrf.private", PackNetwork, SeverityHigh, "A URL or host points at a private, CGNAT, unique-local, multicast or reserved address.", []string{refPATSSRF, refCWE918}},
	{"net.ssrf.embedded-ip", PackNetwork, SeverityHigh, "A hostname embeds an internal IP address (127.0.0.1.nip.io, 169-254-169-254.sslip.io, 7f000001.…) or is a public name known to resolve to loopback.", []string{refPATSSRF}},
	{"net.scheme", PackNetwork, SeverityHigh, "A URL uses a scheme outside the allow-list (file, gopher, dict, ftp, jar, ldap, …).", []string{refPATSSRF}},
	{"net.deny-host", PackNetwork, SeverityHigh, "A URL or host matches the policy's network deny list, or is missing from a configured allow list.", nil},
	{"net.malformed-url", PackNetwork, SeverityMedium, "A URL argument cannot be parsed; it is refused rather than guessed at.", []string{refPATSSRF}},
	{"net.dns-rebinding", PackNetwork, SeverityHigh, "A hostname resolves to an internal address (opt-in DNS check).", []string{refCWE918}},
	// Command.
	{"cmd.reverse-shell", PackCommand, SeverityCritical, "A shell command opens a reverse shell (/dev/tcp, nc -e, socat exec, interpreter sockets).", []string{refPATCmd, refCWE78}},
	{"cmd.download-exec", PackCommand, SeverityCritical, "A shell command downloads code and runs it (curl … | sh, bash <(wget …), download then chmod +x).", []string{refPATCmd, refCWE78}},
	{"cmd.pipe-to-interpreter", PackCommand, SeverityHigh, "A shell command pipes data into an interpreter that reads its program from standard input (… | base64 -d | sh).", []string{refPATCmd, refCWE78}},
	{"cmd.dynamic-exec", PackCommand, SeverityHigh, "A shell command runs code it builds at run time: eval, a command name from a substitution or split variables.", []string{refPATCmd, refCWE78}},
	{"cmd.destructive", PackCommand, SeverityCritical, "A shell command destroys data on the root, home or system directories or raw disks (rm -rf /, mkfs, dd to a disk, fork bombs).", []string{refCWE78}},
	{"cmd.upload", PackCommand, SeverityHigh, "A shell command uploads local files or data to a remote host (curl -d @file, -T, wget --post-file, scp to a remote, nc < file).", []string{refCWE200}},
	{"cmd.interpreter-network", PackCommand, SeverityHigh, "An interpreter one-liner (python -c, node -e, perl -e, …) opens network connections or spawns processes.", []string{refPATCmd}},
	{"cmd.sensitive-file", PackCommand, SeverityCritical, "A shell command reads or sends a credential store (~/.ssh, ~/.aws/credentials, .env, /etc/shadow, …).", []string{refCWE200}},
	{"cmd.option-injection", PackCommand, SeverityHigh, "A value where a positional argument is expected starts with '-' and would be read as an option (git --upload-pack=…, -o ProxyCommand=…).", []string{refCWE88}},
	{"cmd.unparseable", PackCommand, SeverityMedium, "A shell command cannot be parsed as POSIX/Bash; it is refused rather than guessed at.", []string{refCWE78}},
	// Secrets.
	{"secret.aws-access-key", PackSecrets, SeverityCritical, "An AWS access key id (AKIA/ASIA…, base32 body, not a documented example).", []string{refCWE798}},
	{"secret.aws-secret-key", PackSecrets, SeverityCritical, "An AWS secret access key next to its name.", []string{refCWE798}},
	{"secret.github-token", PackSecrets, SeverityCritical, "A GitHub token (ghp_, gho_, ghu_, ghs_, ghr_, github_pat_) with a random body.", []string{refCWE798}},
	{"secret.gitlab-token", PackSecrets, SeverityCritical, "A GitLab token (glpat-, gldt-, glrt-, …).", []string{refCWE798}},
	{"secret.slack-token", PackSecrets, SeverityCritical, "A Slack token (xoxb-, xoxp-, xoxa-, xoxr-, xoxs-, xoxe-) or incoming-webhook URL.", []string{refCWE798}},
	{"secret.stripe-key", PackSecrets, SeverityCritical, "A live Stripe secret or restricted key (sk_live_, rk_live_). Test-mode keys are not secrets.", []string{refCWE798}},
	{"secret.openai-key", PackSecrets, SeverityCritical, "An OpenAI API key (sk-proj-, sk-svcacct-, sk-admin-, legacy sk- with the T3BlbkFJ marker).", []string{refCWE798}},
	{"secret.anthropic-key", PackSecrets, SeverityCritical, "An Anthropic API key (sk-ant-api03-, sk-ant-admin01-, sk-ant-oat01-).", []string{refCWE798}},
	{"secret.google-api-key", PackSecrets, SeverityHigh, "A Google API key (AIza…).", []string{refCWE798}},
	{"secret.npm-token", PackSecrets, SeverityCritical, "An npm access token (npm_…).", []string{refCWE798}},
	{"secret.huggingface-token", PackSecrets, SeverityHigh, "A Hugging Face token (hf_…).", []string{refCWE798}},
	{"secret.jwt", PackSecrets, SeverityHigh, "A JSON Web Token whose header and payload decode (the jwt.io sample is ignored).", []string{refCWE798}},
	{"secret.private-key", PackSecrets, SeverityCritical, "A PEM private key block with a real body.", []string{refCWE798}},
	{"secret.connection-string", PackSecrets, SeverityCritical, "A database or broker URL with a real password (postgres://u:p@…); placeholders are ignored.", []string{refCWE798}},
	// Poisoning (server → host metadata).
	{"poison.hidden-instructions", PackPoisoning, SeverityHigh, "Tool metadata hides a block of instructions for the model (<IMPORTANT>, <SYSTEM>, HTML comments, [INST]) that tell it what to do.", []string{refInvPoison, refToBLine}},
	{"poison.concealment", PackPoisoning, SeverityCritical, "Tool metadata tells the model to keep something from the user.", []string{refInvPoison}},
	{"poison.credential-access", PackPoisoning, SeverityCritical, "Tool metadata tells the model to read or pass credentials, keys or MCP configuration.", []string{refInvPoison, refCyberArk}},
	{"poison.tool-shadowing", PackPoisoning, SeverityCritical, "Tool metadata changes how the model uses other tools (\"when you use send_email, also …\").", []string{refInvShadow}},
	{"poison.model-override", PackPoisoning, SeverityHigh, "Tool metadata tries to override the model's instructions (ignore previous instructions, you are now, system prompt).", []string{refOWASPLLM1, refToBLine}},
	{"poison.exfiltration", PackPoisoning, SeverityCritical, "Tool metadata tells the model to send data to an address or URL, or to smuggle it in a parameter.", []string{refInvPoison, refCyberArk}},
	{"poison.invisible-unicode", PackPoisoning, SeverityHigh, "Tool metadata contains invisible characters: zero-width, Unicode tag characters, bidi controls.", []string{refToBLine}},
	{"poison.ansi-escape", PackPoisoning, SeverityHigh, "Tool metadata contains ANSI escape sequences or other control characters that can hide text in a terminal.", []string{refToBANSI}},
	{"poison.confusable-name", PackPoisoning, SeverityHigh, "A tool or parameter name uses characters outside [A-Za-z0-9_.-], or a word mixes scripts (Latin with Cyrillic or Greek).", []string{refUTS39}},
	{"poison.encoded-payload", PackPoisoning, SeverityHigh, "Tool metadata carries an encoded payload (base64 or hex that decodes to text).", []string{refCyberArk}},
	// Injection (server → host results).
	{"inject.instructions", PackInjection, SeverityHigh, "A tool result, resource or prompt contains instructions aimed at the model (ignore previous instructions, fake system turns, concealment, tool redirection).", []string{refOWASPLLM1, refCyberArk}},
	{"inject.invisible-unicode", PackInjection, SeverityMedium, "A result contains invisible characters (zero-width, tag characters, bidi controls); they are stripped.", []string{refToBLine}},
	{"inject.ansi-escape", PackInjection, SeverityMedium, "A result contains ANSI escape sequences or control characters; they are stripped.", []string{refToBANSI}},
	// Requests the server sends the host (sampling, elicitation).
	{"sampling.context-all-servers", PackInjection, SeverityHigh, "A server's sampling request asks the host to add the context of every connected server to the prompt: what other servers returned would reach this one in the model's reply.", []string{refSampling, refUnit42}},
	{"elicit.credential-request", PackSecrets, SeverityCritical, "A server's form-mode elicitation asks the user for a credential (password, API key, access token, private key, one-time code, payment card), which the MCP specification forbids: such values belong in URL mode, where they never pass through the client.", []string{refElicit, refCWE200}},
	{"elicit.deceptive-url", PackInjection, SeverityHigh, "A server's URL-mode elicitation sends the user to a URL that is not https, names a user before its host (https://bank.example@evil.example/), has a look-alike (non-ASCII or punycode) host name, or writes another domain before its own (accounts.google.com.evil.example).", []string{refElicit, refCWE1021}},
	// Engine.
	{"engine.error", "engine", SeverityHigh, "A rule failed or panicked; the message is denied (fail closed).", nil},
	{"engine.bad-arguments", "engine", SeverityMedium, "The arguments are not a JSON object the engine can read.", nil},
}

var ruleIndex = func() map[string]*Rule {
	m := make(map[string]*Rule, len(builtinRules))
	for i := range builtinRules {
		m[builtinRules[i].ID] = &builtinRules[i]
	}
	return m
}()

// Rules returns the built-in rules sorted by id.
func Rules() []Rule {
	out := append([]Rule(nil), builtinRules...)
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// LookupRule returns the built-in rule with the given id.
func LookupRule(id string) (Rule, bool) {
	r, ok := ruleIndex[id]
	if !ok {
		return Rule{}, false
	}
	return *r, true
}
