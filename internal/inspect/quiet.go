package inspect

import (
	"math/bits"
	"strings"
	"sync"
	"unsafe"
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
// "ki" or "ia" that starts the text; its request for a secret in the reply
// (requestSecret) also where Quiet is false, which reqQuietWords make it
// for wordings none of the others hold. Quiet looks for all of them at once,
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
	ws = append(ws, reqQuietWords...)
	return newNeedles(true, ws...)
})

// maxQuietJSON is the longest JSON text QuietJSON looks at: on a longer one
// a string with something to look at is likely, and the walk that follows
// would read it again.
const maxQuietJSON = 2048

// maxQuietQuotes bounds the quotes QuietJSON keeps (32 strings): a result
// of more strings is left to the walk.
const maxQuietQuotes = 64

// QuietJSON reports that every string value (not member name) of the
// valid JSON text raw is Quiet, which is what the result detectors' walk
// would find out, at a fraction of its cost: when raw is printable ASCII
// without a backslash, no string in it has an escape, every quote opens or
// closes one, and a string is a member name exactly when a colon follows
// it. It is false for texts longer than maxQuietJSON or of more than 32
// strings, and for any it cannot tell about that way; raw must be valid JSON (the caller's codec checked
// it). TestQuietJSON and FuzzQuietJSON hold it to Quiet value by value.
func QuietJSON(raw []byte) bool {
	if len(raw) > maxQuietJSON {
		return false
	}
	const ones, highs, lows = 0x0101010101010101, 0x8080808080808080, 0x7F7F7F7F7F7F7F7F
	s := unsafe.String(unsafe.SliceData(raw), len(raw))
	// One pass finds a byte that rules the text out and the quotes, whose
	// positions go to quotes; in valid JSON without a backslash they open
	// and close strings in turn.
	var quotes [maxQuietQuotes]uint16
	n := 0
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := load64(s, i)
		b := x ^ ('\\' * ones)
		// A byte ≥ 0x80, below 0x20, a DEL or a backslash.
		if x&highs != 0 || (x-0x20*ones)&^x&highs != 0 || (x^0x7F*ones-ones)&^(x^0x7F*ones)&highs != 0 || (b-ones)&^b&highs != 0 {
			return false
		}
		// The bytes that are quotes, exactly: a high bit where x^q is 0.
		q := x ^ ('"' * ones)
		for m := ^((q&lows + lows) | q | lows); m != 0; m &= m - 1 {
			if n == len(quotes) {
				return false
			}
			quotes[n] = uint16(i + bits.TrailingZeros64(m)>>3)
			n++
		}
	}
	for ; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c >= 0x7F || c == '\\':
			return false
		case c == '"':
			if n == len(quotes) {
				return false
			}
			quotes[n] = uint16(i)
			n++
		}
	}
	if n%2 != 0 {
		return false // not valid JSON after all
	}
	for k := 0; k < n; k += 2 {
		open, end := int(quotes[k])+1, int(quotes[k+1])
		if end-open < 12 {
			continue // shorter than any text the detectors look at
		}
		j := end + 1
		for j < len(s) && s[j] == ' ' {
			j++
		}
		if j < len(s) && s[j] == ':' {
			continue // a member name
		}
		if !QuietPlain(s[open:end], true) {
			return false
		}
	}
	return true
}
