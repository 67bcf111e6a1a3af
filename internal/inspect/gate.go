package inspect

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/bits"
	"regexp/syntax"
	"strings"
	"unicode/utf8"
)

// The phrase gate decides, from one pass over a text, which phrases could
// possibly match in it, so that ordinary text never reaches the regular
// expressions (nor their normalisation and sentence splitting). A phrase
// can match only where one of its triggers occurs, in a sentence with one
// of its also-words, and where the literals its pattern cannot match
// without occur: the gate asks the same of the whole text, which every
// sentence is part of. It is a necessary condition, never a sufficient
// one: a phrase it lets through still runs exactly as before, and a phrase
// it stops could not have matched.
//
// The required literals of a pattern are derived from its syntax tree once
// at start-up (see required): a literal must occur, any one of an
// alternation's branches must, a concatenation needs all of its parts, and
// what may repeat zero times or match any character requires nothing.

// cond is a condition on which gate words occur in a text.
type cond struct {
	op   condOp
	word int    // condWord: the gate word's id
	str  string // condWord: the word
	b    []byte // condWord: the word
	kids []cond // condAnd, condOr
}

type condOp uint8

const (
	condTrue condOp = iota
	condWord
	condAnd
	condOr
)

var trueCond = cond{op: condTrue}

// eval reports whether c holds for the set of words found.
func (c *cond) eval(found *gateSet) bool {
	switch c.op {
	case condWord:
		return found.has(c.word)
	case condAnd:
		for i := range c.kids {
			if !c.kids[i].eval(found) {
				return false
			}
		}
		return true
	case condOr:
		for i := range c.kids {
			if c.kids[i].eval(found) {
				return true
			}
		}
		return false
	}
	return true
}

// evalIn reports whether c holds for the lower-case text t.
func (c *cond) evalIn(t []byte) bool {
	switch c.op {
	case condWord:
		return bytes.Contains(t, c.b)
	case condAnd:
		for i := range c.kids {
			if !c.kids[i].evalIn(t) {
				return false
			}
		}
		return true
	case condOr:
		for i := range c.kids {
			if c.kids[i].evalIn(t) {
				return true
			}
		}
		return false
	}
	return true
}

// maxExact bounds the sets of exact strings the analysis keeps before it
// turns them into a condition.
const maxExact = 4

// maxAlternatives is the most strings of which the gate requires one:
// a longer list (of common words, mostly) is taken as present.
const maxAlternatives = 16

// minAtom is the shortest literal worth a gate word: shorter ones are
// taken as present (a weaker, still necessary condition).
const minAtom = 3

// reInfo is what a sub-pattern requires: either the exact set of strings
// it matches (exact non-nil), or a condition on the text (match).
type reInfo struct {
	exact []string
	match cond
}

func exactInfo(ss ...string) reInfo { return reInfo{exact: ss} }
func anyInfo() reInfo               { return reInfo{match: trueCond} }

