package inspect

import (
	"regexp"
	"sync"
)

// lazyRegexp is a regular expression compiled when it is first used. The
// detectors hold a few hundred patterns; compiling them when the package is
// loaded cost every ward command (ward version, ward proxy without a
// policy) several milliseconds and megabytes of start-up memory for code it
// may never run. TestPatternsCompile compiles every one, so that a bad
// pattern fails the tests, not a session.
type lazyRegexp struct {
	src  string
	once sync.Once
	re   *regexp.Regexp
}

// lazyRE returns src as a lazyRegexp.
func lazyRE(src string) *lazyRegexp { return &lazyRegexp{src: src} }

func (l *lazyRegexp) get() *regexp.Regexp {
	l.once.Do(func() { l.re = regexp.MustCompile(l.src) })
	return l.re
}

// String returns the source of the pattern without compiling it.
func (l *lazyRegexp) String() string { return l.src }

// FindStringIndex is regexp.Regexp.FindStringIndex.
func (l *lazyRegexp) FindStringIndex(s string) []int { return l.get().FindStringIndex(s) }

// MatchString is regexp.Regexp.MatchString.
func (l *lazyRegexp) MatchString(s string) bool { return l.get().MatchString(s) }

// FindString is regexp.Regexp.FindString.
func (l *lazyRegexp) FindString(s string) string { return l.get().FindString(s) }

// FindStringSubmatch is regexp.Regexp.FindStringSubmatch.
func (l *lazyRegexp) FindStringSubmatch(s string) []string { return l.get().FindStringSubmatch(s) }

// FindAllStringIndex is regexp.Regexp.FindAllStringIndex.
func (l *lazyRegexp) FindAllStringIndex(s string, n int) [][]int {
	return l.get().FindAllStringIndex(s, n)
}

// ReplaceAllStringFunc is regexp.Regexp.ReplaceAllStringFunc.
func (l *lazyRegexp) ReplaceAllStringFunc(s string, repl func(string) string) string {
	return l.get().ReplaceAllStringFunc(s, repl)
}

// loosePatterns are the detectors' patterns outside the phrase lists.
var loosePatterns = []*lazyRegexp{hiddenBlock, identPhrase, directive, negation, negatedBefore, benignMentions, progressLine, addressed, movedDataRE, moveVerbRE, &contactSend, &contactCarries, &keyOwner, &fieldPlace, &credentialName, &placeKind, &httpPlace, &secretValueAsked, &statedSubject, &readerNamed, &unawareOf, &userSpaceAfter, &answerPlace, &dataPlace, &askForSecret, &askForSecretNear, &identReadPhrase, &passiveRead}

// Warm builds the detectors' tables and compiles their patterns now rather
// than on first use: a policy engine calls it when it is made, so that the
// first message of a session does not wait for it.
func Warm() {
	loadPhrases()
	for _, l := range allPhraseLists {
		for i := range l {
			l[i].re.get()
			if l[i].verb != nil {
				l[i].verb.get()
			}
			if l[i].except != nil {
				l[i].except.get()
			}
		}
	}
	for _, re := range loosePatterns {
		re.get()
	}
	flowTables()
}
