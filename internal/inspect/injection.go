package inspect

// injectionTriggers are cheap substrings that must occur before the phrase
// patterns run on a result; most results contain none of them.
var injectionTriggers = []string{"ignore", "disregard", "forget", "override", "bypass", "instruction", "system", "assistant", "human:",
	"you are now", "from now on", "<|", "[inst", "<<sys", "ssh", "id_rsa", "credential", "api key", "api_key", "password", "keep this",
	"tell the user", "tell them", "inform the user", "mention", "silently", "secretly", "covertly", "implementation detail", "call the", "invoke the",
	"use the", "note to", "note for", "message to", "message for", "if you are an", "dear ", "reading this", "all emails", "all messages", "all payments",
	"send ", "forward ", "upload ", "post ", "system prompt", "mcp.json", ".cursor", ".aws", ".env", ".npmrc", ".netrc", "before using",
	"you must", "the above", "private key", "real task", "unrestricted", "human:", "user:", "assistant", "ai:", "ai,", "ai agent", " ai ", "llm", "language model", "model:", "model,", "models:", "models,", "model reading", "agent:", "agent,", "agents:", "agents,", "chatgpt", "claude", "copilot", "gpt",
	"field", "param", "argument", "propert", "decode", "decipher", "unscramble", "obfuscate", "rot13", "rot-13", "rot 13"}

// injectionWords are the words of which one must occur in a result's text
// for the phrases to run on it.
var injectionWords = append(injectionTriggers, phraseTriggerWords(structuralPhrases)...)

var injectionNeedles = newNeedles(true, injectionWords...)

// injectionLists are the phrase lists Injection runs, and injectionWant
// the set of their phrases (see phraseGate).
var (
	injectionLists = [][]phrase{overridePhrases, concealPhrases, hiddenPhrases, credentialPhrases, resultRedirect, structuralPhrases}
	injectionWant  phraseSet
)

// commonTriggers are structural triggers too frequent in ordinary results
// to open the slow path on their own: a structural phrase they start still
// runs when another trigger (its "also" words, a model noun, a verb of
// concealment) is present.
var commonTriggers = map[string]bool{"user": true, "request": true, "show": true, "report": true, "explain": true, "describ": true,
	"rules": true, "command": true, "other ": true, "next ": true, "later ": true, "following ": true, "follow": true, "trust": true,
	"mode": true, "confirm": true, "display": true, "repeat": true, "quot": true, "training": true, "operator": true,
	"customer": true, "polic": true, "orders": true, "prompt": true}

// phraseTriggerWords returns the triggers of a phrase list but the common
// ones, and the also-words of phrases whose triggers are common.
func phraseTriggerWords(l []phrase) []string {
	var out []string
	for _, ph := range l {
		common := false
		for _, t := range ph.trig {
			if commonTriggers[t] {
				common = true
				continue
			}
			out = append(out, t)
		}
		if common {
			for _, a := range ph.also {
				if !commonTriggers[a] && len(a) > 3 {
					out = append(out, a)
				}
			}
		}
	}
	return out
}

// Injection inspects one text of a result (a tools/call content item, a
// resources/read text, a prompts/get message) for instructions aimed at the
// model. Prose that quotes such phrases in quotation marks is not flagged.
// Like InjectionAll it may only find something where one of
// injectionNeedles occurs (see Quiet).
func Injection(text string) []Finding {
	if len(text) < 12 {
		return nil
	}
	return InjectionChecked(text, Check(text))
}

// InjectionChecked is Injection for a caller that has checked the text
// already: h must be Check(text).
func InjectionChecked(text string, h Hygiene) []Finding {
	if len(text) < 12 {
		return nil
	}
	if h.Hidden == "" {
		// The triggers, then the phrase gate: when normalising would
		// only lower-case the text (plainText), the gate can look at the
		// text itself and rule out the whole slow path.
		if !injectionNeedles.any(text) {
			return nil
		}
		if plainText(text) {
			if len(text) <= shortText {
				var buf [shortText]byte
				if !mayMatchShort(text, appendLower(buf[:0], text), &injectionWant) {
					return nil
				}
			} else {
				var found gateSet
				var cand phraseSet
				gateScan(text, &found, &cand)
				if !mayMatch(&found, &cand, &injectionWant) {
					return nil
				}
			}
		}
	}
	norm := normaliseText(text)
	if h.Hidden != "" {
		norm += "\n" + normaliseText(h.Hidden)
	}
	found := matchPhrases(norm, "inject.", injectionLists...)
	for i := range found {
		found[i].Rule = "inject.instructions"
	}
	if len(found) > 1 {
		found = found[:1]
	}
	return found
}

// ToolDirective begins the reason of an injection finding that tells the
// model to call a tool; the excerpt quoted after it names the tool.
const ToolDirective = "tells the model to call a tool"

// resultRedirect are phrases in results that steer the model to other tools.
var resultRedirect = []phrase{
	p("tool-redirect", ToolDirective, `\b(?:now|immediately|next|then|first|you must|you should|please) (?:call|use|invoke|run|execute) (?:the )?['"\x60]?[a-z0-9_.-]+['"\x60]? (?:tool|function)\b[^.!?\n]{0,80}\b(?:with|to|and) `, " tool", " function"),
	p("tool-shadowing", "redirects messages or payments", shadowPhrases[2].re.String(), shadowPhrases[2].trig...),
	p("exfiltration", "tells the model to send data out", exfilPhrases[0].re.String(), exfilPhrases[0].trig...).withExcuse(exfilPhrases[0].excuse),
}