// required returns what a match of re needs to find in the text (b turns
// the parts that stop being exact into conditions).
func required(re *syntax.Regexp, b *gateBuilder) reInfo {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return exactInfo("")
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return anyInfo()
		}
		return exactInfo(string(re.Rune))
	case syntax.OpCharClass:
		// A few single characters stay exact; a wider class matches
		// too much to require anything.
		var ss []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			lo, hi := re.Rune[i], re.Rune[i+1]
			if hi-lo >= 4 || len(ss)+int(hi-lo)+1 > 4 {
				return anyInfo()
			}
			for r := lo; r <= hi; r++ {
				ss = append(ss, string(r))
			}
		}
		if len(ss) == 0 {
			return anyInfo()
		}
		return exactInfo(ss...)
	case syntax.OpCapture:
		return required(re.Sub[0], b)
	case syntax.OpQuest:
		sub := required(re.Sub[0], b)
		if sub.exact != nil && len(sub.exact) < maxExact {
			return exactInfo(append(append([]string{}, sub.exact...), "")...)
		}
		return anyInfo()
	case syntax.OpPlus:
		return reInfo{match: b.toCond(required(re.Sub[0], b))}
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return reInfo{match: b.toCond(required(re.Sub[0], b))}
		}
		return anyInfo()
	case syntax.OpConcat:
		var and []cond
		cur := []string{""}
		for _, sub := range re.Sub {
			si := required(sub, b)
			switch {
			case si.exact != nil && len(cur)*len(si.exact) <= maxExact:
				cur = cross(cur, si.exact)
			case si.exact != nil:
				and = append(and, b.toCond(exactInfo(cur...)))
				cur = si.exact
				if len(cur) > maxExact {
					and = append(and, b.toCond(si))
					cur = []string{""}
				}
			default:
				and = append(and, b.toCond(exactInfo(cur...)), si.match)
				cur = []string{""}
			}
		}
		if and == nil {
			return exactInfo(cur...)
		}
		and = append(and, b.toCond(exactInfo(cur...)))
		return reInfo{match: andCond(and)}
	case syntax.OpAlternate:
		subs := make([]reInfo, len(re.Sub))
		exact := true
		n := 0
		for i, sub := range re.Sub {
			subs[i] = required(sub, b)
			if subs[i].exact == nil {
				exact = false
			}
			n += len(subs[i].exact)
		}
		if exact && n <= maxExact {
			var ss []string
			for _, s := range subs {
				ss = append(ss, s.exact...)
			}
			return exactInfo(ss...)
		}
		or := make([]cond, len(subs))
		for i, s := range subs {
			or[i] = b.toCond(s)
		}
		return reInfo{match: orCond(or)}
	}
	// Any character, repetitions that may be empty, and everything else
	// require nothing.
	return anyInfo()
}

// cross returns every string of a followed by one of b.
func cross(a, b []string) []string {
	out := make([]string, 0, len(a)*len(b))
	for _, x := range a {
		for _, y := range b {
			out = append(out, x+y)
		}
	}
	return out
}

func andCond(kids []cond) cond {
	var out []cond
	for _, k := range kids {
		switch k.op {
		case condTrue:
			continue
		case condAnd:
			out = append(out, k.kids...)
		default:
			out = append(out, k)
		}
	}
	switch len(out) {
	case 0:
		return trueCond
	case 1:
		return out[0]
	}
	return cond{op: condAnd, kids: out}
}

func orCond(kids []cond) cond {
	var out []cond
	for _, k := range kids {
		switch k.op {
		case condTrue:
			return trueCond
		case condOr:
			out = append(out, k.kids...)
		default:
			out = append(out, k)
		}
	}
	if len(out) == 1 {
		return out[0]
	}
	if len(out) > maxAlternatives {
		return trueCond
	}
	return cond{op: condOr, kids: out}
}

// stopWords are words that occur in almost any prose: a required literal
// that is one of them (with spaces around it, or shorter than minAtom
// after trimming) selects nothing, and a conjunction that has a better
// literal to require does without it.
var stopWords = map[string]bool{"the": true, "a": true, "an": true, "of": true, "to": true, "in": true, "on": true, "at": true, "as": true,
	"is": true, "are": true, "be": true, "was": true, "were": true, "it": true, "its": true, "this": true, "that": true, "these": true,
	"those": true, "and": true, "or": true, "for": true, "from": true, "with": true, "by": true, "you": true, "your": true, "we": true,
	"our": true, "they": true, "their": true, "all": true, "any": true, "each": true, "every": true, "me": true, "us": true, "if": true,
	"then": true, "not": true, "no": true, "will": true, "can": true, "has": true, "have": true, "had": true, "do": true, "does": true,
	"use": true, "get": true, "set": true, "into": true, "out": true, "one": true, "new": true, "now": true, "more": true, "when": true}

// weak reports whether c holds in much ordinary text: it is true, or is
// met by a stop word (or a word shorter than minAtom).
func (c *cond) weak() bool {
	switch c.op {
	case condTrue:
		return true
	case condWord:
		w := strings.TrimSpace(c.str)
		return len(w) < minAtom || stopWords[w]
	case condOr:
		for i := range c.kids {
			if c.kids[i].weak() {
				return true
			}
		}
		return false
	}
	for i := range c.kids { // condAnd
		if !c.kids[i].weak() {
			return false
		}
	}
	return true
}

