package inspect

import (
	"strings"
	"unsafe"
)

// This file holds what the detectors need to tell published text (code of
// conduct, security policies, READMEs, code comments) from instructions to
// the model; TestRealTexts (internal/policy) measures it.

// offsetIn returns where sub starts in text when sub is a substring of
// text that shares its memory, or -1.
func offsetIn(text, sub string) int {
	if len(sub) == 0 || len(text) == 0 {
		return -1
	}
	off := int(uintptr(unsafe.Pointer(unsafe.StringData(sub))) - uintptr(unsafe.Pointer(unsafe.StringData(text))))
	if off < 0 || off > len(text)-len(sub) {
		return -1 // not inside text's bytes
	}
	return off
}

// sentenceBefore returns the part of the sentence of text that comes
// before rest, a substring of text that shares its memory ("" when rest
// is not one).
func sentenceBefore(text, rest string) string {
	off := offsetIn(text, rest)
	if off < 0 {
		return ""
	}
	starts := sentenceStarts(text[max(0, off-300):off])
	return text[max(0, off-300)+starts[len(starts)-1] : off]
}

// contactSend and contactCarries are values, not lazyRE's pointers: a
// heap allocation more when the package loads moves the needle tables the
// proxy's hot path reads, which cost BenchmarkProxyEcho 5% in one layout.
var (
	// contactSend is a reader sent to the maintainers: a report, an
	// e-mail or a question sent to an address ("report any unacceptable
	// behaviour to conduct@…", "send bug reports to golang-nuts@…"), as
	// in every code of conduct, security policy and README.
	contactSend = lazyRegexp{src: `\b(?:send|e-?mail|mail|report|submit|post|forward)(?: us| me)? (?:(?:a|an|the|your|any|all|some|security|bug|vulnerability|private|detailed|short|brief|announcement|unacceptable|e-?mail|new|such|possible|potential|suspected) )*(?:e-?mails?|mails?|messages?|notes?|reports?|bugs?|issues?|questions?|feedback|patch(?:es)?|pull requests?|concerns?|vulnerabilit(?:y|ies)|incidents?|behaviou?r|complaints?|suggestions?|comments?|announcements?|inquir(?:y|ies)|enquir(?:y|ies))? ?(?:\([^)]{0,40}\) |(?:in|about|on|for|with|of) (?:[\w./-]+ ){1,3})?to (?:https?://\S+|[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,})`}
	// contactCarries is something sent along that is not a report, or
	// another act on data in the same sentence.
	contactCarries = lazyRegexp{src: `\b(?:keys?|tokens?|credentials?|passwords?|secrets?|files?|contents?|conversation|chat|history|env|ssh|cookies?|data|output|results?|logs?|prompts?|users?|everything|` +
		`upload\w*|copy\w*|take|read|grab|collect|attach|include|paste|dump|fetch|extract|share|forward|post|leak|exfiltrate)\b|\.env\b|~/`}
)

// contactAddress excuses a message sent to an address (rest is the
// sentence from the match) when what is sent is a report, an e-mail or a
// question of the reader's and nothing in the sentence goes along with
// it: "send the conversation to …", "send an e-mail to … with the API
// keys" and "take the key and send an e-mail to …" stay exfiltration.
func contactAddress(rest, text string) bool {
	loc := contactSend.FindStringIndex(rest)
	if loc == nil {
		return false
	}
	addr := loc[0] + strings.LastIndex(rest[loc[0]:loc[1]], " to ")
	return !contactCarries.MatchString(rest[:addr]) && !contactCarries.MatchString(rest[loc[1]:]) &&
		!contactCarries.MatchString(sentenceBefore(text, rest))
}
