package inspect

import (
	"strings"
	"sync"
)

// Quiet reports whether the result detectors can find nothing in s: when
// it is true, Check(s) is the zero Hygiene, FindSecrets(s) is empty and
// InjectionAll(s, Check(s)) is nil. It is the cheap test that lets most of
// a result's strings (ids, numbers, names, plain prose) skip them, with one
// pass over s instead of one per detector.
//
// It holds because each of those detectors looks at a printable ASCII text
// only where one of its needles occurs: FindSecrets at secretNeedles,
// Injection at injectionNeedles, and InjectionAll's source-and-sink signals
// at the needles of its gates (flowLex.gateRes and gateFlow) or at an "ai",
// "ki" or "ia" that starts the text. Quiet looks for all of them at once,
// ignoring case, and anything else (a byte that is not printable ASCII, an
// opening "ai") makes it false. TestQuiet and FuzzQuiet hold it to the
// detectors.
func Quiet(s string) bool {
	return QuietPlain(s, false)
}

// QuietPlain is Quiet(s), told by plain that s is known to be printable
// ASCII (Walker.Plain), which saves Quiet its pass over s for the bytes
// the detectors look closer at. With plain false it is Quiet.
func QuietPlain(s string, plain bool) bool {
	if !plain && hasSpecial(s) {
		return false
	}
	if len(s) < 12 {
		// Shorter than any text Injection, InjectionAll or FindSecrets
		// (16) looks at.
		return true
	}
	if c0, c1 := s[0]|0x20, s[1]|0x20; c0 == 'a' && c1 == 'i' || c0 == 'k' && c1 == 'i' || c0 == 'i' && c1 == 'a' {
		return false
	}
	return !quietNeedles().any(s)
}

// quietNeedles are the needles of the result detectors (see Quiet), lower
// case, matched ignoring case.
var quietNeedles = sync.OnceValue(func() *needles {
	l := flowTables()
	var ws []string
	for _, w := range secretNeedles.words {
		ws = append(ws, strings.ToLower(w))
	}
	for _, n := range []*needles{injectionNeedles, l.gateRes, l.gateFlow} {
		if !n.fold {
			panic("inspect: Quiet assumes the injection needles ignore case")
		}
		ws = append(ws, n.words...)
	}
	return newNeedles(true, ws...)
})