// prune drops the weak parts of the conjunctions in c that have a strong
// one: fewer gate words for the scan to find, for a condition that is
// weaker, and so still necessary.
func prune(c cond) cond {
	if c.op != condAnd && c.op != condOr {
		return c
	}
	kids := make([]cond, len(c.kids))
	for i := range c.kids {
		kids[i] = prune(c.kids[i])
	}
	if c.op == condOr {
		return orCond(kids)
	}
	var strong []cond
	for _, k := range kids {
		if !k.weak() {
			strong = append(strong, k)
		}
	}
	if len(strong) > 0 {
		kids = strong
	}
	return andCond(kids)
}

// assign gives the words of c their ids.
func (b *gateBuilder) assign(c *cond) {
	if c.op == condWord {
		c.word = b.word(c.str)
		c.b = []byte(c.str)
	}
	for i := range c.kids {
		b.assign(&c.kids[i])
	}
}

// gateBuilder collects the gate words: the triggers, also-words and
// required literals of the phrases.
type gateBuilder struct {
	ids   map[string]int
	words []string
}

// word returns the id of the gate word w (lower case).
func (b *gateBuilder) word(w string) int {
	if id, ok := b.ids[w]; ok {
		return id
	}
	id := len(b.words)
	b.ids[w] = id
	b.words = append(b.words, w)
	return id
}

// toCond turns what a sub-pattern requires into a condition: for an exact
// set, that one of its strings occurs. A string shorter than minAtom (or
// one the text could hold in another case form) counts as present.
func (b *gateBuilder) toCond(in reInfo) cond {
	if in.exact == nil {
		return in.match
	}
	or := make([]cond, 0, len(in.exact))
	for _, s := range in.exact {
		if len(s) < minAtom || !lowerASCII(s) {
			return trueCond
		}
		or = append(or, cond{op: condWord, str: s})
	}
	if len(or) == 0 {
		return trueCond
	}
	return orCond(or)
}

// lowerASCII reports whether s has no upper-case ASCII letter and is
// valid UTF-8: normalised text is lower case, and the gate's needles
// compare folded ASCII.
func lowerASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 'A' && s[i] <= 'Z' {
			return false
		}
	}
	return utf8.ValidString(s)
}

// gateSet is the set of gate words found in a text.
type gateSet [maxGateWords / 64]uint64

// maxGateWords bounds the number of gate words (a gateSet lives on the
// stack).
const maxGateWords = 2048

func (s *gateSet) has(id int) bool { return s[id/64]&(1<<(id%64)) != 0 }
func (s *gateSet) add(id int)      { s[id/64] |= 1 << (id % 64) }

// maxPhrases bounds the number of phrases the gate indexes.
const maxPhrases = 256

// phraseSet is a set of phrases by gate id.
type phraseSet [maxPhrases / 64]uint64

// gatePhrase is what the gate knows of one phrase.
type gatePhrase struct {
	trig []int // gate ids of its triggers; nil: none (always tried)
	also []int // gate ids of its also-words, if it has any
	need cond  // what its pattern requires
}

// phraseGate is the compiled gate.
var phraseGate struct {
	n       *needles     // the words of two bytes or more
	multiID []int        // by index in n.words, the word's id
	tn      *needles     // the triggers and also-words of two bytes or more
	tnID    []int        // by index in tn.words, the word's id
	one     [256]int     // per byte, id+1 of the one-byte word (either case), else 0
	hasOne  bool         // a one-byte word
	words   []string     // by id
	phrases []gatePhrase // by gid
	byWord  [][]int      // per word id, the phrases it triggers
	always  phraseSet    // phrases without triggers
}

