package govern

import "fmt"

// The preset names.
const (
	PresetBaseline = "baseline"
	PresetStrict   = "strict"
)

// Control references, spelled once.
const (
	refSI7        = "NIST SP 800-53 SI-7 software, firmware, and information integrity"
	refCM7        = "NIST SP 800-53 CM-7 least functionality"
	refCM8        = "NIST SP 800-53 CM-8 system component inventory"
	refAC6        = "NIST SP 800-53 AC-6 least privilege"
	refSC8        = "NIST SP 800-53 SC-8 transmission confidentiality and integrity"
	refLLM01      = "OWASP Top 10 for LLM Applications 2025 LLM01 prompt injection"
	refLLM06      = "OWASP Top 10 for LLM Applications 2025 LLM06 excessive agency"
	refPinnedDeps = "OpenSSF Scorecard Pinned-Dependencies"
	refMCP0618    = "MCP specification 2025-06-18 (authorization, security best practices)"
)

// baselineRules are reported as warnings by baseline and fail in strict.
var baselineRules = []Rule{
	{
		ID:          "gov.artifact-pinned",
		Message:     "The server runs a local command but its lock pins no artifact (package or binary), so what runs can change under the lock. Lock it with an artifact pin.",
		Each:        EachServer,
		References:  []string{refSI7, refPinnedDeps},
		ViolationIf: `server.source.url == "" && server.artifact == null`,
	},
	{
		ID:          "gov.source-recorded",
		Message:     "The lock records no command or URL for the server, so nobody can tell what was reviewed or reproduce it.",
		Each:        EachServer,
		References:  []string{refCM8},
		ViolationIf: `size(server.source.command) == 0 && server.source.url == "" && server.source.commandLine == ""`,
	},
	{
		ID:          "gov.remote-tls",
		Message:     "The server is reached over plain HTTP on a non-loopback host: definitions and calls can be read and changed in transit. Use https.",
		Each:        EachServer,
		References:  []string{refSC8},
		ViolationIf: `server.source.url.lowerAscii().startsWith("http://") && !server.source.url.lowerAscii().matches("^http://(localhost|127\\.[0-9.]+|\\[::1\\])([:/]|$)")`,
	},
	{
		ID:          "gov.imported-unreviewable",
		Message:     "The lock was imported from another tool and holds hashes without definitions: the tools cannot be reviewed or graded. Re-lock the server with ward lock.",
		Each:        EachServer,
		References:  []string{refCM8},
		ViolationIf: `server.importedFrom != "" || tools.exists(t, t.imported)`,
	},
	{
		ID:          "gov.poisoned-definition",
		Message:     "A locked definition carries tool-poisoning findings (hidden instructions, concealment, credential requests, confusable names). Review it with ward inspect before trusting it.",
		Each:        EachItem,
		References:  []string{refLLM01},
		ViolationIf: `item.poisoned`,
	},
	{
		ID:          "gov.instructions-poisoned",
		Message:     "The server's instructions carry tool-poisoning findings; they reach the model on every session.",
		Each:        EachServer,
		References:  []string{refLLM01},
		ViolationIf: `size(server.instructionsFindings) > 0`,
	},
	{
		ID:          "gov.instructions-size",
		Message:     "The server's instructions are blank or longer than 8 KiB: blank ones are noise, long ones hide text a reviewer will skim.",
		Each:        EachServer,
		References:  []string{refLLM01},
		ViolationIf: `server.instructions != "" && (server.instructions.trim() == "" || size(server.instructions) > 8192)`,
	},
	{
		ID:          "gov.high-risk-undeclared",
		Message:     "A HIGH-risk tool does not declare destructiveHint, so clients cannot tell the user it may change or destroy data. Ask the server's author to annotate it.",
		Each:        EachTool,
		References:  []string{refLLM06},
		ViolationIf: `!tool.imported && tool.risk == "HIGH" && !has(tool.annotations.destructiveHint)`,
	},
}

// strictRules are added by strict, at level fail.
var strictRules = []Rule{
	{
		ID:          "gov.artifact-integrity",
		Message:     "The artifact pin names a package or image but no integrity hash or digest, and a version tag can be republished. Pin it by content hash.",
		Each:        EachServer,
		References:  []string{refSI7, refPinnedDeps},
		ViolationIf: `server.artifact != null && server.artifact.integrity == "" && server.artifact.digest == ""`,
	},
	{
		ID:          "gov.high-risk-approved",
		Message:     "A HIGH-risk tool is locked without being approved by name: add it to approved_tools in the governance file or leave it out with ward lock --exclude.",
		Each:        EachTool,
		References:  []string{refCM7, refLLM06},
		ViolationIf: `tool.risk == "HIGH" && !tool.approved`,
	},
	{
		ID:          "gov.explicit-selection",
		Message:     "The server was locked without --only: every tool it offered was approved wholesale. Lock the tools you need with ward lock --only.",
		Each:        EachServer,
		References:  []string{refCM7, refAC6},
		ViolationIf: `server.selection == null || size(server.selection.only) == 0`,
	},
	{
		ID:          "gov.protocol-version",
		Message:     "The lock was made over an MCP revision older than 2025-06-18 (or none was recorded); the older revisions lack the current authorization and security requirements.",
		Each:        EachServer,
		References:  []string{refMCP0618},
		ViolationIf: `!server.protocolVersion.matches("^[0-9]{4}-[0-9]{2}-[0-9]{2}$") || server.protocolVersion < "2025-06-18"`,
	},
	{
		ID:          "gov.open-world-destructive",
		Message:     "A tool declares itself both destructive and open-world: it can destroy data outside the user's system on the model's say-so. Exclude it or put it behind human approval.",
		Each:        EachTool,
		References:  []string{refLLM06},
		ViolationIf: `tool.annotations.?destructiveHint.orValue(false) == true && tool.annotations.?openWorldHint.orValue(false) == true`,
	},
}

// PresetRules returns the rules of a preset: baseline's at level warn, or
// baseline's and strict's own at level fail.
func PresetRules(name string) ([]Rule, error) {
	var src []Rule
	var lvl Level
	switch name {
	case PresetBaseline:
		src, lvl = baselineRules, LevelWarn
	case PresetStrict:
		src, lvl = append(append([]Rule(nil), baselineRules...), strictRules...), LevelFail
	default:
		return nil, fmt.Errorf("%w %q (want baseline or strict)", ErrUnknownPreset, name)
	}
	out := make([]Rule, len(src))
	for i, r := range src {
		r.Level = lvl
		r.References = append([]string(nil), r.References...)
		out[i] = r
	}
	return out, nil
}