// buildGate indexes the phrases of lists, giving each its gid.
func buildGate(lists ...[]phrase) {
	b := &gateBuilder{ids: map[string]int{}}
	g := &phraseGate
	for _, l := range lists {
		for i := range l {
			ph := &l[i]
			if len(g.phrases) >= maxPhrases {
				panic("inspect: too many phrases for the gate")
			}
			ph.gid = len(g.phrases) + 1
			var gp gatePhrase
			for _, t := range ph.trig {
				if t == "" {
					gp.trig = nil
					break
				}
				gp.trig = append(gp.trig, b.word(t))
			}
			for _, a := range ph.also {
				gp.also = append(gp.also, b.word(a))
			}
			re, err := syntax.Parse(ph.re.String(), syntax.Perl)
			if err != nil {
				panic("inspect: phrase pattern: " + err.Error())
			}
			gp.need = prune(b.toCond(required(re.Simplify(), b)))
			b.assign(&gp.need)
			g.phrases = append(g.phrases, gp)
		}
	}
	if len(b.words) > maxGateWords {
		panic(fmt.Sprintf("inspect: too many gate words: %d", len(b.words)))
	}
	g.words = b.words
	var multi, trigAlso []string
	for _, gp := range g.phrases {
		for _, id := range append(append([]int(nil), gp.trig...), gp.also...) {
			if len(b.words[id]) > 1 {
				trigAlso = append(trigAlso, b.words[id])
			}
		}
	}
	for id, w := range b.words {
		if len(w) == 1 {
			c := w[0]
			g.one[c] = id + 1
			if c >= 'a' && c <= 'z' {
				g.one[c-32] = id + 1
			}
			g.hasOne = true
			continue
		}
		multi = append(multi, w)
	}
	g.n = newNeedles(true, multi...)
	g.byWord = make([][]int, len(b.words))
	for gid, gp := range g.phrases { // gid here is the index, ph.gid-1
		if gp.trig == nil {
			g.always[gid/64] |= 1 << (gid % 64)
		}
		for _, t := range gp.trig {
			if n := len(g.byWord[t]); n == 0 || g.byWord[t][n-1] != gid {
				g.byWord[t] = append(g.byWord[t], gid)
			}
		}
	}
	g.multiID = make([]int, len(g.n.words))
	for k, w := range g.n.words {
		g.multiID[k] = b.ids[w]
	}
	g.tn = newNeedles(true, trigAlso...)
	g.tnID = make([]int, len(g.tn.words))
	for k, w := range g.tn.words {
		g.tnID[k] = b.ids[w]
	}
}

// shortText is the length up to which Injection tries the gate's
// conditions on a lower-case copy of the text (on the stack) instead of
// scanning it for every gate word.
const shortText = 256

// mayMatchShort is the gate for a text no longer than shortText whose
// normal form is lower, the text in lower case: the triggers and
// also-words are found with a scan (of fewer words than gateScan's), the
// literals the phrases left need by searching lower.
func mayMatchShort(text string, lower []byte, want *phraseSet) bool {
	loadPhrases()
	g := &phraseGate
	var found gateSet
	cand := g.always
	g.tn.eachID(text, func(_ int, k int) bool {
		id := g.tnID[k]
		if !found.has(id) {
			found.add(id)
			for _, gid := range g.byWord[id] {
				cand[gid/64] |= 1 << (gid % 64)
			}
		}
		return true
	})
	if g.hasOne {
		for i := 0; i < len(text); i++ {
			if id := g.one[text[i]]; id > 0 && !found.has(id-1) {
				found.add(id - 1)
				for _, gid := range g.byWord[id-1] {
					cand[gid/64] |= 1 << (gid % 64)
				}
			}
		}
	}
	for k := range cand {
		for m := cand[k] & want[k]; m != 0; m &= m - 1 {
			gp := &g.phrases[k*64+bits.TrailingZeros64(m)]
			if gp.also != nil {
				ok := false
				for _, a := range gp.also {
					if found.has(a) {
						ok = true
						break
					}
				}
				if !ok {
					continue
				}
			}
			if gp.need.evalIn(lower) {
				return true
			}
		}
	}
	return false
}

// appendLower appends s with ASCII letters in lower case to b.
func appendLower(b []byte, s string) []byte {
	const ones, highs, lows = 0x0101010101010101, 0x8080808080808080, 0x7F7F7F7F7F7F7F7F
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := load64(s, i)
		if x&highs != 0 {
			break // not ASCII: byte by byte
		}
		geA := x + (0x80-'A')*ones     // high bit where a byte ≥ 'A'
		gtZ := x + (0x80-'Z'-1)*ones   // high bit where a byte > 'Z'
		x |= (geA &^ gtZ & highs) >> 2 // 0x20 on the upper-case letters
		b = binary.LittleEndian.AppendUint64(b, x)
	}
	for ; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	return b
}

// gateScan finds the gate words that occur in text, comparing ASCII letters
// without regard to case, and the phrases one of whose triggers is among
// them.
func gateScan(text string, found *gateSet, cand *phraseSet) {
	loadPhrases()
	g := &phraseGate
	*cand = g.always
	g.n.eachID(text, func(_ int, k int) bool {
		id := g.multiID[k]
		if !found.has(id) {
			found.add(id)
			for _, gid := range g.byWord[id] {
				cand[gid/64] |= 1 << (gid % 64)
			}
		}
		return true
	})
	if g.hasOne {
		for i := 0; i < len(text); i++ {
			if id := g.one[text[i]]; id > 0 && !found.has(id-1) {
				found.add(id - 1)
				for _, gid := range g.byWord[id-1] {
					cand[gid/64] |= 1 << (gid % 64)
				}
			}
		}
	}
}

// mayMatch reports whether a phrase among want could match a text in
// which the words found (and no others) occur. cand are the phrases whose
// triggers were found (see gateScan).
func mayMatch(found *gateSet, cand *phraseSet, want *phraseSet) bool {
	g := &phraseGate
	for k := range cand {
		for m := cand[k] & want[k]; m != 0; m &= m - 1 {
			if g.phrases[k*64+bits.TrailingZeros64(m)].admits(found) {
				return true
			}
		}
	}
	return false
}

// mayMatchPhrase reports whether ph could match in a text with the words
// found and the phrases cand (see gateScan).
func mayMatchPhrase(ph *phrase, found *gateSet, cand *phraseSet) bool {
	if ph.gid == 0 {
		return true // not indexed
	}
	k := ph.gid - 1
	return cand[k/64]&(1<<(k%64)) != 0 && phraseGate.phrases[k].admits(found)
}

// phrasesOf returns the set of the phrases of lists.
func phrasesOf(lists ...[]phrase) (want phraseSet) {
	for _, l := range lists {
		for i := range l {
			if k := l[i].gid - 1; k >= 0 {
				want[k/64] |= 1 << (k % 64)
			}
		}
	}
	return want
}

// admits reports whether the phrase could match in a text with the words
// found, given that one of its triggers is among them.
func (gp *gatePhrase) admits(found *gateSet) bool {
	if gp.also != nil {
		ok := false
		for _, a := range gp.also {
			if found.has(a) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return gp.need.eval(found)
}

// plainText reports whether normaliseText would only lower-case s: it is
// printable ASCII and line breaks, without two spaces in a row. The gate
// words found in such a text, folded, are those of its normal form.
func plainText(s string) bool {
	const ones, highs, lows = 0x0101010101010101, 0x8080808080808080, 0x7F7F7F7F7F7F7F7F
	i := 0
	prev := byte(0)
	// Eight bytes at a time while none is below 0x20 (or a DEL, or
	// above) and no two spaces are next to each other; the first load
	// that may break the rule is looked at byte by byte below.
	for ; i+8 <= len(s); i += 8 {
		x := load64(s, i)
		if x&highs != 0 || (x-0x20*ones)&^x&highs != 0 || (x^0x7F*ones-ones)&^(x^0x7F*ones)&highs != 0 {
			break
		}
		y := x ^ 0x20*ones                      // zero where a space is
		sp := ^(((y & lows) + lows) | y | lows) // 0x80 in each byte that is a space
		if sp&(sp>>8) != 0 || (prev == ' ' && sp&0x80 != 0) {
			return false
		}
		prev = s[i+7]
	}
	for ; i < len(s); i++ {
		c := s[i]
		if (c < 0x20 && c != '\n') || c >= 0x7F || (c == ' ' && prev == ' ') {
			return false
		}
		prev = c
	}
	return true
}
